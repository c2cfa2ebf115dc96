"""The store's tables (SQLAlchemy Core; SQLite by default, PostgreSQL by URL).

Versioning works per list entry ("record"): every distinct content of a record is one
``record_version`` (with its statements), stored once however many snapshots carry it;
``snapshot_record`` says which version each snapshot of the list carried. Legal events
are derived from that sequence and the dates the files state.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


class EventType(str, Enum):
    DESIGNATED = "designated"
    AMENDED = "amended"
    DELISTED = "delisted"


class DateBasis(str, Enum):
    """Where an event's date comes from."""

    STATED = "stated"  # the list file states it (listing date, amendment date)
    BOUNDED = "bounded"  # only known to lie between two snapshots' publication dates


source_list = Table(
    "source_list",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("authority", String(32), nullable=False, index=True),
    Column("authority_name", String(200), nullable=False),
    Column("name", String(300), nullable=False),
)

snapshot = Table(
    "snapshot",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), ForeignKey("source_list.id"), nullable=False, index=True),
    Column("sha256", String(64), nullable=False),
    Column("format", String(32), nullable=False),
    Column("files", Text, nullable=False),  # JSON list of file names
    Column("published", Date, nullable=False),
    Column("published_basis", String(200), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("entities", Integer, nullable=False),
    Column("counts", Text, nullable=False),  # JSON {schema: n}
    Column("forced", Boolean, nullable=False, default=False),
    Column("notes", Text, nullable=False, default="[]"),  # JSON: what the parser tolerated
    UniqueConstraint("list_id", "sha256", name="uq_snapshot_list_sha"),
)

record_version = Table(
    "record_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(200), nullable=False),
    Column("list_id", String(64), ForeignKey("source_list.id"), nullable=False, index=True),
    Column("schema", String(40), nullable=False),
    Column("caption", String(500), nullable=False),
    Column("content_hash", String(40), nullable=False),
    Column("listed_on", Date, nullable=True),  # earliest listing date the version states
    Column("amended_on", Date, nullable=True),  # latest amendment date the version states
    Column("entities", Text, nullable=False),  # JSON list of FtM entity dicts
    UniqueConstraint("record_id", "content_hash", name="uq_version_record_hash"),
)

statement = Table(
    "statement",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version_id", Integer, ForeignKey("record_version.id"), nullable=False, index=True),
    Column("entity_id", String(300), nullable=False),
    Column("schema", String(40), nullable=False),
    Column("prop", String(64), nullable=False),
    Column("value", Text, nullable=False),
)

snapshot_record = Table(
    "snapshot_record",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshot.id"), primary_key=True),
    Column("record_id", String(200), primary_key=True),
    Column("version_id", Integer, ForeignKey("record_version.id"), nullable=False, index=True),
)
Index("ix_snapshot_record_record", snapshot_record.c.record_id)

legal_event = Table(
    "legal_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(200), nullable=False, index=True),
    Column("list_id", String(64), ForeignKey("source_list.id"), nullable=False, index=True),
    Column("authority", String(32), nullable=False),
    Column("event", String(16), nullable=False),  # EventType
    Column("date", Date, nullable=True),  # the stated date, or the upper bound
    Column("date_basis", String(16), nullable=False),  # DateBasis
    Column("after", Date, nullable=True),  # lower bound (exclusive): previous snapshot's date
    Column("not_after", Date, nullable=True),  # upper bound (inclusive): observing snapshot's date
    Column("snapshot_id", Integer, ForeignKey("snapshot.id"), nullable=False),
    Column("version_id", Integer, ForeignKey("record_version.id"), nullable=True),
    Column("detail", Text, nullable=True),
)

