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
    if not found:
        raise UserError(f"no entity with ID or name {ident!r}")
    if len(found) > 1:
        options = "; ".join(f"{rid} ({caption})" for rid, caption in found[:10])
        raise UserError(f"{ident!r} names {len(found)} entities, pass an ID: {options}")
    return found[0][0]


@app.command()
@handles_errors
def show(ident: Annotated[str, typer.Argument(help="An entity ID (e.g. us-sdn:12735) or a name")], db: DbOption = None, as_json: JsonOption = False) -> None:
    """One entity: names, identifiers, sanctions with measures and dates, relations, provenance."""
    from smartsanctions.store.views import record_view

    engine = open_engine(db)
    with engine.connect() as conn:
        view = record_view(conn, _resolve_record(conn, ident))
    assert view is not None
    if as_json:
        print_json(view)
        return
    _print_view(view)


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
        record_id = _resolve_record(conn, ident)
        events = record_events(conn, [record_id])
    if as_json:
        print_json({"id": record_id, "events": events})
        return
    table = Table("date", "authority", "list", "event", "basis", "between")
    for e in events:
        between = f"{e['after'] or '…'} .. {e['not_after']}" if e["date_basis"] == "bounded" else ""
        table.add_row(e["date"], e["authority"], e["list"], e["event"], e["date_basis"], between)
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
    from smartsanctions.store.export import write_export

    if fmt not in ("ftm", "csv"):
        raise UserError(f"--format must be ftm or csv, not {fmt!r}")
    engine = open_engine(db)
    with engine.connect() as conn:
        if output is None:
            count = write_export(conn, fmt, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                count = write_export(conn, fmt, handle)
    err.print(f"{count} entities exported")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
