"""From the book to the files under ``code/``: what they should contain.

:func:`build` reads every chapter in ``_toc.yml`` order and returns the text
of every generated file (:func:`literate.assemble.assemble`) and the replay
cells with the fingerprint each should carry (:func:`find_replays`).
Nothing here writes; see :mod:`literate.writer`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from literate.assemble import assemble
from literate.errors import LiterateError
from literate.model import Origin, tangled_cells
from literate.parser import read_book

REPLAY_CALL = re.compile(
    r"""replay\(\s*globals\(\)\s*,\s*(["'])(?P<chapter>[^"']*)\1\s*"""
    r"""(?:,\s*state\s*=\s*(["'])(?P<state>[^"']*)\3\s*)?\)"""
)


@dataclass
class ReplayCell:
    chapter: str
    line: int  # 1-based line of the cell's first code line
    current: str | None  # the state= written in the chapter now
    expected: str


@dataclass
class Book:
    outputs: dict = field(default_factory=dict)  # target -> file text
    origins: dict = field(default_factory=dict)  # target -> Origin of its first cell
    replays: list = field(default_factory=list)  # ReplayCell
    modules: dict = field(default_factory=dict)  # target -> Module

    def provenance(self):
        """{(dotted module, "Name" or "Class.method"): Origin} for the library's definitions.

        The origin is the cell whose version the library keeps (the last one
        to define or replace the name).
        """
        found = {}
        for module in self.modules.values():
            if module.is_test:
                continue
            for item in module.items:
                if item.kind in ("def", "class"):
                    found[(module.dotted, item.name)] = item.origin
                    for member in item.members or []:
                        if member.name:
                            found[(module.dotted, f"{item.name}.{member.name}")] = member.origin
        return found


def build(root):
    """Everything the chapters under ``root`` produce."""
    chapters = read_book(root)
    cells = [tangled for chapter in chapters for tangled in tangled_cells(chapter)]
    modules = assemble(cells, root)
    book = Book(modules=modules, replays=find_replays(chapters))
    for tangled in cells:
        book.origins.setdefault(tangled.target, Origin(tangled.cell.chapter, tangled.cell.fence_line))
    book.outputs = {target: module.render(root) for target, module in sorted(modules.items())}
    return book


def find_replays(chapters):
    """Each chapter's replay cell, with the fingerprint of the library cells before it."""
    replays, library = [], []
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
            replays.append(
                ReplayCell(chapter.path, line, match.group("state"), state_fingerprint(library))
            )
        library.extend(library_cells(chapter))
    return replays


def library_cells(chapter):
    """The cells of ``chapter`` tangled into the library (not into tests/)."""
    return [tangled.cell for tangled in tangled_cells(chapter) if not tangled.is_test]


def state_fingerprint(cells):
    """A short hash of the cells a chapter replays: changes when any of them does."""
    digest = hashlib.sha256()
    for cell in cells:
        digest.update(f"{cell.chapter}\0{cell.source}\0".encode())
    return digest.hexdigest()[:16]


def replayed_cells(chapters, upto):
    """The library cells (not tests) of the chapters before ``upto``, in book order."""
    cells = []
    for chapter in chapters:
        if chapter.path == upto:
            return cells
        cells.extend(library_cells(chapter))
    raise LiterateError(upto, 1, "this chapter is not listed in _toc.yml, so it cannot be replayed")
