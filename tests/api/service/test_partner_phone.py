"""A partner's public phone through the store and the API: seeded from the demo's official
directories, filled into a store seeded before phones were kept, given by the API and by a
partners file (each bad number refused in French)."""

from __future__ import annotations

from sqlalchemy import select

from api.service.db.models import PartnerRow, TerritoryRow
from api.service.db.session import Database
from api.service.schemas.territories import PartnerPublic
from api.service.territory_store import demo_territory, fill_official_phones, seed_demo
from tests.api.service.conftest import CM, MB

NEW = {"name": "Centre social du Tennis", "type": "centre_social", "lon": 4.4281, "lat": 46.8021}
URL = f"/territories/{CM}/partners"


def stored_phones(db: Database, territory_id: str) -> dict[str, str | None]:
    with db.session() as s:
        rows = s.scalars(select(PartnerRow).where(PartnerRow.territory_id == territory_id))
        return {r.key: r.phone for r in rows}


def test_the_seeded_demo_partners_have_their_official_phone(client, tokens):
    r = client.get(f"{URL}/mairie-71153", headers=tokens["conseiller"])
    assert r.status_code == 200
    assert PartnerPublic.model_validate(r.json()).phone == "03 85 77 59 59"  # Le Creusot
    phones = stored_phones(client.app.state.milo.db, MB)
    assert phones["mairie-21425"] == "03 80 92 01 34"  # Montbard
    assert phones["fs-2364"] == "03 80 49 66 33"  # France services de Vitteaux
    assert all(phones.values())


def test_a_store_seeded_before_phones_gets_them_and_keeps_what_a_manager_gave(db_url):
    db = Database(db_url)
    db.upgrade()
    seed_demo(db)
    with db.session() as s:  # as migration 0010 leaves a store seeded before it
        for row in s.scalars(select(PartnerRow).where(PartnerRow.territory_id == CM)):
            row.phone = None
            if row.key == "mairie-71306":  # replaced by a manager since: not official any more
                row.source = "API"
        rev = s.get_one(TerritoryRow, CM).partners_rev
        s.commit()
    try:
        seed_demo(db)  # the next start
        phones = stored_phones(db, CM)
        expected = demo_territory(CM).partners["phone"].to_dict()
        assert phones.pop("mairie-71306") is None
        assert phones == {k: v for k, v in expected.items() if k != "mairie-71306"}
        with db.session() as s:
            assert s.get_one(TerritoryRow, CM).partners_rev == rev + 1  # caches rebuilt
        assert fill_official_phones(db, demo_territory(CM)) == []  # nothing left to fill
    finally:
        db.drop_everything()
        db.dispose()


def test_the_api_keeps_a_phone_in_one_form_and_put_replaces_it(client, tokens):
    h = tokens["manager"]
    r = client.post(URL, json=NEW | {"phone": "+33 3.85.55.01.02"}, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["phone"] == "03 85 55 01 02"
    territory, _ = client.app.state.milo.territories.get(CM)
    assert territory.partners.loc[created["id"], "phone"] == "03 85 55 01 02"
    r = client.put(f"{URL}/{created['id']}", json=NEW, headers=h)
    assert r.status_code == 200 and r.json()["phone"] is None


def test_a_bad_phone_sent_to_the_api_is_a_french_422(client, tokens):
    r = client.post(URL, json=NEW | {"phone": "06 12"}, headers=tokens["manager"])
    assert r.status_code == 422
    body = r.json()
    assert body["detail"].startswith(
        "Le partenaire « Centre social du Tennis », champ phone, valeur « 06 12 » illisible "
        "(attendu un numéro français à 10 chiffres commençant par 0"
    )
    assert "jamais un numéro personnel" in body["hint"]


def upload(client, headers, *rows: str):
    data = ("id;name;type;lon;lat;telephone\n" + "\n".join(rows) + "\n").encode()
    return client.post(
        f"{URL}/import", files={"file": ("accueil.csv", data, "text/csv")}, headers=headers
    )


def test_a_partners_file_s_telephone_column_is_stored_and_a_bad_number_refuses_its_row(
    client, tokens
):
    h = tokens["manager"]
    r = upload(
        client,
        h,
        "cs-tennis;Centre social du Tennis;centre_social;4.4281;46.8021;03-85-55-01-02",
        "cs-bad;Centre social Harfleur;centre_social;4.4281;46.8021;12 34",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["added"], body["count"]) == (1, 1)
    (refused,) = body["refused"]
    assert (refused["line"], refused["id"]) == (3, "cs-bad")
    assert refused["message"].startswith(
        "Partenaires (accueil.csv) : ligne 3, colonne telephone, valeur « 12 34 » illisible "
        "(attendu un numéro français à 10 chiffres"
    )
    assert "laissez la case vide" in refused["hint"]
    assert stored_phones(client.app.state.milo.db, CM)["cs-tennis"] == "03 85 55 01 02"
    assert "cs-bad" not in stored_phones(client.app.state.milo.db, CM)


def test_a_personal_looking_column_still_refuses_the_file(client, tokens):
    data = b"id;name;type;lon;lat;portable\np1;Lieu;commerce;4.4281;46.8021;06 12 34 56 78\n"
    r = client.post(
        f"{URL}/import",
        files={"file": ("p.csv", data, "text/csv")},
        headers=tokens["manager"],
    )
    assert r.status_code == 422
    assert "['portable']" in r.json()["detail"]
    assert "« telephone »" in r.json()["hint"]
