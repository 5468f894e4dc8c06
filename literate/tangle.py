"""From the book to the files under ``code/``: what they should contain.

:func:`build` reads every chapter in ``_toc.yml`` order and returns the text
of every generated file, plus the replay fingerprint each chapter's hidden
first cell should carry.  Nothing here writes; see :mod:`literate.writer`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from literate.assemble import Module, Origin, add_cell, validate_target
from literate.errors import LiterateError
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
                if item.kind not in ("def", "class"):
                    continue
                found[(module.dotted, item.name)] = item.origin
                for member in item.members or []:
                    if member.key:
                        found[(module.dotted, f"{item.name}.{member.key}")] = member.origin
        return found


def tangled_cells(chapter):
    """(target, cell) for every cell of ``chapter`` that opts in with ``:tangle:``."""
    default = chapter.front_matter.get("tangle")
    for cell in chapter.cells:
        if "tangle" not in cell.options:
            continue
        target = cell.tangle
        origin = Origin(cell.chapter, cell.option_lines.get("tangle", cell.fence_line))
        if target is None or target is True:
            if default is None:
                raise origin.error(
                    "`:tangle:` has no file and the front matter sets no default "
                    "(add `tangle: scratchgrad/<module>.py` to the front matter or to the cell)"
                )
            target = default
        yield validate_target(target, origin), cell


def is_test_target(target):
    return target.split("/", 1)[0] == "tests"


def library_cells(chapter):
    """The cells of ``chapter`` tangled into the library (not into tests/)."""
    return [cell for target, cell in tangled_cells(chapter) if not is_test_target(target)]


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


def build(root):
    """Everything the chapters under ``root`` produce."""
    chapters = read_book(root)
    book = Book()
    modules: dict[str, Module] = {}
    pairs = [pair for chapter in chapters for pair in tangled_cells(chapter)]
    roots = {
        target.split("/", 1)[0].removesuffix(".py")
        for target, _ in pairs
        if not is_test_target(target)
    }
    for target, cell in pairs:
        module = modules.get(target)
        if module is None:
            module = modules[target] = Module(target)
            module.first_party = roots
            book.origins[target] = Origin(cell.chapter, cell.fence_line)

        def origin_of(lineno, cell=cell):
            return Origin(cell.chapter, cell.line + lineno - 1)

        add_cell(module, cell, origin_of, package_roots=roots)
    _resolve_imports(modules)
    book.modules = modules
    book.outputs = {target: module.render() for target, module in sorted(modules.items())}

    library = []
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
            book.replays.append(
                ReplayCell(chapter.path, line, match.group("state"), state_fingerprint(library))
            )
        library.extend(library_cells(chapter))
    return book


def _resolve_imports(modules):
    """Import, into each module, the names it uses that another module defines."""
    offers: dict[str, list[Module]] = {}
    for module in modules.values():
        if module.is_test:
            continue
        for name in module.defined_names():
            offers.setdefault(name, []).append(module)

    for module in modules.values():
        bound = module.bound_names()
        for name, origin in module.used_names():
            if name in bound:
                continue
            sources = [m for m in offers.get(name, []) if m is not module]
            if not sources:
                raise origin.error(
                    f"name '{name}' is used in {module.target} but no tangled cell defines or "
                    "imports it (is it defined in an untangled cell, or misspelt?)"
                )
            if len(sources) > 1:
                where = ", ".join(m.target for m in sources)
                raise origin.error(
                    f"name '{name}' is defined in several tangled modules ({where}); "
                    "rename one so the import is unambiguous"
                )
            level, path = _import_path(module, sources[0])
            module.from_imports.setdefault((level, path), {})[(name, None)] = origin
            bound.add(name)


def _import_path(importer, source):
    """(level, module): ``.engine`` within one package folder, else the dotted path."""
    if not importer.is_test:
        here = PurePosixPath(importer.target).parent
        there = PurePosixPath(source.target)
        if there.parent == here:
            return 1, (None if there.stem == "__init__" else there.stem)
    return 0, source.dotted
