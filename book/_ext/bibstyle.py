"""Bibliography labels that match the author-year citations.

The book cites with ``bibtex_reference_style: author_year`` ("Knuth, 1984"),
but pybtex's default formatting style labels the bibliography alphabetically
("[Knu84]"). This extension registers a pybtex formatting style,
``authoryear``, whose labels read like the citations ("Knuth, 1984",
"Griewank and Walther, 2008", "Rumelhart et al., 1986"), sorted by author,
year and title. Select it with ``bibtex_default_style: authoryear``.
"""

from __future__ import annotations

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle


def _plain(latex):
    """'K{\\"o}pf' -> 'Köpf'."""
    return Text.from_latex(latex).render_as("text")


def _surname(person):
    return _plain(" ".join(person.prelast_names + person.last_names))


class AuthorYearLabelStyle(BaseLabelStyle):
    """'Knuth, 1984'; two authors joined by 'and'; three or more 'et al.'."""

    def format_labels(self, sorted_entries):
        labels = [self.format_label(entry) for entry in sorted_entries]
        count = Counter(labels)
        seen = Counter()
        for label in labels:
            if count[label] == 1:
                yield label
            else:  # two works by the same authors in the same year: 2020a, 2020b
                yield label + chr(ord("a") + seen[label])
                seen[label] += 1

    def format_label(self, entry):
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [_surname(p) for p in persons]
        if not names:
            who = _plain(entry.fields.get("key", entry.key))
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        year = entry.fields.get("year")
        return f"{who}, {year}" if year else who


class AuthorYearStyle(UnsrtStyle):
    default_label_style = "authoryear"
    default_sorting_style = "author_year_title"


register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def setup(app):
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
