"""Import a partners file (CSV or GeoJSON) into a territory's store, each refused row with why.

Used by ``POST /territories/{id}/partners/import`` and by the web application: it needs no
request object (a store session, the territory cache, the caller, the file's bytes and name).

The rows are checked by :func:`geo_data.partner_import.check_partner_file` (the rules of every
partners file), then against the territory by
:class:`~api.service.territory_store.PartnerPlacer` (the point inside the territory, the
commune one of its own: the check of a partner sent to the API). A good row adds a partner, or
replaces the stored partner with the same id (``key``); partners absent from the file are left
alone.

Writes go in the caller's transaction and the caller commits. A file refused as a whole raises
(a :class:`~planner.errors.MiloError`) before anything is written, and an import that adds or
replaces nothing writes nothing. Otherwise the partners, one audit entry ``partners.import``
(counts, ids, refused lines, and each replaced partner as it was, in the API's form) and one
partners revision are written together: the revision is what the next plan reads (the
:class:`~api.service.territory_store.TerritoryCache` is keyed by it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.service import audit, responses
from api.service.auth import Principal, require_manager
from api.service.db import repo
from api.service.territory_store import PartnerPlacer, TerritoryCache, frame_records
from geo_data.partner_import import PartnerImport, RefusedRow, check_partner_file, file_name
from planner.errors import MiloError
from planner.territory import Territory

ACTION = "partners.import"


@dataclass(frozen=True)
class PartnersImported:
    """What an import did: the ids added and replaced, and the refused rows in file order."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    refused: tuple[RefusedRow, ...]

    def public(self) -> dict[str, Any]:
        """The answer body (:class:`~api.service.schemas.territories.PartnersImportPublic`)."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "refused": [dataclasses.asdict(r) for r in self.refused],
            "count": len(self.refused),
        }


def placed_records(
    territory: Territory, checked: PartnerImport
) -> tuple[list[dict[str, Any]], list[RefusedRow]]:
    """Store rows of the accepted partners that lie in ``territory`` (commune set), and a
    refused row for each of the others."""
    placer = PartnerPlacer(territory)
    records, refused = [], []
    for record in frame_records(checked.accepted):
        try:
            record["commune"] = placer.commune(
                record["lon"], record["lat"], name=record["name"], commune=record["commune"] or None
            )
        except MiloError as exc:
            line = checked.lines[record["key"]]
            refused.append(RefusedRow(line, record["key"], exc.message, exc.hint))
            continue
        records.append(record)
    return records, refused


def import_partners(
    s: Session,
    territories: TerritoryCache,
    *,
    territory_id: str,
    data: bytes,
    filename: str,
    who: Principal,
) -> PartnersImported:
    """Check the partners file ``data`` (named ``filename``) and store its good rows in
    ``territory_id`` (see the module docstring). ``who`` must be the territory's manager.

    Raises
    ------
    ForbiddenError
        When ``who`` is not a manager of the territory.
    MiloError
        For a file refused as a whole (format, encoding, columns, personal data, no row).
    """
    require_manager(who, territory_id, action="importer des partenaires")
    territory, _ = territories.get(territory_id, s)
    checked = check_partner_file(data, filename)
    records, outside = placed_records(territory, checked)
    refused = tuple(sorted((*checked.refused, *outside), key=lambda r: r.line))
    if not records:
        return PartnersImported((), (), refused)
    repo.lock_territory(s, territory_id)
    stored = repo.list_partners(s, territory_id)
    keys = {r["key"] for r in records}
    replaced = {r.key: responses.partner_public(r) for r in stored if r.key in keys}
    added, updated = repo.upsert_partners(s, territory_id, records)
    result = PartnersImported(tuple(added), tuple(updated), refused)
    audit.record(
        s,
        who,
        ACTION,
        f"territories/{territory_id}/partners",
        {"partners": len(stored), "replaced": replaced},
        {
            "partners": len(stored) + len(added),
            "file": file_name(filename),
            "added": len(result.added),
            "updated": len(result.updated),
            "refused": len(refused),
            "refused_lines": [r.line for r in refused],
            "added_ids": list(result.added),
            "updated_ids": list(result.updated),
        },
        territory_id=territory_id,
    )
    return result
