"""POST /territories/{id}/partners/import: good rows stored, each refused row listed with its
line, re-import replaces, one audit entry, the planner sees the partners; refused callers and
files."""

from __future__ import annotations

import json

import pytest

from api.service.partner_import import import_partners
from api.service.schemas.territories import PartnersImportPublic
from tests.api.service.conftest import CM, make_settings, open_client

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

HEADER = "id;name;type;lon;lat;commune;power;lundi"
TENNIS = "cs-tennis;Centre social du Tennis;centre_social;4.4281;46.8021;;oui;09:00-12:00"
MONTCEAU = "media-montceau;Médiathèque;mediatheque;4.3639;46.6676;;;"
BAD_TYPE = "p-bad;Boulangerie;boulangerie;4.43;46.80;;;"
PARIS = "p-paris;Loin;commerce;2.35;48.85;;;"
URL = f"/territories/{CM}/partners/import"


def csv_file(*rows: str) -> bytes:
    return ("\ufeff" + "\n".join((HEADER, *rows)) + "\n").encode()


def upload(client, headers, data: bytes, name: str = "partenaires.csv", url: str = URL):
    return client.post(url, files={"file": (name, data, "text/csv")}, headers=headers)


def partners(client, headers) -> dict[str, dict]:
    listed = client.get(f"/territories/{CM}/partners", headers=headers).json()["data"]
    return {p["id"]: p for p in listed}


def imports(client, headers) -> list[dict]:
    entries = client.get(f"/territories/{CM}/audit", headers=headers).json()["data"]
    return [e for e in entries if e["action"] == "partners.import"]


def test_good_rows_are_stored_and_a_bad_row_is_listed_with_its_line(client, tokens):
    h = tokens["manager"]
    before = partners(client, h)
    _, rev = client.app.state.milo.territories.get(CM)
    r = upload(client, h, csv_file(TENNIS, BAD_TYPE, MONTCEAU, PARIS))
    assert r.status_code == 200, r.text
    body = PartnersImportPublic.model_validate(r.json())
    assert (body.added, body.updated, body.count) == (2, 0, 2)
    assert [(x.line, x.id) for x in body.refused] == [(3, "p-bad"), (5, "p-paris")]
    assert body.refused[0].message == (
        "Partenaires (partenaires.csv) : ligne 3, colonne type : valeurs inconnues ['boulangerie']."
    )
    assert "1 point(s) hors du territoire (plus de 2 km) : ['Loin']" in body.refused[1].message
    assert "longitude, latitude" in body.refused[1].hint
    after = partners(client, h)
    assert set(after) == set(before) | {"cs-tennis", "media-montceau"}
    tennis = after["cs-tennis"]
    assert tennis["commune"] == "71153" and tennis["power"] is True
    assert tennis["source"] == "partenaires.csv" and tennis["opening_hours"] == "lundi 09:00-12:00"
    assert (
        after["media-montceau"]["commune"] == "71306" and after["media-montceau"]["power"] is None
    )
    territory, new_rev = client.app.state.milo.territories.get(CM)
    assert new_rev == rev + 1  # one revision for the whole file: the next plan sees them
    assert {"cs-tennis", "media-montceau"} <= set(territory.partners.index)


def test_a_commune_outside_the_territory_refuses_its_row(client, tokens):
    row = TENNIS.replace(";;oui;", ";21231;oui;")
    r = upload(client, tokens["manager"], csv_file(row, MONTCEAU))
    assert r.json()["added"] == 1
    (refused,) = r.json()["refused"]
    assert refused["line"] == 2 and refused["id"] == "cs-tennis"
    assert refused["message"] == f"Commune 21231 absente du territoire {CM}."


def test_reimport_replaces_by_id_and_leaves_the_others_alone(client, tokens):
    h = tokens["manager"]
    assert upload(client, h, csv_file(TENNIS, MONTCEAU)).json()["added"] == 2
    count = len(partners(client, h))
    renamed = TENNIS.replace("Centre social du Tennis", "Centre social rénové")
    r = upload(client, h, csv_file(renamed), name="v2.csv")
    assert r.json() == {"added": 0, "updated": 1, "refused": [], "count": 0}
    after = partners(client, h)
    assert len(after) == count
    assert after["cs-tennis"]["name"] == "Centre social rénové"
    assert after["cs-tennis"]["source"] == "v2.csv"
    assert after["media-montceau"]["name"] == "Médiathèque"


def test_an_existing_partner_is_replaced_by_its_key(client, tokens):
    h = tokens["manager"]
    key, old = next(iter(partners(client, h).items()))
    row = f"{key};Mairie importée;mairie;{old['lon']};{old['lat']};;non;"
    assert upload(client, h, csv_file(row)).json()["updated"] == 1
    new = partners(client, h)[key]
    assert (new["name"], new["power"], new["commune"]) == ("Mairie importée", False, old["commune"])


