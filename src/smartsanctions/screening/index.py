"""The in-memory screening index: candidate retrieval by name-part keys, then vectorised scoring.

Build: every name of every entry is analysed once (``names.analyse``). Distinct name parts form
a vocabulary; each part is reachable through blocking keys (its consonant skeleton, the
skeleton with one consonant deleted, its known-variant group, its first four letters), and
each part has a posting list of the names that contain it. Part weights come from how many
names share the part's skeleton (common parts such as "muhammad" count less).

Search: the query's parts look up their keys, keep the vocabulary parts that are similar
enough, and sum weighted similarities per name to pick the best ``RETRIEVE`` names; those are
scored exactly (``names.compare``) in one vectorised pass, grouped per entry, adjusted by date
of birth, country, gender and identifiers, filtered by schema, and returned with
explanations.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from smartsanctions.names.analyse import (
    INITIAL,
    KIND_WEIGHT,
    ORG_TERM,
    AnalysedName,
    Part,
    analyse,
    is_org_schema,
)
from smartsanctions.names.compare import (
    PartArrays,
    aggregate,
    explain_pair,
    similarity_matrix,
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

# Calibrated on ../shared/data/eval (docs/screening.md): at 0.90, about 4 in 1,000 synthetic
# customers (common forename + surname) alert; see the calibration table for the trade-off.
DEFAULT_THRESHOLD = 0.90
RETRIEVE = 96  # names scored exactly per query
MAX_PARTS = 8  # name parts kept per indexed name
KEEP_PART_SIM = 0.25  # vocabulary parts less similar than this to a query part are not followed
COMMON_POSTINGS = 4000  # a part in more names than this is not used to retrieve if rarer parts exist
_FORMAT = 1


def _stable_hash(text: str) -> int:
    """Same value in every process (str.__hash__ is salted per process; blobs travel)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little", signed=True)


def _deletions(s: str) -> list[str]:
    return [s[:i] + s[i + 1 :] for i in range(len(s))] if len(s) >= 4 else []


def _keys(part: Part, query: bool) -> list[str]:
    if part.kind == INITIAL:
        return []
    sk = part.skeleton
    keys = ["s" + sk] if len(sk) >= 2 else ["t" + part.text]
    if part.variant >= 0:
        keys.append(f"v{part.variant}")
    if len(part.text) >= 5:
        keys.append("p" + part.text[:4])
    dels = _deletions(sk)
    if query:
        if len(sk) >= 3:
            keys.append("d" + sk)
        keys.extend("d" + d for d in dels)
        keys.extend("s" + d for d in dels)
    else:
        keys.extend("d" + d for d in dels)
    return keys


