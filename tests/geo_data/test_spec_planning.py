"""The manager's rules in a territory spec: ``[planning]`` and the van caps, every bad key or
value with its French message; the loader checks them against the territory."""

from __future__ import annotations

import pytest

from geo_data.loader import build_territory
from geo_data.official import load_official
from geo_data.spec import parse_spec, read_spec
from geo_data.territory_io import territory_from_files, territory_to_files
from planner.errors import InvalidSpecError
from planner.rules import Pin, PlanningRules

HEAD = """
[territory]
id = "t"
name = "T"
epci = ["242101491"]

[[bases]]
id = "montbard"
name = "Base"
commune = "21425"

[[vans]]
id = "van-1"
base = "montbard"
working_days = ["lundi", "jeudi"]
"""


def with_planning(extra: str, *, van: str = "") -> str:
    return HEAD + van + "\n" + extra


def test_planning_ok_file_reads_every_key(data_dir):
    spec = read_spec(data_dir / "geo_data" / "specs" / "planning_ok.toml")
    rules = spec.rules
    assert rules.access_min == 20 and rules.exploration_share == 0.25
    assert rules.exclude == frozenset({"21425"})
    assert rules.pins == (
        Pin("21568", 3, "matin", "van-1", "weekly"),
        Pin("21259", 1, "apres-midi", None, "fortnightly"),
    )
    assert rules.frequency == {"21446": "monthly"}
    assert rules.forbid == {"21429": frozenset({"weekly", "fortnightly"})}
    van = spec.vans[0]
    assert (van.max_drive_min, van.sessions_per_week, van.max_drive_s) == (180, 5, 180 * 60)
    assert (spec.vans[1].max_drive_min, spec.vans[1].sessions_per_week) == (None, None)


def test_no_planning_section_gives_the_defaults():
    assert parse_spec(HEAD).rules == PlanningRules()


@pytest.mark.parametrize(
    ("case", "extra", "match"),
    [
        ("unknown-key", "[planning]\ncolour = 1\n", r"planning : clé\(s\) inconnue\(s\) colour"),
        ("access-text", '[planning]\naccess_minutes = "15"\n', r"Temps d'accès '15' invalide"),
        ("access-zero", "[planning]\naccess_minutes = 0\n", r"planning : Temps d'accès 0 min hors"),
        ("share-above-1", "[planning]\nexploration_share = 1.5\n", r"Part d'exploration 1\.5"),
        ("exclude-not-list", '[planning]\nexclude = "21425"\n', r"planning\.exclude : liste"),
        ("exclude-bad-code", '[planning]\nexclude = ["214"]\n', r"exclude\[0\] : code INSEE '214'"),
        ("exclude-number", "[planning]\nexclude = [21425]\n", r"code INSEE 21425 mal formé"),
        ("pins-not-list", '[planning]\npins = "x"\n', r"planning\.pins : liste d'arrêts"),
        (
            "pin-missing-slot",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "jeudi"\n',
            r"pins\[0\] : clé obligatoire slot absente",
        ),
        (
            "pin-unknown-key",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "jeudi"\nslot = "matin"\nday = 1\n',
            r"pins\[0\] : clé\(s\) inconnue\(s\) day",
        ),
        (
            "pin-english-day",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "thursday"\nslot = "matin"\n',
            r"pins\[0\]\.weekday : jour 'thursday' inconnu \(attendu lundi",
        ),
        (
            "pin-day-number",
            '[[planning.pins]]\ncommune = "21568"\nweekday = 3\nslot = "matin"\n',
            r"pins\[0\]\.weekday : jour 3 inconnu",
        ),
        (
            "pin-once",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "jeudi"\nslot = "matin"\n'
            'frequency = "once"\n',
            r"pins\[0\]\.frequency : fréquence 'once' inconnue \(attendu weekly, fortnightly, "
            r"monthly\)",
        ),
        (
            "pin-empty-slot",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "jeudi"\nslot = ""\n',
            r"pins\[0\]\.slot : texte attendu",
        ),
        (
            "frequency-unknown",
            '[planning.frequency]\n"21568" = "daily"\n',
            r"planning\.frequency\.21568 : fréquence 'daily' inconnue",
        ),
        (
            "frequency-not-table",
            '[planning]\nfrequency = "weekly"\n',
            r"frequency : table attendue",
        ),
        (
            "forbid-not-list",
            '[planning.forbid]\n"21568" = "weekly"\n',
            r"forbid\.21568 : liste non vide de fréquences attendue",
        ),
        (
            "forbid-unknown",
            '[planning.forbid]\n"21568" = ["hourly"]\n',
            r"forbid\.21568 : fréquence 'hourly' inconnue",
        ),
        (
            "forced-and-forbidden",
            '[planning.frequency]\n"21568" = "weekly"\n[planning.forbid]\n"21568" = ["weekly"]\n',
            r"planning : Commune 21568 : la fréquence 'weekly' est à la fois imposée et interdite",
        ),
        (
            "excluded-and-pinned",
            '[planning]\nexclude = ["21568"]\n[[planning.pins]]\ncommune = "21568"\n'
            'weekday = "jeudi"\nslot = "matin"\n',
            r"Commune 21568 : exclue et pourtant épinglée",
        ),
    ],
)
def test_bad_planning_value_is_a_french_error(case, extra, match):
    with pytest.raises(InvalidSpecError, match=match):
        parse_spec(with_planning(extra))


