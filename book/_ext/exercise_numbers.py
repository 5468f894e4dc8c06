"""Number exercises per chapter: Exercise 3.2 is the second exercise of chapter 3.

sphinx-exercise numbers exercises through Sphinx's numfig machinery, which
counts across the whole book (Exercise 1 … 60) unless the table of contents
numbers its sections.  This book's chapter titles carry their own numbers
("3. Drawing the graph"), so after Sphinx has assigned the figure numbers we
replace each page's exercise numbers by (chapter, k), read from the file name
(``book/03_graphviz`` is chapter 3).  References made with ``{numref}`` and
the "Exercise N" captions then both read "3.2".
"""

from __future__ import annotations

import re

_CHAPTER = re.compile(r"(?:^|/)(\d+)_[^/]*$")


def chapter_numbers(toc_fignumbers):
    """Replace the exercise numbers of every chapter page, in place."""
    for docname, kinds in toc_fignumbers.items():
        match = _CHAPTER.search(docname)
        numbers = kinds.get("exercise")
        if not match or not numbers:
            continue
        chapter = int(match.group(1))
        in_order = sorted(numbers, key=lambda ident: numbers[ident])
        for k, ident in enumerate(in_order, start=1):
            numbers[ident] = (chapter, k)


def _renumber(app, env):
    chapter_numbers(env.toc_fignumbers)
    return []


def setup(app):
    # Right after Sphinx's toctree collector (priority 500) has assigned the
    # figure numbers in "env-get-updated", before any page is written.
    app.connect("env-get-updated", _renumber, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
