"""Read the library's docstrings as the plain text their authors wrote.

The chapters write docstrings for people reading the code, in plain text with
the odd ``literal``, not in reStructuredText: ``|f(x)|`` is an absolute value,
not a substitution; ``f(*args)`` is not the start of an emphasis; ``__call__``
is a name, not an anonymous hyperlink reference. Under ``-W`` each of those
would be a warning (or an error) in the API reference, so before autodoc
parses a docstring this escapes them:

* ``|``;
* ``*`` and ``**`` that open no emphasis (no closing ``*`` on the line);
* ``_`` and ``__`` at the end of a word.

Inside ````literal```` spans nothing is changed. Real markup (``*emphasis*``,
````code````, roles, field lists) still works.
"""

from __future__ import annotations

import re

LITERAL = re.compile(r"``.+?``")
OPENER = re.compile(r"(?:(?<=^)|(?<=[\s(\[{,'\"/-]))(\*{1,2})(?=[^\s*])")
TRAILING_UNDERSCORES = re.compile(r"(?<=[A-Za-z0-9])(_{1,2})(?=[\s.,;:!?)\]}'\"]|$)")


def _escape_stars(text):
    out, pos = [], 0
    for match in OPENER.finditer(text):
        start, stars = match.start(), match.group(1)
        if start < pos:
            continue
        closer = re.compile(r"(?<=\S)" + re.escape(stars) + r"(?![\w*])")
        if closer.search(text, match.end()):
            # A real emphasis (or strong): leave it, and skip past its end.
            end = closer.search(text, match.end()).end()
            out.append(text[pos:end])
            pos = end
            continue
        out.append(text[pos:start] + "\\*" * len(stars))
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _escape_plain(text):
    text = text.replace("|", "\\|")
    text = TRAILING_UNDERSCORES.sub(lambda m: "\\_" * len(m.group(1)), text)
    return _escape_stars(text)


def escape_line(line):
    """Escape the plain-text parts of one docstring line, not its ``literals``."""
    if line.lstrip().startswith(".."):
        return line  # a directive or comment: the author meant reST
    out, pos = [], 0
    for match in LITERAL.finditer(line):
        out.append(_escape_plain(line[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_escape_plain(line[pos:]))
    return "".join(out)


def escape_docstring(app, what, name, obj, options, lines):
    lines[:] = [escape_line(line) for line in lines]


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    # Before other handlers (literate.sphinx appends its own reST links).
    app.connect("autodoc-process-docstring", escape_docstring, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
