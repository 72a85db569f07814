"""People, teams, maraude places, partner-type defaults, partner pins and events in a spec: every
key read, every bad value refused with its French message, the loader places and checks them."""

from __future__ import annotations

import datetime as dt

import pytest

from geo_data.loader import build_territory
from geo_data.official import load_official
from geo_data.spec import parse_spec
from geo_data.territory_io import territory_from_files, territory_to_files
from planner.errors import InvalidSpecError
from planner.fleet import Person
from planner.rules import Event, PartnerPin
from planner.rules_table import parse_rules, rules_to_table

HEAD = """
[territory]
id = "cm"
name = "CM"
epci = ["247100290"]

[[bases]]
id = "montceau"
name = "Base"
commune = "71306"

[[people]]
id = "a"
name = "Conseillère A"

[[people]]
id = "c"
working_days = ["lundi", "jeudi"]

[[vans]]
id = "van"
base = "montceau"
crew = ["a"]

[[teams]]
id = "equipe"
base = "montceau"
mode = "pied"
crew = ["a", "c"]
"""


def test_people_teams_maraudes_and_types_are_read() -> None:
    spec = parse_spec(
        HEAD
        + """
[[maraudes]]
id = "plessis"
name = "Rives du Plessis"
qpv = "QN07109M"
private = true

[partner_types.agence_interim]
session_minutes = 90
days = ["mardi"]
reperes = 3
"""
    )
    assert spec.people == (
        Person("a", "Conseillère A", (0, 1, 2, 3, 4)),
        Person("c", "", (0, 3)),
    )
    van, team = spec.vans
    assert (van.kind, van.mode, van.crew) == ("vehicule", "voiture", ("a",))
    assert (team.kind, team.mode, team.crew) == ("equipe", "pied", ("a", "c"))
    assert team.label == "Équipe equipe (à pied)"
    (m,) = spec.maraudes
    assert (m.qpv, m.private, m.lon, m.session_min) == ("QN07109M", True, None, 120)
    interim = spec.session_defaults["agence_interim"]
    assert (interim.session_min, interim.best_days, interim.reperes) == (90, (1,), 3.0)
    assert interim.contacts == 5.0  # kept from the type's defaults


@pytest.mark.parametrize(
    ("case", "extra", "match"),
    [
        ("crew-unknown", '[[teams]]\nid = "t2"\nbase = "montceau"\ncrew = ["z"]\n',
         r"Équipe t2 \(en voiture\) : personne\(s\) z absente\(s\) de \[\[people\]\]"),
        ("crew-twice", '[[teams]]\nid = "t2"\nbase = "montceau"\ncrew = ["a", "a"]\n',
         r"une personne figure deux fois dans l'équipage"),
        ("crew-not-list", '[[teams]]\nid = "t2"\nbase = "montceau"\ncrew = "a"\n',
         r"teams\[1\]\.crew : liste d'identifiants de personnes attendue"),
        ("mode-unknown", '[[teams]]\nid = "t2"\nbase = "montceau"\nmode = "vélo"\n',
         r"teams\[1\]\.mode : mode 'vélo' inconnu \(attendu voiture, transports, pied\)"),
        ("team-key", '[[teams]]\nid = "t2"\nbase = "montceau"\ncolour = 1\n',
         r"Clé\(s\) inconnue\(s\) \['colour'\] dans \[teams\]"),
        ("team-same-id", '[[teams]]\nid = "van"\nbase = "montceau"\n',
         r"vans\.id / teams\.id : identifiants en double \['van'\]"),
        ("person-day", '[[people]]\nid = "d"\nworking_days = ["monday"]\n',
         r"people\[2\]\.working_days : jour 'monday' inconnu"),
        ("person-twice", '[[people]]\nid = "a"\n', r"people\.id : identifiants en double"),
        ("maraude-no-place", '[[maraudes]]\nid = "m"\nname = "M"\n',
         r"maraudes\[0\] \(m\) : donnez lon et lat, ou qpv"),
        ("maraude-private", '[[maraudes]]\nid = "m"\nname = "M"\nqpv = "Q"\nprivate = "oui"\n',
         r"maraudes\[0\]\.private : true ou false attendu, reçu 'oui'"),
        ("maraude-minutes", '[[maraudes]]\nid = "m"\nname = "M"\nqpv = "Q"\n'
         "session_minutes = 5\n", r"session_minutes : 5 invalide \(attendu 30 à 600 min\)"),
        ("type-unknown", "[partner_types.boulangerie]\nsession_minutes = 60\n",
         r"\[partner_types\.boulangerie\] : type de partenaire 'boulangerie' inconnu"),
        ("type-length", "[partner_types.mediatheque]\nsession_minutes = 700\n",
         r"\[partner_types\.mediatheque\] : Durée de séance 700 min invalide"),
        ("type-prior", "[partner_types.mediatheque]\nreperes = 9\ncontacts = 2\n",
         r"A priori 9\.0 repérés pour 2\.0 contacts invalide"),
        ("pin-week", '[[planning.partner_pins]]\npartner = "fs-2497"\nweekday = "jeudi"\n'
         'slot = "matin"\nweek_of_month = 6\n', r"partner_pins\[0\] : .*week_of_month 6"),
        ("pin-missing", '[[planning.partner_pins]]\npartner = "fs-2497"\nslot = "matin"\n',
         r"partner_pins\[0\] : clé obligatoire weekday absente"),
        ("event-date", '[[planning.events]]\nid = "f"\nname = "F"\ndate = "21/01/2027"\n'
         'start = "14:00"\nend = "17:00"\ncommune = "71306"\n',
         r"events\[0\]\.date : date '21/01/2027' illisible \(attendu AAAA-MM-JJ\)"),
        ("event-hours", '[[planning.events]]\nid = "f"\nname = "F"\ndate = 2027-01-21\n'
         'start = "17:00"\nend = "14:00"\ncommune = "71306"\n',
         r"events\[0\] : Événement f : horaires 1020-840 min invalides"),
        ("event-missing", '[[planning.events]]\nid = "f"\nname = "F"\n',
         r"events\[0\] : clé obligatoire date absente"),
        ("event-twice", '[[planning.events]]\nid = "f"\nname = "F"\ndate = 2027-01-21\n'
         'start = "14:00"\nend = "17:00"\ncommune = "71306"\n'
         '[[planning.events]]\nid = "f"\nname = "G"\ndate = 2027-01-22\n'
         'start = "14:00"\nend = "17:00"\ncommune = "71306"\n',
         r"planning\.events : identifiant\(s\) en double f"),
    ],
)  # fmt: skip
def test_bad_values_are_refused_in_french(case, extra, match) -> None:
    with pytest.raises(InvalidSpecError, match=match):
        parse_spec(HEAD + extra)


