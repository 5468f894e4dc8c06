"""Give a chapter's kernel the program state the earlier chapters built.

Each chapter starts with a hidden cell::

    from literate.replay import replay
    replay(globals(), "book/04_backprop.md", state="…")

which executes, in that kernel, the library cells (``:tangle:`` cells not
under ``tests/``) of every chapter listed before it in ``_toc.yml``, read with
the same parser the tangler uses.  So a class has exactly the methods the
reader has seen so far.  ``state`` is a fingerprint of those cells, written
by ``make tangle``: it changes whenever they do, so Jupyter Book's execution
cache re-runs the chapter, and a mismatch means the chapters changed since
the last tangle.
"""

from __future__ import annotations

from pathlib import Path

from literate.errors import LiterateError
from literate.parser import find_root, read_book
from literate.runtime import add_to_class
from literate.tangle import replayed_cells, state_fingerprint


class StaleReplayError(RuntimeError):
    """The earlier chapters changed after the replay fingerprint was written."""


def _project_root():
    here = Path(__file__).resolve().parent.parent
    if (here / "_toc.yml").is_file():
        return here
    return find_root()


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
    chapters = read_book(root)
    cells = replayed_cells(chapters, chapter)
    fingerprint = state_fingerprint(cells)
    if state is not None and state != fingerprint:
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
