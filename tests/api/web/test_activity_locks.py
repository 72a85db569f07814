"""The Activité page's week locks: the manager locks and unlocks a week (POST + CSRF, audited),
locked rows show « semaine verrouillée » instead of their entry buttons, the conseiller sees
the lock without a button, and a write in a locked week is refused with the API's message."""

from __future__ import annotations

from sqlalchemy import select

from api.service.db.models import ActivityWeekLockRow, AuditRow
from tests.api.service.conftest import CM
from tests.api.web.activity_plan import HTMX, row_url, save_row, visits
from tests.api.web.conftest import post_form

PAGE = f"/territoires/{CM}/activite"
MONDAY = "2025-05-05"
LOCK = f"{PAGE}/semaines/{MONDAY}/verrouiller"
UNLOCK = f"{PAGE}/semaines/{MONDAY}/deverrouiller"
COUNTS = {"contacts": 12, "reperes": 4, "mobilises": 2}


def locks(client) -> list[ActivityWeekLockRow]:
    with client.app.state.milo.db.session() as s:
        rows = list(s.scalars(select(ActivityWeekLockRow)))
        s.expunge_all()
    return rows


def test_the_manager_locks_a_week_and_its_rows_lose_their_entry_buttons(as_person, published_plan):
    manager = as_person("manager")
    page = manager.get(PAGE).text
    assert "Verrouillage des semaines" in page and "Verrouiller la semaine" in page
    assert f'action="{LOCK}"' in page and "ouverte à la saisie" in page
    r = post_form(manager, LOCK, {"periode": "2025-05"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"{PAGE}?periode=2025-05#semaine-{MONDAY}"
    assert [str(row.week_start) for row in locks(manager)] == [MONDAY]
    page = manager.get(PAGE).text
    assert "Déverrouiller" in page and f'action="{UNLOCK}"' in page
    assert "semaine verrouillée" in page and "Marie (responsable)" in page
    assert "/saisie" not in page  # no « Saisir » / « Corriger » button on a locked row
    # the conseiller sees the lock, no button
    conseiller = as_person("conseiller")
    page = conseiller.get(PAGE).text
    assert "semaine verrouillée" in page and "Déverrouiller" not in page
    assert "Verrouiller la semaine" not in page
    # a write in the locked week: the API's 409 message, nothing stored
    visit = visits(published_plan)[0]
    r = save_row(conseiller, visit, **COUNTS)
    assert r.status_code == 422 and "Semaine verrouillée" in r.text
    assert "déverrouiller la semaine du 05/05/2025" in r.text
    form = conseiller.get(row_url(visit) + "/saisie", headers=HTMX)
    assert "Semaine verrouillée" in form.text and "Enregistrer" not in form.text
    page = conseiller.get(f"{PAGE}?saisir={visit['id']}").text
    assert "semaine verrouillée" in page and "Enregistrer" not in page
    # unlocked: entry works again
    assert post_form(manager, UNLOCK, follow_redirects=False).status_code == 303
    assert locks(manager) == []
    assert save_row(conseiller, visit, **COUNTS).status_code == 200
    with manager.app.state.milo.db.session() as s:
        done = list(s.scalars(select(AuditRow.action).where(AuditRow.action.like("activity.%"))))
    assert done == ["activity.lock", "activity.unlock", "activity.create"]
    assert "semaine verrouillée" in manager.get(f"/territoires/{CM}/journal").text


def test_only_the_territory_manager_locks_with_the_csrf_token(as_person, published_plan):
    for name in ("conseiller", "manager_mb", "arml"):
        client = as_person(name)
        r = post_form(client, LOCK)
        assert r.status_code == 403, (name, r.text)
        assert "Accès refusé" in r.text or "ne peut pas" in r.text
    manager = as_person("manager")
    r = manager.post(LOCK, data={}, follow_redirects=False)
    assert r.status_code == 403
    assert locks(manager) == []
    r = post_form(manager, f"{PAGE}/semaines/2025-05-06/verrouiller")
    assert r.status_code == 422 and "un lundi attendu" in r.text
    r = post_form(manager, LOCK, {"periode": '"><script>alert(1)</script>'})
    assert r.status_code == 422 and locks(manager) == []  # longer than a period: refused
    r = post_form(manager, LOCK, {"periode": '"><b>#x'}, follow_redirects=False)
    assert r.status_code == 303  # a short odd period goes back to the page, URL-encoded
    assert r.headers["location"] == f"{PAGE}?periode=%22%3E%3Cb%3E%23x#semaine-{MONDAY}"
