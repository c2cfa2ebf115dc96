"""The one registry of lists and formats, and format detection for files to import."""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from smartsanctions.sources.base import CountAssertion, FileRole, ListSpec, SourceError, SourceFormat

A = CountAssertion

AUTHORITIES: dict[str, str] = {
    "us": "United States",
    "un": "United Nations Security Council",
    "eu": "European Union",
    "gb": "United Kingdom",
    "ca": "Canada",
    "au": "Australia",
    "ch": "Switzerland",
}

_OFAC = "https://www.treasury.gov/ofac/downloads"
_MULTI_SMALL = (A("*", 1, 50_000),)

LISTS: dict[str, ListSpec] = {
    spec.id: spec
    for spec in (
        ListSpec(
            "us-sdn", "us", "OFAC Specially Designated Nationals and Blocked Persons List",
            (f"{_OFAC}/sdn.csv", f"{_OFAC}/add.csv", f"{_OFAC}/alt.csv", f"{_OFAC}/sdn_comments.csv"),
            (A("*", 5_000, 40_000), A("Person", 2_000, 25_000)),
            mirror_dir="ofac_sdn",
        ),
        ListSpec(
            "us-cons", "us", "OFAC Consolidated (non-SDN) Sanctions List",
            (f"{_OFAC}/consolidated/consolidated.xml",),
            (A("*", 200, 5_000),),
            mirror_dir="ofac_cons",
        ),
        ListSpec(
            "un-sc", "un", "UN Security Council Consolidated List",
            ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
            (A("*", 500, 3_000), A("Person", 400, 2_500)),
            mirror_dir="un",
        ),
        ListSpec(
            "eu-fsf", "eu", "EU Consolidated Financial Sanctions List",
            ("https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",),
            (A("*", 1_000, 12_000),),
            mirror_dir="eu_fsf",
        ),
        ListSpec(
            "gb-ofsi", "gb", "UK OFSI Consolidated List of Financial Sanctions Targets",
            ("https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",),
            (A("*", 2_000, 12_000), A("Person", 1_000, 9_000)),
            mirror_dir="uk_ofsi",
        ),
        ListSpec(
            "ca-sema", "ca", "Canada Consolidated Autonomous Sanctions List (SEMA)",
            ("https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml",),
            (A("*", 2_000, 12_000),),
            mirror_dir="canada_sema",
        ),
        ListSpec(
            "au-dfat", "au", "Australia DFAT Consolidated List",
            ("https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",),
            (A("*", 1_500, 10_000),),
            mirror_dir="au_dfat",
        ),
        ListSpec(
            "us-csl", "us", "US Consolidated Screening List (trade.gov)",
            ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",),
            (A("*", 1_000, 40_000),),
            mirror_dir="us_trade_csl",
        ),
        ListSpec(
            "us-dpl", "us", "BIS Denied Persons List",
            ("https://www.bis.doc.gov/dpl/dpl.txt",),
            (A("*", 300, 5_000),),
            mirror_dir="us_bis_dpl",
        ),
        # Smaller US and UK lists that only the 2022 multi-list CSV carries here.
        ListSpec("us-el", "us", "BIS Entity List", (), (A("*", 500, 10_000),)),
        ListSpec("us-ssi", "us", "OFAC Sectoral Sanctions Identifications List", (), (A("*", 50, 2_000),)),
        ListSpec("us-fse", "us", "OFAC Foreign Sanctions Evaders List", (), _MULTI_SMALL),
        ListSpec("us-isn", "us", "State Department Nonproliferation Sanctions (ISN)", (), _MULTI_SMALL),
        ListSpec("us-dtc", "us", "State Department ITAR Debarred (DTC)", (), _MULTI_SMALL),
        ListSpec("us-capta", "us", "OFAC CAPTA List", (), _MULTI_SMALL),
        ListSpec("us-cmic", "us", "OFAC Non-SDN Chinese Military-Industrial Complex Companies List", (), _MULTI_SMALL),
        ListSpec("us-uvl", "us", "BIS Unverified List", (), _MULTI_SMALL),
        ListSpec("us-plc", "us", "OFAC Non-SDN Palestinian Legislative Council List", (), _MULTI_SMALL),
        ListSpec("us-mbs", "us", "OFAC Non-SDN Menu-Based Sanctions List", (), _MULTI_SMALL),
        ListSpec("us-meu", "us", "BIS Military End User List", (), _MULTI_SMALL),
        ListSpec("gb-inv", "gb", "UK HM Treasury Investment Ban List", (), _MULTI_SMALL),
    )
}

