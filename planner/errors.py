"""Typed errors of milo-nomade.

Every error carries a French ``message`` (what was expected, what came) and a ``hint`` (how to
fix it). Specific errors also inherit a built-in exception so that callers can catch them the
usual way. Errors know nothing of HTTP: the service maps error types to status codes in one
table (``api.service.errors.STATUS_BY_ERROR``).
"""

from __future__ import annotations


class MiloError(Exception):
    """Base of every error raised on purpose by milo-nomade.

    Parameters
    ----------
    message
        French sentence: what was expected and what came.
    hint
        French sentence: how to fix it.
    """

    def __init_subclass__(cls, **kwargs: object) -> None:
        # Built-in bases (ValueError, OSError...) come first in the MRO and their __init__
        # refuses keyword arguments: give every subclass MiloError's own __init__.
        super().__init_subclass__(**kwargs)
        if "__init__" not in cls.__dict__:
            cls.__init__ = MiloError.__init__  # type: ignore[method-assign]

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}".strip())


class InvalidSpecError(ValueError, MiloError):
    """A territory or region spec (TOML) is wrong: unknown key, unknown code, bad value."""


class InvalidPlanError(ValueError, MiloError):
    """A plan document (plan.json) does not follow the plan schema: missing key, bad value."""


class InvalidTerritoryError(ValueError, MiloError):
    """Territory data fails a validation rule (ids, CRS, geometries, hours, counts)."""


class PersonalDataError(ValueError, MiloError):
    """An input file carries columns that look like personal data."""


class DataSourceError(OSError, MiloError):
    """An official source or user file cannot be found, read or downloaded."""


class InvalidNetworkError(ValueError, MiloError):
    """A road network is empty, has no drivable way, or lacks required attributes."""


class InvalidPointsError(ValueError, MiloError):
    """Points are outside France, in the wrong coordinate order, or too far from any road."""


class InvalidProblemError(ValueError, MiloError):
    """A planning or coverage problem is malformed (no van, weeks out of range, bad weights...)."""


class InfeasibleError(ValueError, MiloError):
    """The problem has no feasible answer (for example more required visits than slots)."""


class NotFoundError(KeyError, MiloError):
    """A named object (stop, van, plan, territory) does not exist."""

    def __str__(self) -> str:  # KeyError quotes its argument; keep the sentence readable
        return MiloError.__str__(self)
