"""Tiny books in tmp_path, and a way to run the CLI on them."""

import textwrap

import pytest

from literate.__main__ import main

HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def cell(code, target=None, tags=None):
    """A MyST code cell, optionally tangled into ``target``."""
    options = ""
    if target is not None:
        options += f":tangle: {target}\n"
    if tags:
        options += f":tags: [{', '.join(tags)}]\n"
    return f"```{{code-cell}} ipython3\n{options}{textwrap.dedent(code).strip()}\n```\n"


def page(name, *cells, front=""):
    """The text of a chapter: front matter (``front`` lines first), a title, ``cells``."""
    text = HEADER.replace("---\njupytext", f"---\n{front}jupytext") + f"\n# {name}\n\n"
    return text + "\n".join(cells)


def toc(names):
    """The ``_toc.yml`` of a book whose chapters are ``book/<name>.md``, in order."""
    first, *rest = names
    lines = ["format: jb-book", f"root: book/{first}"]
    if rest:
        lines.append("chapters:")
        lines += [f"  - file: book/{name}" for name in rest]
    return "\n".join(lines) + "\n"


class TinyBook:
    def __init__(self, root):
        self.root = root
        self.names = []

    def chapter(self, name, *cells, front=""):
        """Write book/<name>.md with ``cells`` and add it to the TOC."""
        text = page(name, *cells, front=front)
        path = self.root / "book" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if name not in self.names:
            self.names.append(name)
        (self.root / "_toc.yml").write_text(toc(self.names), encoding="utf-8")
        return path

    def run(self, *args, capsys=None):
        code = main(["--root", str(self.root), *args])
        return code

    def read(self, target):
        return (self.root / "code" / target).read_text(encoding="utf-8")

    def line_of(self, name, needle):
        text = (self.root / "book" / f"{name}.md").read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {name}")


@pytest.fixture
def book(tmp_path):
    return TinyBook(tmp_path)
