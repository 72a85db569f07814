"""Learning from activity: a backtest of the expected repérés per session (issue #11, item 5).

Question: fitted on the history up to a cut date, do the learned expected repérés per session
(:func:`planner.workflows.expected.expected_table`: population prior, place history by
empirical Bayes, month and approach factors) predict the sessions after the cut better than
the population-only values and the plain territory mean?

Cells: the sessions after the cut, grouped by (commune, month of ``period_start``, approach);
each cell has ``n`` sessions and ``y`` repérés, each method predicts ``p`` per session.
Measures (lower is better), every one weighted by sessions:

* ``mae``: mean absolute error of repérés per session, ``sum(n |y/n - p|) / sum(n)``;
* ``deviance``: mean Poisson deviance per session,
  ``2 sum(y log(y / (n p)) - (y - n p)) / sum(n)`` (the likelihood-based measure; it punishes
  a near-zero forecast where young people came);
* ``*_ratio_population`` and ``*_ratio_mean``: the measure over that of the population-only
  values (same population exponent) and of the territory mean (< 1: better than it).

Methods (:data:`METHODS`): ``moyenne`` (territory mean per session), ``population-e1`` (rate
per young person: the population prior with exponent 1), ``population`` (the prior with the
fitted exponent, the default), ``population+saison`` (the prior with the month and approach
factors), ``appris-e1`` and ``appris`` (the full model with exponent 1 or fitted).

Cases (every history is synthetic, « données fictives »: no real activity is available; the
official files of ``../shared`` carry none, see its PROVENANCE.md):

* ``demo-<slug>``: the embedded demo history (two school years, 1 July 2024 - 30 June 2026,
  240 sessions, from :mod:`planner.coverage.synthetic`), cut on 1 March 2026 (20 months to
  learn, 4 to predict);
* ``demo-<slug>-3.5ans``: the same generator over 3.5 years, cut on 1 July 2025;
* ``plante-marches``: a recovery check, NOT evidence about real data: a history of the
  Marches de Bourgogne communes whose truth this script plants (:func:`planted_activity`:
  30 places with their own gamma effect on top of ``sqrt(young)``, a school-year season and
  approach effects, negative-binomial sessions, 240 sessions a year over 3 years), cut one year
  before its end. It shows whether the method finds place effects and a season when there
  are some.

What the demo generator holds (:mod:`planner.coverage.synthetic`): the expected repérés of a
session follow ``sqrt(young / mean young) x (1 + 0.3 FRR score) x (1.5 if QPV)`` times a place
effect of its own (lognormal, log-sd 0.6), a school-year season and mild approach effects;
nine regular stops take three quarters of the sessions, with negative-binomial noise and a
quarter of empty sessions, calibrated to the Milo'Lab totals (about 0.5 repérés a session). At
that volume even the generator's true values beat population-only by only about 5 % (MAE) and
11 % (deviance) on the four test months: the measured gains are of that order.

Prints one JSON line per case and method, then a French table.

Usage: ``python -m benchmarks.learning [--seed 0] [--cases demo,long,planted]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from geo_data.demo import DEMO_SLUGS, load_demo_territory
from planner.coverage.activity import validate_activity
from planner.coverage.expected import ExpectedSettings, Kind
from planner.coverage.synthetic import APPROACH_MIX
from planner.errors import InvalidProblemError
from planner.taxonomy import Approach
from planner.territory import ACTIVITY_COLUMNS, Territory
from planner.workflows.comparison import synthetic_territory_activity
from planner.workflows.expected import ExpectedTable, expected_table

HISTORY_END = date(2026, 6, 30)
TODAY = date(2026, 7, 1)
DEMO_CUT = date(2026, 3, 1)
LONG_CUT = date(2025, 7, 1)
LINEAR = ExpectedSettings(young_exponent=1.0)
DEFAULT = ExpectedSettings()
#: method -> (settings of the fit, what the prediction uses), in print order
METHODS: dict[str, tuple[ExpectedSettings, Kind]] = {
    "moyenne": (DEFAULT, "mean"),
    "population-e1": (LINEAR, "population"),
    "population": (DEFAULT, "population"),
    "population+saison": (DEFAULT, "population_factors"),
    "appris-e1": (LINEAR, "learned"),
    "appris": (DEFAULT, "learned"),
}
#: the population-only method each method is compared with (same population exponent)
BASELINE = {name: "population-e1" if name.endswith("-e1") else "population" for name in METHODS}
#: month factors planted in ``plante-marches`` (January first); only this script knows them
PLANTED_SEASON = (0.9, 0.9, 1.0, 0.9, 1.0, 1.3, 0.6, 0.5, 1.6, 1.4, 1.0, 0.8)
PLANTED_APPROACH = {"vehicule_itinerant": 1.0, "lieu_tiers": 0.7, "acteurs_proximite": 1.2}
PLANTED_APPROACH |= {"maraude": 1.4, "evenements": 1.6}


def planted_activity(
    territory: Territory,
    *,
    end: date,
    years: int = 3,
    seed: int = 0,
    places: int = 30,
    sessions_per_year: int = 240,
) -> pd.DataFrame:
    """A history whose truth is known (module docstring): per session, expected repérés
    ``1.6 x sqrt(young / mean young) x u_place x season[month] x approach``, ``u_place`` drawn
    from Gamma(2, 1/2) (mean 1), sessions negative binomial (dispersion 2), contacts the
    repérés plus Poisson(0.5 x expected), mobilisés binomial (0.36)."""
    rng = np.random.default_rng(seed)
    codes = rng.choice(territory.communes.index.astype(str), size=places, replace=False)
    young = territory.communes.loc[codes, "young"].to_numpy(dtype=float)
    effect = np.sqrt(young / young.mean()) * rng.gamma(2.0, 0.5, size=places)
    days = pd.bdate_range(end - timedelta(days=round(365.25 * years) - 1), end)
    n = sessions_per_year * years
    place = rng.integers(0, places, size=n)
    when = pd.DatetimeIndex(np.sort(rng.choice(days.to_numpy(), size=n)))
    approach = rng.choice(list(PLANTED_APPROACH), size=n, p=_planted_mix())
    lam = 1.6 * effect[place] * np.asarray(PLANTED_SEASON)[when.month - 1]
    lam *= np.asarray([PLANTED_APPROACH[a] for a in approach])
    reperes = rng.poisson(rng.gamma(2.0, lam / 2.0))
    return pd.DataFrame(
        {
            "period_start": when.date,
            "period_end": when.date,
            "place_id": codes[place],
            "commune": codes[place],
            "approach": approach,
            "sessions": 1,
            "contacts": reperes + rng.poisson(0.5 * lam),
            "reperes": reperes,
            "mobilises": rng.binomial(reperes, 0.36),
        },
        columns=list(ACTIVITY_COLUMNS),
    )


def _planted_mix() -> list[float]:
    weights = np.asarray([APPROACH_MIX[Approach(a)] for a in PLANTED_APPROACH])
    return list(weights / weights.sum())


def scores(y: np.ndarray, n: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Session-weighted MAE of the per-session rate and mean Poisson deviance per session."""
    mean = n * p
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mean), 0.0)
    return {
        "mae": float(np.abs(y / n - p) @ n / n.sum()),
        "deviance": float(2 * (term - (y - mean)).sum() / n.sum()),
    }


