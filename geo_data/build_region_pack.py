"""Build the region pack (:mod:`geo_data.region_pack`) from the official files.

Run ``make region-pack`` (``MILO_DATA_DIR=../shared/geo_data python -m geo_data.build_region_pack``)
or, online, with the official downloads. It reads the official files only (never the pack it
replaces), writes ``geo_data/region_pack/`` and prints each layer's rows and the pack's size.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from geo_data.fetch import locate
from geo_data.official import LAYERS, load_official
from geo_data.region_pack import PACK_DIR, source_keys, write_pack


def build(out_dir: Path = PACK_DIR, *, folder: Path | None = None,
          built: date | None = None) -> list[Path]:  # fmt: skip
    """Write the pack into ``out_dir`` from the official files (``folder``, ``MILO_DATA_DIR``,
    the cache, or downloads); return the written files."""
    official = load_official(folder=folder, use_pack=False)
    paths = {k: locate(k, folder=folder) for layer in LAYERS for k in source_keys(layer)}
    return write_pack(official, out_dir, source_paths=paths, built=built or date.today())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=PACK_DIR)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    written = build(args.out, folder=args.data_dir)
    for path in written:
        print(f"écrit : {path} ({path.stat().st_size / 1000:.0f} ko)")
    print(f"total : {sum(p.stat().st_size for p in written) / 1e6:.2f} Mo")


if __name__ == "__main__":
    main()
