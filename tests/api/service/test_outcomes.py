"""/territories/{id}/outcomes: the outcome counts after mobilisation (per month x approach).

Record, correct, read and delete a row; every refusal in French (the rules of
planner.outcomes, a real month, no month to come, unknown approach or field), nothing stored
on refusal, the audit's before / after; who may read and write; the CSV import (good rows
stored, each bad row listed with its line)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.service.clock import get_now
from api.service.schemas.outcomes import OutcomesImportPublic
from tests.api.service.conftest import CM, MB

NOW = dt.datetime(2024, 4, 15, 10, 0, tzinfo=dt.UTC)
URL = f"/territories/{CM}/outcomes"
ROW = {"mobilises": 10, "pacea": 3, "cej_ml": 2, "emploi": 1, "formation": 2}
BANDS = {"duree_moins_3_mois": 6, "duree_3_6_mois": 4}


@pytest.fixture(autouse=True)
def _clock(client):
    client.app.dependency_overrides[get_now] = lambda: NOW
    yield
    client.app.dependency_overrides.pop(get_now, None)


def put(client, headers, body, month="2024-03", approach="maraude", url=URL):
    return client.put(f"{url}/{month}/{approach}", json=body, headers=headers)


def listed(client, headers, query=""):
    r = client.get(URL + query, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def audit_of(client, headers, prefix="outcomes."):
    entries = client.get(f"/territories/{CM}/audit", headers=headers).json()["data"]
    return [e for e in entries if e["action"].startswith(prefix)]


def test_a_row_is_recorded_corrected_read_and_deleted(client, tokens):
    h = tokens["manager"]
    r = put(client, h, ROW | BANDS)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["month"] == "2024-03" and body["approach"] == "maraude"
    assert (body["mobilises"], body["pacea"], body["aij"], body["revision"]) == (10, 3, 0, 1)
    assert body["duree_moins_3_mois"] == 6 and body["duree_plus_24_mois"] is None
    assert body["recorded_role"] == "manager" and body["recorded_by"] is not None
    r = put(client, h, {"mobilises": 12, "pacea": 4})  # a correction replaces the row
    assert r.status_code == 200
    assert (r.json()["revision"], r.json()["cej_ml"], r.json()["duree_moins_3_mois"]) == (
        2,
        0,
        None,
    )
    put(client, h, {"mobilises": 2}, month="2024-01-01", approach="lieu_tiers")
    assert [(x["month"], x["approach"]) for x in listed(client, h)] == [
        ("2024-01", "lieu_tiers"),
        ("2024-03", "maraude"),
    ]
    assert [x["month"] for x in listed(client, h, "?from=2024-02&to=2024-04")] == ["2024-03"]
    assert client.delete(f"{URL}/2024-03/maraude", headers=h).status_code == 204
    assert [x["month"] for x in listed(client, h)] == ["2024-01"]
    r = client.delete(f"{URL}/2024-03/maraude", headers=h)
    assert (
        r.status_code == 404
        and "Aucune suite de parcours enregistrée pour mars 2024" in (r.json()["detail"])
    )
    done = [(e["action"], e["before"], e["after"]) for e in audit_of(client, h)][::-1]
    assert [a for a, _, _ in done] == [
        "outcomes.create",
        "outcomes.correct",
        "outcomes.create",
        "outcomes.delete",
    ]
    assert done[0][1] is None and done[0][2]["pacea"] == 3 and done[0][2]["revision"] == 1
    assert done[1][1]["mobilises"] == 10 and done[1][2]["mobilises"] == 12
    assert done[3][1]["mobilises"] == 12 and done[3][2] is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"mobilises": 3, "pacea": 2, "cej_ml": 2}, "4 entrées en dispositif pour 3 mobilisés"),
        ({"mobilises": 3, "emploi": 2, "formation": 2}, "4 situations pour 3 mobilisés"),
        (
            {"mobilises": 5, "duree_moins_3_mois": 2, "duree_plus_24_mois": 1},
            "durées de parcours : 3 jeunes répartis par durée pour 5 mobilisés",
        ),
    ],
)
def test_counts_breaking_the_rules_are_refused_and_nothing_is_stored(
    client, tokens, body, expected
):
    h = tokens["manager"]
    r = put(client, h, body)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Comptes refusés : ")
    assert expected in r.json()["detail"]
    assert "rien n'a été enregistré" in r.json()["hint"]
    assert listed(client, h) == [] and audit_of(client, h) == []


def test_every_broken_rule_is_said_at_once(client, tokens):
    body = {"mobilises": 1, "pacea": 2, "emploi": 2, "duree_3_6_mois": 0}
    detail = put(client, tokens["manager"], body).json()["detail"]
    assert "2 entrées en dispositif pour 1 mobilisés" in detail
    assert "2 situations pour 1 mobilisés" in detail
    assert "0 jeunes répartis par durée pour 1 mobilisés" in detail


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"mobilises": -1}, "mobilises", "valeur attendue supérieure ou égale à 0"),
        ({"mobilises": 2, "pacea": 1.5}, "pacea", "nombre entier attendu"),
        ({"mobilises": 2, "emploi": "1"}, "emploi", "nombre entier attendu"),
        ({"pacea": 1}, "mobilises", "champ obligatoire absent"),
        ({"mobilises": 2, "commentaire": "Julie"}, "commentaire", "champ non autorisé"),
        ({"mobilises": 10_001}, "mobilises", "valeur attendue inférieure ou égale à 10000"),
    ],
)
def test_a_body_refused_by_its_schema_says_which_field_in_french(
    client, tokens, body, field, message
):
    r = put(client, tokens["manager"], body)
    assert r.status_code == 422
    errors = {e["champ"].rsplit(".", 1)[-1]: e["erreur"] for e in r.json()["errors"]}
    assert message in errors[field]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("2023-13", "Mois « 2023-13 » inexistant : le mois va de 01 à 12, reçu 13."),
        ("2024-00", "Mois « 2024-00 » inexistant"),
        ("mars-2024", "Mois « mars-2024 » illisible : attendu AAAA-MM"),
        ("2024-03-15", "les comptes sont mensuels"),
        (
            "2024-05",
            "Mois mai 2024 à venir : les suites se comptent pour un mois commencé, "
            "au plus tard avril 2024 (mois en cours).",
        ),
    ],
)
def test_a_month_must_be_a_real_month_already_begun(client, tokens, month, expected):
    r = put(client, tokens["manager"], {"mobilises": 1}, month=month)
    assert r.status_code == 422
    assert expected in r.json()["detail"]
    assert listed(client, tokens["manager"]) == []


def test_the_current_month_is_taken(client, tokens):
    assert put(client, tokens["manager"], {"mobilises": 1}, month="2024-04").status_code == 201


def test_an_unknown_approach_is_refused_with_the_list(client, tokens):
    r = put(client, tokens["manager"], {"mobilises": 1}, approach="porte-a-porte")
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "Démarche « porte-a-porte » inconnue" in detail
    assert "reseaux_sociaux (Réseaux sociaux / webmarketing)" in detail
    # the webmarketing approach has no place but its young people have outcomes too
    assert (
        put(client, tokens["manager"], {"mobilises": 1}, approach="reseaux_sociaux").status_code
        == 201
    )


def test_who_may_read_and_write(client, tokens):
    assert put(client, tokens["manager"], ROW).status_code == 201
    assert len(listed(client, tokens["conseiller"])) == 1  # the territory's conseillers read
    r = put(client, tokens["conseiller"], ROW)
    assert (
        r.status_code == 403
        and "Le rôle conseiller ne peut pas enregistrer les suites" in (r.json()["detail"])
    )
    r = client.delete(f"{URL}/2024-03/maraude", headers=tokens["conseiller"])
    assert r.status_code == 403
    r = put(client, tokens["manager_mb"], ROW)
    assert r.status_code == 403
    assert f"ce jeton appartient au territoire {MB}, pas à {CM}" in r.json()["detail"]
    assert client.get(URL, headers=tokens["manager_mb"]).status_code == 403
    r = client.get(URL, headers=tokens["arml"])  # the ARML reads the regional aggregates only
    assert r.status_code == 403 and "Le rôle arml ne lit pas" in r.json()["detail"]
    assert client.get(URL).status_code == 401
    assert listed(client, tokens["manager"])[0]["revision"] == 1  # nothing changed


def test_a_period_upside_down_is_refused(client, tokens):
    r = client.get(URL + "?from=2024-03&to=2024-01", headers=tokens["manager"])
    assert r.status_code == 422 and "Période inversée" in r.json()["detail"]


# -- the CSV import ----------------------------------------------------------------------------

HEADER = "month;approach;mobilises;pacea;emploi;duree_moins_3_mois;duree_3_6_mois"


def upload(client, headers, *rows, name="suites.csv", header=HEADER):
    data = ("\ufeff" + "\n".join((header, *rows)) + "\n").encode()
    return client.post(URL + ".csv", files={"file": (name, data, "text/csv")}, headers=headers)


def test_the_good_rows_of_a_file_are_stored_and_each_bad_row_listed(client, tokens):
    h = tokens["manager"]
    put(client, h, {"mobilises": 1}, month="2024-02", approach="maraude")
    r = upload(
        client,
        h,
        "2024-01;maraude;10;3;2;6;4",
        "2024-02-01;maraude;4;1;;;",  # replaces the stored row
        "2024-02;maraude;3;1;;;",  # same month x approach again
        "2024-13;lieu_tiers;3;;;;",
        "2024-03;lieu_tiers;3;5;;;",
        "2024-03;vehicule_itinerant;deux;;;;",
        "2024-06;evenements;1;;;;",
        "2024-03;porte-a-porte;1;;;;",
        "2024-03;evenements;5;;;2;2",
        ";;;;;;",
    )
    assert r.status_code == 200, r.text
    body = OutcomesImportPublic.model_validate(r.json())
    assert (body.added, body.updated, body.count) == (1, 1, 7)
    refused = {x.line: (x.id, x.message) for x in body.refused}
    assert sorted(refused) == [4, 5, 6, 7, 8, 9, 10]
    assert refused[4] == (
        "2024-02 maraude",
        "Même mois et même démarche que la ligne 3 : une ligne par mois et par démarche.",
    )
    assert refused[5][0] == "2024-13 lieu_tiers" and "Mois « 2024-13 » inexistant" in refused[5][1]
    assert "5 entrées en dispositif pour 3 mobilisés" in refused[6][1]
    assert "mobilises : nombre entier de 0 à 10000 attendu, reçu « deux »" in refused[7][1]
    assert "Mois juin 2024 à venir" in refused[8][1]
    assert "Démarche « porte-a-porte » inconnue" in refused[9][1]
    assert "4 jeunes répartis par durée pour 5 mobilisés" in refused[10][1]
    rows = {(x["month"], x["approach"]): x for x in listed(client, h)}
    assert set(rows) == {("2024-01", "maraude"), ("2024-02", "maraude")}
    assert (
        rows["2024-02", "maraude"]["mobilises"] == 4 and rows["2024-02", "maraude"]["revision"] == 2
    )
    january = rows["2024-01", "maraude"]
    assert (january["pacea"], january["emploi"], january["duree_3_6_mois"]) == (3, 2, 4)
    assert january["duree_6_12_mois"] is None and january["cej_ml"] == 0
    entry = audit_of(client, h, "outcomes.import")[0]
    assert entry["before"]["replaced"]["2024-02 maraude"]["mobilises"] == 1
    assert entry["after"]["refused_lines"] == [4, 5, 6, 7, 8, 9, 10]
    assert set(entry["after"]["rows"]) == {"2024-01 maraude", "2024-02 maraude"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER + ";nom", "colonne(s) inconnue(s) : nom"),
        ("month;approach;pacea", "colonne(s) obligatoire(s) absente(s) : mobilises"),
    ],
)
def test_a_file_with_unknown_or_missing_columns_is_refused_whole(client, tokens, header, expected):
    h = tokens["manager"]
    r = upload(client, h, "2024-01;maraude;1;0;0;;;x", header=header)
    assert r.status_code == 422
    assert expected in r.json()["detail"] and "Des comptes seulement" in r.json()["hint"]
    assert listed(client, h) == [] and audit_of(client, h) == []


def test_a_file_that_is_not_a_csv_is_refused(client, tokens):
    r = upload(client, tokens["manager"], "x", name="suites.xlsx")
    assert r.status_code == 422 and "Format du fichier « suites.xlsx »" in r.json()["detail"]


def test_only_the_territory_s_manager_imports(client, tokens):
    for who in ("conseiller", "manager_mb", "arml"):
        assert upload(client, tokens[who], "2024-01;maraude;1;0;0;;").status_code == 403
    assert listed(client, tokens["manager"]) == []
