"""Plans: create (background job), list, read, re-plan, cancel a job; the lifecycle (publish,
archive, the territory's published plan). Conseillers read only published and archived plans;
drafts are the manager's (403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Response
from fastapi.concurrency import run_in_threadpool

from api.service import audit, responses
from api.service.auth import Principal, Role, require_manager, require_territory
from api.service.db import lifecycle, repo
from api.service.db.models import PlanRow
from api.service.deps import AppState, PrincipalDep, SessionDep, StateDep
from api.service.errors import ConflictError, ForbiddenError
from api.service.jobs import change_from_json
from api.service.jobs import state as job_state
from api.service.jobs.compute import cached_problem, locks_from_json
from api.service.plan_index import PlanEntry
from api.service.routes.territories import TerritoryId
from api.service.schemas.common import ERRORS
from api.service.schemas.plans import (
    PlanCreate,
    PlanPublic,
    PlansPublic,
    PlanSummary,
    PublishPublic,
    ReplanCreate,
)
from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.move import check_replan
from planner.itinerary.plan import Plan
from planner.itinerary.replan_check import check_changes
from planner.workflows.rules import with_overrides

router = APIRouter(tags=["plans"], responses=ERRORS)

PlanId = Annotated[
    str,
    Path(
        description="Identifiant du plan.",
        max_length=64,
        examples=["0f3c9a4b7d2e4f1a9b8c7d6e5f4a3b2c"],
    ),
]


def not_ready(plan_id: str, status: str) -> ConflictError:
    return ConflictError(
        f"Le plan {plan_id} n'est pas terminé (état : {status}).",
        hint="Attendez l'état « done » (GET /plans/{id}).",
    )


def principal_record(who: Principal) -> dict:
    """Who acted, as stored with a plan (``created_by``, ``published_by``)."""
    return who.record()


def require_stage(who: Principal, plan_id: str, stage: str, *, action: str) -> None:
    """Conseillers read published and archived plans only (a draft may never reach the field)."""
    if who.role is Role.CONSEILLER and stage == "draft":
        raise ForbiddenError(
            f"Le plan {plan_id} est un brouillon du responsable : un conseiller ne peut pas "
            f"{action}.",
            hint="Lisez le plan publié du territoire (GET /territories/{id}/plan), ou demandez "
            "au responsable de publier ce plan.",
        )


def readable_plan(s, who: Principal, plan_id: str, *, action: str) -> PlanRow:
    """The plan, if the caller may read its territory and its stage."""
    row = repo.get_plan(s, plan_id)
    require_territory(who, row.territory_id, action=action)
    require_stage(who, plan_id, row.stage, action=action)
    return row


def not_published(s, plan_id: str, territory_id: str) -> ConflictError:
    """The 409 of a field read (next stop) on a plan that is not the published one."""
    row = repo.get_plan(s, plan_id)
    published = repo.official_plan(s, territory_id)
    if published is None:
        hint = "Aucun plan n'est publié pour ce territoire : le responsable doit en publier un."
    else:
        hint = (
            f"Le plan publié du territoire est {published.id} (version {published.version}) : "
            f"GET /territories/{territory_id}/next ou GET /plans/{published.id}/next."
        )
    return ConflictError(
        f"Le {lifecycle.label(row)} n'est pas le plan publié : ses arrêts ne sont pas ceux du "
        "terrain.",
        hint=hint,
    )


def no_published_plan(territory_id: str) -> NotFoundError:
    return NotFoundError(
        f"Aucun plan publié pour le territoire {territory_id}.",
        hint="Le responsable publie un plan terminé avec POST /plans/{id}/publish (liste : "
        f"GET /territories/{territory_id}/plans).",
    )


def submit(state: AppState, s, row: PlanRow) -> PlanRow:
    """Commit the queued plan, run or queue its job, and return its current row."""
    s.commit()
    state.jobs.submit(row.id)
    s.refresh(row)
    return row


@router.post(
    "/territories/{territory_id}/plans",
    response_model=PlanSummary,
    status_code=202,
    summary="Calculer un plan (tâche de fond)",
)
def create_plan(
    territory_id: TerritoryId,
    body: PlanCreate,
    state: StateDep,
    s: SessionDep,
    who: PrincipalDep,
) -> dict:
    require_manager(who, territory_id, action="calculer un plan")
    repo.get_territory(s, territory_id)
    cfg = state.settings
    job_state.check_quota(s, territory_id, cfg.job_quota)
    cap = cfg.time_limit_cap(who.role.value)
    limit = min(body.time_limit or cfg.default_time_limit, cap)
    options = {
        "solver": body.solver,
        "time_limit": limit,
        "seed": body.seed,
        "require_host": body.require_host,
    }
    overrides = body.overrides()
    if overrides is not None:  # unknown commune, slot, van: a 422 now, not a failed job
        territory, _ = state.territories.get(territory_id, s)
        with_overrides(territory, overrides)
        options["overrides"] = overrides
    row = repo.create_plan(
        s,
        territory_id=territory_id,
        start=body.start,
        weeks=body.weeks,
        options=options,
        created_by=principal_record(who),
    )
    audit.record(
        s,
        who,
        "plan.create",
        f"plans/{row.id}",
        None,
        {"start": body.start.isoformat(), "weeks": body.weeks, "version": row.version},
        territory_id=territory_id,
    )
    return responses.plan_summary(submit(state, s, row))


@router.get(
    "/territories/{territory_id}/plans", response_model=PlansPublic, summary="Plans du territoire"
)
def list_plans(territory_id: TerritoryId, s: SessionDep, who: PrincipalDep) -> dict:
    require_territory(who, territory_id, action="lire les plans")
    repo.get_territory(s, territory_id)
    rows = repo.list_plans(s, territory_id)
    if who.role is Role.CONSEILLER:  # the drafts are the manager's
        rows = [r for r in rows if r.stage != "draft"]
    data = [responses.plan_summary(r) for r in rows]
    return {"data": data, "count": len(data)}


async def plan_entry(state: AppState, who: Principal, plan_id: str, *, action: str) -> PlanEntry:
    """The plan from the in-memory index (the store is read in the thread pool on a miss)."""
    entry = state.plans.cached(plan_id)
    if entry is None:
        entry = await run_in_threadpool(state.plans.load, plan_id)
    require_territory(who, entry.territory_id, action=action)
    require_stage(who, plan_id, entry.stage, action=action)
    return entry


def plan_response(entry: PlanEntry) -> Response:
    """The plan's answer, with its version as ``ETag`` (to send back as ``If-Match``)."""
    return Response(
        entry.body, media_type="application/json", headers={"ETag": f'"{entry.version}"'}
    )


