"""Browser harness of the web application: a real ``milo serve`` on a fresh store with an
account for every role, Chromium pages that record JavaScript errors, failed requests and any
request to another host, axe-core (npm, ``maps/vendor/web/axe.min.js``) and screenshots at
desktop (1366x768) and phone (390x844) sizes in ``tests/artifacts/web/`` (git-ignored).

axe-core is evaluated through the DevTools protocol (``page.evaluate``), which the page's CSP
does not govern: the pages keep their real policy during the test.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.service.db.session import Database
from api.service.territory_store import seed_demo
from api.service.users import create_user
from maps.assets import vendor_dir
from tests.api.service.service_process import SECRET, Service, manager_headers, wait_for
from tests.maps.conftest import ARTIFACTS, chromium  # noqa: F401  (fixture)

DESKTOP = (1366, 768)
PHONE = (390, 844)
SIZES = {"bureau": DESKTOP, "telephone": PHONE}
SHOTS = ARTIFACTS / "web"
PASSWORD = "une phrase de passe solide"
#: name -> (e-mail, role, territory)
PEOPLE = {
    "manager": ("marie.responsable@ml-creusot.fr", "manager", "creusot-montceau"),
    "conseiller": ("julien.conseiller@ml-creusot.fr", "conseiller", "creusot-montceau"),
    "manager_mb": ("paul.responsable@ml-marches.fr", "manager", "marches-de-bourgogne"),
    "arml": ("claire@arml-bfc.fr", "arml", None),
    "admin": ("admin@milo.fr", "admin", None),
}
#: axe-core impacts that fail a page
BLOCKING = ("serious", "critical")


@dataclass
class Visit:
    """What happened on one page of the application."""

    page: Any
    origin: str
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert not self.errors, f"erreurs JavaScript : {self.errors}"
        assert not self.failed, f"requêtes en échec : {self.failed}"
        assert not self.foreign, f"requêtes vers un autre hôte : {self.foreign}"

    def goto(self, path: str) -> Any:
        return self.page.goto(self.origin + path, wait_until="load")

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's violations on the page as it is now (WCAG 2.0/2.1 A and AA rules)."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate((vendor_dir() / "web" / "axe.min.js").read_text())
        result = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
            }"""
        )
        return list(result)

    def check(self, name: str, *, report: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Screenshot as ``SHOTS/name.png``, axe-core, clean console; fails on a serious or
        critical violation. Records the violations in ``report`` (the closing note's table)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(150)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        violations = self.axe()
        if report is not None:
            report[name] = violations
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"{name} : axe-core {json.dumps(blocking, ensure_ascii=False)}"
        self.clean()
        return violations


class WebApp:
    """A ``milo serve`` subprocess on a fresh SQLite store with the accounts of :data:`PEOPLE`."""

    def __init__(self, tmp: Path, **env: str) -> None:
        self.db_url = f"sqlite:///{tmp / 'milo.sqlite3'}"
        db = Database(self.db_url)
        db.upgrade()
        seed_demo(db)
        with db.session() as s:
            for email, role, territory in PEOPLE.values():
                create_user(
                    s,
                    SECRET.encode(),
                    email=email,
                    role=role,
                    territory_id=territory,
                    name=email.split("@")[0].replace(".", " ").title(),
                    password=PASSWORD,
                )
            s.commit()
        db.dispose()
        env = {"MILO_LOAD_DEMO": "0", "MILO_DEFAULT_TIME_LIMIT": "3"} | env
        self.service = Service(self.db_url, tmp, **env)
        self.url = self.service.url

    def store(self) -> Database:
        return Database(self.db_url)

    def published_plan(self, territory: str = "creusot-montceau", **body: Any) -> str:
        """A plan made and published through the JSON API (a manager token); its id."""
        headers = manager_headers(self.db_url, territory)
        payload = {"start": "2025-05-05", "weeks": 2, "time_limit": 2, "seed": 1} | body
        r = httpx.post(
            f"{self.url}/territories/{territory}/plans", json=payload, headers=headers, timeout=30
        )
        assert r.status_code == 202, r.text
        plan_id = r.json()["id"]

        def done() -> bool:
            status = httpx.get(f"{self.url}/plans/{plan_id}", headers=headers, timeout=30)
            return status.json()["status"] in ("done", "failed")

        wait_for("plan done", done, 120, self.service.log)
        r = httpx.post(f"{self.url}/plans/{plan_id}/publish", headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        return plan_id


class Chromium:
    """One Chromium for the module; :meth:`visit` opens a fresh context (its own cookies)."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.browser = browser
        self.origin = origin

    def failure(self, request: Any) -> bool:
        """A request of the service that failed; not a download, nor a request that the
        browser itself cancelled when the test navigated on (``net::ERR_ABORTED``: a frame's
        page, an HTMX refresh; the page it belonged to is gone, the service did not fail: a
        failing service answers an error status, or refuses or drops the connection)."""
        why = request.failure or ""
        if not request.url.startswith(self.origin) or "download" in why:
            return False
        return "ERR_ABORTED" not in why

    def visit(self, size: tuple[int, int] = DESKTOP) -> Visit:
        context = self.browser.new_context(
            viewport={"width": size[0], "height": size[1]}, locale="fr-FR", device_scale_factor=1
        )
        # generous: a test fails on what it asserts, not because another pytest-xdist worker
        # holds the CPU while the server renders a heavy page (the week's kit)
        context.set_default_timeout(45000)
        page = context.new_page()
        visit = Visit(page, self.origin)
        page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
        page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: visit.failed.append(r.url) if self.failure(r) else None)

        def dialog(d: Any) -> None:
            visit.dialogs.append(d.message)
            d.accept()

        page.on("dialog", dialog)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith((self.origin, "data:", "blob:", "about:")):
                r.continue_()
            else:
                visit.foreign.append(url)
                r.abort()

        page.route("**/*", route)
        return visit

    def logged_in(self, who: str, size: tuple[int, int] = DESKTOP, then: str = "") -> Visit:
        """A new browser logged in as ``who``, on its home or on ``then``."""
        visit = self.visit(size)
        visit.goto(f"/connexion?suivant={then}" if then else "/connexion")
        visit.page.get_by_label("Adresse e-mail").fill(PEOPLE[who][0])
        visit.page.get_by_label("Mot de passe").fill(PASSWORD)
        visit.page.get_by_role("button", name="Se connecter").click()
        # the page after the login, loaded with its frames (``load`` alone may be the login
        # page's own, before the redirect)
        try:
            visit.page.wait_for_url(lambda url: "/connexion" not in url)
        except Exception:  # still on the login page: say what it shows
            raise AssertionError(visit.page.content()[:2000]) from None
        visit.page.wait_for_load_state("load")
        return visit


@pytest.fixture(scope="module")
def webapp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    app = WebApp(tmp_path_factory.mktemp("webapp"))
    app.service.start()
    try:
        yield app
    finally:
        app.service.stop()


@pytest.fixture(scope="module")
def browser(webapp: WebApp, chromium: Any) -> Iterator[Chromium]:  # noqa: F811
    """Pages of the application in the one Chromium of the test session (playwright's sync API
    cannot start twice in a process: :func:`tests.maps.conftest.chromium`)."""
    yield Chromium(chromium.browser, webapp.url)


AXE_REPORT: dict[str, Any] = {}


def stop_markers(frame: Any) -> int:
    """The numbered stops a map frame shows, once its script has drawn them (counting at
    the page's ``load`` races the frame's own rendering)."""
    frame.locator(".milo-stop-icon").first.wait_for()
    return int(frame.locator(".milo-stop-icon").count())


def write_axe_report() -> Path:
    """The violations of every checked page (``tests/artifacts/web/axe.json``), merged under a
    lock: pytest-xdist workers write it at the same time."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "axe.json"
    with (SHOTS / "axe.json.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = json.loads(path.read_text()) if path.is_file() else {}
        path.write_text(json.dumps(old | AXE_REPORT, ensure_ascii=False, indent=1))
    return path
