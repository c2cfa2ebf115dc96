"""Consolidation: one canonical entity per real person or organisation across all lists.

Entry points (the CLI and the API call these):
- :func:`smartsanctions.consolidate.run.consolidate` (re)builds the canonical entities;
- :func:`smartsanctions.consolidate.views.canonical_view` / ``find_canonical`` for ``show``;
- :func:`smartsanctions.consolidate.export.write_canonical_ftm` / ``write_canonical_csv``;
- :func:`smartsanctions.consolidate.judgements.add_judgement` records "same" / "not same";
- :func:`smartsanctions.consolidate.quality.un_ref_linkage` measures linkage quality.
"""
