"""What :mod:`benchmarks.suppression_attack` reads: every published output of the comparison.

- ``file_sources``: ``comparison.csv`` (French headers, decimal comma) and ``comparison.json``
  written by ``milo compare --activite-fictive`` (its :func:`api.cli.coverage.run_compare`) on
  the demo region ``region-bfc.toml`` when the official files are found, else the same
  comparison of the two demo territories.
- ``api_sources``: the service on a fresh SQLite store (the demo territories), one plan per
  territory made by its manager, seeded activity posted on their visits and outcome rows, then
  ``GET /comparison``, ``GET /territories`` and ``GET /territories/{id}`` read as the ARML and
  as a manager through the app's TestClient, and the ARML's pages' downloads (logged in with an
  account): the comparison, the outcomes per territory, the approaches per territory and the
  months (:func:`arml_rows`).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from benchmarks import SHARED
from benchmarks.suppression_lp import COUNTS as COUNT_NAMES
from benchmarks.suppression_lp import attack, findings_json

DEMO = ("creusot-montceau", "marches-de-bourgogne")
Rows = list[dict[str, Any]]


def read_comparison_csv(path: Path) -> Rows:
    """The CSV as a reader of the file sees it, headers back to the comparison's columns."""
    from planner.coverage.compare import COLUMN_LABELS

    names = {v: k for k, v in {"territory_id": "Identifiant", **COLUMN_LABELS}.items()}
    text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    reader = csv.reader(text.splitlines(), delimiter=";")
    header = [names.get(h, h) for h in next(reader)]
    return [dict(zip(header, row, strict=True)) for row in reader]


def file_sources(out: Path, *, data_dir: Path | None) -> tuple[str, dict[str, Rows]]:
    """(case name, sources) of the files of ``milo compare --activite-fictive``."""
    from api.cli.coverage import run_compare
    from geo_data.demo import DEMO_DIR, load_demo_territory
    from geo_data.outputs import write_comparison
    from planner.workflows.comparison import region_comparison

    if data_dir is not None and data_dir.is_dir() and _has_official_files(data_dir):
        run_compare(DEMO_DIR / "specs" / "region-bfc.toml", out, data_dir=data_dir, synthetic=True)
        case = "fichiers:region-bfc"
    else:
        territories = [load_demo_territory(t) for t in DEMO]
        table, _ = region_comparison(territories, synthetic_activity=True)
        write_comparison(table, out, region={"id": "demo", "name": "Démo", "approximation": ""})
        case = "fichiers:demo"
    data = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    return case, {
        "comparison.csv": read_comparison_csv(out / "comparison.csv"),
        "comparison.json": data["territories"],
    }


def _has_official_files(data_dir: Path) -> bool:
    from geo_data.fetch import locate
    from planner.errors import MiloError

    try:
        locate("communes", folder=data_dir)
    except MiloError:
        return False
    return True


def territories_rows(body: Mapping[str, Any]) -> Rows:
    """``/territories`` answers as comparison cells (``qpv`` is the comparison's ``qpv_total``)."""
    items = body.get("data", [body])
    return [
        {"territory_id": t["id"], "communes": t["communes"], "qpv_total": t["qpv"]} for t in items
    ]


def post_activity(client: Any, headers: dict, plan: dict, *, share: float, rng: random.Random):
    """Seeded counts on a share of the plan's visits; how many records were accepted."""
    accepted = 0
    for visit in plan["plan"]["visits"]:
        if rng.random() > share:
            continue
        contacts = rng.randint(0, 9)
        reperes = rng.randint(0, contacts)
        body = {"contacts": contacts, "reperes": reperes, "mobilises": rng.randint(0, reperes)}
        r = client.post(
            f"/plans/{plan['id']}/visits/{visit['id']}/activity", json=body, headers=headers
        )
        accepted += r.status_code in (200, 201)
    return accepted


def api_sources(folder: Path, *, weeks: int = 1, seed: int = 0) -> tuple[dict[str, Rows], dict]:
    """Sources read from the service, and what was set up (plans, activity records)."""
    from fastapi.testclient import TestClient

    from api.service.auth import create_token
    from api.service.main import create_app
    from api.service.settings import Settings, get_settings

    values: dict[str, Any] = {
        "env": "production", "secret_key": "attaque-secret", "jobs_sync": True,
        "database_url": f"sqlite:///{folder / 'milo.sqlite3'}", "default_time_limit": 1.0,
        "max_time_limit": 1.0,
    }  # fmt: skip
    settings = Settings(**values)
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    rng = random.Random(seed)
    setup: dict[str, Any] = {}
    with TestClient(app) as client:
        db = app.state.milo.db

        def bearer(role: str, territory: str | None) -> dict[str, str]:
            token = create_token(db, settings.secret, role=role, territory_id=territory)
            return {"Authorization": f"Bearer {token}"}

        managers = {t: bearer("manager", t) for t in DEMO}
        for territory, share in zip(DEMO, (1.0, 0.3), strict=True):
            body = {"start": "2025-05-05", "weeks": weeks, "time_limit": 1, "seed": seed}
            r = client.post(
                f"/territories/{territory}/plans", json=body, headers=managers[territory]
            )
            plan_id = r.json()["id"]
            published = client.post(f"/plans/{plan_id}/publish", headers=managers[territory])
            published.raise_for_status()  # activity is taken on the published plan only
            plan = client.get(f"/plans/{plan_id}", headers=managers[territory]).json()
            conseiller = bearer("conseiller", territory)
            setup[territory] = {
                "visits": len(plan["plan"]["visits"]),
                "activity": post_activity(client, conseiller, plan, share=share, rng=rng),
            }
        outcomes = {"mobilises": 14, "pacea": 6, "cej_ml": 3, "emploi": 5, "formation": 2,
                    "duree_moins_3_mois": 9, "duree_3_6_mois": 5}  # fmt: skip
        for month, approach in (("2025-05", "vehicule_itinerant"), ("2025-04", "maraude")):
            r = client.put(
                f"/territories/{DEMO[0]}/outcomes/{month}/{approach}",
                json=outcomes,
                headers=managers[DEMO[0]],
            )
            r.raise_for_status()
        sources: dict[str, Rows] = {}
        sources.update(arml_rows(client, db, settings))
        for who, headers in (("arml", bearer("arml", None)), ("manager", managers[DEMO[0]])):
            answer = client.get("/comparison", headers=headers)
            if answer.status_code == 200:  # the ARML's; a manager may be refused
                sources[f"/comparison[{who}]"] = answer.json()["data"]
            setup[f"/comparison[{who}]"] = answer.status_code
            listing = client.get("/territories", headers=headers).json()
            sources[f"/territories[{who}]"] = territories_rows(listing)
            for t in DEMO:
                one = client.get(f"/territories/{t}", headers=headers).json()
                sources[f"/territories/{t}[{who}]"] = territories_rows(one)
    return sources, setup


