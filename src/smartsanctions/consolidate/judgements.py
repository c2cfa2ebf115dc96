"""People's judgements on pairs: "same" or "not same". Stored, honoured on every run.

A judgement names two source records (or canonical entities, which are resolved to one
of their referents when the judgement is recorded, so that it keeps its meaning when
canonical IDs change). The newest judgement on a pair wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select

from smartsanctions.store.audit import append_audit
from smartsanctions.store.schema import canonical_referent, judgement, record_version

SAME, NOT_SAME = "same", "not_same"
_ALIASES = {"same": SAME, "not_same": NOT_SAME, "notsame": NOT_SAME, "different": NOT_SAME}


class JudgementError(ValueError):
    """A judgement that cannot be recorded (unknown ID, bad value)."""


@dataclass(frozen=True)
class Judgement:
    left: str
    right: str
    value: str  # SAME | NOT_SAME
    author: str
    created_at: datetime


def _resolve(conn: Connection, ident: str) -> str:
    """A source-record ID for ``ident`` (a source-record ID or a canonical ID)."""
    if conn.execute(select(record_version.c.id).where(record_version.c.record_id == ident).limit(1)).first():
        return ident
    row = conn.execute(
        select(canonical_referent.c.record_id)
        .where(canonical_referent.c.canonical_id == ident)
        .order_by(canonical_referent.c.record_id)
        .limit(1)
    ).first()
    if row is None:
        row = conn.execute(
            select(canonical_referent.c.record_id).where(canonical_referent.c.record_id == ident)
        ).first()
    if row is None:
        raise JudgementError(f"unknown record or canonical entity: {ident}")
    return str(row.record_id)


def add_judgement(engine: Engine, left: str, right: str, value: str, author: str, note: str | None = None) -> Judgement:
    """Record that two records are (or are not) the same party; takes effect on the next run."""
    normalised = _ALIASES.get(value.strip().lower().replace(" ", "_").replace("-", "_"))
    if normalised is None:
        raise JudgementError(f"judgement must be 'same' or 'not_same', not {value!r}")
    if not author.strip():
        raise JudgementError("a judgement needs an author")
    with engine.begin() as conn:
        a, b = _resolve(conn, left), _resolve(conn, right)
        if a == b:
            raise JudgementError(f"{left} and {right} are the same record")
        a, b = min(a, b), max(a, b)
        now = datetime.now(UTC)
        conn.execute(
            judgement.insert().values(
                left_id=a, right_id=b, judgement=normalised, author=author, created_at=now, note=note
            )
        )
        append_audit(
            conn, author, "judgement", {"left": a, "right": b, "judgement": normalised, "given": [left, right], "note": note}
        )
    return Judgement(a, b, normalised, author, now)


def current_judgements(conn: Connection) -> list[Judgement]:
    """The newest judgement on each pair."""
    latest: dict[tuple[str, str], Judgement] = {}
    for row in conn.execute(select(judgement).order_by(judgement.c.created_at, judgement.c.id)):
        a, b = min(row.left_id, row.right_id), max(row.left_id, row.right_id)
        latest[(a, b)] = Judgement(a, b, row.judgement, row.author, row.created_at)
    return [latest[k] for k in sorted(latest)]
