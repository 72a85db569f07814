"""Token lifecycle: expiry, revocation (at once here, within the cache TTL elsewhere), last use,
the manager's API over its territory's conseiller tokens, and migration 0005."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from alembic import command
from sqlalchemy import text

from api.service import auth
from api.service.auth import (
    CACHE_TTL_S,
    DEFAULT_EXPIRES_DAYS,
    TOUCH_EVERY_S,
    as_utc,
    create_token,
    issue_token,
)
from api.service.db import repo
from api.service.db.session import Database
from api.service.tokens import revoke
from planner.errors import InvalidProblemError, InvalidTerritoryError
from tests.api.service.conftest import CM, MB

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

NOW = dt.datetime.now(dt.UTC)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_conseiller(client, tokens, label: str = "Téléphone de Julie", **extra) -> dict:
    r = client.post(
        f"/territories/{CM}/tokens", json={"label": label} | extra, headers=tokens["manager"]
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_a_manager_creates_a_conseiller_token_shown_once(client, tokens):
    made = new_conseiller(client, tokens)
    assert made["role"] == "conseiller" and made["territory_id"] == CM
    assert made["label"] == "Téléphone de Julie" and made["state"] == "active"
    assert made["created_by"].startswith("jeton ")
    expires = dt.datetime.fromisoformat(made["expires_at"])
    assert abs(expires - NOW - dt.timedelta(days=DEFAULT_EXPIRES_DAYS)) < dt.timedelta(hours=1)
    assert (
        client.get(f"/territories/{CM}/partners", headers=bearer(made["token"])).status_code == 200
    )
    listed = client.get(f"/territories/{CM}/tokens", headers=tokens["manager"]).json()
    # the fixture's CM conseiller and the new one; never the manager's nor MB's tokens
    assert listed["count"] == 2 and {t["role"] for t in listed["data"]} == {"conseiller"}
    mine = next(t for t in listed["data"] if t["id"] == made["id"])
    assert "token" not in mine and "token_hash" not in mine
    assert made["token"] not in str(listed)
    assert mine["last_used_at"] is not None  # it was just used


def test_revocation_takes_effect_at_once_in_the_process(client, tokens):
    made = new_conseiller(client, tokens)
    headers = bearer(made["token"])
    assert client.get(f"/territories/{CM}/partners", headers=headers).status_code == 200  # cached
    r = client.delete(f"/tokens/{made['id']}", headers=tokens["manager"])
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    r = client.get(f"/territories/{CM}/partners", headers=headers)
    assert r.status_code == 401
    assert r.json()["detail"].startswith("Jeton d'accès révoqué le ")
    assert f"(jeton {made['id']})" in r.json()["detail"]
    assert "demandez-en un nouveau à votre responsable" in r.json()["hint"]
    first = client.get(f"/territories/{CM}/tokens", headers=tokens["manager"]).json()["data"]
    again = client.delete(f"/tokens/{made['id']}", headers=tokens["manager"])  # idempotent
    assert again.status_code == 200
    assert (
        again.json()["revoked_at"] == next(t for t in first if t["id"] == made["id"])["revoked_at"]
    )


def test_a_revocation_elsewhere_is_seen_within_the_cache_ttl(client, tokens, monkeypatch):
    state = client.app.state.milo
    token, row = issue_token(
        state.db, state.settings.secret, role="conseiller", territory_id=CM, label="tablette"
    )
    headers = bearer(token)
    assert client.get(f"/territories/{CM}/partners", headers=headers).status_code == 200
    with state.db.session() as s:  # what `milo token revoke` does in another process
        revoke(s, row.id)
        s.commit()
    assert client.get(f"/territories/{CM}/partners", headers=headers).status_code == 200  # cached
    later = auth.time.monotonic() + CACHE_TTL_S
    monkeypatch.setattr(auth.time, "monotonic", lambda: later)
    r = client.get(f"/territories/{CM}/partners", headers=headers)
    assert r.status_code == 401 and "révoqué" in r.json()["detail"]


def test_an_expired_token_is_a_french_401_saying_so(client, tokens):
    state = client.app.state.milo
    token, row = issue_token(
        state.db, state.settings.secret, role="conseiller", territory_id=CM, expires_days=1
    )
    with state.db.session() as s:
        stored = repo.get_token(s, row.id)
        stored.expires_at = NOW - dt.timedelta(days=2)
        s.commit()
    r = client.get(f"/territories/{CM}/partners", headers=bearer(token))
    assert r.status_code == 401
    assert r.json()["detail"] == (
        f"Jeton d'accès expiré le {(NOW - dt.timedelta(days=2)).strftime('%d/%m/%Y %H:%M')} "
        f"UTC (jeton {row.id})."
    )
    assert "Demandez un nouveau jeton à votre responsable" in r.json()["hint"]
    listed = client.get(f"/territories/{CM}/tokens", headers=tokens["manager"]).json()["data"]
    assert next(t for t in listed if t["id"] == row.id)["state"] == "expired"


def test_a_cached_token_is_dropped_from_the_cache_once_it_expires(client, tokens):
    state = client.app.state.milo
    token, row = issue_token(state.db, state.settings.secret, role="conseiller", territory_id=CM)
    assert client.get(f"/territories/{CM}/partners", headers=bearer(token)).status_code == 200
    header = f"Bearer {token}"
    assert state.auth.cached(header).token_id == row.id
    digest = auth.hash_token(token, state.settings.secret)
    entry = state.auth._cache[digest]
    state.auth._cache[digest] = replace(entry, expires_at=NOW - dt.timedelta(seconds=1))
    assert state.auth.cached(header) is None  # read again from the store, which decides


def test_last_use_is_written_at_most_once_a_minute(client, tokens):
    db = client.app.state.milo.db
    token, row = issue_token(db, b"k", role="manager", territory_id=CM)
    with db.session() as s:
        assert repo.touch_token(s, row.id, NOW, every_s=TOUCH_EVERY_S)
        assert not repo.touch_token(s, row.id, NOW + dt.timedelta(seconds=59), every_s=60)
        assert repo.touch_token(s, row.id, NOW + dt.timedelta(seconds=61), every_s=60)
        s.commit()
        used = as_utc(repo.get_token(s, row.id).last_used_at)
    assert used is not None and abs(used - NOW - dt.timedelta(seconds=61)) < dt.timedelta(seconds=1)


def test_a_token_verified_again_within_the_minute_keeps_its_last_use(client, monkeypatch):
    state = client.app.state.milo
    token, row = issue_token(state.db, state.settings.secret, role="manager", territory_id=CM)
    assert client.get(f"/territories/{CM}/partners", headers=bearer(token)).status_code == 200
    with state.db.session() as s:
        first = repo.get_token(s, row.id).last_used_at
    assert first is not None
    later = auth.time.monotonic() + CACHE_TTL_S  # the cache entry is stale: read the store again
    monkeypatch.setattr(auth.time, "monotonic", lambda: later)
    assert client.get(f"/territories/{CM}/partners", headers=bearer(token)).status_code == 200
    with state.db.session() as s:
        assert repo.get_token(s, row.id).last_used_at == first


def test_only_a_manager_of_the_territory_revokes_its_conseiller_tokens(client, tokens):
    made = new_conseiller(client, tokens)
    state = client.app.state.milo
    with state.db.session() as s:
        manager_id = next(r.id for r in repo.list_tokens(s, territory_id=CM, role="manager"))
    r = client.delete(f"/tokens/{made['id']}", headers=tokens["manager_mb"])
    assert r.status_code == 403
    assert r.json()["detail"] == (
        f"Un manager ne révoque que les jetons conseiller de son territoire ({MB}) ; le jeton "
        f"{made['id']} est un jeton conseiller du territoire {CM}."
    )
    r = client.delete(f"/tokens/{manager_id}", headers=tokens["manager"])
    assert r.status_code == 403 and r.json()["detail"].endswith("est un jeton manager.")
    assert "milo token revoke" in r.json()["hint"]
    for who in ("conseiller", "arml"):
        r = client.delete(f"/tokens/{made['id']}", headers=tokens[who])
        assert r.status_code == 403
        assert r.json()["detail"] == f"Le rôle {who} ne peut pas révoquer de jeton."
    r = client.delete("/tokens/999999", headers=tokens["manager"])
    assert r.status_code == 404 and r.json()["detail"] == "Jeton 999999 inconnu."
    assert (
        client.get(f"/territories/{CM}/partners", headers=bearer(made["token"])).status_code == 200
    )


def test_listing_and_creating_need_the_territory_s_manager(client, tokens):
    for who, status in (("conseiller", 403), ("manager_mb", 403), ("arml", 403)):
        assert client.get(f"/territories/{CM}/tokens", headers=tokens[who]).status_code == status
        r = client.post(f"/territories/{CM}/tokens", json={"label": "x"}, headers=tokens[who])
        assert r.status_code == status
    r = client.post(f"/territories/{CM}/tokens", json={"label": "x"}, headers=tokens["conseiller"])
    assert r.json()["detail"] == "Le rôle conseiller ne peut pas créer un jeton."
    r = client.get(f"/territories/{CM}/tokens", headers=tokens["manager_mb"])
    assert r.json()["detail"].startswith(f"Accès refusé : ce jeton appartient au territoire {MB}")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"label": "t", "expires_days": 0},
            "body.expires_days",
            "valeur attendue supérieure ou égale à 1 (reçu : 0)",
        ),
        (
            {"label": "t", "expires_days": 366},
            "body.expires_days",
            "valeur attendue inférieure ou égale à 365 (reçu : 366)",
        ),
        ({"label": "t", "role": "manager"}, "body.role", "champ non autorisé"),
        ({}, "body.label", "champ obligatoire absent"),
        ({"label": "x" * 101}, "body.label", "texte trop long (au plus 100 caractères)"),
    ],
)
def test_bad_token_requests_are_french_422(client, tokens, body, field, message):
    r = client.post(f"/territories/{CM}/tokens", json=body, headers=tokens["manager"])
    assert r.status_code == 422
    assert {"champ": field, "erreur": message} in r.json()["errors"]


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("Julie\u202eenohp", "Le libellé du jeton contient un caractère de direction du texte"),
        ("   ", "Le libellé du jeton est vide"),
    ],
)
def test_a_label_is_inert_text(client, tokens, label, message):
    r = client.post(f"/territories/{CM}/tokens", json={"label": label}, headers=tokens["manager"])
    assert r.status_code == 422 and r.json()["detail"].startswith(message)


def test_lifetime_rules_when_creating(client):
    db = client.app.state.milo.db
    with pytest.raises(InvalidProblemError) as exc:
        create_token(db, b"k", role="conseiller", territory_id=CM, expires_days=0)
    assert exc.value.message == (
        "Durée de validité d'un jeton conseiller : de 1 à 365 jours attendus, reçu 0."
    )
    assert "il expire toujours" in exc.value.hint
    with pytest.raises(InvalidProblemError) as exc:
        create_token(db, b"k", role="manager", territory_id=CM, expires_days=4000)
    assert (
        exc.value.message == "Durée de validité : de 0 (jamais) à 3650 jours attendus, reçu 4000."
    )
    _, never = issue_token(db, b"k", role="arml", territory_id=None, expires_days=0)
    assert never.expires_at is None and never.created_by == "cli"
    with pytest.raises(InvalidTerritoryError):
        create_token(db, b"k", role="manager", territory_id=CM, label="\x00")


def test_migration_0005_gives_existing_tokens_an_expiry(db_url):
    db = Database(db_url)
    db.drop_everything()
    cfg = db.alembic_config()

    def to(revision: str, down: bool = False) -> None:
        with db.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(cfg, revision)

    to("0002")
    with db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO tokens (token_hash, role, territory_id, created_at) "
                "VALUES ('h', 'arml', NULL, :now)"
            ),
            {"now": dt.datetime(2026, 1, 1)},
        )
    to("0005")
    with db.session() as s:
        row = repo.find_token(s, "h")
        assert row is not None and row.label == "" and row.revoked_at is None
        expires = as_utc(row.expires_at)
    assert expires is not None
    assert abs(expires - dt.datetime.now(dt.UTC) - dt.timedelta(days=180)) < dt.timedelta(hours=1)
    to("0002", down=True)
    with db.engine.connect() as c:
        columns = c.execute(text("SELECT * FROM tokens")).keys()
    assert "expires_at" not in columns
    db.drop_everything()
    db.dispose()