#: the ARML's outcomes tables: header -> the attack's column (``hist_``: every record)
FUNNEL_COLUMNS = {
    "Contacts": "hist_contacts", "Jeunes repérés": "hist_reperes",
    "Jeunes mobilisés": "hist_mobilises", "Entrées en dispositif": "hist_dispositifs",
    "Situations à l'issue": "hist_situations",
}  # fmt: skip
MONTH_COLUMNS = {"Contacts": "mois_contacts", "Jeunes repérés": "mois_reperes",
                 "Jeunes mobilisés": "mois_mobilises"}  # fmt: skip


def _csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.reader(text.lstrip("\ufeff").splitlines(), delimiter=";")
    header = next(reader)
    return [dict(zip(header, row, strict=True)) for row in reader]


def _keyed(rows: list[dict[str, str]], key: str, ids: Mapping[str, str],
           columns: Mapping[str, str]) -> Rows:  # fmt: skip
    out = []
    for row in rows:
        name = row[key]
        tid = "region" if name == "Total région" else ids.get(name, name)
        out.append({"territory_id": tid, **{columns[h]: v for h, v in row.items() if h in columns}})
    return out


def arml_rows(api: Any, db: Any, settings: Any) -> dict[str, Rows]:
    """The ARML's pages' downloads read as a logged-in ARML (a browser of its own, over https
    as the session cookie needs): cells named as the comparison's columns (the comparison's
    counts), ``hist_*`` (the outcomes per territory, every record), ``hist_reperes_<approach>``
    and ``mois_*`` (a month's row ``mois:<month>``)."""
    import re

    from fastapi.testclient import TestClient

    from api.service.db import repo
    from api.service.users import create_user
    from planner.coverage.comparison_labels import INDICATORS
    from planner.taxonomy import APPROACH_LABELS

    email, password = "arml@attaque.fr", "une phrase de passe de l'attaque"
    with db.session() as s:
        create_user(s, settings.secret, email=email, role="arml", territory_id=None,
                    name="Attaque", password=password)  # fmt: skip
        s.commit()
    client = TestClient(api.app, base_url="https://testserver")
    page = client.get("/connexion").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None, "formulaire de connexion sans jeton"
    r = client.post("/connexion", data={"csrf": csrf[1], "email": email, "password": password},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    with db.session() as s:
        ids = {t.name: t.id for t in repo.list_territories(s)}
    counts = {i.header: i.column for i in INDICATORS if i.column in COUNT_NAMES}
    approaches = {label: f"hist_reperes_{a.value}" for a, label in APPROACH_LABELS.items()}
    approaches["Total"] = "hist_reperes"
    read = {
        "/region/comparaison.csv": ("Territoire", counts),
        "/region/parcours/parcours_territoires.csv": ("Territoire", FUNNEL_COLUMNS),
        "/region/parcours/demarches.csv": ("Territoire", approaches),
    }
    out: dict[str, Rows] = {}
    for url, (key, columns) in read.items():
        answer = client.get(url)
        answer.raise_for_status()
        out[url] = _keyed(_csv_rows(answer.text), key, ids, columns)
    months = _csv_rows(client.get("/region/parcours/mois.csv").text)
    out["/region/parcours/mois.csv"] = [
        {"territory_id": "region" if m["Mois"] == "Total région" else f"mois:{m['Mois']}",
         **{c: m[h] for h, c in MONTH_COLUMNS.items()}}
        for m in months
    ]  # fmt: skip
    client.close()
    return out


def report(case: str, sources: Mapping[str, Iterable[Mapping[str, object]]], **extra: Any) -> int:
    findings, summary = attack(sources)
    line = {"case": case, **summary, **extra, "disclosures": findings_json(findings)}
    print(json.dumps(line, ensure_ascii=False, default=str), flush=True)
    return len(findings)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Attaque du secret statistique de la comparaison.")
    parser.add_argument("--data-dir", type=Path, default=SHARED / "geo_data")
    parser.add_argument("--weeks", type=int, default=1)
    args = parser.parse_args(argv)
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        case, sources = file_sources(Path(tmp) / "region", data_dir=args.data_dir)
        total += report(case, sources)
        api, setup = api_sources(Path(tmp), weeks=args.weeks)
        total += report("api:demo", api, setup=setup)
    print(json.dumps({"case": "total", "findings": total}), flush=True)
    return total
