"""The communication kit of a published plan, from the manager's workbench.

- ``GET /tournees/{plan_id}/kit?semaine=N``: the week's post images, the text to paste, the
  posters per stop and the sheets per host partner, and the whole kit as a zip;
- ``GET /tournees/{plan_id}/kit/semaine-{N}.zip``: the zip (what ``milo kit`` writes);
- ``GET /tournees/{plan_id}/kit/semaine-{N}/{file}``: one file of it.

The territory's manager only, and the published plan only (a draft announces nothing: a
French 409). The links and QR codes lead to the public page under ``MILO_PUBLIC_URL`` (else
the request's own address). A kit is built once per plan, week, address and day, then kept
(:data:`CACHE_SIZE` kits in this process).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.service.auth import require_manager
from api.service.deps import AppState, StateDep
from api.service.errors import ConflictError
from api.service.web_sessions import Viewer
from api.web.deps import ViewerDep, WebMark
from api.web.pages import PARIS, render
from api.web.routes.agenda import public_base
from api.web.routes.plan_view import load
from maps.kit.bundle import PublicUrls, week_kit, zip_of
from planner.errors import NotFoundError
from planner.itinerary.plan import Plan
from planner.publication import day_fr, plan_weeks

router = APIRouter(include_in_schema=False, dependencies=[WebMark])
CACHE_SIZE = 6
_cache: OrderedDict[tuple, dict[str, bytes]] = OrderedDict()
_lock = threading.Lock()
TYPES = {".png": "image/png", ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8"}


def _kit(
    request: Request, state: AppState, viewer: Viewer, plan_id: str, week: int
) -> tuple[Plan, dict[str, bytes], int]:
    """The plan, its week ``week`` kit and the number of weeks; checks the viewer and stage."""
    row, territory = load(state, viewer, plan_id, action="préparer le kit de communication")
    require_manager(viewer.principal, row.territory_id, action="préparer le kit de communication")
    if row.stage != "published" or row.document is None:
        raise ConflictError(
            "Le kit de communication se prépare depuis le plan publié : ce plan n'est pas "
            "publié, il n'annonce rien au public.",
            hint="Publiez ce plan, ou ouvrez le plan publié du territoire (page Plans).",
        )
    plan = Plan.from_json(row.document)
    urls = PublicUrls(public_base(request, state.settings), row.territory_id)
    today = dt.datetime.now(PARIS).date()
    key = (row.id, row.version, str(row.published_at), week, urls.base, today)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return plan, _cache[key], plan.weeks
    files = week_kit(territory, plan, week, urls, edited=today)
    with _lock:
        _cache[key] = files
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return plan, files, plan.weeks


@router.get("/tournees/{plan_id}/kit")
def kit_page(
    request: Request,
    plan_id: str,
    state: StateDep,
    viewer: ViewerDep,
    semaine: Annotated[int, Query(ge=1, le=8)] = 1,
) -> Response:
    plan, files, weeks = _kit(request, state, viewer, plan_id, semaine)
    prefix = f"/tournees/{plan_id}/kit/semaine-{semaine}"
    return render(
        request,
        "plan_kit.html",
        viewer=viewer,
        title=f"Kit de communication, semaine {semaine}",
        plan_id=plan_id,
        week=semaine,
        weeks=[(k, day_fr(m)) for k, m in enumerate(plan_weeks(plan), start=1)],
        prefix=prefix,
        text=files[f"semaine-{semaine}-texte.txt"].decode(),
        posters=sorted(n for n in files if n.startswith("affiches/")),
        sheets=sorted(n for n in files if n.startswith("partenaires/")),
        readme=files["LISEZMOI.txt"].decode(),
    )


@router.get("/tournees/{plan_id}/kit/semaine-{week}.zip")
def kit_zip(
    request: Request, plan_id: str, week: int, state: StateDep, viewer: ViewerDep
) -> Response:
    _, files, _ = _kit(request, state, viewer, plan_id, week)
    name = f"kit-semaine-{week}.zip"
    return Response(
        zip_of(files),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/tournees/{plan_id}/kit/semaine-{week}/{name:path}")
def kit_file(
    request: Request, plan_id: str, week: int, name: str, state: StateDep, viewer: ViewerDep
) -> Response:
    _, files, _ = _kit(request, state, viewer, plan_id, week)
    if name not in files:
        raise NotFoundError(
            f"Fichier « {name[:80]} » absent du kit de la semaine {week}.",
            hint=f"Ouvrez /tournees/{plan_id}/kit?semaine={week} : il liste les fichiers.",
        )
    kind = TYPES.get(name[name.rfind(".") :], "application/octet-stream")
    return Response(files[name], media_type=kind, headers={"Cache-Control": "private, max-age=300"})
