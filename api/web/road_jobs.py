"""Road network downloads started from the workbench: one background thread per territory.

The download itself is ``milo roads``'s (:func:`geo_data.roads_download.
download_territory_network`); this module keeps, per territory, its progress messages and its
outcome for the page's « Réseau routier » section, which polls them. A download is not a plan
job: it is not kept across a restart of the service, but the cache's manifest marks an
interrupted download as incomplete, and the next one resumes from the answers already received.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from geo_data.roads_download import download_territory_network
from planner.errors import MiloError
from planner.territory import Territory


@dataclass
class RoadDownload:
    """One download's progress: ``running``, then ``done`` or ``failed``."""

    status: str = "running"
    messages: list[str] = field(default_factory=list)
    error: str = ""
    hint: str = ""


class RoadDownloads:
    """The workbench's downloads by territory id (at most one running per territory)."""

    def __init__(self) -> None:
        self._jobs: dict[str, RoadDownload] = {}
        self._lock = threading.Lock()

    def get(self, territory_id: str) -> RoadDownload | None:
        with self._lock:
            return self._jobs.get(territory_id)

    def start(self, territory: Territory, *, force: bool = False) -> RoadDownload:
        """Start the territory's download unless one is running; return it."""
        with self._lock:
            current = self._jobs.get(territory.id)
            if current is not None and current.status == "running":
                return current
            job = self._jobs[territory.id] = RoadDownload()
        threading.Thread(
            target=self._run, args=(territory, job, force), daemon=True, name="milo-roads"
        ).start()
        return job

    @staticmethod
    def _run(territory: Territory, job: RoadDownload, force: bool) -> None:
        try:
            download_territory_network(territory, force=force, progress=job.messages.append)
        except MiloError as exc:
            job.error, job.hint, job.status = exc.message, exc.hint or "", "failed"
            return
        except Exception as exc:  # noqa: BLE001 - shown to the manager, never a silent thread death
            job.error = f"Erreur interne pendant le téléchargement ({type(exc).__name__})."
            job.status = "failed"
            return
        job.status = "done"


def downloads_of(app: Any) -> RoadDownloads:
    """The downloads of one application (kept on its ``state``: one registry per app, so two
    apps of one process, such as the tests', never see each other's)."""
    registry = getattr(app.state, "road_downloads", None)
    if registry is None:
        registry = app.state.road_downloads = RoadDownloads()
    return registry
