"""CSV text of user files: decoding, the separator, the table, and the line of each row.

Pure (text or bytes in, a DataFrame out): :func:`geo_data.user_files.read_table` opens a file
and hands its bytes here; :mod:`geo_data.partner_import` does the same with an uploaded file.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from planner.errors import DataSourceError


def decode_text(data: bytes, *, name: str) -> str:
    """UTF-8 bytes (with or without a byte-order mark) -> text; anything else is refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataSourceError(
            f"Fichier {name} illisible : texte UTF-8 attendu, reçu l'octet "
            f"0x{data[exc.start]:02X} en position {exc.start} (souvent un fichier enregistré "
            "en Windows-1252 ou « ANSI »).",
            hint="Enregistrez-le en « CSV UTF-8 » (Excel : Enregistrer sous > CSV UTF-8 ; "
            "LibreOffice : jeu de caractères Unicode (UTF-8)).",
        ) from None


def separator(text: str) -> str:
    """``;`` when the header line has more ``;`` than ``,``, else ``,``."""
    header = text.splitlines()[0] if text else ""
    return ";" if header.count(";") > header.count(",") else ","


def parse_csv_text(text: str, *, name: str) -> pd.DataFrame:
    """CSV text -> a DataFrame of strings (empty cells are ``""``); blank lines are skipped."""
    if not text.strip():
        raise DataSourceError(
            f"Fichier {name} vide (attendu une ligne d'en-tête, puis une ligne par lieu).",
            hint="Vérifiez que le bon fichier a été choisi et qu'il a été enregistré.",
        )
    try:
        return pd.read_csv(io.StringIO(text), sep=separator(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataSourceError(
            f"Fichier {name} illisible comme CSV ({exc}).",
            hint="Chaque ligne doit avoir autant de cases que l'en-tête, séparées par « ; » "
            "ou « , » ; une case qui contient le séparateur s'écrit entre guillemets.",
        ) from None


def record_lines(text: str) -> list[int]:
    """The line where each data row of :func:`parse_csv_text` starts (header = line 1).

    Blank lines are skipped as pandas skips them, and a quoted cell over several lines counts
    all of them, so the numbers are those a spreadsheet or a text editor shows.
    """
    reader = csv.reader(io.StringIO(text), delimiter=separator(text))
    lines: list[int] = []
    end = 0
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            if record and (len(record) > 1 or record[0].strip()):
                lines.append(start)
    except csv.Error:  # pandas read it: callers fall back to the row positions
        return []
    return lines[1:]
