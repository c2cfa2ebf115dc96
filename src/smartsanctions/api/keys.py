"""API keys: created by the CLI, stored hashed, each with one role.

A key reads ``ssk_<id>.<secret>``. The ``id`` is stored in clear to find the row; only a
salted SHA-256 of the secret is kept. The secret is 256 random bits, so a fast hash is
enough here (a slow password hash only matters for guessable secrets) and keeps every
request cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from smartsanctions.store.audit import append_audit
from smartsanctions.store.schema import api_key

ROLES: tuple[str, ...] = ("reader", "analyst", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}
PREFIX = "ssk_"


class KeyManagementError(ValueError):
    """A bad request to manage keys (unknown role, unknown key)."""


@dataclass(frozen=True)
class KeyInfo:
    id: str
    name: str
    role: str

    def allows(self, needed: str) -> bool:
        return role_allows(self.role, needed)


@dataclass(frozen=True)
class CreatedKey:
    id: str
    name: str
    role: str
    key: str  # shown once; never stored


def role_allows(have: str, needed: str) -> bool:
    return _RANK.get(have, -1) >= _RANK[needed]


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}\0{secret}".encode()).hexdigest()


def create_key(engine: Engine, name: str, role: str, actor: str = "cli") -> CreatedKey:
    """Create a key with a role; the returned ``key`` is the only copy of the secret."""
    if role not in ROLES:
        raise KeyManagementError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if not name.strip():
        raise KeyManagementError("a key needs a name (who or what uses it)")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    with engine.begin() as conn:
        conn.execute(
            api_key.insert().values(
                id=key_id,
                name=name.strip(),
                role=role,
                salt=salt,
                hash=_hash(salt, secret),
                created_at=datetime.now(UTC),
                revoked=False,
            )
        )
        append_audit(conn, actor, "key_created", {"key_id": key_id, "name": name.strip(), "role": role})
    return CreatedKey(key_id, name.strip(), role, f"{PREFIX}{key_id}.{secret}")


def revoke_key(engine: Engine, key_id: str, actor: str = "cli") -> None:
    with engine.begin() as conn:
        done = conn.execute(update(api_key).where(api_key.c.id == key_id).values(revoked=True)).rowcount
        if not done:
            raise KeyManagementError(f"no API key with id {key_id!r}")
        append_audit(conn, actor, "key_revoked", {"key_id": key_id})


def list_keys(engine: Engine) -> list[dict[str, Any]]:
    """Every key's public facts (never a hash)."""
    with engine.connect() as conn:
        rows = conn.execute(select(api_key).order_by(api_key.c.created_at)).all()
    return [
        {"id": r.id, "name": r.name, "role": r.role, "created_at": r.created_at.isoformat(), "revoked": r.revoked}
        for r in rows
    ]


def split_key(presented: str) -> tuple[str, str] | None:
    if not presented.startswith(PREFIX) or "." not in presented:
        return None
    key_id, _, secret = presented[len(PREFIX) :].partition(".")
    if not key_id or not secret:
        return None
    return key_id, secret


def authenticate(conn: Connection, presented: str) -> KeyInfo | None:
    """The key's identity if ``presented`` is a valid, unrevoked key; else None."""
    parts = split_key(presented.strip())
    if parts is None:
        return None
    key_id, secret = parts
    row = conn.execute(select(api_key).where(api_key.c.id == key_id)).first()
    if row is None or row.revoked:
        return None
    if not hmac.compare_digest(row.hash, _hash(row.salt, secret)):
        return None
    return KeyInfo(row.id, row.name, row.role)