def test_partner_pins_and_events_round_trip_through_the_rules_table() -> None:
    table = {
        "partner_pins": [
            {"partner": "fs-2497", "weekday": "jeudi", "slot": "matin", "week_of_month": 1,
             "team": "equipe"},
            {"partner": "fs-1811", "weekday": "mardi", "slot": "apres-midi",
             "frequency": "fortnightly"},
        ],
        "events": [
            {"id": "forum", "name": "Forum", "date": "2027-01-21", "start": "14:00",
             "end": "17:00", "commune": "71306", "reperes": 8},
        ],
    }  # fmt: skip
    rules = parse_rules(table, where="rules")
    assert rules.partner_pins == (
        PartnerPin("fs-2497", 3, "matin", "equipe", "monthly", 1),
        PartnerPin("fs-1811", 1, "apres-midi", None, "fortnightly", None),
    )
    assert rules.events == (
        Event("forum", "Forum", dt.date(2027, 1, 21), 840, 1020, "71306", reperes=8.0),
    )
    assert parse_rules(rules_to_table(rules), where="rules") == rules


def test_first_thursdays_of_the_horizon() -> None:
    pin = PartnerPin("fs-2497", 3, "matin", week_of_month=1)
    assert pin.dates(dt.date(2027, 1, 4), 56) == {dt.date(2027, 1, 7), dt.date(2027, 2, 4)}
    assert PartnerPin("x", 3, "matin").dates(dt.date(2027, 1, 4), 56) == frozenset()


@pytest.fixture(scope="module")
def official(geo_dir):
    return load_official(folder=geo_dir)


@pytest.mark.shared
def test_the_loader_places_maraudes_and_checks_partner_pins(official, tmp_path) -> None:
    text = HEAD + (
        '[[maraudes]]\nid = "plessis"\nname = "Rives du Plessis"\nqpv = "QN07109M"\n'
        '[[maraudes]]\nid = "place"\nname = "Place"\nlon = 4.38467\nlat = 46.67724\n'
        '[[planning.partner_pins]]\npartner = "fs-2497"\nweekday = "jeudi"\nslot = "matin"\n'
        "week_of_month = 1\n"
    )
    territory = build_territory(parse_spec(text), official)
    by = {m.id: m for m in territory.maraudes}
    assert by["plessis"].commune == "71306" and by["plessis"].qpv == "QN07109M"
    assert by["place"].qpv == "QN07109M"  # the point lies in the QPV
    territory_to_files(territory, tmp_path / "t")
    again = territory_from_files(tmp_path / "t")
    assert again.people == territory.people and again.maraudes == territory.maraudes
    assert again.vans == territory.vans and again.rules == territory.rules
    unknown = text.replace('partner = "fs-2497"', 'partner = "fs-0"')
    with pytest.raises(InvalidSpecError, match=r"partner_pins\[0\]\.partner : partenaire 'fs-0'"):
        build_territory(parse_spec(unknown), official)
    away = text + '[[maraudes]]\nid = "far"\nname = "Loin"\nlon = 5.0\nlat = 47.3\n'
    with pytest.raises(InvalidSpecError, match=r"maraudes \(far\) : le point \(5\.0, 47\.3\)"):
        build_territory(parse_spec(away), official)
    no_team = text.replace("[[teams]]", "[[vans]]").replace('mode = "pied"\n', "")
    with pytest.raises(InvalidSpecError, match=r"aucune équipe dans le territoire"):
        build_territory(parse_spec(no_team), official)