def backtest(
    case: str, territory: Territory, *, cut: date, today: date = TODAY
) -> list[dict[str, Any]]:
    """Fit on the history up to ``cut``, predict the cells after it: one line per method."""
    after = validate_activity(territory.activity, today=today)
    after = after[(after["period_start"] > cut) & (after["sessions"] > 0)]
    if not len(after):
        raise InvalidProblemError(
            f"Aucune séance après la date de coupure {cut.isoformat()} pour « {case} ».",
            hint="Choisissez une coupure antérieure à la fin de l'historique.",
        )
    month = pd.to_datetime(after["period_start"]).dt.month.rename("month")
    cells = (
        after.assign(month=month)
        .groupby(["commune", "month", "approach"])[["sessions", "reperes", "contacts"]]
        .sum()
        .reset_index()
    )
    n = cells["sessions"].to_numpy(dtype=float)
    keys = (cells["commune"].tolist(), cells["month"].to_numpy(), cells["approach"].tolist())
    tables: dict[int, ExpectedTable] = {}
    measured: dict[str, dict[str, float]] = {}
    lines = []
    for name, (settings, kind) in METHODS.items():
        table = tables.setdefault(
            id(settings), expected_table(territory, today=today, until=cut, settings=settings)
        )
        reperes, contacts = table.model.predict(*keys, kind=kind)
        got = scores(cells["reperes"].to_numpy(dtype=float), n, reperes)
        got |= {
            f"contacts_{k}": v
            for k, v in scores(cells["contacts"].to_numpy(dtype=float), n, contacts).items()
        }
        measured[name] = got
        lines.append(_line(case, name, table, got, cells, int(n.sum())))
    for line in lines:
        for measure in ("mae", "deviance"):
            for ref, col in ((BASELINE[line["method"]], "population"), ("moyenne", "mean")):
                line[f"{measure}_ratio_{col}"] = round(line[measure] / measured[ref][measure], 3)
    return lines