@pytest.mark.parametrize(
    ("case", "van", "match"),
    [
        (
            "drive-text",
            'max_drive_minutes = "3h"\n',
            r"vans\[0\]\.max_drive_minutes : nombre entier",
        ),
        (
            "drive-zero",
            "max_drive_minutes = 0\n",
            r"conduite maximale par jour \(max_drive_minutes",
        ),
        (
            "drive-over-shift",
            "max_drive_minutes = 700\n",
            r"max_drive_minutes\) 700 invalide \(attendu un entier de 1 à 600 min",
        ),
        ("sessions-float", "sessions_per_week = 2.5\n", r"sessions_per_week : nombre entier"),
        (
            "sessions-zero",
            "sessions_per_week = 0\n",
            r"séances par semaine \(sessions_per_week\) 0",
        ),
        (
            "sessions-over-slots",
            "sessions_per_week = 5\n",
            r"sessions_per_week 5 séances par semaine pour 2 jour\(s\) x 2 créneau\(x\) = "
            r"4 au plus",
        ),
        (
            "van-unknown-key",
            "max_drive = 100\n",
            r"Clé\(s\) inconnue\(s\) \['max_drive'\] dans \[vans\]",
        ),
    ],
)
def test_bad_van_cap_is_a_french_error(case, van, match):
    with pytest.raises(InvalidSpecError, match=match):
        parse_spec(HEAD + van)


def test_rules_survive_the_territory_files(tmp_path):
    """meta.json keeps the rules and the van caps (the embedded demo and the cache)."""
    from geo_data.demo import load_demo_territory

    demo = load_demo_territory("creusot-montceau")
    code = str(demo.communes.index[0])
    rules = PlanningRules(
        exclude=frozenset({code}), forbid={str(demo.communes.index[1]): frozenset({"weekly"})}
    )
    import dataclasses

    van = dataclasses.replace(demo.vans[0], max_drive_min=200, sessions_per_week=7)
    territory_to_files(dataclasses.replace(demo, rules=rules, vans=(van, *demo.vans[1:])), tmp_path)
    back = territory_from_files(tmp_path)
    assert back.rules == rules
    assert (back.vans[0].max_drive_min, back.vans[0].sessions_per_week) == (200, 7)


@pytest.fixture(scope="module")
def official(geo_dir):
    return load_official(folder=geo_dir)


@pytest.mark.shared
def test_loader_puts_the_rules_on_the_territory(data_dir, official):
    t = build_territory(read_spec(data_dir / "geo_data" / "specs" / "planning_ok.toml"), official)
    assert t.rules.exclude == frozenset({"21425"}) and len(t.rules.pins) == 2
    assert t.vans[0].sessions_per_week == 5


@pytest.mark.shared
@pytest.mark.parametrize(
    ("case", "extra", "match"),
    [
        (
            "exclude-outside",
            '[planning]\nexclude = ["21154"]\n',
            r"planning\.exclude : commune 21154 inconnue dans le territoire\. .*Communes du "
            r"territoire : 21025, 21026",
        ),
        (
            "pin-unknown-slot",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "jeudi"\nslot = "soir"\n',
            r"pins\[0\]\.slot : créneau 'soir' inconnu\. Créneaux du territoire : matin, "
            r"apres-midi",
        ),
        (
            "pin-unknown-van",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "jeudi"\nslot = "matin"\nvan = "v9"\n',
            r"pins\[0\]\.van : véhicule 'v9' inconnu\. Véhicules du territoire : van-1",
        ),
        (
            "pin-day-off",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "mardi"\nslot = "matin"\n',
            r"pins\[0\]\.weekday : le mardi n'est travaillé par aucun véhicule",
        ),
        (
            "pin-twice",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "jeudi"\nslot = "matin"\n'
            '[[planning.pins]]\ncommune = "21568"\nweekday = "lundi"\nslot = "matin"\n',
            r"pins\[1\] : la commune 21568 est épinglée deux fois",
        ),
        (
            "pin-forbidden-frequency",
            '[[planning.pins]]\ncommune = "21568"\nweekday = "jeudi"\nslot = "matin"\n'
            '[planning.forbid]\n"21568" = ["weekly"]\n',
            r"pins\[0\]\.frequency : 'weekly' contredit .* "
            r"\(permises : fortnightly, monthly, once\)",
        ),
        (
            "forbid-outside",
            '[planning.forbid]\n"21154" = ["weekly"]\n',
            r"planning\.forbid : commune 21154 inconnue",
        ),
    ],
)
def test_loader_refuses_rules_naming_what_the_territory_lacks(official, case, extra, match):
    with pytest.raises(InvalidSpecError, match=match):
        build_territory(parse_spec(with_planning(extra)), official)
