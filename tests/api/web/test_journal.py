"""The « Journal » page: the territory's audit log for its manager, newest first, 50 a page,
with the person behind each entry, a French label, the target and before → after."""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import escape
from sqlalchemy import select

from api.service import audit
from api.service.auth import Principal, Role
from api.service.db.models import AuditRow, UserRow
from api.service.users import create_user
from api.web.routes.journal import PAGE_SIZE
from tests.api.service.conftest import CM, MB
from tests.api.web.activity_plan import injected, save_row, visits
from tests.api.web.conftest import PEOPLE
from tests.maps.injection import CORPUS

JOURNAL = f"/territoires/{CM}/journal"
ROWS = re.compile(r"<tr>\s*<th scope=\"row\">")


def add_entries(client, n: int, **values) -> None:
    """``n`` entries written straight to the store (a manager token's partner edits)."""
    who = Principal(token_id=7, role=Role.MANAGER, territory_id=CM)
    with client.app.state.milo.db.session() as s:
        for i in range(n):
            audit.record(
                s,
                who,
                values.get("action", "partner.update"),
                values.get("target", f"territories/{CM}/partners/p{i}"),
                values.get("before", {"name": f"Ancien {i}"}),
                values.get("after", {"name": f"Nouveau {i}"}),
                at=values.get("at"),
            )
        s.commit()


def test_the_journal_shows_who_did_what_with_before_and_after(as_person, published_plan):
    manager = as_person("manager")
    visit = visits(published_plan)[0]
    assert save_row(manager, visit, contacts=12, reperes=4, mobilises=2).status_code == 200
    assert save_row(manager, visit, contacts=14, reperes=4, mobilises=2).status_code == 200
    r = manager.get(JOURNAL)
    assert r.status_code == 200, r.text
    page = r.text
    assert "<h1>Journal" in page and "<caption id=" in page and '<th scope="col">Qui</th>' in page
    email = PEOPLE["manager"][0]
    assert "Marie" in page and email in page  # the account behind the entries
    assert "activité saisie" in page and "activité corrigée" in page
    assert "contacts : 12 → 14" in page and "révision : 1 → 2" in page
    assert "plan publié" in page and "jeton API n° " in page  # published through the API
    assert "connexion" in page  # the manager's login
    assert f"séance du {escape('lundi 5 mai 2025')}" in page
    # newest first: the correction before the creation, before the publication
    assert (
        page.index("activité corrigée") < page.index("activité saisie") < page.index("plan publié")
    )
    nav = re.search(r'<ul class="main-nav">(.*?)</ul>', page, re.S)
    assert nav is not None
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert links.index(f"/territoires/{CM}/equipe") + 1 == links.index(JOURNAL)


def test_times_are_french_in_europe_paris(as_person):
    manager = as_person("manager")
    add_entries(manager, 1, at=dt.datetime(2025, 5, 6, 12, 30, tzinfo=dt.UTC))
    page = manager.get(JOURNAL).text
    assert "mardi 6 mai 2025 à 14:30" in page  # UTC+2 in May
    assert "partenaire modifié" in page and "nom : Ancien 0 → Nouveau 0" in page
    assert "partenaire « Nouveau 0 »" in page


def test_a_partner_created_through_the_api_is_shown_compactly(as_person, app_client, api_manager):
    body = {
        "name": "Épicerie solidaire du Breuil",
        "type": "epicerie_sociale",
        "lon": 4.47,
        "lat": 46.81,
        "commune": "71059",
    }
    r = app_client.post(f"/territories/{CM}/partners", json=body, headers=api_manager)
    assert r.status_code == 201, r.text
    page = as_person("manager").get(JOURNAL).text
    assert "partenaire ajouté" in page and "partenaire « Épicerie solidaire du Breuil »" in page
    assert "nom : Épicerie solidaire du Breuil" in page
    first = page[page.index("partenaire ajouté") :]
    listed = first[: first.index("</ul>")].count("<li>")
    assert listed <= 8


def test_the_journal_is_paginated_by_fifty(as_person):
    manager = as_person("manager")
    add_entries(manager, PAGE_SIZE + 10)
    with manager.app.state.milo.db.session() as s:
        total = len(s.scalars(select(AuditRow).where(AuditRow.territory_id == CM)).all())
    first = manager.get(JOURNAL).text
    assert len(ROWS.findall(first)) == PAGE_SIZE
    assert "page 1 sur 2" in first and 'href="?page=2"' in first
    second = manager.get(JOURNAL + "?page=2").text
    assert len(ROWS.findall(second)) == total - PAGE_SIZE
    assert 'href="?page=1"' in second and "Page suivante" not in second
    # the newest entry is first on page 1, the oldest last on page 2
    assert f"Nouveau {PAGE_SIZE + 9}" in first and "Nouveau 0" in second
    beyond = manager.get(JOURNAL + "?page=9")
    assert beyond.status_code == 200 and "revenir à la première page" in beyond.text
    assert manager.get(JOURNAL + "?page=0").status_code == 422


def test_conseillers_other_managers_and_the_arml_get_the_french_403(as_person):
    for name in ("conseiller", "manager_mb", "arml"):
        r = as_person(name).get(JOURNAL)
        assert r.status_code == 403, name
        assert "Accès refusé" in r.text and "journal" in r.text, name
    conseiller = as_person("conseiller").get("/terrain").text
    assert JOURNAL not in conseiller
    assert as_person("manager_mb").get(f"/territoires/{MB}/journal").status_code == 200


def test_injection_strings_in_names_and_values_are_shown_inert(as_person, settings):
    manager = as_person("manager")
    with manager.app.state.milo.db.session() as s:
        ids = []
        for i, text in enumerate(CORPUS):
            new = create_user(
                s,
                settings.secret,
                email=f"c{i}@ml-creusot.fr",
                role="conseiller",
                territory_id=CM,
                name=text,
                password="une phrase de passe solide",
            )
            ids.append(new.user.id)
        s.flush()
        for uid, text in zip(ids, CORPUS, strict=True):
            who = Principal(token_id=None, role=Role.CONSEILLER, territory_id=CM, user_id=uid)
            audit.record(s, who, text[:40], text[:200], {"name": text}, {text[:30]: text})
        s.commit()
        names = {u.id: u.name for u in s.scalars(select(UserRow).where(UserRow.id.in_(ids)))}
    page = manager.get(JOURNAL).text
    assert injected(page) == [] and "42-evalue" not in page
    for name in names.values():
        assert str(escape(name)) in page


def test_an_outcome_row_is_named_in_french(as_person, app_client, api_manager):
    body = {"mobilises": 5, "pacea": 2, "duree_moins_3_mois": 5}
    r = app_client.put(f"/territories/{CM}/outcomes/2025-03/maraude", json=body,
                       headers=api_manager)  # fmt: skip
    assert r.status_code == 201, r.text
    page = as_person("manager").get(JOURNAL).text
    assert "suites des parcours de mars 2025, maraude" in page
    assert "<li>PACEA : 2</li>" in page and "<li>CEJ Mission Locale : 0</li>" in page
    assert "pacea :" not in page
