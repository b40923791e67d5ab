"""Command line: ``python -m mapapp validate``, ``snapshot``, ``audit``, ``prepare`` and ``publish``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mapapp import assets, audit, data, published, reader, snapshot, timeline

#: Exit status for bad usage or a bad parameter value (argparse uses it too).
USAGE_ERROR = 2


def _load(args: argparse.Namespace) -> data.Dataset | None:
    """The data of ``--data-dir`` (or the default), or None with every problem printed."""
    try:
        return data.load_dataset(args.data_dir)
    except data.DataError as exc:
        print(exc, file=sys.stderr)
        return None


def _validate(args: argparse.Namespace) -> int:
    """Check every file of the data directory; print every problem."""
    directory = args.data_dir or data.data_dir()
    frames, monthly, problems = data.validate_directory(directory)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in {directory.name}/", file=sys.stderr)
        return 1
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in frames.items())
    print(f"{directory.name}/ is valid: {counts}, {data.MONTHLY_FILE} {len(monthly)} rows")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    """Print the map on one day as GeoJSON."""
    try:
        day = timeline.parse_day(args.date)
    except timeline.DateOutOfRange as exc:
        print(f"snapshot: --date: {exc}", file=sys.stderr)
        return USAGE_ERROR
    dataset = _load(args)
    if dataset is None:
        return 1
    json.dump(snapshot.snapshot(dataset, day), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _audit(args: argparse.Namespace) -> int:
    """Print the data's quality table; exit 1 naming every broken rule of ``geodata/README.md``."""
    dataset = _load(args)
    if dataset is None:
        return 1
    rows = audit.audit(dataset)
    print(audit.format_table(rows))
    share = audit.crisis_share(rows)
    rule = f"{audit.MIN_TWO_SOURCES_SHARE:.0%}"
    print(f"\ncrisis layers: {100 * share:.1f} % of features have ≥2 independent sources (rule: ≥ {rule})")
    broken = audit.broken_rules(rows)
    for line in broken:
        print(f"rule broken: {line}", file=sys.stderr)
    if broken:
        print(
            f"{len(broken)} rule(s) broken (see 'Rules the audit enforces' in geodata/README.md)",
            file=sys.stderr,
        )
        return 1
    return 0


def _prepare(args: argparse.Namespace) -> int:
    """Compile the data's files for the browser ahead, into the cache folder (the server does it at start)."""
    dataset = _load(args)
    if dataset is None:
        return 1
    published.published(dataset)
    published.pages(dataset)
    print(f"compiled the timeline and the day figures of {dataset.directory.name}/ into {assets.cache_dir()}")
    return 0


def _publish(args: argparse.Namespace) -> int:
    """Write the reader edition into ``args.out``; nothing is written when the data or the folder is wrong."""
    out = Path(args.out)
    try:
        reader.check_target(out)
    except reader.PublishError as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return USAGE_ERROR
    dataset = _load(args)
    if dataset is None:
        print("publish: nothing was written (run `python -m mapapp validate` for the list)", file=sys.stderr)
        return USAGE_ERROR
    start = reader.Start(basemap=args.base)
    if args.single_file:
        files = {"index.html": reader.single_file(dataset, start).encode("utf-8")}
    else:
        files = reader.with_compressed_copies(reader.site_files(dataset, start))
    try:
        written = reader.write(files, out)
    except (OSError, reader.PublishError) as exc:
        print(f"publish: could not write {out}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    size = sum(path.stat().st_size for path in written)
    what = "one HTML file, opens from disk" if args.single_file else "serve the folder from any static host"
    print(f"wrote {len(written)} file(s), {size / 1e6:.2f} MB, into {out}/ ({what})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m mapapp``."""
    parser = argparse.ArgumentParser(
        prog="python -m mapapp", description="The Belarus–EU border-crisis map: data commands."
    )
    data_help = f"data directory (default: ${data.DATA_DIR_ENV} or the bundled geodata/)"
    parser.add_argument("--data-dir", type=Path, default=None, help=data_help)
    # Also accepted after the command; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help=data_help)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "validate", parents=[common], help="check every data file; exit 1 listing the problems"
    )
    snap = commands.add_parser(
        "snapshot", parents=[common], help="print every feature active on a day as GeoJSON"
    )
    snap.add_argument(
        "--date",
        required=True,
        help=f"YYYY-MM-DD, {timeline.CRISIS_START} to {timeline.CRISIS_END}",
    )
    commands.add_parser(
        "audit",
        parents=[common],
        help="print the quality table per layer; exit 1 when a rule of geodata/README.md is broken",
    )
    commands.add_parser(
        "prepare",
        parents=[common],
        help="compile the timeline and day figures into the cache folder ahead (the server does it at start)",
    )
    publish = commands.add_parser(
        "publish",
        parents=[common],
        help="write the reader edition: a static site (or one HTML file) that needs no server of ours",
    )
    publish.add_argument("out", metavar="OUT", help="folder to write (new, empty, or an earlier edition)")
    publish.add_argument(
        "--base",
        choices=reader.BASES,
        default="offline",
        help="basemap the page opens on: offline (bundled outlines, no network) or osm (tiles)",
    )
    publish.add_argument(
        "--single-file",
        action="store_true",
        help="write OUT/index.html with everything inside, to open from file:// or send as one file",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    handlers = {
        "validate": _validate,
        "snapshot": _snapshot,
        "audit": _audit,
        "prepare": _prepare,
        "publish": _publish,
    }
    return handlers[args.command](args)
