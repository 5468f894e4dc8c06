"""Give a chapter's kernel the program state the earlier chapters built: its
first cell calls :func:`replay` (book/making.md, "Each chapter continues the last").
"""

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from literate import LiterateError
from literate.model import tangled_cells
from literate.parser import TOC, find_root, read_book
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
            named = match.group("chapter")
            if named != chapter.path:
                message = f'the replay cell names "{named}"; it must name its own chapter: '
                message += f'replay(globals(), "{chapter.path}")'
                raise LiterateError(chapter.path, line, message)
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
    text = "".join(f"{cell.chapter}\0{cell.source}\0" for cell in cells)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def replay(namespace, chapter, state=None, root=None):
    """Execute the earlier chapters' library cells into ``namespace``."""
    if not root:  # the project this package is in, else the one around the working folder
        here = Path(__file__).resolve().parent.parent
        root = here if (here / TOC).is_file() else find_root()
    root = Path(root)
    cells = replayed_cells(read_book(root), chapter)
    if state is not None and state != state_fingerprint(cells):
        raise StaleReplayError(
            f"{chapter}: the earlier chapters changed since this chapter was tangled; "
            "run `make tangle` (or `python -m literate tangle`) and re-run the notebook"
        )
    namespace.setdefault("add_to_class", add_to_class)
    # In IPython, show an exception as its last line only (see CONTRIBUTING.md).
    ipython = sys.modules.get("IPython")  # imported wherever an IPython shell runs
    shell = ipython.get_ipython() if ipython else None
    if shell is not None:
        shell.InteractiveTB.set_mode(mode="Minimal")
    for cell in cells:
        # Pad with newlines so tracebacks show the line numbers of the chapter.
        source = "\n" * (cell.line - 1) + cell.source
        code = compile(source, str(root / cell.chapter), "exec")
        exec(code, namespace)  # noqa: S102 -- running the book's own code is the point
    return len(cells)


__all__ = ["replay", "StaleReplayError", "LiterateError"]
