"""Fixtures of the map tests: demo plans built without the engine, and a headless chromium."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from geo_data.demo import load_demo_territory
from planner.territory import Territory

CHROMIUM = Path(os.environ.get("MILO_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def marches() -> Territory:
    return load_demo_territory("marches-de-bourgogne")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def make_plan(
    territory: Territory, *, weeks: int = 2, method: str = "estimate", geometry: bool = False
) -> dict[str, Any]:
    """A small valid plan.json dict: each van visits two town halls per weekday (no solver)."""
    start = dt.date(2025, 9, 1)
    hosts = territory.partners[territory.partners["type"] == "mairie"]
    by_van = {van.id: territory.base(van.base) for van in territory.vans}
    visits, days = [], []
    k = 0
    for week in range(weeks):
        for wd in range(5):
            date = start + dt.timedelta(weeks=week, days=wd)
            for van, base in by_van.items():
                stops = []
                for slot, (s, e) in (("matin", (540, 720)), ("apres-midi", (840, 1020))):
                    row = hosts.iloc[k % len(hosts)]
                    k += 7
                    stops.append(str(row["commune"]))
                    visits.append(
                        {
                            "date": date.isoformat(),
                            "van": van,
                            "slot": slot,
                            "stop_id": str(row["commune"]),
                            "stop_name": str(territory.communes.loc[row["commune"], "name"]),
                            "commune": str(row["commune"]),
                            "lon": float(row.geometry.x),
                            "lat": float(row.geometry.y),
                            "arrival": _hhmm(s - 10),
                            "start": _hhmm(s),
                            "end": _hhmm(e),
                            "host": str(row["name"]),
                            "need": 12.5,
                            "frr_class": "frr_plus",
                            "qpv": False,
                        }
                    )
                day = {
                    "van": van,
                    "date": date.isoformat(),
                    "leave_base": "08:30",
                    "return_base": "17:40",
                    "drive_s": 5400,
                    "drive_m": 80000,
                    "stops": stops,
                }
                if geometry:  # a bent line through each stop, as a road would be
                    way = [(base.lon, base.lat)] + [(p["lon"], p["lat"]) for p in visits[-2:]]
                    way.append((base.lon, base.lat))
                    line = []
                    for (x0, y0), (x1, y1) in zip(way, way[1:], strict=False):
                        line += [[x0, y0], [(x0 + x1) / 2 + 0.01, (y0 + y1) / 2 - 0.01]]
                    day["geometry"] = [*line, [base.lon, base.lat]]
                days.append(day)
    return {
        "territory": territory.id,
        "travel_time_method": method,
        "start": start.isoformat(),
        "weeks": weeks,
        "visits": visits,
        "days": days,
        "dropped": [],
        "kpis": {},
        "solver": {"name": "fixture"},
        "van_bases": {van: [b.lon, b.lat] for van, b in by_van.items()},
    }


@pytest.fixture()
def small_plan(marches: Territory) -> dict[str, Any]:
    return make_plan(marches, weeks=2)


@dataclass
class PageReport:
    """What happened while a page loaded offline."""

    page: Any
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    load_s: float = 0.0

    def check_clean(self) -> None:
        assert not self.errors, f"erreurs JavaScript : {self.errors}"
        assert not self.blocked, f"requêtes réseau : {self.blocked}"
        assert not self.failed, f"requêtes en échec : {self.failed}"


class Browser:
    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 860}, device_scale_factor=1
        )
        self.context.set_default_timeout(5000)

    def open(self, path: Path, *, viewport: tuple[int, int] | None = None) -> PageReport:
        return self.open_with(path, viewport=viewport)

    def open_with(
        self,
        path: Path,
        *,
        viewport: tuple[int, int] | None = None,
        on_dialog: Callable[[str], None] | None = None,
        ready: str = ".leaflet-container",
    ) -> PageReport:
        """Open ``path`` and wait for ``ready`` (a map's container by default); each dialog
        (alert, confirm...) is passed to ``on_dialog`` and dismissed (an unhandled one would
        block the page)."""
        page = self.context.new_page()

        def dialog(d: Any) -> None:
            if on_dialog is not None:
                on_dialog(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        if viewport:
            page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        report = PageReport(page)
        page.on("pageerror", lambda exc: report.errors.append(str(exc)))
        page.on(
            "console", lambda msg: report.errors.append(msg.text) if msg.type == "error" else None
        )
        page.on("requestfailed", lambda req: report.failed.append(req.url))

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file://", "data:", "blob:")):
                r.continue_()
            else:
                report.blocked.append(url)
                r.abort()

        page.route("**/*", route)
        t0 = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_selector(ready)
        report.load_s = time.perf_counter() - t0
        return report

    def screenshot(self, report: PageReport, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / name
        report.page.wait_for_timeout(300)
        report.page.screenshot(path=str(target))
        return target


#: The running browser, shared by every module that uses :func:`chromium` (playwright's sync
#: API cannot start twice in one process).
_SHARED: dict[str, Browser] = {}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} absent : lancez bash .ci/install-browser.sh (make test le fait)")
    if "browser" in _SHARED:  # the fixture imported by another test module: one playwright
        yield _SHARED["browser"]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        _SHARED["browser"] = Browser(browser)
        try:
            yield _SHARED["browser"]
        finally:
            del _SHARED["browser"]
            browser.close()


_BOUND_TEXT = re.compile(r'\.(?:setContent|bindTooltip)\(("(?:[^"\\]|\\.)*")')


def page_markup(html: str) -> str:
    """The page and, after it, the markup of every popup and tooltip, decoded from the JSON
    string each is passed as (maps/safe_text.py), one per line."""
    bound = (json.loads(text) for text in _BOUND_TEXT.findall(html))
    return "\n".join([html, *bound])
