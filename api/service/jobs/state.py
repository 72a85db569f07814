"""A plan job's state in the store: the one place where ``plans.status`` moves.

``queued -> running -> done | failed``, ``queued | running -> cancelled``. Each run is claimed
(``queued -> running``, ``attempts + 1``) and every later transition of that run is guarded by
its attempt number, so that a run that lost its claim (requeued after a crash, cancelled,
stopped by the guard) can never overwrite what came after it. A run interrupted without a
graceful stop (the process killed, the machine restarted) is requeued until
:data:`MAX_ATTEMPTS` runs have started, then failed with a French reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.service.db import repo
from api.service.db.models import PlanRow, utcnow
from api.service.db.session import Database
from api.service.errors import ConflictError, QuotaError

#: Runs of one plan job before an interrupted one is failed instead of requeued.
MAX_ATTEMPTS = 3
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")


@dataclass(frozen=True)
class Claim:
    """One run of a plan job: the plan, its attempt number and its solver time limit."""

    plan_id: str
    attempt: int
    time_limit: float


def interrupted_error(attempts: int) -> dict[str, str]:
    return {
        "detail": f"Calcul interrompu {attempts} fois (arrêt du service ou du worker pendant "
        "le calcul) : aucun plan enregistré.",
        "hint": "Relancez le calcul (POST /territories/{id}/plans) ; s'il est interrompu à "
        "nouveau, vérifiez la mémoire et les journaux du service ou du worker.",
    }


def overrun_error(limit: float, elapsed: float) -> dict[str, str]:
    return {
        "detail": f"Calcul arrêté : {elapsed:.0f} s écoulées pour une limite de recherche de "
        f"{limit:g} s (garde-fou dépassé) ; aucun plan enregistré.",
        "hint": "Relancez avec moins de semaines ou une limite de temps plus courte ; si "
        "l'arrêt se répète, signalez-le avec l'id du plan.",
    }


CRASHED_ERROR = {
    "detail": "Le processus de calcul s'est arrêté sans résultat : aucun plan enregistré.",
    "hint": "Relancez le calcul ; si l'erreur persiste (mémoire insuffisante ?), signalez-la "
    "avec l'id du plan.",
}
CANCELLED_ERROR = {
    "detail": "Calcul annulé par un responsable du territoire : aucun plan enregistré.",
    "hint": "Relancez le calcul (POST /territories/{id}/plans) si besoin.",
}


def _locked(s: Session, plan_id: str) -> PlanRow | None:
    return s.get(PlanRow, plan_id, with_for_update=True)


def _finish(row: PlanRow, status: str, error: dict[str, str] | None) -> None:
    row.status = status
    row.error = error
    row.finished_at = utcnow()


def owns(row: PlanRow | None, run: Claim) -> bool:
    """Whether ``run`` still owns the job of ``row``: running, in the same attempt. Every write
    of a run's outcome checks it, so a run that lost its job never overwrites it."""
    return row is not None and row.status == "running" and row.attempts == run.attempt


def claim(db: Database, plan_id: str) -> Claim | None:
    """Start a run of a queued job (None when it is not queued any more: cancelled, taken)."""
    with db.session() as s:
        row = _locked(s, plan_id)
        if row is None or row.status != "queued":
            return None
        if row.attempts >= MAX_ATTEMPTS:
            _finish(row, "failed", interrupted_error(row.attempts))
            s.commit()
            return None
        row.attempts += 1
        row.status = "running"
        row.started_at = utcnow()
        s.commit()
        return Claim(plan_id, row.attempts, float(row.options.get("time_limit", 12.0)))


def is_current(db: Database, run: Claim) -> bool:
    """Whether ``run`` still owns its job (running, same attempt)."""
    with db.session() as s:
        return owns(s.get(PlanRow, run.plan_id), run)


def fail(db: Database, run: Claim, error: dict[str, str]) -> bool:
    """Fail the job of ``run`` if the run still owns it."""
    with db.session() as s:
        row = _locked(s, run.plan_id)
        if row is None or not owns(row, run):
            return False
        _finish(row, "failed", error)
        s.commit()
        return True


def requeue(db: Database, run: Claim) -> bool:
    """Put the job of ``run`` back in the queue after a graceful stop (the run is not
    counted: only interrupted runs count towards :data:`MAX_ATTEMPTS`)."""
    with db.session() as s:
        row = _locked(s, run.plan_id)
        if row is None or not owns(row, run):
            return False
        row.status = "queued"
        row.attempts -= 1
        row.started_at = None
        s.commit()
        return True


def recover(db: Database, plan_id: str) -> str | None:
    """A job whose run died with its process: ``queued`` again, or ``failed`` after
    :data:`MAX_ATTEMPTS` runs. Returns the new status (None when the job was not running)."""
    with db.session() as s:
        row = _locked(s, plan_id)
        if row is None or row.status != "running":
            return None
        if row.attempts >= MAX_ATTEMPTS:
            _finish(row, "failed", interrupted_error(row.attempts))
        else:
            row.status = "queued"
            row.started_at = None
        s.commit()
        return row.status


def recover_all(db: Database) -> dict[str, str]:
    """Recover every running job (start-up of the only process running jobs on this store)."""
    with db.session() as s:
        ids = s.scalars(select(PlanRow.id).where(PlanRow.status == "running")).all()
    out = {}
    for plan_id in ids:
        status = recover(db, plan_id)
        if status is not None:
            out[plan_id] = status
    return out


def queued_ids(db: Database) -> Sequence[str]:
    with db.session() as s:
        q = select(PlanRow.id).where(PlanRow.status == "queued").order_by(PlanRow.created_at)
        return s.scalars(q).all()


def check_quota(s: Session, territory_id: str, quota: int) -> None:
    """A 429 (French) when the territory already has ``quota`` jobs queued or running."""
    active = s.scalar(
        select(func.count())
        .select_from(PlanRow)
        .where(PlanRow.territory_id == territory_id, PlanRow.status.in_(ACTIVE))
    )
    if active is not None and active >= quota:
        raise QuotaError(
            f"Trop de calculs en cours pour le territoire {territory_id} : {active} en attente "
            f"ou en cours, au plus {quota} à la fois.",
            hint="Attendez la fin d'un calcul (GET /territories/{id}/plans) ou annulez-en un "
            "(POST /plans/{id}/cancel).",
        )


def cancel(s: Session, plan_id: str) -> PlanRow:
    """Cancel a queued or running job (its run stops at its next check); a French 409 for a
    finished one. The caller commits."""
    row = repo.get_plan(s, plan_id)
    s.refresh(row, with_for_update=True)
    if row.status not in ACTIVE:
        raise ConflictError(
            f"Le plan {plan_id} est terminé (état : {row.status}) : il n'y a plus de calcul "
            "à annuler.",
            hint="Seul un plan à l'état « queued » ou « running » s'annule ; lancez un nouveau "
            "calcul ou une re-planification à la place.",
        )
    _finish(row, "cancelled", CANCELLED_ERROR)
    return row