def _line(
    case: str,
    name: str,
    table: ExpectedTable,
    got: dict[str, float],
    cells: pd.DataFrame,
    test_sessions: int,
) -> dict[str, Any]:
    model = table.model.reperes
    return {
        "case": case,
        "method": name,
        "label": table.label,
        "cut": table.until.isoformat() if table.until else None,
        "history_sessions": table.model.history_sessions,
        "test_sessions": test_sessions,
        "test_cells": len(cells),
        **{k: round(v, 4) for k, v in got.items()},
        "young_exponent": model.young_exponent,
        "place_weight_sessions": round(model.place_weight, 1),
        "dispersion": round(model.dispersion, 2),
        "month_factor": [round(float(x), 2) for x in model.month_factor],
    }


def cases(groups: set[str], *, seed: int = 0) -> list[tuple[str, Territory, date]]:
    """(name, territory carrying the history, cut date) of each case of ``groups``."""
    out = []
    for slug in DEMO_SLUGS:
        territory = load_demo_territory(slug)
        if "demo" in groups:
            out.append((f"demo-{slug}", territory, DEMO_CUT))
        if "long" in groups:
            long = synthetic_territory_activity(
                territory, end=HISTORY_END, seed=seed + 1, years=3.5
            )
            out.append((f"demo-{slug}-3.5ans", _with(territory, long), LONG_CUT))
    if "planted" in groups:
        marches = load_demo_territory("marches-de-bourgogne")
        planted = planted_activity(marches, end=HISTORY_END, seed=seed)
        out.append(("plante-marches", _with(marches, planted), HISTORY_END - timedelta(days=365)))
    return out


def _with(territory: Territory, activity: pd.DataFrame) -> Territory:
    return dataclasses.replace(territory, activity=activity, activity_synthetic=True)


def summary(lines: list[dict[str, Any]]) -> str:
    """The French table: measures and ratios per case and method."""
    head = (
        f"{'cas':<34}{'méthode':<19}{'EAM':>7}{'déviance':>10}{'EAM/pop':>9}{'dév/pop':>9}"
        f"{'EAM/moy':>9}{'dév/moy':>9}"
    )
    out = [head, "-" * len(head)]
    for x in lines:
        out.append(
            f"{x['case']:<34}{x['method']:<19}{x['mae']:>7.3f}{x['deviance']:>10.3f}"
            f"{x['mae_ratio_population']:>9.3f}{x['deviance_ratio_population']:>9.3f}"
            f"{x['mae_ratio_mean']:>9.3f}{x['deviance_ratio_mean']:>9.3f}"
        )
    seen: dict[str, dict[str, Any]] = {x["case"]: x for x in lines}
    for case, x in seen.items():
        out.append(
            f"{case} : historique {x['label']}, {x['history_sessions']} séances apprises "
            f"jusqu'au {x['cut']}, {x['test_sessions']} séances à prévoir ({x['test_cells']} "
            f"cellules lieu x mois x démarche) ; exposant ajusté {x['young_exponent']:.2f}."
        )
    out.append(
        "EAM : erreur absolue moyenne des repérés par séance, pondérée par les séances ; "
        "déviance : déviance de Poisson moyenne par séance ; /pop et /moy : rapport à la "
        "population seule (même exposant) et à la moyenne du territoire (< 1 : meilleur)."
    )
    out.append(
        "Aucune activité réelle disponible (../shared n'en contient pas) : tous les historiques "
        "sont fictifs ; « plante-marches » vérifie seulement que la méthode retrouve des effets "
        "connus."
    )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cases", default="demo,long,planted")
    args = parser.parse_args()
    groups = {g.strip() for g in args.cases.split(",") if g.strip()}
    unknown = groups - {"demo", "long", "planted"}
    if unknown or not groups:
        raise SystemExit(
            f"Groupe(s) de cas inconnu(s) : {', '.join(sorted(unknown)) or '(aucun)'} ; "
            "possibles : demo, long, planted."
        )
    lines = []
    for name, territory, cut in cases(groups, seed=args.seed):
        for line in backtest(name, territory, cut=cut):
            print(json.dumps(line, ensure_ascii=False))
            lines.append(line)
    print(summary(lines))


if __name__ == "__main__":
    main()
