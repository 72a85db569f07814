"""Every approach in the service's outputs: the GeoJSON export says what each session is, an
activity record takes its visit's approach unless it gives one of the approaches."""

from __future__ import annotations

import datetime as dt

from api.service.db.models import VisitRow
from api.service.plan_index import IndexedVisit
from api.service.responses import PARIS, next_stop_public, plan_geojson
from planner.taxonomy import Approach
from tests.api.service.test_partners_activity import post_activity
from tests.approach_plan import every_kind_plan
from tests.official_schemas import validate_geojson


def test_geojson_visit_points_say_kind_approach_and_resource_and_keep_their_type() -> None:
    geo = plan_geojson(every_kind_plan().to_json())
    validate_geojson(geo)  # the official GeoJSON schema of geojson.org
    points = {
        f["properties"]["stop_id"]: f["properties"]
        for f in geo["features"]
        if f["properties"]["kind"] == "visite"  # the feature's type, as before
    }
    maraude = points["m3"]
    assert (maraude["session_kind"], maraude["approach"], maraude["resource"]) == (
        "maraude",
        "maraude",
        "equipe",
    )
    assert maraude["session_kind_label"] == "Maraude"
    assert maraude["resource_label"] == "Équipe equipe-1"
    assert points["p2"]["approach_label"] == "Repérage par les acteurs de proximité"
    assert points["s1"]["session_kind_label"] == "Arrêt du véhicule"
    assert "private" not in maraude  # not a GeoJSON property (plan schema)
    days = {f["properties"]["van"]: f["properties"] for f in geo["features"] if
            f["properties"]["kind"] == "journee"}  # fmt: skip
    assert {van: d["resource"] for van, d in days.items()} == {
        "van-1": "vehicule",
        "equipe-1": "equipe",
    }


# -- activity per approach ------------------------------------------------------------------


def _set_visit_approach(client, visit_id: int, approach: str, kind: str) -> None:
    """The demo plans hold van stops only: make one stored visit a maraude (as a plan with
    teams stores it)."""
    db = client.app.state.milo.db
    with db.session() as s:
        row = s.get(VisitRow, visit_id)
        row.approach, row.kind, row.resource = approach, kind, "equipe"
        s.commit()


def test_activity_without_approach_takes_the_visit_s_own(client, tokens, plan):
    van_stop, maraude = plan["plan"]["visits"][0], plan["plan"]["visits"][1]
    _set_visit_approach(client, maraude["id"], "maraude", "maraude")
    h = tokens["conseiller"]
    r = post_activity(client, h, plan, maraude["id"])
    assert r.status_code == 201, r.text
    assert r.json()["approach"] == "maraude"
    r = post_activity(client, h, plan, van_stop["id"], approach=None)
    assert r.status_code == 201 and r.json()["approach"] == "vehicule_itinerant"


def test_activity_with_an_approach_keeps_the_one_given(client, tokens, plan):
    visit = plan["plan"]["visits"][1]
    _set_visit_approach(client, visit["id"], "maraude", "maraude")
    r = post_activity(client, tokens["conseiller"], plan, visit["id"], approach="evenements")
    assert r.status_code == 201 and r.json()["approach"] == "evenements"
    url = f"/plans/{plan['id']}/visits/{visit['id']}/activity"
    body = {"contacts": 3, "reperes": 1, "mobilises": 0}  # a correction without approach
    r = client.put(url, json=body, headers=tokens["conseiller"])
    assert r.status_code == 200 and r.json()["approach"] == "maraude"


def test_an_unknown_approach_is_a_french_422_listing_the_valid_ones(client, tokens, plan):
    visit = plan["plan"]["visits"][0]
    r = post_activity(client, tokens["conseiller"], plan, visit["id"], approach="porte-a-porte")
    assert r.status_code == 422
    (error,) = [e for e in r.json()["errors"] if e["champ"] == "body.approach"]
    assert error["erreur"].startswith("valeur inconnue, attendue parmi : 'maraude', ")
    assert all(f"'{a.value}'" in error["erreur"] for a in Approach)
    assert "' ou 'reseaux_sociaux'" in error["erreur"] and " or " not in error["erreur"]


def test_next_stop_answer_says_what_session_it_is_and_who_holds_it() -> None:
    document = every_kind_plan().to_json()
    maraude = next(v for v in document["visits"] if v["stop_id"] == "m3")
    visit = IndexedVisit.from_json(maraude | {"id": 7})
    at = dt.datetime(2026, 3, 2, 12, 0, tzinfo=PARIS)
    body = next_stop_public("p", visit, at, 12 * 3600, None)
    assert body["session"] == {
        "kind": "maraude",
        "kind_label": "Maraude",
        "approach": "maraude",
        "approach_label": "Maraude",
        "resource": "equipe",
        "resource_label": "Équipe equipe-1",
    }
    assert body["van"] == "equipe-1" and body["status"] == "a_venir"
