"""The one cached fetcher: every official file goes through :func:`locate`.

Resolution order for a source:

1. an explicit path given by the caller;
2. the folder named by ``MILO_DATA_DIR`` (same file names as the official layout);
3. the per-user cache (``MILO_CACHE_DIR``, default ``~/.cache/milo-nomade``);
4. a download of the official URL into that cache, unless ``MILO_OFFLINE=1`` (tests set it).

The variables are read through :mod:`geo_data.settings` (defaults and meanings documented there).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

from geo_data import settings
from geo_data.sources import SOURCES, Source
from planner.errors import DataSourceError

DOWNLOAD_TIMEOUT_S = 30


def locate(
    key: str, *, explicit: Path | None = None, folder: Path | None = None, download: bool = True
) -> Path:
    """Return a local path to the official file ``key`` (see the module docstring).

    Raises
    ------
    DataSourceError
        When the file is nowhere and cannot be downloaded; the message lists where it looked.
    """
    try:
        source = SOURCES[key]
    except KeyError:
        raise DataSourceError(
            f"Source officielle {key!r} inconnue.",
            hint=f"Sources connues : {', '.join(sorted(SOURCES))}.",
        ) from None
    if explicit is not None:
        if explicit.is_file():
            return explicit
        raise DataSourceError(
            f"Fichier {explicit} introuvable pour « {source.title} ».",
            hint="Vérifiez le chemin donné.",
        )
    looked: list[Path] = []
    for base in (folder, settings.data_dir(), settings.cache_dir()):
        if base is None:
            continue
        candidate = base / source.filename
        looked.append(candidate)
        if candidate.is_file():
            return candidate
    if download and not settings.offline() and source.url:
        return _download(source, settings.cache_dir() / source.filename)
    where = ", ".join(str(p) for p in looked) or "aucun dossier"
    how = (
        f"téléchargez-le depuis {source.page} dans le dossier MILO_DATA_DIR sous le nom "
        f"{source.filename}"
    )
    if source.url and settings.offline():
        how += " (ou désactivez MILO_OFFLINE pour le télécharger)"
    raise DataSourceError(
        f"Fichier officiel « {source.title} » introuvable (cherché : {where}).",
        hint=f"Définissez MILO_DATA_DIR vers un dossier qui le contient, ou {how}.",
    )


def _download(source: Source, target: Path) -> Path:
    """Download ``source.url`` atomically into ``target``."""
    assert source.url is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with (
            os.fdopen(fd, "wb") as out,
            urllib.request.urlopen(  # noqa: S310
                source.url, timeout=DOWNLOAD_TIMEOUT_S
            ) as response,
        ):
            shutil.copyfileobj(response, out)
        os.replace(tmp_name, target)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise DataSourceError(
            f"Téléchargement de « {source.title} » impossible ({source.url}) : {exc}.",
            hint=f"Vérifiez la connexion, ou placez le fichier dans MILO_DATA_DIR "
            f"({source.filename}).",
        ) from exc
    return target
