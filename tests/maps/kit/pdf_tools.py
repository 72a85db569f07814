"""Reading back what the kit prints, with the Debian tools the CI installs (poppler-utils:
``pdfinfo``, ``pdftotext``, ``pdftoppm``; zbar-tools: ``zbarimg``). A missing tool fails the
test with what to install (never a skip)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils and zbar-tools (.ci/ scripts)")
    return path


def run(*args: str | Path) -> str:
    done = subprocess.run(
        [tool(str(args[0])), *map(str, args[1:])], capture_output=True, text=True, check=True
    )
    return done.stdout


def write(tmp: Path, name: str, pdf: bytes) -> Path:
    path = tmp / name
    path.write_bytes(pdf)
    return path


def text_of(pdf: Path) -> str:
    """The text laid out as on the page (a date and its hours on one line)."""
    return run("pdftotext", "-layout", pdf, "-")


def flat_of(pdf: Path) -> str:
    """The text in reading order (columns not mixed), squashed."""
    return squash(run("pdftotext", pdf, "-"))


def squash(text: str) -> str:
    """Without any whitespace (U+2028 and U+2029 included: printed as spaces), hyphen (pdftotext
    joins « Creusot-⏎Montceau » as « CreusotMontceau ») nor zero-width joiner (pdftotext drops
    it): a long line wrapped by the layout still matches."""
    return "".join(text.split()).replace("\u200d", "").replace("-", "")


def pages_and_size(pdf: Path) -> tuple[int, tuple[int, int]]:
    """The page count and the page size in points, rounded (A4: 595 x 842)."""
    info = run("pdfinfo", pdf)
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert pages and size, info
    return int(pages[1]), (round(float(size[1])), round(float(size[2])))


def first_page_png(pdf: Path, out: Path) -> Path:
    """Page 1 at 150 dpi, as ``out`` (a .png path)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    run(
        "pdftoppm",
        "-r",
        "150",
        "-png",
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        pdf,
        out.with_suffix(""),
    )
    return out


def qr_of(png: Path) -> str:
    return run("zbarimg", "--raw", "-q", png).strip()


def pdf_text(pdf: Path) -> str:
    """The PDF's text as laid out on the page."""
    return text_of(pdf)


def decode_qr(pdf: Path) -> str:
    """The QR code of the PDF's first page, decoded."""
    with tempfile.TemporaryDirectory() as tmp:
        return qr_of(first_page_png(pdf, Path(tmp) / "page.png"))
