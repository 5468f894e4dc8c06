"""``python -m literate {tangle,check}``; exit status 0: all is well, 1: ``code/`` differs from
the chapters (check) or something was refused (tangle), 2: a chapter is wrong (``file:LINE: ...``).
"""

import argparse
import sys

from literate import LiterateError
from literate.parser import find_root
from literate.writer import REFUSED, apply, plan


def main(argv=None):
    about = "Tangle the book's chapters into code/, or check that code/ matches them."
    parser = argparse.ArgumentParser(prog="python -m literate", description=about)
    parser.add_argument("--root", help="the project folder (default: the one holding _toc.yml)")
    commands = parser.add_subparsers(dest="command", required=True)
    tangle = commands.add_parser("tangle", help="write code/ from the chapters")
    force = "overwrite files in code/ that were edited by hand or not generated"
    tangle.add_argument("--force", action="store_true", help=force)
    commands.add_parser("check", help="exit 1 with a diff when code/ differs from the chapters")
    args = parser.parse_args(argv)
    try:
        changes = plan(find_root(args.root))
        return _tangle(changes, args.force) if args.command == "tangle" else _check(changes)
    except LiterateError as error:
        print(error, file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{error.filename or 'literate'}: {error.strerror or error}", file=sys.stderr)
        return 2


def _check(changes):
    if not changes:
        print("code/ is in sync with the chapters")
        return 0
    print(*(f"drift: {change.describe()}" for change in changes), sep="\n", file=sys.stderr)
    sys.stdout.write("".join(change.diff() for change in changes if change.kind != "stray"))
    count = f"{len(changes)} difference(s) between code/ and the chapters"
    print(f"{count}; run `make tangle` (never edit code/ by hand)", file=sys.stderr)
    return 1


def _tangle(changes, force):
    refused = [change for change in changes if change.kind in REFUSED]
    if refused and not force:
        for change in refused:
            print(f"refused: {change.describe()}", file=sys.stderr)
            sys.stdout.write(change.diff())
        kinds = {change.kind for change in refused}
        print(*(hint for kind, hint in REFUSED.items() if kind in kinds), sep="\n", file=sys.stderr)
        return 1
    for change in changes:
        if change.kind == "stray":
            print(f"warning: {change.describe()}; left alone", file=sys.stderr)
        else:
            apply(change)
            print(f"{'deleted' if change.new is None else 'wrote'} {change.rel} ({change.kind})")
    if all(change.kind == "stray" for change in changes):
        print("code/ is already in sync with the chapters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