judgement = Table(
    "judgement",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("left_id", String(200), nullable=False, index=True),
    Column("right_id", String(200), nullable=False, index=True),
    Column("judgement", String(16), nullable=False),  # "same" | "not_same"
    Column("author", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=True),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("data_version", String(100), nullable=True),
    Column("detail", Text, nullable=False),  # JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


# --- Service (API) tables: API keys and analysts' screening decisions --------------------
# Written by smartsanctions.api; kept here so one metadata creates the whole store.

api_key = Table(
    "api_key",
    metadata,
    Column("id", String(32), primary_key=True),  # the public part of the key
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # "reader" | "analyst" | "admin"
    Column("salt", String(64), nullable=False),
    Column("hash", String(64), nullable=False),  # sha256(salt + secret), hex
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

screening_decision = Table(
    "screening_decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("party_key", String(200), nullable=False),
    Column("entity_id", String(300), nullable=False),
    Column("decision", String(16), nullable=False),  # "true_positive" | "false_positive"
    Column("author", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=True),
    Column("data_version", String(100), nullable=True),  # what the analyst saw when deciding
)
Index("ix_screening_decision_party_entity", screening_decision.c.party_key, screening_decision.c.entity_id)


# --- Consolidation tables: canonical entities built by smartsanctions.consolidate --------
# Rebuilt by every `consolidate` run except the pair-score cache, which is keyed by record
# versions so that a re-run only scores pairs involving changed records.

consolidation_run = Table(
    "consolidation_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("data_version", String(100), nullable=False),
    Column("use_un_refs", Boolean, nullable=False),
    Column("summary", Text, nullable=False),  # JSON
)

canonical_entity = Table(
    "canonical_entity",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("schema", String(40), nullable=False),
    Column("caption", String(500), nullable=False),
    Column("listed", Boolean, nullable=False),  # False: only named in remarks ("unlisted")
    Column("current", Boolean, nullable=False),  # some referent is on a list's newest snapshot
    Column("data", Text, nullable=False),  # JSON: properties, provenance, datasets, authorities
    Column("run_id", Integer, ForeignKey("consolidation_run.id"), nullable=False),
)

canonical_referent = Table(
    "canonical_referent",
    metadata,
    Column("record_id", String(300), primary_key=True),  # source-record or unlisted-party ID
    Column("canonical_id", String(64), nullable=False, index=True),
    Column("list_id", String(64), nullable=False),
    Column("version_id", Integer, nullable=True),
    Column("current", Boolean, nullable=False),
)

merge_evidence = Table(
    "merge_evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("canonical_id", String(64), nullable=False, index=True),
    Column("left_id", String(300), nullable=False),
    Column("right_id", String(300), nullable=False),
    Column("score", Integer, nullable=False),  # decision score x 1000
    Column("reason", String(32), nullable=False),  # "score" | "judgement" | "name-mention"
    Column("features", Text, nullable=False),  # JSON
)

pair_score = Table(
    "pair_score",
    metadata,
    Column("left_version", Integer, primary_key=True),
    Column("right_version", Integer, primary_key=True),
    Column("scorer", String(32), nullable=False),  # the scoring code's version
    Column("score", Integer, nullable=False),  # x 1000, without UN-reference evidence
    Column("features", Text, nullable=False),  # JSON
)

canonical_pillar = Table(
    "canonical_pillar",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("canonical_id", String(64), nullable=False, index=True),
    Column("pillar", String(16), nullable=False),
    Column("evidence", Text, nullable=False),  # JSON list
)

canonical_relation = Table(
    "canonical_relation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_id", String(64), nullable=False, index=True),
    Column("object_id", String(64), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # family | associate | link | ownership | membership
    Column("relationship", String(100), nullable=False),  # what the object is to the subject
    Column("evidence", Text, nullable=False),  # JSON list of {record, edge, list, text}
)


# --- Continuous screening: stored customer books and their current hits ----------------
# Written by smartsanctions.screening.rescreen. A book remembers which snapshot of each list
# it was last screened against, so a re-screen looks only at what changed since.

screening_book = Table(
    "screening_book",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("source", Text, nullable=False),  # the file the parties came from
    Column("columns", Text, nullable=False),  # JSON column mapping
    Column("threshold", Float, nullable=False),
    Column("data_version", String(100), nullable=False),  # of the last screening
    Column("snapshots", Text, nullable=False),  # JSON {list_id: snapshot id} of the last screening
    Column("parties", Integer, nullable=False),
    Column("screened_at", DateTime(timezone=True), nullable=False),
)

book_party = Table(
    "book_party",
    metadata,
    Column("book", String(200), ForeignKey("screening_book.name"), primary_key=True),
    Column("row", Integer, primary_key=True),  # position in the source file (1 = first data row)
    Column("party_id", String(200), nullable=False),  # the file's id column, else "row N"
    Column("party_key", String(200), nullable=False),  # key of analysts' screening decisions
    Column("name", Text, nullable=False),
    Column("dob", String(40), nullable=True),
    Column("country", String(8), nullable=True),
    Column("schema", String(40), nullable=True),
    Column("identifiers", Text, nullable=False),  # ";"-joined
)

book_hit = Table(
    "book_hit",
    metadata,
    Column("book", String(200), ForeignKey("screening_book.name"), primary_key=True),
    Column("row", Integer, primary_key=True),
    Column("entity_id", String(300), primary_key=True),
    Column("caption", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("relation", Text, nullable=False),
    Column("data_version", String(100), nullable=False),  # when this hit was (last) found
)