@router.get(
    "/plans/{plan_id}", response_model=PlanPublic, summary="Un plan : état du calcul, puis le plan"
)
async def get_plan(plan_id: PlanId, state: StateDep, who: PrincipalDep) -> Response:
    return plan_response(await plan_entry(state, who, plan_id, action="lire un plan"))


def published_id(state: AppState, territory_id: str) -> str:
    with state.db.session() as s:
        repo.get_territory(s, territory_id)
        row = repo.official_plan(s, territory_id)
        if row is None:
            raise no_published_plan(territory_id)
        return row.id


@router.get(
    "/territories/{territory_id}/plan",
    response_model=PlanPublic,
    summary="Le plan publié du territoire (celui du terrain et des chiffres officiels)",
)
async def get_published_plan(
    territory_id: TerritoryId, state: StateDep, who: PrincipalDep
) -> Response:
    require_territory(who, territory_id, action="lire le plan publié")
    plan_id = await run_in_threadpool(published_id, state, territory_id)
    return plan_response(await plan_entry(state, who, plan_id, action="lire le plan publié"))


@router.post(
    "/plans/{plan_id}/publish",
    response_model=PublishPublic,
    summary="Publier un plan terminé (archive le plan publié précédent)",
)
def publish(plan_id: PlanId, state: StateDep, s: SessionDep, who: PrincipalDep) -> dict:
    require_manager(who, repo.get_plan(s, plan_id).territory_id, action="publier un plan")
    row, archived = lifecycle.publish(s, plan_id, principal_record(who))
    audit.record(
        s,
        who,
        "plan.publish",
        f"plans/{row.id}",
        {"published": archived.id if archived is not None else None},
        {"published": row.id, "version": row.version},
        territory_id=row.territory_id,
    )
    s.commit()
    state.plans.forget(row.id, *([archived.id] if archived is not None else []))
    return {
        "plan": responses.plan_summary(row),
        "archived": responses.plan_summary(archived) if archived is not None else None,
    }


@router.post(
    "/plans/{plan_id}/archive",
    response_model=PlanSummary,
    summary="Archiver un plan (lecture seule ; archiver le plan publié laisse le territoire "
    "sans plan publié)",
)
def archive(plan_id: PlanId, state: StateDep, s: SessionDep, who: PrincipalDep) -> dict:
    require_manager(who, repo.get_plan(s, plan_id).territory_id, action="archiver un plan")
    stage = repo.get_plan(s, plan_id).stage
    row = lifecycle.archive(s, plan_id)
    audit.record(
        s,
        who,
        "plan.archive",
        f"plans/{row.id}",
        {"stage": stage},
        {"stage": row.stage},
        territory_id=row.territory_id,
    )
    s.commit()
    state.plans.forget(row.id)
    return responses.plan_summary(row)


