"""Give a chapter's kernel the program state the earlier chapters built.

Each chapter starts with a hidden cell::

    from literate.replay import replay
    replay(globals(), "book/04_backprop.md", state="…")

which executes, in that kernel, the library cells (``:tangle:`` cells not
under ``tests/``) of every chapter listed before it in ``_toc.yml``, read with
the same parser the tangler uses.  So a class has exactly the methods the
reader has seen so far.  ``state`` is a fingerprint of those cells, written
by ``make tangle`` (:func:`find_replays`): it changes whenever they do, so
Jupyter Book's execution cache re-runs the chapter, and a mismatch means the
chapters changed since the last tangle.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from literate.errors import LiterateError
from literate.model import tangled_cells
from literate.parser import find_root, read_book
from literate.runtime import add_to_class

REPLAY_CALL = re.compile(
    r"""replay\(\s*globals\(\)\s*,\s*(["'])(?P<chapter>[^"']*)\1\s*"""
    r"""(?:,\s*state\s*=\s*(["'])(?P<state>[^"']*)\3\s*)?\)"""
)


class StaleReplayError(RuntimeError):
    """The earlier chapters changed after the replay fingerprint was written."""


@dataclass
class ReplayCell:
    chapter: str
    line: int  # 1-based line of the replay call
    current: str | None  # the state= written in the chapter now
    expected: str


def find_replays(chapters):
    """Each chapter's replay cell, with the fingerprint of the library cells before it."""
    replays = []
    for chapter in chapters:
        for cell in chapter.cells:
            match = REPLAY_CALL.search(cell.source)
            if match is None:
                continue
            line = cell.line + cell.source[: match.start()].count("\n")
            if match.group("chapter") != chapter.path:
                raise LiterateError(
                    chapter.path,
                    line,
                    f'the replay cell names "{match.group("chapter")}"; it must name its own '
                    f'chapter: replay(globals(), "{chapter.path}")',
                )
            expected = state_fingerprint(replayed_cells(chapters, chapter.path))
            replays.append(ReplayCell(chapter.path, line, match.group("state"), expected))
    return replays


def replayed_cells(chapters, upto):
    """The library cells (not tests) of the chapters before ``upto``, in book order."""
    cells = []
    for chapter in chapters:
        if chapter.path == upto:
            return cells
        cells += [tangled.cell for tangled in tangled_cells(chapter) if not tangled.is_test]
    raise LiterateError(upto, 1, "this chapter is not listed in _toc.yml, so it cannot be replayed")


def state_fingerprint(cells):
    """A short hash of the cells a chapter replays: changes when any of them does."""
    digest = hashlib.sha256()
    for cell in cells:
        digest.update(f"{cell.chapter}\0{cell.source}\0".encode())
    return digest.hexdigest()[:16]


def _project_root():
    here = Path(__file__).resolve().parent.parent
    return here if (here / "_toc.yml").is_file() else find_root()


def _one_line_errors():
    """In IPython, show an exception as its last line: ``TypeError: message``.

    The chapters show errors for their message; a full traceback would list
    the library's internals (and the chapter lines around them) instead.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.InteractiveTB.set_mode(mode="Minimal")


def replay(namespace, chapter, state=None, root=None):
    """Execute the earlier chapters' library cells into ``namespace``."""
    root = Path(root) if root else _project_root()
    cells = replayed_cells(read_book(root), chapter)
    if state is not None and state != state_fingerprint(cells):
        raise StaleReplayError(
            f"{chapter}: the earlier chapters changed since this chapter was tangled; "
            "run `make tangle` (or `python -m literate tangle`) and re-run the notebook"
        )
    namespace.setdefault("add_to_class", add_to_class)
    _one_line_errors()
    for cell in cells:
        # Pad with newlines so tracebacks show the line numbers of the chapter.
        source = "\n" * (cell.line - 1) + cell.source
        code = compile(source, str(root / cell.chapter), "exec")
        exec(code, namespace)  # noqa: S102 -- running the book's own code is the point
    return len(cells)


__all__ = ["replay", "StaleReplayError", "LiterateError"]
