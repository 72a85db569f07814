"""Fixtures of the web application's tests: a store per test (SQLite; PostgreSQL too when
``MILO_TEST_POSTGRES_URL`` is set), people's accounts for every role, and logged-in clients.

Clients talk to ``https://testserver``: the session cookie is ``Secure`` in production."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.service.auth import create_token
from api.service.main import create_app
from api.service.settings import Settings, get_settings
from api.service.users import create_user
from tests.api.service.conftest import (  # noqa: F401  (db_url and what it requests: fixtures)
    CM,
    MB,
    db_url,
    make_plan,
    make_settings,
    pg_worker_schema,
    publish,
    sqlite_template,
)

PASSWORD = "une phrase de passe solide"
#: name -> (e-mail, role, territory)
PEOPLE = {
    "manager": ("marie.responsable@ml-creusot.fr", "manager", CM),
    "conseiller": ("julien.conseiller@ml-creusot.fr", "conseiller", CM),
    "manager_mb": ("paul.responsable@ml-marches.fr", "manager", MB),
    "arml": ("claire@arml-bfc.fr", "arml", None),
    "admin": ("admin@milo.fr", "admin", None),
}
CSRF = re.compile(r'data-csrf="([^"]+)"|name="csrf" value="([^"]+)"')


@pytest.fixture
def settings(db_url: str) -> Settings:  # noqa: F811
    return make_settings(db_url)


def web_client(settings: Settings) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    return TestClient(app, base_url="https://testserver")


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def login(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/connexion")
    r = client.post(
        "/connexion",
        data={"csrf": csrf_of(page.text), "email": email, "password": password},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    """An anonymous browser of a fresh store where every person of :data:`PEOPLE` has an
    account (password :data:`PASSWORD`)."""
    with web_client(settings) as client:
        db = client.app.state.milo.db
        with db.session() as s:
            for email, role, territory in PEOPLE.values():
                create_user(
                    s,
                    settings.secret,
                    email=email,
                    role=role,
                    territory_id=territory,
                    name=email.split("@")[0].split(".")[0].title(),
                    password=PASSWORD,
                )
            s.commit()
        yield client


@pytest.fixture
def as_person(app_client: TestClient, settings: Settings) -> Callable[[str], TestClient]:
    """``as_person("manager")``: a client logged in as that person (a new browser each call,
    sharing the store)."""
    opened: list[TestClient] = []

    def open_as(name: str) -> TestClient:
        client = TestClient(app_client.app, base_url="https://testserver")
        opened.append(client)
        return login(client, PEOPLE[name][0])

    yield open_as
    for client in opened:
        client.close()


def post_form(client: TestClient, url: str, data: dict | None = None, **kwargs) -> object:
    """POST a form of the application with the CSRF token of the viewer's session."""
    page = client.get("/compte")
    return client.post(url, data={"csrf": csrf_of(page.text), **(data or {})}, **kwargs)


@pytest.fixture
def api_manager(app_client: TestClient, settings: Settings) -> dict[str, str]:
    """The Authorization header of a manager token of CM (to build data through the API)."""
    db = app_client.app.state.milo.db
    token = create_token(db, settings.secret, role="manager", territory_id=CM)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def published_plan(app_client: TestClient, api_manager: dict[str, str]) -> dict:
    """A finished and published one-week plan of CM from Monday 5 May 2025, as the API gives
    it (its sessions are all in the past unless a test sets the clock)."""
    return publish(app_client, api_manager, make_plan(app_client, api_manager))