def wanted_version(body: int | None, if_match: str | None) -> int | None:
    """The version a re-plan starts from: the body's ``version``, else ``If-Match``."""
    if body is not None or if_match is None:
        return body
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise InvalidProblemError(
            f"En-tête If-Match {if_match!r} illisible : attendu le numéro de version du plan.",
            hint='Renvoyez l\'ETag de GET /plans/{id}, par exemple If-Match: "3".',
        )
    return int(text)


def check_replannable(s, parent: PlanRow, version: int | None) -> None:
    """409 for an archived plan, a version that is not the plan's, or a stale draft."""
    published = repo.official_plan(s, parent.territory_id)
    current = (
        f"re-planifiez depuis la version publiée {published.version} (plan {published.id})."
        if published is not None
        else "aucun plan n'est publié : re-planifiez un brouillon ou publiez d'abord un plan."
    )
    if parent.stage == "archived":
        raise ConflictError(
            f"Impossible de re-planifier le {lifecycle.label(parent)} : un plan archivé reste "
            "en lecture seule.",
            hint=current[0].upper() + current[1:],
        )
    if version is not None and version != parent.version:
        raise ConflictError(
            f"Re-planification depuis la version {version} demandée, mais le plan {parent.id} "
            f"est la version {parent.version}.",
            hint=f"Relisez le plan (GET /plans/{{id}}, ETag) ; sinon {current}",
        )
    if parent.stage == "draft":
        lifecycle.check_current(s, parent, action="re-planifier")


@router.post(
    "/plans/{plan_id}/replan",
    response_model=PlanSummary,
    status_code=202,
    summary="Re-planifier après un changement (nouveau brouillon ; 409 si la version de départ "
    "n'est plus en vigueur)",
)
def replan(
    plan_id: PlanId,
    body: ReplanCreate,
    state: StateDep,
    s: SessionDep,
    who: PrincipalDep,
    if_match: Annotated[
        str | None,
        Header(
            max_length=40,
            description="Version dont part la re-planification (l'ETag de GET /plans/{id}).",
        ),
    ] = None,
) -> dict:
    parent = repo.get_plan(s, plan_id)
    require_manager(who, parent.territory_id, action="re-planifier")
    if parent.status != "done" or parent.document is None:
        raise not_ready(plan_id, parent.status)
    check_replannable(s, parent, wanted_version(body.version, if_match))
    job_state.check_quota(s, parent.territory_id, state.settings.job_quota)
    changes = [c.model_dump(mode="json") for c in body.changes]
    locked = [k.model_dump(mode="json") for k in body.locked]
    # an unknown stop, van or date, a locked visit touched or a move that does not fit is a
    # 422 now (with what is valid, or why), not a failed job
    try:
        old = Plan.from_json(parent.document)
        parsed = [change_from_json(c) for c in changes]
        keys = locks_from_json(locked)
        check_changes(old, parsed, locked=keys)
        if any(c.kind == "move_visit" for c in parsed):
            problem = cached_problem(state.territories, parent, s)
            check_replan(problem, old, parsed, mode=body.mode, locked=keys)
    except NotFoundError as exc:  # a value of the request's body: 422, not 404
        raise InvalidProblemError(exc.message, hint=exc.hint) from None
    options = {k: v for k, v in parent.options.items() if k not in ("locks_rev", "locked")}
    options |= {"replan_mode": body.mode, "fill_freed": body.fill_freed}
    if locked:
        options["locked"] = locked
    row = repo.create_plan(
        s,
        territory_id=parent.territory_id,
        start=parent.start,
        weeks=parent.weeks,
        options=options,
        parent_id=plan_id,
        changes=changes,
        base_version=parent.version,
        created_by=principal_record(who),
    )
    audit.record(
        s,
        who,
        "plan.replan",
        f"plans/{row.id}",
        {"plan": plan_id, "version": parent.version},
        {"version": row.version, "mode": body.mode, "changes": changes}
        | ({"locked": locked} if locked else {}),
        territory_id=parent.territory_id,
    )
    return responses.plan_summary(submit(state, s, row))


@router.post(
    "/plans/{plan_id}/cancel",
    response_model=PlanSummary,
    summary="Annuler un calcul en attente ou en cours",
)
def cancel_plan(plan_id: PlanId, state: StateDep, s: SessionDep, who: PrincipalDep) -> dict:
    row = repo.get_plan(s, plan_id)
    require_manager(who, row.territory_id, action="annuler un calcul")
    before = row.status
    row = job_state.cancel(s, plan_id)
    audit.record(
        s,
        who,
        "plan.cancel",
        f"plans/{row.id}",
        {"status": before},
        {"status": row.status},
        territory_id=row.territory_id,
    )
    s.commit()
    return responses.plan_summary(row)