class ScreeningIndex:
    """Screen names (with optional DOB, country, gender, identifiers) against listed parties."""

    def __init__(self) -> None:
        self.entries: list[IndexEntry] = []
        self.name_entry = np.zeros(0, dtype=np.int32)
        self.name_text: list[str] = []
        self.name_key: list[str] = []
        self.name_hash = np.zeros(0, dtype=np.int64)
        self.name_tok = np.zeros((0, MAX_PARTS), dtype=np.int32)
        self.vocab_parts: list[Part] = []
        self.vocab_text = np.zeros(0, dtype=object)
        self.vocab_skel = np.zeros(0, dtype=object)
        self.vocab_var = np.zeros(0, dtype=np.int32)
        self.vocab_init = np.zeros(0, dtype=bool)
        self.vocab_first = np.zeros(0, dtype=np.int32)
        self.vocab_abjad = np.zeros(0, dtype=bool)
        self.vocab_shape = np.zeros(0, dtype=object)
        self.vocab_weight = np.zeros(0, dtype=np.float32)
        self.post_ptr = np.zeros(1, dtype=np.int64)
        self.post_ids = np.zeros(0, dtype=np.int32)
        self.keys: dict[str, np.ndarray] = {}
        self.skel_df: dict[str, int] = {}
        self.identifiers: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, entries: Iterable[IndexEntry]) -> ScreeningIndex:
        self = cls()
        vocab: dict[tuple[str, str, bool], int] = {}
        parts: list[Part] = []
        rows: list[list[int]] = []
        name_entry: list[int] = []
        for ei, entry in enumerate(entries):
            self.entries.append(entry)
            org = is_org_schema(entry.schema)
            seen: set[str] = set()
            for raw in entry.names:
                an = analyse(raw, org)
                if not an.parts or an.key in seen:
                    continue
                seen.add(an.key)
                row = []
                for p in an.parts[:MAX_PARTS]:
                    vid = vocab.get((p.text, p.kind, p.abjad))
                    if vid is None:
                        vid = vocab[(p.text, p.kind, p.abjad)] = len(parts)
                        parts.append(p)
                    row.append(vid)
                rows.append(row)
                name_entry.append(ei)
                self.name_text.append(raw)
                self.name_key.append(an.key)
            for ident in entry.identifiers:
                key = normalise_identifier(ident)
                if len(key) >= 4:
                    self.identifiers.setdefault(key, []).append(ei)
        n = len(rows)
        self.name_entry = np.array(name_entry, dtype=np.int32)
        tok = np.full((n, MAX_PARTS), -1, dtype=np.int32)
        for i, row in enumerate(rows):
            tok[i, : len(row)] = row
        self.name_tok = tok
        self.name_hash = np.array([_stable_hash(k) for k in self.name_key], dtype=np.int64)
        self._set_vocab(parts)
        self._build_postings(rows)
        return self

    def _set_vocab(self, parts: list[Part]) -> None:
        self.vocab_parts = parts
        arrays = PartArrays.of(parts)
        self.vocab_text = np.array(arrays.texts, dtype=object)
        self.vocab_skel = arrays.skeletons
        self.vocab_var = arrays.variants
        self.vocab_init = arrays.initial
        self.vocab_first = arrays.first
        self.vocab_abjad = arrays.abjad
        self.vocab_shape = arrays.shapes

    def _vocab_take(self, idx: np.ndarray) -> PartArrays:
        return PartArrays(self.vocab_text[idx], self.vocab_skel[idx], self.vocab_var[idx],
                          self.vocab_init[idx], self.vocab_first[idx], self.vocab_abjad[idx],
                          self.vocab_shape[idx])

    def _build_postings(self, rows: list[list[int]]) -> None:
        nv = len(self.vocab_parts)
        counts = np.zeros(nv, dtype=np.int64)
        for row in rows:
            for v in set(row):
                counts[v] += 1
        ptr = np.zeros(nv + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        ids = np.empty(int(ptr[-1]), dtype=np.int32)
        fill = ptr[:-1].copy()
        for ni, row in enumerate(rows):
            for v in set(row):
                ids[fill[v]] = ni
                fill[v] += 1
        self.post_ptr, self.post_ids = ptr, ids
        skel_df: dict[str, int] = {}
        for v, p in enumerate(self.vocab_parts):
            k = self.vocab_skel[v]
            skel_df[k] = skel_df.get(k, 0) + int(counts[v])
        self.skel_df = skel_df
        self.vocab_weight = np.array(
            [self._weight(p, skel_df.get(self.vocab_skel[v], 1)) for v, p in enumerate(self.vocab_parts)],
            dtype=np.float32,
        )
        by_key: dict[str, list[int]] = {}
        for v, p in enumerate(self.vocab_parts):
            for k in _keys(p, query=False):
                by_key.setdefault(k, []).append(v)
        self.keys = {k: np.array(sorted(set(vs)), dtype=np.int32) for k, vs in by_key.items()}

    def _weight(self, part: Part, df: int) -> float:
        n = max(len(self.name_text), 2)
        idf = math.log1p(n / max(df, 1)) / math.log1p(n / 2)
        return KIND_WEIGHT[part.kind] * (0.35 + 0.65 * min(1.0, idf))

    def __len__(self) -> int:
        return len(self.entries)

    # ---------------------------------------------------------------- persist
    def to_bytes(self) -> bytes:
        """One blob (for Dask workers and files); ``from_bytes`` restores it."""
        state = {k: v for k, v in self.__dict__.items() if k != "vocab_parts"}
        state["vocab_parts"] = [(p.text, p.skeleton, p.variant, p.kind, p.abjad, p.shape) for p in self.vocab_parts]
        return pickle.dumps((_FORMAT, state), protocol=5)

    @classmethod
    def from_bytes(cls, blob: bytes) -> ScreeningIndex:
        fmt, state = pickle.loads(blob)
        if fmt != _FORMAT:
            raise ValueError(f"screening index format {fmt}, expected {_FORMAT}")
        self = cls()
        state["vocab_parts"] = [Part(*p) for p in state["vocab_parts"]]
        self.__dict__.update(state)
        return self

    # ----------------------------------------------------------------- search
    def _query_weights(self, an: AnalysedName) -> np.ndarray:
        return np.array(
            [self._weight(p, self.skel_df.get(p.skeleton if len(p.skeleton) >= 2 else "\x00" + p.text, 1))
             for p in an.parts],
            dtype=np.float32,
        )

    def _retrieve(self, qa: PartArrays, an: AnalysedName, wq: np.ndarray) -> np.ndarray:
        """Indices of the names most worth scoring exactly."""
        found_by_part: list[tuple[int, np.ndarray]] = []
        for i, part in enumerate(an.parts):
            found = [self.keys[k] for k in _keys(part, query=True) if k in self.keys]
            if found:
                found_by_part.append((i, np.concatenate(found) if len(found) > 1 else found[0]))
        if not found_by_part:
            return np.zeros(0, dtype=np.int32)
        # one vectorised comparison of all query parts with every vocabulary part their keys reached
        union, inverse = np.unique(np.concatenate([v for _, v in found_by_part]), return_inverse=True)
        sims_all = similarity_matrix(qa, self._vocab_take(union))  # (Q, U)
        pos = 0
        plans: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, int]] = []
        for i, vids in found_by_part:
            cols = np.unique(inverse[pos : pos + len(vids)])
            pos += len(vids)
            sims = sims_all[i, cols]
            keep = sims >= KEEP_PART_SIM
            kept, sims = union[cols[keep]], sims[keep]
            if len(kept):
                lengths = self.post_ptr[kept + 1] - self.post_ptr[kept]
                plans.append((i, kept, sims, lengths, int(lengths.sum())))
        if not plans:
            return np.zeros(0, dtype=np.int32)
        # parts found in very many names (or legal forms) only retrieve when nothing rarer does
        smallest = min(p[4] for p in plans)
        chosen = [p for p in plans if (p[4] <= COMMON_POSTINGS and an.parts[p[0]].kind != ORG_TERM)
                  or p[4] == smallest]
        ids_parts: list[np.ndarray] = []
        w_parts: list[np.ndarray] = []
        for i, kept, sims, lengths, total in chosen:
            starts = self.post_ptr[kept]
            offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
            ids_parts.append(self.post_ids[offsets])
            w_parts.append(np.repeat(sims * wq[i], lengths))
        ids = np.concatenate(ids_parts)
        w = np.concatenate(w_parts)
        if len(ids) > len(self.name_text) // 16:
            acc_all = np.bincount(ids, weights=w, minlength=len(self.name_text))
            uniq = np.flatnonzero(acc_all)
            acc = acc_all[uniq]
        else:
            uniq, inv = np.unique(ids, return_inverse=True)
            acc = np.bincount(inv, weights=w)
        if len(uniq) > RETRIEVE:
            top = np.argpartition(-acc, RETRIEVE)[:RETRIEVE]
            return np.asarray(uniq[top], dtype=np.int32)
        return np.asarray(uniq, dtype=np.int32)

    def _score_names(self, qa: PartArrays, wq: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact name scores of candidate names and their part-similarity tensor."""
        tok = self.name_tok[names]  # (C, T)
        valid = tok >= 0
        uniq, inv = np.unique(tok[valid], return_inverse=True)
        ua = self._vocab_take(uniq)
        sim_u = similarity_matrix(qa, ua)  # (Q, U)
        m = np.zeros((len(qa.texts),) + tok.shape, dtype=np.float32)
        m[:, valid] = sim_u[:, inv]
        wc = np.where(valid, self.vocab_weight[np.where(valid, tok, 0)], 0.0).astype(np.float32)
        return aggregate(m, wq, wc), m

    def search(self, query: Query, threshold: float = DEFAULT_THRESHOLD, limit: int = 10,
               min_score: float | None = None) -> list[Match]:
        """The best ``limit`` entries scoring at least ``min_score`` (default: the lower of the
        threshold and 0.5); ``Match.match`` says whether each reaches ``threshold``."""
        org = True if is_org_schema(query.schema) else (None if query.schema in (None, "", "LegalEntity") else False)
        an = analyse(query.name or "", org)
        cand_names = np.zeros(0, dtype=np.int32)
        qa = PartArrays.of(an.parts)
        wq = self._query_weights(an)
        if an.parts and len(self.name_text):
            cand_names = self._retrieve(qa, an, wq)
        by_ident: set[int] = set()
        for ident in query.identifiers:
            by_ident.update(self.identifiers.get(normalise_identifier(ident), []))
        best: dict[int, tuple[float, int, int]] = {}  # entry -> (name score, name index, row)
        m = np.zeros((0, 0, 0), dtype=np.float32)
        if len(cand_names):
            raw, m = self._score_names(qa, wq, cand_names)
            identical = self.name_hash[cand_names] == _stable_hash(an.key)
            scores = np.where(identical, 1.0, np.minimum(raw, 0.99))
            ents = self.name_entry[cand_names]
            order = np.lexsort((-scores, ents))
            _, first = np.unique(ents[order], return_index=True)
            rows = order[first]
            floor0 = min(threshold, 0.5) if min_score is None else min_score
            # features move a score by at most DOB_EXACT + COUNTRY_MATCH up, so this keeps every contender
            keep = rows[scores[rows] >= floor0 - 0.1] if not query.identifiers else rows
            for row in keep.tolist():
                best[int(ents[row])] = (float(scores[row]), int(cand_names[row]), row)
        for ei in by_ident:
            best.setdefault(ei, (0.0, -1, -1))
        floor = min(threshold, 0.5) if min_score is None else min_score
        has_features = bool(query.birth_date or query.country or query.gender or query.identifiers)
        scored: list[tuple[float, str, int, dict[str, Any]]] = []
        for ei, (name_score, _, _) in best.items():
            entry = self.entries[ei]
            if not schema_compatible(query.schema, entry.schema):
                continue
            if has_features:
                score, feats = self._features(query, entry, name_score)
            else:
                score, feats = name_score, {}
            if score >= floor or ei in by_ident:
                scored.append((score, entry.id, ei, feats))
        scored.sort(key=lambda r: (-r[0], r[1]))
        results = []
        for score, _, ei, feats in scored[:limit]:
            name_score, ni, row = best[ei]
            entry = self.entries[ei]
            expl = self._explain_name(an, entry, name_score, ni, m[:, row, :] if row >= 0 else None)
            expl.update(feats)
            if entry.relation:
                expl["relation"] = {"detail": entry.relation, "listed": entry.listed}
            results.append(Match(entry=entry, score=round(score, 4), match=score >= threshold,
                                 explanations=expl, matched_name=self.name_text[ni] if ni >= 0 else ""))
        return results

    def _explain_name(self, an: AnalysedName, entry: IndexEntry, name_score: float, ni: int,
                      m: np.ndarray | None) -> dict[str, Any]:
        if m is None or ni < 0:
            return {"name": {"score": 0.0, "detail": "no similar name"}}
        matched = self.name_text[ni]
        cand = analyse(matched, is_org_schema(entry.schema))
        detail = explain_pair(an, cand, m[:, : len(cand.parts)]) if cand.parts else {}
        return {"name": {"score": round(name_score, 4), "matched_name": matched, **detail}}

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

    def search_many(self, queries: Sequence[Query], threshold: float = DEFAULT_THRESHOLD,
                    limit: int = 10) -> list[list[Match]]:
        """Screen many parties. Repeated parties are screened once; name analysis is cached."""
        seen: dict[Query, list[Match]] = {}
        out: list[list[Match]] = []
        for q in queries:
            res = seen.get(q)
            if res is None:
                res = seen[q] = self.search(q, threshold=threshold, limit=limit)
            out.append(res)
        return out

