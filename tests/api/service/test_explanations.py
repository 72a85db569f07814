"""Plan explanations through the API: the JSON tables, one CSV per table, older plans."""

from __future__ import annotations

import csv
import io

from api.service.db.models import PlanRow
from api.service.schemas.plans import ExplanationsPublic, PlanPublic
from tests.api.service.conftest import CM


def test_explanations_json_follows_the_schema(client, tokens, plan):
    public = PlanPublic.model_validate(plan)
    assert public.plan is not None and public.plan.communes and public.plan.stops
    r = client.get(f"/plans/{plan['id']}/explanations", headers=tokens["conseiller"])
    assert r.status_code == 200, r.text
    body = ExplanationsPublic.model_validate(r.json())
    document = plan["plan"]
    assert r.json() == {k: document[k] for k in ("stops", "communes", "unplanned")}
    territory, _ = client.app.state.milo.territories.get(CM)
    assert {c.commune for c in body.communes} == set(map(str, territory.communes.index))
    visited = {v["stop_id"] for v in document["visits"]}
    assert {s.stop_id for s in body.stops} == visited
    assert {u.stop_id for u in body.unplanned} == {d["stop_id"] for d in document["dropped"]}
    assert all(u.reason for u in body.unplanned) and all(s.why for s in body.stops)


def test_each_table_as_csv_with_french_headers(client, tokens, plan):
    h = tokens["conseiller"]
    document = plan["plan"]
    for table, key, first in (
        ("arrets", "stops", "Arrêt"),
        ("communes", "communes", "Code INSEE"),
        ("non-planifies", "unplanned", "Arrêt"),
    ):
        r = client.get(f"/plans/{plan['id']}/{table}.csv", headers=h)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        assert f"-{table}.csv" in r.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][0] == first and len(rows) == 1 + len(document[key])
    r = client.get(f"/plans/{plan['id']}/non-planifies.csv", headers=h)
    text = r.content.decode("utf-8-sig")
    reasons = [row["Raison"] for row in csv.DictReader(io.StringIO(text), delimiter=";")]
    assert reasons == [u["reason"] for u in document["unplanned"]]


def test_an_unknown_table_is_404_in_french(client, tokens, plan):
    r = client.get(f"/plans/{plan['id']}/arrêts.csv", headers=tokens["conseiller"])
    assert r.status_code == 404
    assert r.json()["detail"] == f"Table 'arrêts' inconnue pour le plan {plan['id']}."
    assert "arrets, communes, non-planifies" in r.json()["hint"]


def test_an_older_stored_plan_has_empty_tables(client, tokens, plan):
    db = client.app.state.milo.db
    with db.session() as s:
        row = s.get(PlanRow, plan["id"])
        document = {k: v for k, v in row.document.items() if k not in ("stops", "communes")}
        document.pop("unplanned")
        row.document = document
        s.commit()
    h = tokens["conseiller"]
    r = client.get(f"/plans/{plan['id']}/explanations", headers=h)
    assert r.status_code == 200 and r.json() == {"stops": [], "communes": [], "unplanned": []}
    r = client.get(f"/plans/{plan['id']}/communes.csv", headers=h)
    assert r.status_code == 200 and r.text.count("\r\n") == 1


def test_other_territories_cannot_read_the_explanations(client, tokens, plan):
    for url in (f"/plans/{plan['id']}/explanations", f"/plans/{plan['id']}/communes.csv"):
        assert client.get(url, headers=tokens["conseiller_mb"]).status_code == 403
        assert client.get(url).status_code == 401


def test_a_replan_has_its_own_explanations(client, tokens, plan):
    r = client.post(
        f"/plans/{plan['id']}/replan",
        headers=tokens["manager"],
        json={"changes": [{"kind": "close_date", "dates": ["2025-05-06"]}]},
    )
    assert r.status_code == 202, r.text
    new = client.get(f"/plans/{r.json()['id']}", headers=tokens["manager"]).json()["plan"]
    assert {s["stop_id"] for s in new["stops"]} == {v["stop_id"] for v in new["visits"]}
    # the tables are the re-planned plan's: its stops' visit counts, nothing on the closed date
    counts = {s["stop_id"]: s["visits"] for s in new["stops"]}
    assert counts == {sid: sum(v["stop_id"] == sid for v in new["visits"]) for sid in counts}
    assert all(v["date"] != "2025-05-06" for v in new["visits"])
    unplanned = {u["stop_id"] for u in new["unplanned"]}
    assert unplanned.isdisjoint(counts) and all(u["reason"] for u in new["unplanned"])
