"""Unit tests of the book's Sphinx extensions in book/_ext (run by `make test`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from docutils.core import publish_doctree
from docutils.utils import Reporter
from pybtex.database import BibliographyData, Entry, Person, parse_file

EXT = Path(__file__).resolve().parent.parent
ROOT = EXT.parent.parent
sys.path.insert(0, str(EXT))

import bibstyle  # noqa: E402
import docstrings  # noqa: E402
import exercise_numbers  # noqa: E402
import notebooks  # noqa: E402
import thebe_off  # noqa: E402

# --- bibstyle -------------------------------------------------------------------


def labels(entries):
    return list(bibstyle.AuthorYearLabelStyle().format_labels(entries))


def test_labels_of_the_books_references_read_like_its_citations():
    bib = parse_file(ROOT / "book" / "references.bib")
    got = dict(zip(bib.entries, labels(bib.entries.values())))
    assert got["knuth1984literate"] == "Knuth, 1984"
    assert got["griewank2008evaluating"] == "Griewank and Walther, 2008"
    assert got["rumelhart1986learning"] == "Rumelhart et al., 1986"
    assert got["baydin2018automatic"] == "Baydin et al., 2018"


def test_same_authors_same_year_get_letters():
    def entry(title):
        return Entry(
            "misc", {"title": title, "year": "2020"}, {"author": [Person("Karpathy, Andrej")]}
        )

    assert labels([entry("a"), entry("b")]) == ["Karpathy, 2020a", "Karpathy, 2020b"]


def test_accents_and_particles_and_missing_fields():
    bib = BibliographyData(
        {
            "k": Entry("misc", {"year": "2019"}, {"author": [Person('K{\\"o}pf, Andreas')]}),
            "v": Entry("misc", {"year": "1990"}, {"author": [Person("van Rossum, Guido")]}),
            "n": Entry("misc", {"key": "Anon"}),
        }
    )
    assert labels(bib.entries.values()) == ["Köpf, 2019", "van Rossum, 1990", "Anon"]


def test_the_style_is_registered_for_sphinxcontrib_bibtex():
    from pybtex.plugin import find_plugin

    assert find_plugin("pybtex.style.formatting", "authoryear") is bibstyle.AuthorYearStyle


# --- docstrings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("about eps * |f(x)| / h", "about eps * \\|f(x)\\| / h"),
        ("derivatives of f(*args).", "derivatives of f(\\*args)."),
        ("takes **kwargs too", "takes \\*\\*kwargs too"),
        ("calls __call__ on x_", "calls __call\\_\\_ on x\\_"),
        ("O(h**2) and 2 * x", "O(h**2) and 2 * x"),
        ("the book *MLP from Scratch*; **bold**", "the book *MLP from Scratch*; **bold**"),
        ("``a|b`` and ``f(*args)``", "``a|b`` and ``f(*args)``"),
        (".. note:: a|b", ".. note:: a|b"),
    ],
)
def test_escape_line(line, escaped):
    assert docstrings.escape_line(line) == escaped


@pytest.mark.parametrize(
    "line",
    [
        "The error is O(h**2) plus a round-off error of about eps * |f(x)| / h;",
        "Central-difference estimates of all partial derivatives of f(*args).",
        "Neuron.__call__ and Layer.__call__ return a Value_",
    ],
)
def test_escaped_lines_parse_cleanly_and_read_as_written(line):
    messages = []
    doctree = publish_doctree(
        docstrings.escape_line(line),
        settings_overrides={"report_level": Reporter.SEVERE_LEVEL + 1, "halt_level": 5},
    )
    messages = [m for m in doctree.findall() if m.tagname == "system_message"]
    assert not messages, messages
    assert doctree.astext() == line


# --- notebooks and thebe_off -----------------------------------------------------


def test_setup_cell_is_valid_python():
    source = notebooks.SETUP_CELL.format(
        repository="https://github.com/mlp-from-scratch/mlp-from-scratch", name="mlp-from-scratch"
    )
    compile(source, "setup-cell", "exec")
    assert "google.colab" in source


class Asset(str):
    def __new__(cls, filename, body=""):
        obj = super().__new__(cls, filename or "")
        obj.filename, obj.attributes = filename, {"body": body} if body else {}
        return obj


def test_thebe_scripts_are_recognised():
    assert thebe_off._is_thebe(Asset(None, 'const THEBE_JS_URL = "https://unpkg.com/x"'))
    assert thebe_off._is_thebe(Asset("sphinx-thebe.js"))
    assert thebe_off._is_thebe(Asset("sphinx-thebe.css"))
    assert not thebe_off._is_thebe(Asset("scripts/sphinx-book-theme.js"))
    assert not thebe_off._is_thebe(Asset(None, "var x = 1"))


# --- exercise_numbers -------------------------------------------------------------


def test_exercises_are_numbered_within_their_chapter_in_page_order():
    fignumbers = {
        "book/03_graphviz": {"exercise": {"ex-b": (9,), "ex-a": (8,)}, "figure": {"f": (2,)}},
        "book/12_later": {"exercise": {"ex-c": (40,)}},
        "book/glossary": {"exercise": {"ex-d": (41,)}},
        "book/intro": {},
    }
    exercise_numbers.chapter_numbers(fignumbers)
    assert fignumbers["book/03_graphviz"]["exercise"] == {"ex-a": (3, 1), "ex-b": (3, 2)}
    assert fignumbers["book/03_graphviz"]["figure"] == {"f": (2,)}  # other kinds untouched
    assert fignumbers["book/12_later"]["exercise"] == {"ex-c": (12, 1)}
    assert fignumbers["book/glossary"]["exercise"] == {"ex-d": (41,)}  # not a chapter
