"""Coverage and gaps: where the patchwork of sanctions lists has holes, and what closing them changes.

Entry points (each takes an open SQLAlchemy connection to the store):
``coverage_matrix``, ``find_gaps``, ``pillar_coverage``, ``adopt``, ``timeline``,
``write_html``, ``write_coverage_csv``, ``write_gaps_csv``.
"""

from smartsanctions.analysis.coverage import coverage_matrix
from smartsanctions.analysis.export import write_associates_csv, write_coverage_csv, write_gaps_csv
from smartsanctions.analysis.gaps import coverage_and_gaps, find_gaps
from smartsanctions.analysis.pillars import pillar_coverage
from smartsanctions.analysis.report import write_html
from smartsanctions.analysis.scenario import adopt
from smartsanctions.analysis.timeline import timeline

__all__ = [
    "adopt",
    "coverage_and_gaps",
    "coverage_matrix",
    "find_gaps",
    "pillar_coverage",
    "timeline",
    "write_associates_csv",
    "write_coverage_csv",
    "write_gaps_csv",
    "write_html",
]
