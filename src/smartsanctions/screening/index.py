"""The in-memory screening index: candidate retrieval by name-part keys, then exact scoring.

Build: every name of every entry is analysed once (``names.analyse``). Distinct name parts form
a vocabulary; each part is reachable through blocking keys (``blocking``: its consonant
skeleton, the skeleton with one consonant deleted, its known-variant group, ...), and
each part has a posting list of the names that contain it. Part weights come from how many
names share the part's skeleton (common parts such as "muhammad" count less).

Search works on batches (``search`` is a batch of one, so both give the same answers): every
distinct query part is prepared once (its keys, and its similarity to the vocabulary parts they
reach, in one element-wise pass; cached on the index), each query sums weighted similarities per
name to pick the best ``RETRIEVE`` names, and all (query, candidate name) pairs of a batch are
scored exactly (``names.compare``'s rules; the hot loops compiled in ``kernels``), then
grouped per entry, adjusted by date of birth, country, gender and identifiers, filtered by
schema, and returned with explanations.

Storage: ``to_bytes`` writes flat numpy arrays and string tables (no pickled objects), so
``from_bytes`` costs little more than decoding the strings; entries are decoded when first used.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from itertools import pairwise
from typing import Any, overload

import numpy as np

from smartsanctions.names.analyse import (
    INITIAL,
    KIND_WEIGHT,
    NAME,
    ORG_TERM,
    AnalysedName,
    Part,
    analyse,
    is_org_schema,
    scoring_parts,
)
from smartsanctions.names.compare import (
    aggregate_pairs,
    as_blend,
    as_one_word,
    blend_probes,
    common_parts,
    explain_pair,
    joined_runs,
    joined_score,
    part_sounds,
    squashed,
    word_count,
)

from . import kernels
from .blocking import index_mode, key_hashes, query_mode
from .kernels import (
    best_form_per_entry,
    best_matches,
    candidate_pairs,
    code_points,
    indel_ratios,
    offsets,
    pair_sims,
    prefix_sums,
    reached_parts,
    string_hashes,
    top_forms,
)
from .model import IndexEntry, Match, Query
from .scoring import (
    birth_date_feature,
    country_feature,
    gender_feature,
    identifier_feature,
    normalise_identifier,
    schema_compatible,
)

# Calibrated on ../shared/data/eval (docs/screening.md): at 0.90, 5.0 in 1,000 synthetic
# customers (common forename + surname) alert; see the calibration table for the trade-off.
DEFAULT_THRESHOLD = 0.90
RETRIEVE = 96  # names scored exactly per query
RARE_FORMS = 32  # ... and every name with the query's rarest part, when it is in this few names
RARE_SIM = 0.75  # part similarity that counts as having that part
MAX_PARTS = 8  # name parts kept per indexed name
KEEP_PART_SIM = 0.25  # vocabulary parts less similar than this to a query part are not followed
COMMON_POSTINGS = 4000  # a part in more names than this is not used to retrieve if rarer parts exist
IDF_FLOOR = 0.35  # weight of a part found in half the indexed names, relative to a rare one
COMMON_PART_WEIGHT = 1.0  # weight factor of a popular forename/surname (names/data/common_parts.txt)
CHUNK = 256  # queries scored together by search_many
PART_CACHE = 200_000  # prepared query parts kept per index


def _org_flag(schema: str | None) -> bool | None:
    return True if is_org_schema(schema) else (None if schema in (None, "", "LegalEntity") else False)


def _is_company(query: Query, an: AnalysedName) -> bool:
    """A company's name (blends, three-word compounds): said by the schema or, without one, by a
    legal form in the name."""
    flag = _org_flag(query.schema)
    return flag is True or (flag is None and any(p.kind == ORG_TERM for p in an.parts))


_FORMAT = 13
_MAGIC = b"SSIX"


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Screening makes many small objects (results, cached name analyses) and no reference
    cycles, so the cyclic collector finds nothing; but its full passes rescan every cached
    analysis, which took up to a third of a batch's time (bench/screening_speed.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run_starts(*arrays: np.ndarray) -> np.ndarray:
    """Where a run of equal rows of ``arrays`` (columns) starts, as a mask."""
    first = np.zeros(len(arrays[0]), dtype=bool)
    first[:1] = True
    for a in arrays:
        first[1:] |= a[1:] != a[:-1]
    return first


def _skel_key(part: Part) -> str:
    return part.skeleton if len(part.skeleton) >= 2 else "\x00" + part.text


def _csr(groups: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = prefix_sums(map(len, groups))
    ids = np.fromiter((i for g in groups for i in g), dtype=np.int32, count=int(ptr[-1]))
    return ptr, ids


def _entry_json(e: IndexEntry) -> str:
    return json.dumps([e.id, e.caption, e.schema, e.names, e.birth_dates, e.countries, e.identifiers, e.datasets,
                       e.gender, e.relation, e.listed, e.topics], ensure_ascii=False)


def _entry_of_json(text: str) -> IndexEntry:
    (id_, caption, schema, names, dates, countries, idents, datasets, gender, relation, listed,
     topics) = json.loads(text)
    return IndexEntry(id_, caption, schema, tuple(names), tuple(dates), tuple(countries), tuple(idents),
                      tuple(datasets), gender, relation, listed, tuple(topics))


class _Entries(Sequence[IndexEntry]):
    """Entries decoded from their stored form on first access (loading stays cheap)."""

    def __init__(self, encoded: list[str]) -> None:
        self._encoded = encoded
        self._decoded: list[IndexEntry | None] = [None] * len(encoded)

    def __len__(self) -> int:
        return len(self._encoded)

    @overload
    def __getitem__(self, i: int) -> IndexEntry: ...

    @overload
    def __getitem__(self, i: slice) -> list[IndexEntry]: ...

    def __getitem__(self, i: int | slice) -> IndexEntry | list[IndexEntry]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        entry = self._decoded[i]
        if entry is None:
            entry = self._decoded[i] = _entry_of_json(self._encoded[i])
        return entry

    def encoded(self, i: int) -> str:
        return self._encoded[i]


def part_codes(part: Part, skel: int, shape: int) -> tuple[int, ...]:
    """The fields of a part's record before its span: variant group (-1: none), skeleton and
    vowel-shape codes (positions in skel_hash, shape_hash), first letter, flags (initial,
    romanised, from an abjad) and sound codes."""
    flags = ((part.kind == INITIAL) * kernels.INITIAL_FLAG | part.abjad * kernels.ABJAD_FLAG
             | part.romanised * kernels.ROMANISED_FLAG)
    return (part.variant, skel, shape, ord(part.text[:1] or "\0"), flags, *part_sounds(part))


def part_records(codes: Sequence[tuple[int, ...]], texts: Sequence[str], inline: bool = True) -> np.ndarray:
    """Name parts as ``kernels.pair_sims``'s records (int32 rows): their ``part_codes``, the
    span of the part's code points in ``code_points(texts)``, and (``inline``: vocabulary
    parts) the text itself when it is short and ASCII."""
    off = offsets(texts)
    rec = np.zeros((len(texts), kernels.RECORD_INTS), dtype=np.int32)
    if len(texts):
        rec[:, : kernels.START] = codes
        rec[:, kernels.START], rec[:, kernels.END] = off[:-1], off[1:]
    raw = rec.view(np.uint8)
    for i, t in enumerate(texts if inline else ()):
        if len(t) <= kernels.INLINE_MAX and t.isascii():
            rec[i, kernels.FLAGS] |= kernels.INLINE_FLAG
            raw[i, kernels.INLINE_AT : kernels.INLINE_AT + len(t)] = np.frombuffer(t.encode("ascii"), dtype=np.uint8)
    return rec


def _pack_strings(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    return np.frombuffer("".join(texts).encode("utf-8", "surrogatepass"), dtype=np.uint8), offsets(texts)


def _unpack_strings(data: np.ndarray, off: np.ndarray) -> list[str]:
    text = data.tobytes().decode("utf-8", "surrogatepass")
    bounds = off.tolist()
    return [text[a:b] for a, b in pairwise(bounds)]


_NO_VIDS = np.zeros(0, dtype=np.int32)
_NO_SIMS = np.zeros(0, dtype=np.float32)


class _QPart:
    """A distinct query name part, prepared against this index: its codes, weight, and the
    vocabulary parts (with similarities) its blocking keys reach."""

    __slots__ = (
        "close",
        "codes",
        "kind",
        "text",
        "total",
        "vids",
        "weight",
        "wsims",
    )

    def __init__(self, part: Part, skel: int, shape: int, weight: float) -> None:
        self.text = part.text
        self.codes = part_codes(part, skel, shape)
        self.kind = part.kind
        self.weight = weight
        self.vids = _NO_VIDS  # until _reach finds similar vocabulary parts
        self.wsims = _NO_SIMS
        self.total = 0
        self.close = 0  # names holding a part at least RARE_SIM similar (0: none)


def _close_floor(weight: np.ndarray | float) -> np.ndarray:
    """The weighted similarity from which a vocabulary part counts as the query part itself
    (``RARE_SIM`` similar), per query part ``weight``."""
    return (RARE_SIM * np.asarray(weight, dtype=np.float64)).astype(np.float32)


def _is_close(qp: _QPart) -> np.ndarray:
    """Which of ``qp.vids`` count as holding the part itself."""
    return qp.wsims >= _close_floor(qp.weight)


# per query: for the best name of each entry kept, the row of its form among the query's candidate
# forms, its name score and its name index; and the (C, Q, T) part similarities of all candidate forms
_Scored = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class _QFeats:
    """Query parts as arrays, laid out as the vocabulary's (``part_records``)."""

    def __init__(self, parts: Sequence[_QPart]) -> None:
        texts = [p.text for p in parts]
        self.chars = code_points(texts)[0]
        self.rec = part_records([p.codes for p in parts], texts, inline=False)
        self.weight = np.array([p.weight for p in parts], dtype=np.float32)


