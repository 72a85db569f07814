"""``milo token create|list|revoke``: labels, expiry, listing without secrets, revocation."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from api.service.db.models import TokenRow
from api.service.db.session import Database
from tests.api.cli.test_serve import env

runner = CliRunner()


def milo(tmp_path, *args: str):
    return runner.invoke(app, ["token", *args], env=env(tmp_path))


def flat(output: str) -> str:
    return " ".join(output.split())  # rich wraps long lines


def rows(tmp_path) -> list[TokenRow]:
    db = Database(f"sqlite:///{tmp_path}/milo.sqlite3")
    with db.session() as s:
        found = list(s.scalars(select(TokenRow).order_by(TokenRow.id)))
    db.dispose()
    return found


def test_create_with_label_and_expiry_then_list_without_secrets(tmp_path):
    made = milo(
        tmp_path,
        "create",
        "--role",
        "conseiller",
        "--territory",
        "creusot-montceau",
        "--label",
        "Téléphone [bold]de Julie",
        "--expires-days",
        "30",
    )
    assert made.exit_code == 0, made.output
    assert "expire dans 30 jours" in flat(made.output)
    token = made.output.strip().splitlines()[-1]
    arml = milo(tmp_path, "create", "--role", "arml", "--expires-days", "0")
    assert arml.exit_code == 0 and "n'expire jamais" in flat(arml.output)
    mb = milo(tmp_path, "create", "--role", "manager", "--territory", "marches-de-bourgogne")
    assert mb.exit_code == 0
    listed = milo(tmp_path, "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.strip().splitlines()
    assert lines[0] == "3 jeton(s)."
    first = lines[1]
    assert first.startswith(
        "jeton 1 · conseiller · creusot-montceau · « Téléphone [bold]de Julie »"
    )
    assert "(ligne de commande)" in first and "dernière utilisation : jamais" in first
    assert first.endswith("· actif") and "expire le " in first
    assert "n'expire jamais" in lines[2] and "toute la région" in lines[2]
    secrets = [token, *(r.token_hash for r in rows(tmp_path))]
    assert not any(secret in listed.output for secret in secrets)
    only = milo(tmp_path, "list", "--territory", "marches-de-bourgogne")
    only_lines = only.output.strip().splitlines()
    assert (
        len(only_lines) == 2 and only_lines[0] == "1 jeton(s) du territoire marches-de-bourgogne."
    )
    assert "jeton 3 · manager · marches-de-bourgogne" in only.output


def test_revoke_then_list_shows_it_and_a_second_revoke_changes_nothing(tmp_path):
    assert (
        milo(tmp_path, "create", "--role", "manager", "--territory", "creusot-montceau").exit_code
        == 0
    )
    done = milo(tmp_path, "revoke", "1")
    assert done.exit_code == 0, done.output
    assert "Jeton 1 révoqué : refusé dès maintenant" in flat(done.output)
    assert "d'ici 15 s par un serveur déjà en marche" in flat(done.output)
    first = rows(tmp_path)[0].revoked_at
    assert first is not None
    assert "· révoqué le " in milo(tmp_path, "list").output
    again = milo(tmp_path, "revoke", "1")
    assert again.exit_code == 0 and "Jeton 1 déjà révoqué le " in again.output
    assert rows(tmp_path)[0].revoked_at == first


def test_token_command_errors_are_french(tmp_path):
    unknown = milo(tmp_path, "revoke", "42")
    assert unknown.exit_code == 2 and "Jeton 42 inconnu." in flat(unknown.output)
    assert "milo token list" in flat(unknown.output)
    territory = milo(tmp_path, "list", "--territory", "atlantide")
    assert territory.exit_code == 2 and "atlantide" in flat(territory.output)
    never = milo(
        tmp_path, "create", "--role", "conseiller", "--territory", "creusot-montceau",
        "--expires-days", "0",
    )  # fmt: skip
    assert never.exit_code == 2
    assert "Durée de validité d'un jeton conseiller : de 1 à 365 jours attendus, reçu 0." in flat(
        never.output
    )
    label = milo(tmp_path, "create", "--role", "arml", "--label", "a\u202eb")
    assert label.exit_code == 2 and "caractère de direction du texte" in flat(label.output)
    assert rows(tmp_path) == []
