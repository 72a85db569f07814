"""Moving a visit from the plan's page (checked on the spot, then a re-plan) and locking
visits (TestClient, ``jobs_sync``)."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from api.service.db.models import AuditRow
from tests.api.web.conftest import post_form
from tests.api.web.test_plan_view import follow
from tests.api.web.test_planning import start_plan, stored
from tests.maps.injection import CORPUS

HTMX = {"HX-Request": "true"}


@pytest.fixture
def manager(as_person):
    return as_person("manager")


@pytest.fixture
def capped(manager) -> str:
    """A one-week draft where equipe-creusot holds 6 sessions: Friday is free for it."""
    return start_plan(manager, **{"van-0-sessions": "6"})


def creusot_visit(manager, plan_id: str) -> dict:
    return next(
        v for v in stored(manager, plan_id).document["visits"] if v["van"] == "equipe-creusot"
    )


def test_the_page_offers_move_and_lock_on_each_visit(manager, capped):
    html = manager.get(f"/tournees/{capped}").text
    visit = creusot_visit(manager, capped)
    check = (
        f'hx-post="/tournees/{capped}/visites/{visit["id"]}/deplacer/verifier" hx-trigger="change"'
    )
    assert check in html
    assert f'<label for="deplacer-{visit["id"]}-date">Date</label>' in html
    assert f'min="2025-05-05" max="2025-05-11" value="{visit["date"]}"' in html
    assert f'id="deplacer-{visit["id"]}-avis" role="status" aria-live="polite"' in html
    assert "Verrouiller (les re-planifications la gardent)" in html


def test_a_move_is_checked_on_the_spot_with_the_french_reason(manager, capped):
    visit = creusot_visit(manager, capped)
    url = f"/tournees/{capped}/visites/{visit['id']}/deplacer/verifier"
    holiday = post_form(
        manager, url, {"to_date": "2025-05-08", "to_slot": "matin", "to_van": "equipe-creusot"},
        headers=HTMX,
    )  # fmt: skip
    text = unescape(holiday.text)
    assert holiday.status_code == 200 and "Déplacement impossible" in text
    assert "jour férié (Fête de la Victoire)" in text and "vendredi 9 mai" in text
    ok = post_form(
        manager, url, {"to_date": "2025-05-09", "to_slot": "matin", "to_van": "equipe-creusot"},
        headers=HTMX,
    )  # fmt: skip
    assert "Ce déplacement tient" in ok.text and "vendredi 9 mai 2025" in ok.text
    bad = post_form(manager, url, {"to_date": "demain", "to_slot": "matin"}, headers=HTMX)
    assert bad.status_code == 422 and "Nouvelle date" in bad.text and 'role="alert"' in bad.text
    for text in CORPUS[:3]:
        r = post_form(manager, url, {"to_date": "2025-05-09", "to_slot": text}, headers=HTMX)
        assert r.status_code in (200, 422)
        assert "<img src=x" not in r.text and "<script>alert" not in r.text
    assert stored(manager, capped).stage == "draft"  # nothing saved by a check
    assert manager.post(url, data={"to_date": "2025-05-09"}).status_code == 403  # no CSRF


def test_a_move_becomes_a_replan_whose_draft_lists_it(manager, capped):
    visit = creusot_visit(manager, capped)
    r = post_form(
        manager,
        f"/tournees/{capped}/visites/{visit['id']}/deplacer",
        {"to_date": "2025-05-09", "to_slot": "apres-midi", "to_van": "equipe-creusot"},
        follow_redirects=False,
    )
    new = stored(manager, follow(r))
    assert new.status == "done", new.error
    moved = [c for c in new.document["changes"] if c["change"] == "moved"]
    assert [(c["stop_id"], c["new_date"], c["new_slot"]) for c in moved] == [
        (visit["stop_id"], "2025-05-09", "apres-midi")
    ]
    html = unescape(manager.get(f"/tournees/{new.id}").text)
    assert "visite déplacée" in html and "déplacée (était le" in html
    assert "Demandé : Déplacer une visite · " in html  # the request, in French, with its target
    assert "vers vendredi 9 mai 2025, après-midi, equipe-creusot" in html
    refused = post_form(
        manager,
        f"/tournees/{capped}/visites/{visit['id']}/deplacer",
        {"to_date": "2025-05-08", "to_slot": "matin"},
    )
    assert refused.status_code == 422 and "jour férié" in unescape(refused.text)


def test_lock_and_unlock_a_visit(manager, capped, as_person):
    visit = creusot_visit(manager, capped)
    url = f"/tournees/{capped}/visites/{visit['id']}/verrou"
    r = post_form(manager, url, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"#visite-{visit['id']}")
    locked = [v for v in stored(manager, capped).document["visits"] if v.get("locked")]
    assert [v["id"] for v in locked] == [visit["id"]]
    html = manager.get(f"/tournees/{capped}").text
    assert '<span class="badge locked">verrouillée</span>' in html and "Déverrouiller" in html
    cancel = post_form(
        manager, f"/tournees/{capped}/visites/{visit['id']}/annuler", {"reason": "meteo"}
    )
    assert cancel.status_code == 422 and "verrouill" in unescape(cancel.text)
    post_form(manager, url)
    assert not [v for v in stored(manager, capped).document["visits"] if v.get("locked")]
    with manager.app.state.milo.db.session() as s:
        entries = s.scalars(select(AuditRow).where(AuditRow.action == "plan.locks")).all()
        assert len(entries) == 2
    for who in ("conseiller", "manager_mb"):
        assert post_form(as_person(who), url).status_code == 403
