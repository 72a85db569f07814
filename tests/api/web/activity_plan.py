"""Helpers of the activity and journal pages' tests: the visits of a published plan (fixture
``published_plan`` of the conftest), the clock, a row's form posted like HTMX does."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from api.service.auth import create_token
from api.service.clock import get_now
from api.service.settings import Settings
from tests.api.service.conftest import CM
from tests.api.web.conftest import csrf_of

PARIS = ZoneInfo("Europe/Paris")
HTMX = {"HX-Request": "true"}


def api_headers(client: TestClient, settings: Settings, role: str = "manager") -> dict:
    token = create_token(client.app.state.milo.db, settings.secret, role=role, territory_id=CM)
    return {"Authorization": f"Bearer {token}"}


def start_of(visit: dict) -> dt.datetime:
    day = dt.date.fromisoformat(visit["date"])
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=PARIS) + dt.timedelta(
        seconds=visit["start_s"]
    )


def visits(plan: dict) -> list[dict]:
    """The plan's visits by session start."""
    return sorted(plan["plan"]["visits"], key=start_of)


def set_now(client: TestClient, moment: dt.datetime) -> None:
    client.app.dependency_overrides[get_now] = lambda: moment


def row_url(visit: dict) -> str:
    return f"/territoires/{CM}/activite/{visit['id']}"


def save_row(client: TestClient, visit: dict, htmx: bool = True, **values: object):
    """POST a row's form (the CSRF token is the session's, as HTMX sends it)."""
    csrf = csrf_of(client.get("/compte").text)
    data = {"csrf": csrf, "approach": visit["approach"]} | {k: str(v) for k, v in values.items()}
    return client.post(
        row_url(visit), data=data, headers=HTMX if htmx else {}, follow_redirects=False
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("img", "svg", "style", "iframe", "object"):
            self.found.append(tag)
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("inline script")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def injected(page: str) -> list[str]:
    """Elements or attributes a user text would create if it were not escaped (none of our
    pages has an image, an inline style or script, an ``on*`` handler or a javascript: URL)."""
    parser = _Tags()
    parser.feed(page)
    return parser.found
