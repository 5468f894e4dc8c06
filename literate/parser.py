"""Read the book: the chapters in ``_toc.yml`` order and their code cells, with
myst-nb's reader, the one Jupyter Book executes, so the tangler sees exactly the cells
the book runs.  Every problem becomes a one-line LiterateError naming file and line.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from literate import LiterateError

TOC = "_toc.yml"
CODE_DIR = "code"
_TANGLE_OPTION = re.compile(r"^\s*:?tangle:")


@dataclass(frozen=True)
class Cell:
    """One ``{code-cell}`` of a chapter."""

    chapter: str  # path relative to the project root, e.g. "book/02_value.md"
    line: int  # 1-based line, in the chapter, of the cell's first code line
    fence_line: int  # 1-based line of the opening fence
    source: str
    options: dict = field(default_factory=dict, hash=False, compare=False)
    tangle_line: int = 0  # 1-based line of the `:tangle:` option (else the fence's)

    @property
    def tangle(self):
        """The ``:tangle:`` target (relative to ``code/``), or None."""
        return self.options.get("tangle")

    @property
    def tags(self):
        tags = self.options.get("tags") or []
        return tags if isinstance(tags, list) else [tags]


@dataclass(frozen=True)
class Chapter:
    path: str  # relative to the project root, POSIX separators
    front_matter: dict
    cells: tuple


def find_root(start=None):
    """The nearest folder at or above ``start`` (default: cwd) holding ``_toc.yml``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / TOC).is_file():
            return folder
    message = f"no {TOC} here or in any parent folder; run from the project root"
    raise LiterateError(here, 1, message)


def toc_chapters(root):
    """Chapter paths (relative to ``root``) in the order ``_toc.yml`` lists them."""
    text = _read(root, TOC, "table of contents")
    try:
        toc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        raise LiterateError(TOC, line, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(toc, dict) or "root" not in toc:
        raise LiterateError(TOC, 1, "needs a 'root:' entry (Jupyter Book 1 table of contents)")

    def walk(entry):  # the root entry, then every "file:" under parts/chapters/sections
        if isinstance(entry, dict):
            yield from [entry["file"]] if "file" in entry else []
            for key in ("parts", "chapters", "sections"):
                for child in entry.get(key) or []:
                    yield from walk(child)

    chapters = []
    for name in map(str, walk({**toc, "file": toc["root"]})):
        candidates = [name] if Path(name).suffix else [f"{name}.md", f"{name}.ipynb"]
        found = next((c for c in candidates if (Path(root) / c).is_file()), None)
        if found is None:
            line = next((n for n, line in enumerate(text.splitlines(), 1) if name in line), 1)
            raise LiterateError(TOC, line, f"'{name}' is listed but no such file exists")
        if found.endswith(".md") and found not in chapters:
            chapters.append(found)
    return chapters


def read_chapter(root, rel_path):
    """Parse one chapter into a :class:`Chapter` (front matter and code cells)."""
    rel_path = Path(rel_path).as_posix()
    return parse_chapter(_read(root, rel_path, "chapter"), rel_path)


def _read(root, rel_path, what):
    """The text of ``root/rel_path``, or a LiterateError saying why the ``what`` is unreadable."""
    try:
        return (Path(root) / rel_path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise LiterateError(rel_path, 1, f"cannot read the {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise LiterateError(rel_path, line, f"the {what} is not valid UTF-8") from None


def parse_chapter(text, rel_path="<chapter>"):
    """Parse MyST-notebook ``text``; never raises anything but LiterateError."""
    from myst_nb.core.read import read_myst_markdown_notebook

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        notebook = read_myst_markdown_notebook(text, add_source_map=True)
    except Exception as exc:  # myst-nb reports bad YAML in several ways
        message = " ".join(str(exc).split())
        match = re.search(r"at line (\d+)", message)
        line = int(match.group(1)) if match else 1
        if message.startswith("Notebook metadata"):
            what = "front matter is not valid YAML"
        else:
            what = "a code cell's options could not be read (options are `:key: value` lines)"
        raise LiterateError(rel_path, line, f"{what}: {message[:200]}") from None

    lines = text.split("\n")
    front = dict(notebook.metadata)
    cells = []
    # myst-nb maps a code cell to the 1-based line of its opening fence.
    for cell, start in zip(notebook.cells, front.pop("source_map", [])):
        if cell.cell_type == "code":
            line = _body_line(lines, start, cell.source)
            options = range(start + 1, line)
            tangle_line = next((n for n in options if _TANGLE_OPTION.match(lines[n - 1])), start)
            cells.append(Cell(rel_path, line, start, cell.source, dict(cell.metadata), tangle_line))
    return Chapter(path=rel_path, front_matter=front, cells=tuple(cells))


def _body_line(lines, fence_line, body):
    """1-based line where ``body`` starts: found by its first non-blank line, searching the
    lines after the fence (MyST drops one blank line after the options, keeps the others)."""
    body = body.split("\n")
    blank = next((number for number, text in enumerate(body) if text.strip()), 0)
    first = body[blank]
    for number, text in enumerate(lines[fence_line : fence_line + 199], fence_line + 1):
        if text == first or (first and text.strip() == first.strip()):
            return number - blank
    return fence_line + 1


def read_book(root):
    """All chapters in table-of-contents order."""
    return [read_chapter(root, path) for path in toc_chapters(root)]
