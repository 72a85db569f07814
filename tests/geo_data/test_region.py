"""Region specs: errors, explicit territories, and the arrondissement grouping on real files."""

from __future__ import annotations

import pytest

from geo_data.demo import DEMO_DIR
from geo_data.official import load_official
from geo_data.region import load_region, parse_region, region_territory_specs
from planner.errors import InvalidSpecError


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[region]\nid = "r"\nname = "R"\ncolour = 1\n', r"inconnue\(s\) \['colour'\]"),
        ('[region]\nid = "r"\nname = "R"\ngroup_by = "canton"\n', "group_by 'canton' inconnu"),
        ('[region]\nid = "r"\nname = "R"\n', "aucun territoire"),
        ('id = "r"\n', r"inconnue\(s\) \['id'\] dans la racine"),
        ("[region\n", "illisible"),
        (
            '[region]\nid = "r"\nname = "R"\n[[territories]]\nid = "t"\nname = "T"\nepci = ["1"]\n',
            "mal formé",
        ),
    ],
)
def test_region_spec_errors(text, match):
    with pytest.raises(InvalidSpecError, match=match):
        specs = parse_region(text)
        region_territory_specs(specs, None)  # only reached by the last case


@pytest.mark.shared
def test_region_grouped_by_arrondissement_covers_every_commune(geo_dir):
    region, territories = load_region(DEMO_DIR / "specs" / "region-bfc.toml", data_dir=geo_dir)
    assert region.group_by == "arrondissement" and "approchés" in region.approximation
    assert len(territories) == 24
    codes = [c for t in territories for c in t.communes.index]
    assert len(codes) == len(set(codes)) == 3685
    assert all(t.approximation for t in territories)


@pytest.mark.shared
def test_region_explicit_territories(geo_dir, tmp_path):
    path = tmp_path / "region.toml"
    path.write_text(
        '[region]\nid = "r"\nname = "R"\n'
        '[[territories]]\nid = "marches"\nname = "Marches"\nepci = ["242101491"]\n'
        '[[territories]]\nid = "creusot"\nname = "Creusot"\nepci = ["247100290"]\n'
        'bases = ["71153", "71306"]\n'
    )
    official = load_official(folder=geo_dir)
    _, territories = load_region(path, official=official)
    assert [t.id for t in territories] == ["marches", "creusot"]
    assert [b.commune for b in territories[1].bases] == ["71153", "71306"]
    assert territories[0].bases[0].commune == "21425"  # most populous: Montbard
