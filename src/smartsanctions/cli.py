"""The ``smartsanctions`` command line: a thin layer over the packages below it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from smartsanctions.sources.base import SourceError
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import ImportRefused, import_files

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Targeted sanctions: register, consolidate, screen.")
out = Console()
err = Console(stderr=True)

DbOption = Annotated[str | None, typer.Option("--db", help="Store path or database URL (default: $SMARTSANCTIONS_DB or ./smartsanctions.db)")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]

F = TypeVar("F", bound=Callable[..., Any])


class UserError(Exception):
    """An error whose message is the whole story for the user."""


def _fail(message: str, code: int = 1) -> None:
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def handles_errors(func: F) -> F:
    """Turn expected errors into a one-line reason and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (SourceError, ImportRefused, UserError, ValueError, LookupError) as exc:
            _fail(str(exc).replace("\n", " "))
        except OSError as exc:
            _fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}")

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command("import")
@handles_errors
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="List files, or folders holding one version of a list")],
    source: Annotated[str | None, typer.Option("--source", help="Format name, instead of detecting it")] = None,
    force: Annotated[bool, typer.Option("--force", help="Import even if count assertions fail (audited)")] = False,
    on_date: Annotated[str | None, typer.Option("--date", help="Publication date when the file states none (YYYY-MM-DD)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Detect each file's format, parse, check assertions and store as new snapshots (all or nothing)."""
    published = date.fromisoformat(on_date) if on_date else None
    engine = open_engine(db)
    outcomes = import_files(engine, paths, source=source, force=force, published=published)
    if as_json:
        print_json([o.to_dict() for o in outcomes])
        return
    table = Table("list", "status", "date", "entries", "added", "changed", "removed", "date basis")
    for o in outcomes:
        table.add_row(o.list_id, o.status, o.published.isoformat(), str(o.entities), str(o.added), str(o.changed), str(o.removed), o.published_basis)
    out.print(table)


@app.command()
@handles_errors
def update(
    mirror: Annotated[str | None, typer.Option("--mirror", help="A folder laid out like shared/data/lists, or a base URL")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fetch every registered list (official URLs or a mirror) and import what changed."""
    from smartsanctions.store.update import update_from_mirror, update_from_urls

    engine = open_engine(db)
    if mirror and "://" not in mirror:
        with out.status("importing") as status:
            report = update_from_mirror(engine, Path(mirror), lambda p: status.update(f"importing {p.parent.name}/{p.name}"))
    else:
        report = update_from_urls(engine, mirror)
    if as_json:
        print_json({"imported": [o.to_dict() for o in report.outcomes], "refused": report.refused})
    else:
        imported = [o for o in report.outcomes if o.status == "imported"]
        out.print(f"{len(imported)} new snapshot(s), {len(report.outcomes) - len(imported)} unchanged")
        for line in report.refused:
            err.print(f"refused: {line}", markup=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(2)


@app.command("lists")
@handles_errors
def lists_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Authorities, lists and snapshots with dates and counts."""
    from smartsanctions.store.queries import lists_summary

    engine = open_engine(db)
    with engine.connect() as conn:
        summary = lists_summary(conn)
    if as_json:
        print_json(summary)
        return
    table = Table("authority", "list", "snapshot date", "entries", "sha256", "date basis")
    for auth in summary["authorities"]:
        for lst in auth["lists"]:
            for snap in lst["snapshots"]:
                table.add_row(auth["code"], lst["id"], snap["date"], str(snap["entities"]), snap["sha256"][:12], snap["date_basis"])
    out.print(table)


def _resolve_record(conn: Any, ident: str) -> str:
    from smartsanctions.store.queries import record_versions
    from smartsanctions.store.views import find_records

    if record_versions(conn, ident):
        return ident
    found = find_records(conn, ident)
    return _one(ident, found)


def _one(ident: str, found: list[tuple[str, str]]) -> str:
    if not found:
        raise UserError(f"no entity with ID or name {ident!r}")
    if len(found) > 1:
        options = "; ".join(f"{rid} ({caption})" for rid, caption in found[:10])
        raise UserError(f"{ident!r} names {len(found)} entities, pass an ID: {options}")
    return found[0][0]


def _canonical_id(conn: Any, ident: str) -> str | None:
    """The canonical entity an ID or name designates, when a consolidation has run."""
    from smartsanctions.consolidate.views import find_canonical, has_consolidation, resolve_canonical

    if not has_consolidation(conn):
        return None
    found = resolve_canonical(conn, ident)
    if found is not None:
        return found
    return _one(ident, find_canonical(conn, ident))


@app.command()
@handles_errors
def show(ident: Annotated[str, typer.Argument(help="An entity ID (canonical or source record, e.g. us-sdn:12735) or a name")], db: DbOption = None, as_json: JsonOption = False) -> None:
    """One entity: names, identifiers, sanctions per authority with measures and dates, relations, pillars, provenance."""
    from smartsanctions.consolidate.views import canonical_view
    from smartsanctions.store.views import record_view

    engine = open_engine(db)
    with engine.connect() as conn:
        canonical = _canonical_id(conn, ident)
        view = canonical_view(conn, canonical) if canonical else record_view(conn, _resolve_record(conn, ident))
    if view is None:
        raise UserError(f"no entity with ID or name {ident!r}")
    if as_json:
        print_json(view)
        return
    _print_canonical(view) if canonical else _print_view(view)


def _print_canonical(view: dict[str, Any]) -> None:
    out.print(f"[bold]{view['caption']}[/bold]  {view['id']}  ({view['schema']})")
    for prop, values in (view.get("names") or {}).items():
        out.print(f"  {prop}: ", "; ".join(values), markup=False, highlight=False)
    for prop, values in (view.get("properties") or {}).items():
        out.print(f"  {prop}: ", "; ".join(str(v) for v in values), markup=False, highlight=False)
    for code, auth in (view.get("authorities") or {}).items():
        out.print(
            f"  {code}: {', '.join(auth.get('measures', []))} since {auth.get('since') or '?'}"
            f" ({', '.join(auth.get('programmes', auth.get('programs', [])))}; lists {', '.join(auth.get('lists', []))})",
            markup=False,
        )
    for r in view.get("relations", []):
        out.print(f"  relation: {r.get('statement') or r}", markup=False)
    for pillar, evidence in (view.get("pillars") or {}).items():
        out.print(f"  pillar {pillar}: {len(evidence)} piece(s) of evidence", markup=False)
    out.print(f"  referents: {', '.join(view.get('referents', []))}", markup=False)


def _print_view(view: dict[str, Any]) -> None:
    status = "listed" if view["current"] else "not on the newest version of its list"
    out.print(f"[bold]{view['caption']}[/bold]  {view['id']}  ({view['schema']}, {status})")
    for prop, values in {**view["names"], **view["properties"]}.items():
        out.print(f"  {prop}: ", "; ".join(values), markup=False, highlight=False)
    for s in view["sanctions"]:
        out.print(
            f"  sanction: {s['authority']} {', '.join(s['program'])}: {', '.join(s['measures'])}"
            f" since {s['listing_date'] or '?'}",
            markup=False,
        )
    for r in view["relations"]:
        listed = "" if r["other_listed"] else " (not listed)"
        out.print(f"  relation: {r['relationship']} {r['other_caption'] or r['other_id']}{listed}", markup=False)
    for p in view["provenance"]:
        dates = ", ".join(f"{s['list']} {s['date']}" for s in p["snapshots"])
        out.print(f"  version {p['version_id']}: {dates}", markup=False)


@app.command()
@handles_errors
def history(ident: Annotated[str, typer.Argument(help="An entity ID or a name")], db: DbOption = None, as_json: JsonOption = False) -> None:
    """The legal timeline of one entity: designated, amended, delisted, per authority."""
    from smartsanctions.store.queries import record_events

    engine = open_engine(db)
    with engine.connect() as conn:
        canonical = _canonical_id(conn, ident)
        if canonical is not None:
            from smartsanctions.consolidate.views import canonical_view

            view = canonical_view(conn, canonical) or {}
            record_id, referents = canonical, list(view.get("referents", []))
        else:
            record_id = _resolve_record(conn, ident)
            referents = [record_id]
        events = record_events(conn, referents)
    if as_json:
        print_json({"id": record_id, "referents": referents, "events": events})
        return
    table = Table("date", "authority", "list", "record", "event", "basis", "between")
    for e in events:
        between = f"{e['after'] or '…'} .. {e['not_after']}" if e["date_basis"] == "bounded" else ""
        table.add_row(e["date"], e["authority"], e["list"], e["record_id"], e["event"], e["date_basis"], between)
    out.print(f"{record_id}")
    out.print(table)


@app.command()
@handles_errors
def export(
    fmt: Annotated[str, typer.Option("--format", help="ftm (FtM JSON lines) or csv")] = "ftm",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file (default: stdout)")] = None,
    db: DbOption = None,
) -> None:
    """Export the current data as FtM JSON lines or CSV."""
    from smartsanctions.consolidate.export import write_canonical_csv, write_canonical_ftm
    from smartsanctions.consolidate.views import has_consolidation
    from smartsanctions.store.export import write_export

    if fmt not in ("ftm", "csv"):
        raise UserError(f"--format must be ftm or csv, not {fmt!r}")
    engine = open_engine(db)
    with engine.connect() as conn:
        canonical = has_consolidation(conn)

        def write(handle: Any) -> int:
            if not canonical:
                return write_export(conn, fmt, handle)
            return write_canonical_ftm(conn, handle) if fmt == "ftm" else write_canonical_csv(conn, handle)

        if output is None:
            count = write(sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                count = write(handle)
    kind = "canonical" if canonical else "source-record (run `consolidate` for canonical)"
    err.print(f"{count} {kind} entities exported")


@app.command()
@handles_errors
def screen(
    name: Annotated[str | None, typer.Argument(help="The party's name (omit with --input)")] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth (YYYY, YYYY-MM or YYYY-MM-DD)")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Country or nationality (ISO code or name)")] = None,
    schema: Annotated[str | None, typer.Option("--schema", help="Person, Organization, Company, Vessel, ...")] = None,
    identifier: Annotated[list[str] | None, typer.Option("--id", help="Passport / ID / registration number")] = None,
    threshold: Annotated[float | None, typer.Option("--threshold", help="Match threshold in [0, 1]")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Results to show")] = 10,
    input_file: Annotated[Path | None, typer.Option("--input", help="Batch: CSV, XLSX or Parquet of parties")] = None,
    output_file: Annotated[Path | None, typer.Option("--output", help="Batch: where to write the hits")] = None,
    columns: Annotated[str | None, typer.Option("--columns", help="Batch: column mapping, e.g. name=full_name,dob=date_of_birth")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Batch: start a local Dask cluster with N workers")] = 0,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Batch: address of an existing Dask scheduler")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen one party, or a whole file of parties (--input/--output)."""
    from smartsanctions.screening.index import DEFAULT_THRESHOLD
    from smartsanctions.screening.model import Query
    from smartsanctions.screening.service import load_index
    from smartsanctions.screening.service import screen as screen_query

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    if not 0.0 <= threshold <= 1.0:
        raise UserError(f"--threshold must be between 0 and 1, not {threshold}")
    engine = open_engine(db)
    if input_file is not None or output_file is not None:
        if input_file is None or output_file is None:
            raise UserError("batch screening needs both --input and --output")
        _screen_batch(engine, input_file, output_file, columns, threshold, workers, scheduler, as_json)
        return
    if not name:
        raise UserError("give a NAME to screen, or --input and --output for a batch")
    with err.status("loading the screening index"):
        loaded = load_index(engine)
    query = Query(name=name, birth_date=dob, country=country, schema=schema, identifiers=tuple(identifier or ()))
    result = screen_query(loaded, query, threshold=threshold, limit=limit)
    if as_json:
        print_json(result)
        return
    table = Table("score", "match", "id", "name", "schema", "lists", "relation")
    for r in result["results"]:
        table.add_row(f"{r['score']:.3f}", "yes" if r["match"] else "", r["id"], r["caption"], r["schema"], ", ".join(r["datasets"]), r["relation"])
    out.print(f"data version {result['data_version']}, threshold {threshold}")
    out.print(table)


def _screen_batch(
    engine: Any, input_file: Path, output_file: Path, columns: str | None, threshold: float,
    workers: int, scheduler: str | None, as_json: bool,
) -> None:
    from smartsanctions.screening.batch import parse_column_map, screen_file

    report = screen_file(
        engine, input_file, output_file, columns=parse_column_map(columns), threshold=threshold,
        workers=workers, scheduler=scheduler, progress=not as_json,
    )
    if as_json:
        print_json(report.to_dict())
    else:
        out.print(f"{report.rows} rows screened, {report.hits} hit rows written to {output_file} (data version {report.data_version})")


@app.command()
@handles_errors
def rescreen(
    book: Annotated[str, typer.Option("--book", help="Name of the stored customer book")],
    input_file: Annotated[Path | None, typer.Option("--input", help="(Re)load the book from this file and screen it in full")] = None,
    columns: Annotated[str | None, typer.Option("--columns", help="Column mapping, e.g. name=full_name")] = None,
    threshold: Annotated[float | None, typer.Option("--threshold")] = None,
    output_file: Annotated[Path | None, typer.Option("--output", help="Write new / removed / suppressed hits here")] = None,
    full: Annotated[bool, typer.Option("--full", help="Re-check every party, not only those the changes touch")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-check a stored customer book against what changed since it was last screened."""
    from smartsanctions.screening.batch import parse_column_map
    from smartsanctions.screening.rescreen import rescreen as run_rescreen

    report = run_rescreen(
        open_engine(db), book, input_path=input_file, columns=parse_column_map(columns) if columns else None,
        threshold=threshold, output_path=output_file, full=full,
    )
    data = report.to_dict()
    if as_json:
        print_json(data)
        return
    summary = {k: v for k, v in data.items() if isinstance(v, (int, float, str))}
    for key, value in summary.items():
        out.print(f"{key}: {value}", markup=False)


@app.command()
@handles_errors
def compare(
    pairs: Annotated[Path, typer.Option("--pairs", help="CSV with columns name1,name2 (optional schema)")],
    output: Annotated[Path, typer.Option("--output", help="Output CSV: the input plus score and match")],
    threshold: Annotated[float | None, typer.Option("--threshold", help="Match threshold (default: the screening default)")] = None,
) -> None:
    """Score name pairs."""
    from smartsanctions.screening.index import DEFAULT_THRESHOLD
    from smartsanctions.screening.pairs import compare_pairs_file

    count = compare_pairs_file(pairs, output, DEFAULT_THRESHOLD if threshold is None else threshold)
    err.print(f"{count} pairs scored")


ProgramOption = Annotated[str | None, typer.Option("--program", help="Programme or regime, e.g. syria")]
AuthoritiesOption = Annotated[str | None, typer.Option("--authorities", help="Authority codes, e.g. us,eu,gb,ca,au")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Answer as of this date (YYYY-MM-DD)")]


def _codes(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


@app.command()
@handles_errors
def coverage(
    program: ProgramOption = None,
    authorities: AuthoritiesOption = None,
    as_of: AsOfOption = None,
    pillar: Annotated[str | None, typer.Option("--pillar", help="government | military | security | economic | family")] = None,
    schema: Annotated[str | None, typer.Option("--schema")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report with charts")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write the matrix as CSV")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows in the terminal table")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Authority-by-target matrix: measures in force and designation dates, at any date."""
    from smartsanctions.analysis import coverage_matrix, write_coverage_csv, write_html
    from smartsanctions.analysis.export import coverage_table

    filters: dict[str, Any] = {"program": program, "authorities": _codes(authorities), "as_of": as_of, "pillar": pillar, "schema": schema}
    with open_engine(db).connect() as conn:
        result = coverage_matrix(conn, **filters)
        if html is not None:
            write_html(conn, html, **filters)
            err.print(f"report written to {html}")
    if csv_file is not None:
        write_coverage_csv(result, csv_file)
    if as_json:
        print_json(result)
    else:
        sys.stdout.write(coverage_table(result, limit) + "\n")


@app.command()
@handles_errors
def gaps(
    program: ProgramOption = None,
    authorities: AuthoritiesOption = None,
    as_of: AsOfOption = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write the gap list as CSV")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows in the terminal table")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Targets listed by some of the authorities and not others; unlisted relatives and associates."""
    from smartsanctions.analysis import find_gaps, write_gaps_csv
    from smartsanctions.analysis.export import gaps_table

    with open_engine(db).connect() as conn:
        result = find_gaps(conn, program=program, authorities=_codes(authorities), as_of=as_of)
    if csv_file is not None:
        write_gaps_csv(result, csv_file)
    if as_json:
        print_json(result)
    else:
        sys.stdout.write(gaps_table(result, limit) + "\n")


@app.command("consolidate")
@handles_errors
def consolidate_command(
    no_un_refs: Annotated[bool, typer.Option("--no-un-refs", help="Do not use cited UN reference numbers as evidence")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """(Re)build the cross-list canonical entities, honouring stored judgements."""
    from smartsanctions.consolidate.run import consolidate

    engine = open_engine(db)
    with err.status("consolidating"):
        summary = consolidate(engine, use_un_refs=not no_un_refs)
    if as_json:
        print_json(summary.to_dict())
        return
    out.print(
        f"{summary.records} source records -> {summary.canonical_entities} canonical entities "
        f"({summary.multi_list_entities} on several lists, {summary.unlisted_entities} unlisted relatives/associates); "
        f"{summary.merges} merges, {summary.relations} relations, {summary.judgements} judgements honoured"
    )
    for conflict in summary.judgement_conflicts:
        err.print(f"judgement conflict: {conflict}", markup=False)


@app.command()
@handles_errors
def judge(
    left: Annotated[str, typer.Argument(help="A source-record or canonical ID")],
    right: Annotated[str, typer.Argument(help="Another source-record or canonical ID")],
    verdict: Annotated[str, typer.Argument(help="same | not_same")],
    author: Annotated[str, typer.Option("--author", help="Who decides")] = "cli",
    note: Annotated[str | None, typer.Option("--note")] = None,
    db: DbOption = None,
) -> None:
    """Record that two entities are (or are not) the same; applied by every `consolidate`."""
    from smartsanctions.consolidate.judgements import add_judgement

    judgement = add_judgement(open_engine(db), left, right, verdict, author, note)
    out.print(f"recorded: {judgement.left} {judgement.value} {judgement.right} (run `consolidate` to apply)")


keys_app = typer.Typer(help="API keys (stored hashed; roles reader < analyst < admin)")
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
@handles_errors
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who the key is for")],
    role: Annotated[str, typer.Option("--role", help="reader | analyst | admin")] = "reader",
    db: DbOption = None,
) -> None:
    """Create a key; it is printed once and only its hash is stored."""
    from smartsanctions.api.keys import create_key

    created = create_key(open_engine(db), name, role)
    err.print(f"key {created.id} for {created.name} ({created.role}); store it now, it is not shown again:")
    sys.stdout.write(created.key + "\n")


@keys_app.command("list")
@handles_errors
def keys_list(db: DbOption = None) -> None:
    from smartsanctions.api.keys import list_keys

    print_json(list_keys(open_engine(db)))


@keys_app.command("revoke")
@handles_errors
def keys_revoke(key_id: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    from smartsanctions.api.keys import revoke_key

    revoke_key(open_engine(db), key_id)
    out.print(f"key {key_id} revoked")


audit_app = typer.Typer(help="The hash-chained audit trail")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
@handles_errors
def audit_verify(db: DbOption = None) -> None:
    """Check every record's hash and link; exit 1 naming the first bad record."""
    from smartsanctions.api.auditlog import verify_audit

    report = verify_audit(open_engine(db))
    if not report.ok:
        raise UserError(f"audit chain broken at record {report.first_bad_id}: {report.reason}")
    out.print(f"audit chain intact: {report.records} records")


@audit_app.command("export")
@handles_errors
def audit_export(
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    after: Annotated[int, typer.Option("--after", help="Only records after this ID")] = 0,
    db: DbOption = None,
) -> None:
    """Write the audit records as JSON lines."""
    from smartsanctions.api.auditlog import export_audit

    engine = open_engine(db)
    if output is None:
        count = export_audit(engine, sys.stdout, after)
    else:
        with output.open("w", encoding="utf-8") as handle:
            count = export_audit(engine, handle, after)
    err.print(f"{count} audit records exported")


@app.command()
@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    require_read_key: Annotated[bool, typer.Option("--require-read-key", help="Reads need a reader key too")] = False,
    db: DbOption = None,
) -> None:
    """Serve the HTTP API (yente-compatible) and the web UI."""
    from smartsanctions.api.server import serve as run_server

    run_server(host=host, port=port, db=db, require_read_key=require_read_key)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