# The multi-list flat CSV is not a list of its own; it lives in this mirror folder.
MULTI_MIRROR_DIR = "multi_combined"

# Format modules, in the order their ``sniff`` is asked. Each defines ``FORMAT``.
FORMAT_MODULES: tuple[str, ...] = (
    "ofac_csv",
    "ofac_xml",
    "un_xml",
    "eu_fsf_xml",
    "uk_ofsi",
    "ca_sema",
    "au_dfat",
    "us_csl",
    "bis_dpl",
    "multi_csv",
    "authored",
)

SNIFF_BYTES = 64 * 1024


@lru_cache(maxsize=1)
def formats() -> dict[str, SourceFormat]:
    found: dict[str, SourceFormat] = {}
    for module_name in FORMAT_MODULES:
        qualified = f"smartsanctions.sources.{module_name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:
                continue  # tests/sources/test_registry.py insists every module exists
            raise
        fmt: SourceFormat = module.FORMAT
        found[fmt.name] = fmt
    return found


# Authored lists read in this process (their names come from their files).
_AUTHORED: dict[str, ListSpec] = {}


def register_authored(spec: ListSpec, authority_name: str) -> None:
    """Make an authored list's metadata, read from its file, known to ``list_spec``."""
    _AUTHORED[spec.id] = spec
    AUTHORITIES.setdefault(spec.authority, authority_name)


def list_spec(list_id: str) -> ListSpec:
    """The registered list, or an authored list's spec.

    An authored list ID is ``<authority>-<slug>`` where the authority code may contain
    hyphens ("arab-league") and the slug may not: the authority is the part before the
    last '-'.
    """
    if list_id in LISTS:
        return LISTS[list_id]
    if list_id in _AUTHORED:
        return _AUTHORED[list_id]
    authority = list_id.rsplit("-", 1)[0]
    return ListSpec(list_id, authority, list_id, (), (A("*", 1, 1_000_000),))


def authority_name(code: str) -> str:
    return AUTHORITIES.get(code, code)


@dataclass(frozen=True)
class ImportJob:
    """One version of one or more lists: a primary file and the companions beside it."""

    format: SourceFormat
    primary: Path
    companions: tuple[Path, ...]

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.primary, *self.companions)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files named directly, plus the files directly inside named folders (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            raise SourceError(path, "no such file or folder")
    return files


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SNIFF_BYTES)


def plan_imports(paths: Sequence[Path], source: str | None = None) -> list[ImportJob]:
    """Group files into import jobs by format, checking every file is accounted for.

    With ``source`` every file is read with that format (companions still go by sniffing).
    """
    known = formats()
    if source is not None and source not in known:
        raise SourceError(source, f"unknown source format; known: {', '.join(sorted(known))}")
    primaries: list[tuple[SourceFormat, Path]] = []
    companions: dict[tuple[str, Path], list[Path]] = defaultdict(list)
    for path in expand_paths(paths):
        head = _read_head(path)
        if not head.strip():
            raise SourceError(path, "the file is empty")
        candidates = [known[source]] if source else list(known.values())
        role_found = None
        for fmt in candidates:
            role = fmt.sniff(path, head)
            if role is not None:
                role_found = (fmt, role)
                break
        if role_found is None:
            if source:
                # Forced format: the parser will say what is wrong with the file.
                primaries.append((known[source], path))
                continue
            raise SourceError(path, "not a recognised sanctions list format (use --source to name one)")
        fmt, role = role_found
        if role is FileRole.PRIMARY:
            primaries.append((fmt, path))
        else:
            companions[(fmt.name, path.parent)].append(path)
    jobs = []
    used: set[tuple[str, Path]] = set()
    for fmt, primary in primaries:
        key = (fmt.name, primary.parent)
        jobs.append(ImportJob(fmt, primary, tuple(companions.get(key, ()))))
        used.add(key)
    for key, orphans in companions.items():
        if key not in used:
            fmt = known[key[0]]
            needed = " or ".join(fmt.primary_names) or "its main file"
            names = ", ".join(p.name for p in orphans)
            raise SourceError(
                key[1],
                f"{names}: companion file(s) of format {fmt.name} given without {needed}; "
                "this folder cannot be imported as a version of its list",
            )
    return jobs
