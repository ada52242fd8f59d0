"""The command line: ``python -m veil.allowlist PATH... --out FILE`` (see ``veil.allowlist``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..sitetext import integrity_of
from . import AllowlistError, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m veil.allowlist",
        description="Build Veil's site-text allow-list from the site's sources and build output (HTML, server templates, "
                    "JavaScript/TypeScript, i18n message files). Never run it over pages rendered for a visitor.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories to read")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write the list (JSON)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip files whose path (relative to a directory named) or name matches; repeatable")
    parser.add_argument("--quiet", action="store_true", help="print only the integrity")
    args = parser.parse_args(argv)
    if args.out.parent and not args.out.parent.is_dir():
        print(f"veil.allowlist: --out: no such directory: {args.out.parent}", file=sys.stderr)
        return 2
    try:
        data, collected = build(args.paths, tuple(args.exclude))
    except AllowlistError as err:
        print(f"veil.allowlist: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:  # a parser that is not installed
        print(f"veil.allowlist: {err}", file=sys.stderr)
        return 2
    try:
        args.out.write_bytes(data)
    except OSError as err:
        print(f"veil.allowlist: --out: cannot write {args.out} ({err.strerror or err})", file=sys.stderr)
        return 2
    integrity = integrity_of(data)
    if not args.quiet:
        read = ", ".join(f"{n} {kind}" for kind, n in sorted(collected.files.items())) or "nothing"
        print(f"veil.allowlist: read {read}; skipped {len(collected.skipped)} file(s)")
        for path, why in collected.skipped[:20]:
            print(f"  skipped {path}: {why}")
        if len(collected.skipped) > 20:
            print(f"  ... and {len(collected.skipped) - 20} more")
        for warning in collected.warnings:
            print(f"  warning: {warning}")
        print(f"veil.allowlist: wrote {len(collected.strings)} strings and {len(collected.templates)} templates "
              f"({len(data)} bytes) to {args.out}")
        print("allowTextIntegrity:", end=" ")
    print(integrity)
    return 0


if __name__ == "__main__":
    sys.exit(main())
