"""``milo user create|list|disable``: password from stdin or an invitation link, listing without
secrets, disabling ends the person's sessions."""

from __future__ import annotations

import re
import subprocess
import sys

from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from api.service.db.models import UserRow, WebSessionRow
from api.service.db.session import Database
from api.service.users import PASSWORDS
from api.service.web_sessions import open_session, read_session
from tests.api.cli.test_serve import env

runner = CliRunner()
SECRET = "Une phrase de passe pour la CLI"


def milo(tmp_path, *args: str, stdin: str | None = None):
    return runner.invoke(app, ["user", *args], env=env(tmp_path), input=stdin)


def flat(output: str) -> str:
    return " ".join(output.split())


def store(tmp_path) -> Database:
    return Database(f"sqlite:///{tmp_path}/milo.sqlite3")


def test_create_with_password_on_stdin_stores_an_argon2id_hash_never_the_password(tmp_path):
    r = milo(
        tmp_path,
        "create",
        "Marie.Durand@ML-Creusot.fr",
        "--role",
        "manager",
        "--territory",
        "creusot-montceau",
        "--name",
        "Marie Durand",
        "--password-stdin",
        stdin=SECRET + "\n",
    )
    assert r.exit_code == 0, r.output
    assert "marie.durand@ml-creusot.fr créé : responsable, territoire creusot-montceau" in flat(
        r.output
    )
    assert SECRET not in r.output
    db = store(tmp_path)
    with db.session() as s:
        user = s.scalar(select(UserRow))
        assert user.email == "marie.durand@ml-creusot.fr" and user.name == "Marie Durand"
        assert user.password_hash.startswith("$argon2id$") and SECRET not in user.password_hash
        assert PASSWORDS.verify(SECRET, user.password_hash)
        assert user.invite_hash is None
    db.dispose()


def test_outside_the_tests_passwords_are_hashed_at_the_production_cost():
    """The tests hash at Argon2id's lowest cost (``tests/api/conftest.py``); a process of the
    application keeps pwdlib's defaults: 64 MiB, 3 passes, 4 lanes."""
    code = "from api.service.users import PASSWORDS; print(PASSWORDS.hash('x'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), out.stdout


def test_create_without_password_prints_a_one_time_invitation_link(tmp_path):
    r = milo(
        tmp_path,
        "create",
        "julien@ml.fr",
        "--role",
        "conseiller",
        "--territory",
        "creusot-montceau",
    )
    assert r.exit_code == 0, r.output
    link = r.output.strip().splitlines()[-1]
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/invitation/[\w-]{40,}", link), link
    db = store(tmp_path)
    with db.session() as s:
        user = s.scalar(select(UserRow))
        assert user.password_hash is None and user.invite_hash is not None
        assert link.rsplit("/", 1)[1] not in user.invite_hash  # only its HMAC is stored
    db.dispose()


def test_list_shows_accounts_and_their_state_without_secrets(tmp_path):
    milo(tmp_path, "create", "a@ml.fr", "--role", "arml", "--password-stdin", stdin=SECRET)
    milo(tmp_path, "create", "b@ml.fr", "--role", "conseiller", "--territory", "creusot-montceau")
    r = milo(tmp_path, "list")
    assert r.exit_code == 0, r.output
    text = flat(r.output)
    assert "2 compte(s)." in text
    assert "a@ml.fr · a · ARML · toute la région · actif" in text
    assert "b@ml.fr · b · conseiller · creusot-montceau · invitation envoyée" in text
    assert "argon2" not in text and SECRET not in text


def test_disable_ends_the_open_sessions_at_once(tmp_path):
    milo(
        tmp_path,
        "create",
        "c@ml.fr",
        "--role",
        "manager",
        "--territory",
        "creusot-montceau",
        "--password-stdin",
        stdin=SECRET,
    )
    db = store(tmp_path)
    secret = b"milo-development-only-insecure-key"
    with db.session() as s:
        cookie = open_session(s, s.scalar(select(UserRow)), secret)
        s.commit()
        assert read_session(s, cookie, secret) is not None
    r = milo(tmp_path, "disable", "C@ml.fr")
    assert r.exit_code == 0 and "désactivé : ses sessions ouvertes sont fermées" in r.output
    with db.session() as s:
        assert read_session(s, cookie, secret) is None
        assert s.scalar(select(WebSessionRow)).revoked_at is not None
    db.dispose()
    again = milo(tmp_path, "disable", "c@ml.fr")
    assert again.exit_code == 0 and "déjà désactivé" in again.output


def test_user_command_errors_are_french(tmp_path):
    cases = [
        (
            ["create", "pas-une-adresse", "--role", "manager", "--territory", "creusot-montceau"],
            "Adresse e-mail illisible",
        ),
        (["create", "x@ml.fr", "--role", "chef"], "Rôle 'chef' inconnu"),
        (["create", "x@ml.fr", "--role", "manager"], "territoire manquant"),
        (
            ["create", "x@ml.fr", "--role", "arml", "--territory", "creusot-montceau"],
            "pas de territoire",
        ),
        (
            ["create", "x@ml.fr", "--role", "manager", "--territory", "atlantide"],
            "Territoire 'atlantide' inconnu",
        ),
        (["disable", "personne@ml.fr"], "Aucun compte pour l'adresse"),
    ]
    for args, message in cases:
        r = milo(tmp_path, *args)
        assert r.exit_code == 2 and message in flat(r.output), (args, r.output)
    short = milo(
        tmp_path, "create", "x@ml.fr", "--role", "arml", "--password-stdin", stdin="court\n"
    )
    assert short.exit_code == 2 and "Mot de passe trop court : 5 caractère(s)" in flat(short.output)
    empty = milo(tmp_path, "create", "x@ml.fr", "--role", "arml", "--password-stdin", stdin="\n")
    assert empty.exit_code == 2 and "reçu une ligne vide" in flat(empty.output)
    twice = [milo(tmp_path, "create", "y@ml.fr", "--role", "arml") for _ in range(2)]
    assert twice[1].exit_code == 2 and "Un compte existe déjà pour y@ml.fr" in flat(twice[1].output)