_ARRAYS = ("name_entry", "form_hash", "form_words", "form_tok", "form_ptr", "form_names", "vocab_rec", "vocab_weight", "post_ptr", "post_ids", "key_hash", "key_ptr", "key_ids",
           "skel_hash", "skel_df", "shape_hash", "entry_schema", "ident_ptr", "ident_ids")
_STRINGS = ("name_text", "vocab_text_list", "form_squash_list", "schema_names", "ident_keys")


class ScreeningIndex:
    """Screen names (with optional DOB, country, gender, identifiers) against listed parties."""

    def __init__(self) -> None:
        self.entries: Sequence[IndexEntry] = []
        self.entry_schema = np.zeros(0, dtype=np.int16)
        self.schema_names: list[str] = []
        self.name_entry = np.zeros(0, dtype=np.int32)
        self.name_text: list[str] = []
        # a form: one analysed name (same key, same reading) shared by every name that reads so
        # (the same person on several lists); retrieval and scoring work on forms
        self.form_hash = np.zeros(0, dtype=np.int64)
        self.form_tok = np.zeros((0, MAX_PARTS), dtype=np.int32)
        self.form_ptr = np.zeros(1, dtype=np.int64)  # form -> its names (CSR)
        self.form_names = np.zeros(0, dtype=np.int32)
        self.form_squash = np.zeros(0, dtype=object)  # the form as one word (names.compare.squashed)
        self.form_words = np.zeros(0, dtype=np.int16)  # its parts other than legal forms
        self.vocab_text = np.zeros(0, dtype=object)
        self.vocab_rec = part_records([], [])
        self.vocab_weight = np.zeros(0, dtype=np.float32)
        self.post_ptr = np.zeros(1, dtype=np.int64)
        self.post_ids = np.zeros(0, dtype=np.int32)
        self.key_hash = np.zeros(0, dtype=np.int64)  # sorted hashes of blocking keys
        self.key_ptr = np.zeros(1, dtype=np.int64)
        self.key_ids = np.zeros(0, dtype=np.int32)
        self.skel_hash = np.zeros(0, dtype=np.int64)  # sorted hashes of skeletons
        self.skel_df = np.zeros(0, dtype=np.int64)  # names containing a part with that skeleton
        self.shape_hash = np.zeros(0, dtype=np.int64)
        self.ident_keys: list[str] = []
        self.ident_ptr = np.zeros(1, dtype=np.int64)
        self.ident_ids = np.zeros(0, dtype=np.int32)
        self._identifiers: dict[str, list[int]] | None = None
        self._part_cache: dict[Part, _QPart] = {}
        self._schema_masks: dict[str | None, np.ndarray] = {}
        self._org_schemas: np.ndarray | None = None  # per indexed schema: an organisation
        self._form_parts: tuple[np.ndarray, np.ndarray] | None = None  # _form_weights
        # zeroed per-form scratch space of kernels.top_forms (which holds the GIL while it runs)
        self._scratch = (np.zeros(0, dtype=np.float64), np.zeros(0, dtype=np.bool_))
        # code_points of vocab_text and form_squash, on first use
        self._vocab_chars: np.ndarray | None = None
        self._squash_chars: tuple[np.ndarray, np.ndarray] | None = None
        self._buckets: dict[str, np.ndarray] = {}  # kernels.bucket_starts of the sorted hash tables

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, entries: Iterable[IndexEntry]) -> ScreeningIndex:
        self = cls()
        vocab: dict[Part, int] = {}
        parts: list[Part] = []
        rows: list[list[int]] = []
        name_entry: list[int] = []
        forms: dict[tuple[str, bool], int] = {}
        form_names: list[list[int]] = []
        listed: list[IndexEntry] = []
        schemas: dict[str, int] = {}
        entry_schema: list[int] = []
        identifiers: dict[str, list[int]] = {}
        compounds: list[tuple[int, int]] = []  # (vocabulary part, form) of joined adjacent parts
        squash: list[str] = []
        words: list[int] = []

        def vocab_id(p: Part) -> int:
            vid = vocab.get(p)
            if vid is None:
                vid = vocab[p] = len(parts)
                parts.append(p)
            return vid

        # in id order: ranking breaks ties by entry position, so ties go to the lower id
        for ei, entry in enumerate(sorted(entries, key=lambda e: e.id)):
            listed.append(entry)
            entry_schema.append(schemas.setdefault(entry.schema, len(schemas)))
            org = is_org_schema(entry.schema)
            seen: set[str] = set()
            for raw in entry.names:
                an = analyse(raw, org)
                if not an.parts or an.key in seen:
                    continue
                seen.add(an.key)
                fid = forms.setdefault((an.key, org), len(forms))
                if fid == len(form_names):
                    rows.append([vocab_id(p) for p in scoring_parts(an, MAX_PARTS)])
                    # compounds: 'hat kaew' is also found as 'hatkaew' (through its own keys)
                    for p in joined_runs(an, threes=org):
                        compounds.append((vocab_id(p), fid))
                    squash.append(squashed(an.spoken_parts))
                    words.append(word_count(an.parts))
                    form_names.append([])
                form_names[fid].append(len(name_entry))
                name_entry.append(ei)
                self.name_text.append(raw)
            for ident in entry.identifiers:
                key = normalise_identifier(ident)
                if len(key) >= 4:
                    identifiers.setdefault(key, []).append(ei)
        self.entries = listed
        self.schema_names = list(schemas)
        self.entry_schema = np.array(entry_schema, dtype=np.int16)
        self.ident_keys = list(identifiers)
        self.ident_ptr, self.ident_ids = _csr(list(identifiers.values()))
        self._identifiers = identifiers
        self.name_entry = np.array(name_entry, dtype=np.int32)
        tok = np.full((len(rows), MAX_PARTS), -1, dtype=np.int32)
        for i, row in enumerate(rows):
            tok[i, : len(row)] = row
        self.form_tok = tok
        self.form_hash = string_hashes([key for key, _ in forms])
        self.form_ptr, self.form_names = _csr(form_names)
        self.form_squash = np.array(squash, dtype=object)
        self.form_words = np.array(words, dtype=np.int16)
        self._set_vocab(parts, rows, compounds)
        return self

    def _set_vocab(self, parts: list[Part], rows: list[list[int]], compounds: list[tuple[int, int]]) -> None:
        nv = len(parts)
        self.vocab_text = np.array([p.text for p in parts], dtype=object)
        shape_h = string_hashes([p.shape for p in parts])
        self.shape_hash = np.unique(shape_h)
        # postings: the forms each part occurs in; counts: the names
        postings: list[list[int]] = [[] for _ in range(nv)]
        for fi, row in enumerate(rows):
            for v in dict.fromkeys(row):
                postings[v].append(fi)
        for v, fi in compounds:
            postings[v].append(fi)
        for v in {v for v, _ in compounds}:
            postings[v] = sorted(set(postings[v]))
        self.post_ptr, self.post_ids = _csr(postings)
        form_size = np.diff(self.form_ptr)
        counts = np.bincount(np.repeat(np.arange(nv), np.diff(self.post_ptr)), weights=form_size[self.post_ids],
                             minlength=nv)
        skel_h = string_hashes([_skel_key(p) for p in parts])
        self.skel_hash, skel = np.unique(skel_h, return_inverse=True)
        self.skel_df = np.bincount(skel, weights=counts, minlength=len(self.skel_hash)).astype(np.int64)
        self.vocab_weight = self._weights(parts, self.skel_df[skel])
        shape = np.searchsorted(self.shape_hash, shape_h).tolist()
        self.vocab_rec = part_records([part_codes(p, k, h) for p, k, h in zip(parts, skel.tolist(), shape, strict=True)],
                                      [p.text for p in parts])
        scored = {v for row in rows for v in row}  # joined pairs only: no ordinary keys
        joined = {v for v, _ in compounds}
        owner, keys = key_hashes(parts, [index_mode(p, v in scored, v in joined) for v, p in enumerate(parts)])
        # each (key, part) once, grouped by key
        order = np.lexsort((owner, keys))
        keys, owner = keys[order], owner[order]
        first = _run_starts(keys, owner)
        keys, owner = keys[first], owner[first]
        starts = np.flatnonzero(_run_starts(keys))
        self.key_hash = keys[starts]
        self.key_ptr = np.append(starts, len(keys)).astype(np.int64)
        self.key_ids = owner.astype(np.int32)

    def _weights(self, parts: Sequence[Part], df: np.ndarray) -> np.ndarray:
        """Part weights: kind of part, how many indexed names share the part's skeleton, and
        whether it is a popular forename or surname somewhere (``names.compare.common_parts``)."""
        n = max(len(self.name_text), 2)
        idf = np.log1p(n / np.maximum(df, 1)) / math.log1p(n / 2)
        common = common_parts()
        kind_w = np.array([KIND_WEIGHT[p.kind] * (COMMON_PART_WEIGHT if p.text in common else 1.0) for p in parts],
                          dtype=np.float64)
        return (kind_w * (IDF_FLOOR + (1.0 - IDF_FLOOR) * np.minimum(1.0, idf))).astype(np.float32)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def prepared_parts(self) -> int:
        """Distinct query name parts prepared so far (cached until ``PART_CACHE`` is reached)."""
        return len(self._part_cache)

    def forget_prepared_parts(self) -> None:
        """Empty the cache of prepared query parts (results do not change, only speed)."""
        self._part_cache.clear()

    @property
    def identifiers(self) -> dict[str, list[int]]:
        if self._identifiers is None:
            self._identifiers = {k: self.ident_ids[self.ident_ptr[i] : self.ident_ptr[i + 1]].tolist()
                                 for i, k in enumerate(self.ident_keys)}
        return self._identifiers

    # ---------------------------------------------------------------- persist
    def to_bytes(self) -> bytes:
        """One blob (for Dask workers and files) of flat arrays and string tables;
        ``from_bytes`` maps it back without unpickling objects."""
        entries = self.entries
        encoded = ([entries.encoded(i) for i in range(len(entries))] if isinstance(entries, _Entries)
                   else [_entry_json(e) for e in entries])
        arrays: dict[str, np.ndarray] = {k: np.ascontiguousarray(getattr(self, k)) for k in _ARRAYS}
        tables = {"name_text": self.name_text, "vocab_text_list": list(self.vocab_text),
                  "form_squash_list": list(self.form_squash),
                  "schema_names": self.schema_names, "ident_keys": self.ident_keys, "entries": encoded}
        for k, texts in tables.items():
            arrays[k + "$data"], arrays[k + "$off"] = _pack_strings(texts)
        meta: dict[str, Any] = {"format": _FORMAT, "arrays": {}}
        chunks: list[bytes] = []
        pos = 0
        for k, a in arrays.items():
            raw = a.tobytes()
            meta["arrays"][k] = [a.dtype.str, list(a.shape), pos, len(raw)]
            chunks.append(raw)
            pad = -len(raw) % 8
            chunks.append(b"\0" * pad)
            pos += len(raw) + pad
        head = json.dumps(meta).encode("utf-8")
        head += b" " * (-(len(head) + 12) % 8)
        return b"".join([_MAGIC, len(head).to_bytes(8, "little"), head, *chunks])

    @classmethod
    def from_bytes(cls, blob: bytes) -> ScreeningIndex:
        if blob[:4] != _MAGIC:
            raise ValueError("not a screening index blob (or one from an older version: rebuild it)")
        head_len = int.from_bytes(blob[4:12], "little")
        meta = json.loads(blob[12 : 12 + head_len])
        if meta.get("format") != _FORMAT:
            raise ValueError(f"screening index format {meta.get('format')}, expected {_FORMAT}")
        base = 12 + head_len
        arrays: dict[str, np.ndarray] = {}
        for k, (dtype, shape, pos, nbytes) in meta["arrays"].items():
            dt = np.dtype(dtype)
            arrays[k] = np.frombuffer(blob, dtype=dt, count=nbytes // dt.itemsize, offset=base + pos).reshape(shape)
        self = cls()
        for k in _ARRAYS:
            setattr(self, k, arrays[k])
        strings = {k: _unpack_strings(arrays[k + "$data"], arrays[k + "$off"])
                   for k in (*_STRINGS, "entries")}
        self.name_text = strings["name_text"]
        self.vocab_text = np.array(strings["vocab_text_list"], dtype=object)
        self.form_squash = np.array(strings["form_squash_list"], dtype=object)
        self.schema_names = strings["schema_names"]
        self.ident_keys = strings["ident_keys"]
        self.entries = _Entries(strings["entries"])
        return self

    # ----------------------------------------------------------------- search
    def _pair_sims(self, q: _QFeats, qi: np.ndarray, vi: np.ndarray) -> np.ndarray:
        """Part similarity of query parts ``q[qi]`` with vocabulary parts ``vi``, element-wise."""
        if not len(qi):
            return np.zeros(0, dtype=np.float32)
        if self._vocab_chars is None:
            self._vocab_chars = code_points(self.vocab_text)[0]
        return pair_sims(qi, vi, q.rec, q.chars, self.vocab_rec, self._vocab_chars, self.vocab_rec.view(np.uint8).ravel())

    def _prepare(self, parts: list[Part]) -> None:
        """Codes, weights and the reachable similar vocabulary of new query parts (cached)."""
        n = len(parts)
        hashed = string_hashes([*(_skel_key(p) for p in parts), *(p.shape for p in parts)])
        skel = self._find("skel_hash", hashed[:n])
        shape = self._find("shape_hash", hashed[n:])
        df = np.where(skel >= 0, self.skel_df[np.maximum(skel, 0)] if len(self.skel_df) else 1, 1)
        weights = self._weights(parts, df)
        qps = [_QPart(p, int(s), int(h), float(w))
               for p, s, h, w in zip(parts, skel.tolist(), shape.tolist(), weights.tolist(), strict=True)]
        owner, keys = key_hashes(parts, [query_mode(p) for p in parts])
        if len(keys) and len(self.key_hash):
            self._reach(qps, owner, self._find("key_hash", keys))
        # cached only when complete: searches in other threads may read the cache
        for p, qp in zip(parts, qps, strict=True):
            self._part_cache[p] = qp

    def _find(self, table: str, hashes: np.ndarray) -> np.ndarray:
        """Positions of ``hashes`` in the sorted hash table ``table`` (an attribute), -1 where absent."""
        starts = self._buckets.get(table)
        if starts is None:
            starts = self._buckets[table] = kernels.bucket_starts(getattr(self, table))
        return kernels.find_hashes(getattr(self, table), starts, hashes)

    def _reach(self, qps: list[_QPart], owner: np.ndarray, pos: np.ndarray) -> None:
        """The vocabulary parts similar enough to each query part, among those its keys (at
        ``pos`` in the key table, -1 if absent; ``owner``: the part of each key) reach."""
        n = len(qps)
        pq, pv = reached_parts(self.key_ptr, self.key_ids, pos, owner, n)
        feats = _QFeats(qps)
        sims = self._pair_sims(feats, pq, pv)
        keep = sims >= KEEP_PART_SIM
        pq, vids, sims = pq[keep], pv[keep].astype(np.int32), sims[keep]
        # all parts at once, then a view per part: per-part array calls cost more than the work
        wsims = sims * feats.weight[pq]
        sizes = (self.post_ptr[vids + 1] - self.post_ptr[vids]).astype(np.float64)
        totals = np.bincount(pq, weights=sizes, minlength=n).astype(np.int64).tolist()
        close = np.bincount(pq, weights=sizes * (wsims >= _close_floor(feats.weight)[pq]), minlength=n)
        closes = close.astype(np.int64).tolist()
        bounds = np.searchsorted(pq, np.arange(n + 1)).tolist()
        for i, qp in enumerate(qps):
            a, b = bounds[i], bounds[i + 1]
            if a < b:
                qp.vids, qp.wsims, qp.total, qp.close = vids[a:b], wsims[a:b], totals[i], closes[i]

    def _query_parts(self, analysed: Sequence[AnalysedName], blends: Sequence[bool]
                     ) -> tuple[list[list[_QPart]], list[list[_QPart]], list[list[_QPart]]]:
        """Per query, its prepared parts (scored), those plus its adjacent parts joined
        (retrieving: 'had kaew' also looks for 'hadkaew') and, where ``blends`` (a company's name),
        the one-word forms it may blend with (probes: 'fincimex' looks for 'cimex')."""
        cache = self._part_cache
        if len(cache) > PART_CACHE:
            cache.clear()
        joins = [joined_runs(an, threes=blend) for an, blend in zip(analysed, blends, strict=True)]
        probes = [blend_probes(an) if blend else [] for an, blend in zip(analysed, blends, strict=True)]
        new = list(dict.fromkeys(p for an, js, ps in zip(analysed, joins, probes, strict=True)
                                 for p in (*an.parts, *js, *ps) if p not in cache))
        if new:
            self._prepare(new)
        scoring = [[cache[p] for p in an.parts] for an in analysed]
        return (scoring, [[*qps, *(cache[p] for p in js)] for qps, js in zip(scoring, joins, strict=True)],
                [[cache[p] for p in ps] for ps in probes])

    @staticmethod
    def _retrieving_parts(qps: Sequence[_QPart]) -> list[_QPart]:
        """The query parts that retrieve: parts found in very many names (or legal forms) only
        when nothing rarer does."""
        plans = [qp for qp in qps if qp.total]
        if not plans:
            return []
        smallest = min(qp.total for qp in plans)
        return [qp for qp in plans if (qp.total <= COMMON_POSTINGS and qp.kind != ORG_TERM) or qp.total == smallest]

    def _retrieve(self, qparts: Sequence[Sequence[_QPart]], probes: Sequence[Sequence[_QPart]]) -> list[np.ndarray]:
        """Per query, the forms most worth scoring exactly: the ``RETRIEVE`` best by the sum of
        weighted part similarities, for all queries of a batch in one compiled pass (ties go to
        the form reached first, so a query gets the same candidates alone or in a batch), then
        the few forms of its rarest part and of each blend probe."""
        vids: list[np.ndarray] = []
        wsims: list[np.ndarray] = []
        sizes = [0] * len(qparts)  # vocabulary parts per query
        for j, qps in enumerate(qparts):
            for qp in self._retrieving_parts(qps):
                vids.append(qp.vids)
                wsims.append(qp.wsims)
                sizes[j] += len(qp.vids)
        if not vids:
            return [self._with_few_forms(np.zeros(0, dtype=np.int32), qps, ps)
                    for qps, ps in zip(qparts, probes, strict=True)]
        n_forms = len(self.form_tok)
        if len(self._scratch[0]) != n_forms:
            self._scratch = (np.zeros(n_forms, dtype=np.float64), np.zeros(n_forms, dtype=np.bool_))
        ptr, forms = top_forms(self.post_ptr, self.post_ids, prefix_sums(sizes), np.concatenate(vids),
                               np.concatenate(wsims), RETRIEVE, *self._scratch)
        return [self._with_few_forms(cand, qps, ps)
                for cand, qps, ps in zip(np.split(forms, ptr[1:-1]), qparts, probes, strict=True)]

    def _with_few_forms(self, cand: np.ndarray, qps: Sequence[_QPart], probes: Sequence[_QPart]) -> np.ndarray:
        """``cand`` and, after it, the forms holding the query's rarest name part and those of
        each blend probe, where they are few: a rare surname among common given names ('SHAMMOUT,
        Muhammad Isam Muhammad Anwar') would otherwise lose its few names to the many that share
        the common ones; probes are not summed with the parts (their endings would add up)."""
        few = [qp for qp in probes if 0 < qp.close <= RARE_FORMS]
        rarest = min((qp for qp in qps if qp.kind == NAME and 0 < qp.close <= RARE_FORMS),
                     key=lambda qp: qp.close, default=None)
        if rarest is not None:
            few.append(rarest)
        if not few:
            return cand
        seen = set(cand.tolist())
        extra = sorted({f for qp in few for f in self._close_forms(qp).tolist()} - seen)
        return np.concatenate([cand, np.array(extra, dtype=cand.dtype)]) if extra else cand

    def _close_forms(self, qp: _QPart) -> np.ndarray:
        """The ``qp.close`` forms holding a part at least ``RARE_SIM`` similar to ``qp`` (with repeats)."""
        vids = qp.vids[_is_close(qp)].tolist()
        return np.concatenate([self.post_ids[self.post_ptr[v] : self.post_ptr[v + 1]] for v in vids])

    def _score(self, qparts: Sequence[Sequence[_QPart]], cands: Sequence[np.ndarray],
               as_one: tuple[np.ndarray, np.ndarray], blends: Sequence[AnalysedName | None],
               key_hash: np.ndarray, keep_all: np.ndarray, floor: float) -> list[_Scored]:
        """Exact name scores of every query's candidate names: each query's distinct part pairs
        compared once, then one vectorised pass per query part count: per query, the
        best-scoring name of each entry (only those that can still reach ``floor``, unless
        ``keep_all``) and the (C, Q, T) part similarities."""
        # as kernels.best_form_per_entry types them
        none: _Scored = (np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int32),
                         np.zeros((0, 0, 0), np.float32))
        out = [none for _ in qparts]
        local: dict[_QPart, int] = {}
        by_len: dict[int, list[int]] = {}
        for j, (qps, cand) in enumerate(zip(qparts, cands, strict=True)):
            if len(cand) and qps:
                by_len.setdefault(len(qps), []).append(j)
                for qp in qps:
                    local.setdefault(qp, len(local))
        if not by_len:
            return out
        feats = _QFeats(list(local))
        nv = len(self.vocab_text)
        order = [j for js in by_len.values() for j in js]
        counts = np.array([len(cands[j]) for j in order], dtype=np.int64)
        names = np.concatenate([cands[j] for j in order])
        q_ptr = prefix_sums(len(qparts[j]) for j in order)
        q_parts = np.array([local[qp] for j in order for qp in qparts[j]], dtype=np.int64)
        sizes = [len(js) for js in by_len.values()]
        q_start = prefix_sums(sizes)  # each group's first query in ``order``
        group_rows = np.concatenate([[0], np.cumsum(np.add.reduceat(counts, q_start[:-1]))])
        form_width, form_wc = self._form_weights()
        # the width of each group's longest candidate form
        group_width = np.maximum.reduceat(form_width[names], group_rows[:-1])
        pairs, slots = candidate_pairs(counts, q_ptr, q_parts, names, self.form_tok, np.repeat(group_width, sizes), nv)
        pq, pv = np.divmod(pairs, nv)
        sims = np.append(self._pair_sims(feats, pq, pv), np.float32(0.0))  # slot -1 (no part): 0
        raw = np.empty(len(names), dtype=np.float32)
        query_m: list[np.ndarray] = []  # per query in ``order``: its (C, Q, T) part similarities
        slot = 0
        for g, (nq, js) in enumerate(by_len.items()):
            a, b, width = int(group_rows[g]), int(group_rows[g + 1]), int(group_width[g])
            g_counts = counts[q_start[g] : q_start[g + 1]]
            uid = q_parts[q_ptr[q_start[g]] : q_ptr[q_start[g + 1]]].reshape(len(js), nq)
            size = (b - a) * nq * width
            m = sims[slots[slot : slot + size].reshape(b - a, nq, width)]  # (P, Q, T)
            slot += size
            wq = feats.weight[uid[np.repeat(np.arange(len(js)), g_counts)]]
            raw[a:b] = aggregate_pairs(m, wq, form_wc[names[a:b], :width])
            ends = np.cumsum(g_counts).tolist()
            query_m.extend(m[e - c : e] for e, c in zip(ends, g_counts.tolist(), strict=True))
        # the rest per row, for the whole chunk at once
        at = np.asarray(order)
        raw = np.maximum(raw, self._as_one_word(as_one[0][at], as_one[1][at], names, counts))
        self._blends([blends[j] for j in order], as_one[1][at], names, counts, raw)
        self._best_per_entry(order, names, counts, raw, query_m, (key_hash, keep_all, floor), out)
        return out

    def _form_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Per form, its number of parts and its parts' weights (0 past them), on first use."""
        if self._form_parts is None:
            tok = self.form_tok
            self._form_parts = (np.count_nonzero(tok >= 0, axis=1),
                             np.where(tok >= 0, self.vocab_weight[np.maximum(tok, 0)], np.float32(0.0)))
        return self._form_parts

    def _as_one_word(self, as_one: np.ndarray, words: np.ndarray, names: np.ndarray,
                     counts: np.ndarray) -> np.ndarray:
        """Name scores of queries ``as_one`` (squashed; ``words`` parts) against forms ``names``
        (``counts`` per query) compared as one word each, where the two split differently."""
        out = np.zeros(len(names), dtype=np.float32)
        q_words = np.repeat(words, counts)
        todo = np.flatnonzero((q_words != self.form_words[names]) & (q_words > 0) & (self.form_words[names] > 0))
        if len(todo):
            if self._squash_chars is None:
                self._squash_chars = code_points(self.form_squash)
            query = np.repeat(np.arange(len(counts)), counts)[todo]
            out[todo] = joined_score(indel_ratios(query, names[todo], code_points(as_one), self._squash_chars))
        return out

    def _blends(self, queries: Sequence[AnalysedName | None], words: np.ndarray, names: np.ndarray,
                counts: np.ndarray, raw: np.ndarray) -> None:
        """Raise ``raw`` (per candidate form ``names``, ``counts`` per query) to the blend score
        (``names.compare.as_blend``) of company queries (None: not one; ``words``: their word
        counts) against company forms."""
        company = np.array([an is not None for an in queries], dtype=bool)
        if not company.any():
            return
        q_words = np.repeat(np.where(company, words, 0), counts)
        f_words = self.form_words[names]
        todo = np.flatnonzero(((q_words == 1) & (f_words >= 2)) | ((q_words >= 2) & (f_words == 1)))
        if not len(todo):
            return
        first_name = self.form_names[self.form_ptr[names[todo]]]
        todo = todo[self._schema_is_org()[self.entry_schema[self.name_entry[first_name]]]]
        owner = np.repeat(np.arange(len(queries)), counts)
        for t in todo.tolist():
            an = queries[owner[t]]
            form = int(names[t])
            if an is None or squashed(an.parts)[:3] != self.form_squash[form][:3]:  # a blend starts alike
                continue
            blend = as_blend(an, analyse(self.name_text[self.form_names[self.form_ptr[form]]], True))
            if blend is not None and blend[2] > raw[t]:
                raw[t] = blend[2]

    def _schema_is_org(self) -> np.ndarray:
        if self._org_schemas is None:
            self._org_schemas = np.array([is_org_schema(s) for s in self.schema_names] or [False], dtype=bool)
        return self._org_schemas

    def _best_per_entry(self, js: list[int], names: np.ndarray, counts: np.ndarray, raw: np.ndarray,
                        query_m: list[np.ndarray], limits: tuple[np.ndarray, np.ndarray, float],
                        out: list[_Scored]) -> None:
        key_hash, keep_all, floor = limits
        at = np.asarray(js)
        identical = self.form_hash[names] == np.repeat(key_hash[at], counts)
        scores = np.where(identical, np.float32(1.0), np.minimum(raw, np.float32(0.99)))
        # features move a score by at most DOB_EXACT + COUNTRY_MATCH up, so this keeps every contender
        ptr, rows, best, best_names = best_form_per_entry(
            counts, names, scores, self.form_ptr, self.form_names, self.name_entry, len(self.entries),
            np.float32(floor - 0.1), keep_all[at])
        bounds = ptr.tolist()
        for k, j in enumerate(js):
            a, b = bounds[k], bounds[k + 1]
            out[j] = (rows[a:b], best[a:b], best_names[a:b], query_m[k])

    def search(self, query: Query, threshold: float = DEFAULT_THRESHOLD, limit: int = 10,
               min_score: float | None = None) -> list[Match]:
        """The best ``limit`` entries scoring at least ``min_score`` (default: the lower of the
        threshold and 0.5); ``Match.match`` says whether each reaches ``threshold``."""
        return self._screen([query], threshold, limit, min_score)[0]

    def search_many(self, queries: Sequence[Query], threshold: float = DEFAULT_THRESHOLD,
                    limit: int = 10, min_score: float | None = None) -> list[list[Match]]:
        """Screen many parties at once: each distinct query once, name parts prepared once per
        batch, candidates of ``CHUNK`` queries scored together. Results equal ``search``'s."""
        distinct = list(dict.fromkeys(queries))
        found: dict[Query, list[Match]] = {}
        with _cyclic_gc_paused():
            for start in range(0, len(distinct), CHUNK):
                chunk = distinct[start : start + CHUNK]
                for q, res in zip(chunk, self._screen(chunk, threshold, limit, min_score), strict=True):
                    found[q] = res
        return [found[q] for q in queries]

    def _screen(self, queries: Sequence[Query], threshold: float, limit: int,
                min_score: float | None) -> list[list[Match]]:
        analysed = [analyse(q.name or "", _org_flag(q.schema)) for q in queries]
        blends = [an if _is_company(q, an) else None for q, an in zip(queries, analysed, strict=True)]
        if len(self.name_text):
            qparts, retrieving, probes = self._query_parts(analysed, [an is not None for an in blends])
        else:
            qparts = retrieving = probes = [[] for _ in queries]
        cands = self._retrieve(retrieving, probes)
        floor = min(threshold, 0.5) if min_score is None else min_score
        key_hash = string_hashes([an.key for an in analysed])
        keep_all = np.array([bool(q.identifiers) for q in queries], dtype=bool)
        as_one = (np.array([squashed(an.spoken_parts) for an in analysed], dtype=object),
                  np.array([word_count(an.parts) for an in analysed], dtype=np.int16))
        scored = self._score(qparts, cands, as_one, blends, key_hash, keep_all, floor)
        return [self._results(q, an, sc, threshold, limit, floor)
                for q, an, sc in zip(queries, analysed, scored, strict=True)]

    def _results(self, query: Query, an: AnalysedName, scored_names: _Scored, threshold: float, limit: int,
                 floor: float) -> list[Match]:
        rows, scores, names, m = scored_names
        ranked: list[tuple[float, int, int, int, float, dict[str, Any]]]  # score, entry, name, row, name score, feats
        if query.birth_date or query.country or query.gender or query.identifiers:
            ents = self.name_entry[names]
            ok = self._schema_ok(query.schema)[self.entry_schema[ents]]
            ranked = self._rank_with_features(query, rows[ok], scores[ok], names[ok], ents[ok], floor)
        else:
            # entries are in id order, so ties go to the lower id
            top = best_matches(scores, names, self.name_entry, self.entry_schema, self._schema_ok(query.schema),
                               np.float32(floor), limit)
            ranked = [(s, ei, ni, row, s, {}) for s, ei, ni, row in zip(
                scores[top].tolist(), self.name_entry[names[top]].tolist(), names[top].tolist(), rows[top].tolist(),
                strict=True)]
        results = []
        for score, ei, ni, row, name_score, feats in ranked[:limit]:
            entry = self.entries[ei]
            sims = m[row].copy() if row >= 0 else None
            results.append(Match(entry=entry, score=round(score, 4), match=score >= threshold,
                                 matched_name=self.name_text[ni] if ni >= 0 else "",
                                 explain=partial(self._explain, an, entry, name_score, ni, sims, feats)))
        return results

    def _rank_with_features(self, query: Query, rows: np.ndarray, scores: np.ndarray, names: np.ndarray,
                            ents: np.ndarray, floor: float) -> list[tuple[float, int, int, int, float, dict[str, Any]]]:
        best = {ei: (score, ni, row) for score, ei, ni, row in zip(
            scores.tolist(), ents.tolist(), names.tolist(), rows.tolist(), strict=True)}
        by_ident: set[int] = set()
        for ident in query.identifiers:
            by_ident.update(self.identifiers.get(normalise_identifier(ident), []))
        schema_ok = self._schema_ok(query.schema)
        for ei in by_ident:
            if schema_ok[self.entry_schema[ei]]:
                best.setdefault(ei, (0.0, -1, -1))
        ranked = []
        for ei, (name_score, ni, row) in best.items():
            score, feats = self._features(query, self.entries[ei], name_score)
            if score >= floor or ei in by_ident:
                ranked.append((score, ei, ni, row, name_score, feats))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        return ranked

    def _schema_ok(self, schema: str | None) -> np.ndarray:
        """Per indexed schema: may a query of ``schema`` match it."""
        mask = self._schema_masks.get(schema)
        if mask is None:
            mask = self._schema_masks[schema] = np.array(
                [schema_compatible(schema, s) for s in self.schema_names] or [True], dtype=bool)
        return mask

    def _explain(self, an: AnalysedName, entry: IndexEntry, name_score: float, ni: int, m: np.ndarray | None,
                 feats: dict[str, Any]) -> dict[str, Any]:
        if m is None or ni < 0:
            expl: dict[str, Any] = {"name": {"score": 0.0, "detail": "no similar name"}}
        else:
            matched = self.name_text[ni]
            cand = analyse(matched, is_org_schema(entry.schema))
            kept = scoring_parts(cand, MAX_PARTS)
            detail = explain_pair(an, replace(cand, parts=tuple(kept)), m[:, : len(kept)]) if kept else {}
            expl = {"name": {"score": round(name_score, 4), "matched_name": matched, **detail}}
            one_word = as_one_word(an, cand)
            if one_word is not None and one_word[2] and one_word[2] >= min(name_score, 0.99) - 1e-4:
                sa, sb, as_one = one_word
                expl["name"]["as_one_word"] = {"query": sa, "matched": sb, "score": round(as_one, 4)}
            blend = as_blend(an, cand) if is_org_schema(entry.schema) else None
            if blend is not None and blend[2] and abs(blend[2] - name_score) <= 1e-4:  # the blend is the score
                expl["name"]["blend"] = {"query": blend[0], "matched": blend[1], "score": round(blend[2], 4)}
        expl.update(feats)
        if entry.relation:
            expl["relation"] = {"detail": entry.relation, "listed": entry.listed}
        return expl

    def _features(self, query: Query, entry: IndexEntry, name_score: float) -> tuple[float, dict[str, Any]]:
        explanations: dict[str, Any] = {}
        score = name_score
        for feature, result in (
            ("birth_date", birth_date_feature(query.birth_date, entry.birth_dates)),
            ("country", country_feature(query.country, entry.countries)),
            ("gender", gender_feature(query.gender, entry.gender)),
        ):
            if result is not None:
                adj, info = result
                score += adj
                explanations[feature] = info
        ident = identifier_feature(query.identifiers, entry.identifiers) if query.identifiers else None
        if ident is not None:
            score = max(score, ident["floor"])
            explanations["identifier"] = ident
        cap = 1.0 if name_score >= 1.0 or ident is not None else 0.99
        return float(min(max(score, 0.0), cap)), explanations
