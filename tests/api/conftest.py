"""What every command-line, service and web test shares: passwords hashed at Argon2id's lowest
cost in the tests' own process.

The production hasher (pwdlib's defaults: 64 MiB, 3 passes, 4 lanes) takes 0.16 s a hash and as
long a check on a free core; a web test creates five accounts and logs one or more in, so it
spent a second on hashing alone, about a tenth of the suite. The hashes made here stay Argon2id
(``$argon2id$...``) and are checked by the same code, which reads the cost from each hash; the
servers the browser and worker tests start in subprocesses keep the production cost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pwdlib.hashers.argon2 import Argon2Hasher

from api.service import users

CHEAP = Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    production = (users.PASSWORDS.hashers, users.PASSWORDS.current_hasher)
    users.PASSWORDS.hashers, users.PASSWORDS.current_hasher = (CHEAP,), CHEAP
    users._dummy_hash.cache_clear()
    yield
    users.PASSWORDS.hashers, users.PASSWORDS.current_hasher = production
    users._dummy_hash.cache_clear()