def test_one_audit_entry_with_counts_refused_lines_and_values_before(client, tokens):
    h = tokens["manager"]
    upload(client, h, csv_file(TENNIS))
    renamed = TENNIS.replace("du Tennis", "rénové")
    upload(client, h, csv_file(renamed, BAD_TYPE, MONTCEAU), name="v2.csv")
    entries = imports(client, h)
    assert len(entries) == 2
    last = entries[0]
    assert last["target"] == f"territories/{CM}/partners"
    assert last["actor"]["role"] == "manager"
    after = last["after"]
    assert {k: after[k] for k in ("file", "added", "updated", "refused", "refused_lines")} == {
        "file": "v2.csv",
        "added": 1,
        "updated": 1,
        "refused": 1,
        "refused_lines": [3],
    }
    assert after["added_ids"] == ["media-montceau"] and after["updated_ids"] == ["cs-tennis"]
    assert after["partners"] == last["before"]["partners"] + 1
    assert last["before"]["replaced"]["cs-tennis"]["name"] == "Centre social du Tennis"


def test_a_geojson_file_is_imported(client, tokens):
    def feature(pid: str, kind: str, point: list[float]) -> dict:
        return {
            "type": "Feature",
            "properties": {"id": pid, "name": f"Lieu {pid}", "type": kind, "parking": True},
            "geometry": {"type": "Point", "coordinates": point},
        }

    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                feature("g1", "commerce", [4.4281, 46.8021]),
                feature("g2", "boulangerie", [4.4281, 46.8021]),
            ],
        }
    ).encode()
    r = upload(client, tokens["manager"], data, name="lieux.geojson")
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1
    assert [(x["line"], x["id"]) for x in r.json()["refused"]] == [(2, "g2")]
    assert "objet n° 2, colonne type" in r.json()["refused"][0]["message"]
    assert partners(client, tokens["manager"])["g1"]["parking"] is True


@pytest.mark.parametrize(
    ("data", "name", "detail"),
    [
        (
            b"id;name;lon;lat\np1;A;4.43;46.80\n",
            "p.csv",
            "colonnes obligatoires manquantes ['type']",
        ),
        (csv_file(TENNIS).replace(b"power", b"mobile"), "p.csv", "données personnelles"),
        (b"\x00\x01", "p.xlsx", "Format du fichier « p.xlsx » non pris en charge"),
        ("id;name\né;É\n".encode("cp1252"), "p.csv", "texte UTF-8 attendu"),
        (csv_file(), "p.csv", "aucun partenaire dans le fichier"),
    ],
)
def test_a_file_refused_as_a_whole_is_a_french_422_and_writes_nothing(
    client, tokens, data, name, detail
):
    h = tokens["manager"]
    before = partners(client, h)
    _, rev = client.app.state.milo.territories.get(CM)
    r = upload(client, h, data, name=name)
    assert r.status_code == 422
    assert detail in r.json()["detail"] and r.json()["hint"]
    assert partners(client, h) == before
    assert client.app.state.milo.territories.get(CM)[1] == rev
    assert imports(client, h) == []


def test_a_file_whose_rows_are_all_refused_writes_nothing(client, tokens):
    h = tokens["manager"]
    _, rev = client.app.state.milo.territories.get(CM)
    r = upload(client, h, csv_file(BAD_TYPE, PARIS))
    assert r.json()["added"] == 0 and r.json()["count"] == 2
    assert client.app.state.milo.territories.get(CM)[1] == rev
    assert imports(client, h) == []


@pytest.mark.parametrize("who", ["conseiller", "manager_mb", "arml"])
def test_only_the_territorys_manager_imports(client, tokens, who):
    h = tokens["manager"]
    before = partners(client, h)
    r = upload(client, tokens[who], csv_file(TENNIS))
    assert r.status_code == 403 and r.json()["hint"]
    assert partners(client, h) == before


def test_the_import_function_checks_the_caller_too(client, tokens):
    state = client.app.state.milo
    who = state.auth(tokens["conseiller"]["Authorization"])
    with state.db.session() as s, pytest.raises(PermissionError, match="conseiller ne peut pas"):
        import_partners(
            s, state.territories, territory_id=CM, data=csv_file(TENNIS), filename="p.csv", who=who
        )


def test_a_missing_file_field_is_a_french_422(client, tokens):
    r = client.post(URL, data={"autre": "x"}, headers=tokens["manager"])
    assert r.status_code == 422
    assert r.json()["errors"] == [{"champ": "body.file", "erreur": "champ obligatoire absent"}]


def test_a_file_over_the_body_limit_is_a_413(db_url):
    with open_client(make_settings(db_url, max_body_bytes=4096)) as small:
        big = csv_file(*[TENNIS.replace("cs-tennis", f"p{i}") for i in range(200)])
        r = upload(small, {}, big)
    assert r.status_code == 413 and "Requête trop volumineuse" in r.json()["detail"]
