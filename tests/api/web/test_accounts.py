"""Accounts in the browser: login page, session cookie flags, CSRF, the login lock, logout,
disabling, password change, invitations, role and territory boundaries, injection."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.service.db.models import AuditRow, UserRow, WebSessionRow
from api.service.users import FAILURES_LIMIT, disable_user, get_user
from tests.api.web.conftest import (
    PASSWORD,
    PEOPLE,
    csrf_of,
    make_settings,
    post_form,
    web_client,
)
from tests.maps.injection import CORPUS, EVALUATED

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

MANAGER = PEOPLE["manager"][0]


def _login_attempt(client: TestClient, email: str, password: str, **extra):
    page = client.get("/connexion")
    return client.post(
        "/connexion",
        data={"csrf": csrf_of(page.text), "email": email, "password": password, **extra},
        follow_redirects=False,
    )


def test_login_page_has_the_labelled_fields_and_button(app_client):
    page = app_client.get("/connexion")
    assert page.status_code == 200
    html = page.text
    assert '<label for="email">Adresse e-mail</label>' in html
    assert '<label for="password">Mot de passe</label>' in html
    assert '<button type="submit">Se connecter</button>' in html
    assert 'lang="fr"' in html
    assert "form-action 'self'" in page.headers["content-security-policy"]


def test_anonymous_pages_lead_to_the_login_page_and_back(app_client):
    r = app_client.get("/territoires/creusot-montceau/equipe", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/connexion?suivant=/territoires/creusot-montceau/equipe"
    htmx = app_client.get("/territoires/creusot-montceau/equipe", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith("/connexion?suivant=")
    back = _login_attempt(
        app_client, MANAGER, PASSWORD, suivant="/territoires/creusot-montceau/equipe"
    )
    assert back.headers["location"] == "/territoires/creusot-montceau/equipe"
    # never to another site
    app_client.cookies.clear()
    away = _login_attempt(app_client, MANAGER, PASSWORD, suivant="//evil.example/x")
    assert away.headers["location"] == "/"


def test_session_cookie_is_httponly_lax_and_secure_in_production(app_client):
    r = _login_attempt(app_client, MANAGER, PASSWORD)
    assert r.status_code == 303
    cookie = next(
        v for k, v in r.headers.multi_items() if k == "set-cookie" and "milo_session=" in v
    )
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax", "secure", "path=/"} <= flags
    # the store keeps only the cookie's HMAC
    value = cookie.split(";")[0].split("=", 1)[1]
    with app_client.app.state.milo.db.session() as s:
        ids = s.scalars(select(WebSessionRow.id)).all()
    assert value not in ids and len(ids) == 1


def test_session_cookie_is_not_secure_in_development(db_url):
    settings = make_settings(db_url, env="development", secret_key="")
    with web_client(settings) as client:
        with client.app.state.milo.db.session() as s:
            from api.service.users import create_user

            create_user(
                s,
                settings.secret,
                email="dev@ml.fr",
                role="arml",
                territory_id=None,
                password=PASSWORD,
            )
            s.commit()
        r = _login_attempt(client, "dev@ml.fr", PASSWORD)
        cookie = next(v for k, v in r.headers.multi_items() if "milo_session=" in v)
        assert "secure" not in cookie.lower()


def test_a_post_without_the_csrf_token_is_refused(app_client, as_person):
    # login form: the double-submit token must match its cookie
    app_client.get("/connexion")
    r = app_client.post("/connexion", data={"email": MANAGER, "password": PASSWORD})
    assert r.status_code == 403 and "jeton de sécurité du formulaire (CSRF)" in r.text
    r = app_client.post(
        "/connexion", data={"csrf": "autre", "email": MANAGER, "password": PASSWORD}
    )
    assert r.status_code == 403
    manager = as_person("manager")
    invite = {"email": "nouveau@ml.fr", "name": "Nouveau"}
    for attempt in ({}, {"csrf": "faux"}):
        r = manager.post("/territoires/creusot-montceau/equipe", data=invite | attempt)
        assert r.status_code == 403 and "CSRF" in r.text
    r = manager.post("/deconnexion")
    assert r.status_code == 403
    with manager.app.state.milo.db.session() as s:
        assert s.scalar(select(UserRow).where(UserRow.email == "nouveau@ml.fr")) is None
    # the same request with the token goes through, and HTMX's header counts as the token
    page = manager.get("/territoires/creusot-montceau/equipe")
    ok = manager.post(
        "/territoires/creusot-montceau/equipe",
        data=invite,
        headers={"X-CSRF-Token": csrf_of(page.text)},
    )
    assert ok.status_code == 201


def test_the_tenth_failed_login_in_a_minute_is_refused_with_429(app_client):
    answers = [_login_attempt(app_client, MANAGER, f"faux-{i}") for i in range(FAILURES_LIMIT)]
    assert [a.status_code for a in answers] == [401] * FAILURES_LIMIT
    assert "Adresse e-mail ou mot de passe incorrect" in answers[0].text
    tenth = _login_attempt(app_client, MANAGER, "faux-10")
    assert tenth.status_code == 429
    assert "Trop de tentatives de connexion manquées" in tenth.text
    assert int(tenth.headers["Retry-After"]) > 0
    # locked: even the right password waits
    right = _login_attempt(app_client, MANAGER, PASSWORD)
    assert right.status_code == 429
    # another person from another address is not locked out
    other = TestClient(app_client.app, base_url="https://testserver", client=("10.0.0.9", 1))
    assert _login_attempt(other, PEOPLE["conseiller"][0], PASSWORD).status_code == 303


def test_a_disabled_user_s_open_session_stops_working_at_once(as_person, settings):
    conseiller = as_person("conseiller")
    assert conseiller.get("/terrain").status_code == 200
    with conseiller.app.state.milo.db.session() as s:
        disable_user(s, get_user(s, PEOPLE["conseiller"][0]))
        s.commit()
    r = conseiller.get("/terrain", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/connexion")
    again = _login_attempt(conseiller, PEOPLE["conseiller"][0], PASSWORD)
    assert again.status_code == 401


def test_manager_disables_a_conseiller_from_the_web_and_it_is_audited(as_person):
    conseiller = as_person("conseiller")
    manager = as_person("manager")
    with manager.app.state.milo.db.session() as s:
        target = get_user(s, PEOPLE["conseiller"][0])
        target_id, manager_id = target.id, get_user(s, MANAGER).id
    r = post_form(manager, f"/territoires/creusot-montceau/equipe/{target_id}/desactiver")
    assert r.status_code == 200 and "désactivé" in r.text
    assert conseiller.get("/terrain", follow_redirects=False).status_code == 303
    with manager.app.state.milo.db.session() as s:
        entry = s.scalar(select(AuditRow).where(AuditRow.action == "user.disable"))
        assert entry.actor_user_id == manager_id and entry.actor_token_id is None
        assert entry.territory_id == "creusot-montceau"


def test_logout_revokes_the_session_in_the_store(as_person):
    manager = as_person("manager")
    cookie = manager.cookies.get("milo_session")
    r = post_form(manager, "/deconnexion", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/connexion"
    replay = TestClient(manager.app, base_url="https://testserver")
    replay.cookies.set("milo_session", cookie)
    assert replay.get("/compte", follow_redirects=False).status_code == 303


def test_password_change_revokes_the_other_sessions(as_person):
    phone = as_person("manager")
    laptop = as_person("manager")
    page = laptop.get("/compte")
    new = "un tout nouveau mot de passe"
    r = laptop.post(
        "/compte",
        data={
            "csrf": csrf_of(page.text),
            "current": PASSWORD,
            "password": new,
            "confirmation": new,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert laptop.get("/compte").status_code == 200  # this browser got a new session
    assert phone.get("/compte", follow_redirects=False).status_code == 303
    assert _login_attempt(phone, MANAGER, PASSWORD).status_code == 401
    assert _login_attempt(phone, MANAGER, new).status_code == 303
    # errors are French and change nothing
    page = laptop.get("/compte")
    short = laptop.post(
        "/compte",
        data={
            "csrf": csrf_of(page.text),
            "current": new,
            "password": "court",
            "confirmation": "court",
        },
    )
    assert short.status_code == 422 and "Mot de passe trop court" in short.text


def test_an_invitation_link_sets_the_password_once(as_person, app_client):
    manager = as_person("manager")
    r = post_form(
        manager,
        "/territoires/creusot-montceau/equipe",
        {"email": "Lea.Nouvelle@ml-creusot.fr", "name": "Léa Nouvelle"},
    )
    assert r.status_code == 201
    link = re.search(r'value="http://127\.0\.0\.1:8000(/invitation/[\w-]+)"', r.text).group(1)
    fresh = TestClient(app_client.app, base_url="https://testserver")
    page = fresh.get(link)
    assert page.status_code == 200 and "Bienvenue, Léa Nouvelle" in page.text
    mismatch = fresh.post(
        link,
        data={
            "csrf": csrf_of(page.text),
            "password": "une phrase bien longue",
            "confirmation": "une autre phrase",
        },
    )
    assert mismatch.status_code == 422 and "diffèrent" in mismatch.text
    page = fresh.get(link)
    done = fresh.post(
        link,
        data={
            "csrf": csrf_of(page.text),
            "password": "une phrase bien longue",
            "confirmation": "une phrase bien longue",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert fresh.get("/", follow_redirects=False).headers["location"] == "/terrain"
    used = TestClient(app_client.app, base_url="https://testserver").get(link)
    assert used.status_code == 404 and "déjà utilisé ou expiré" in used.text


@pytest.mark.parametrize("who", ["conseiller", "arml"])
def test_non_managers_get_the_french_403_page_on_manager_pages(as_person, who):
    r = as_person(who).get("/territoires/creusot-montceau/equipe")
    assert r.status_code == 403
    assert "<h1>Accès refusé</h1>" in r.text and "text/html" in r.headers["content-type"]


def test_a_manager_cannot_open_another_territory(as_person):
    r = as_person("manager").get("/territoires/marches-de-bourgogne/equipe")
    assert r.status_code == 403
    assert "est rattaché au territoire creusot-montceau, pas à marches-de-bourgogne" in r.text


def test_role_homes_are_closed_to_other_roles(as_person):
    assert as_person("manager").get("/admin").status_code == 403
    assert as_person("conseiller").get("/region").status_code == 403
    assert as_person("arml").get("/terrain").status_code == 403
    assert as_person("admin").get("/admin/comptes").status_code == 200


def test_the_injection_corpus_through_the_invitation_form_renders_inert(as_person):
    manager = as_person("manager")
    for i, text in enumerate(CORPUS):
        r = post_form(
            manager,
            "/territoires/creusot-montceau/equipe",
            {"email": f"x{i}@ml.fr", "name": text},
        )
        assert r.status_code in (201, 422), (text, r.text)
    page = manager.get("/territoires/creusot-montceau/equipe").text
    for bad in ("<img src=x", "<script>alert", "<svg onload", 'href="javascript:', "<style>*"):
        assert bad not in page
    assert EVALUATED not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_unknown_address_is_a_french_html_page_for_browsers_and_json_for_the_api(app_client):
    page = app_client.get("/nulle-part", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Page introuvable" in page.text
    api = app_client.get("/nulle-part")
    assert api.status_code == 404 and api.json()["detail"] == "Adresse inconnue."
