"""The reading path: what a reader sees of each page with nothing expanded.

    python browser/reading_path.py [--html _build/html] [--markdown]

Reads the built book (run `make book` first) and prints, for the introduction
and each chapter, the prose words, code lines and test code lines that are
open on the page.  Text inside <details> (hidden cell inputs, {dropdown}),
dropdown admonitions and exercise solutions does not count, nor do cell
outputs.  Code lines are the non-blank lines of visible code: code cells and
code blocks in the prose; test code lines are those of visible cells tangled
into code/tests/.  `make reading-path` runs it; the README shows its table.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent

# The goals of issue 9, per group: (prose words, code lines, test code lines).
GOALS = {
    "introduction": (700, 20, 0),
    "chapters 1–6": (12_000, 1_200, 0),
    "chapter 7": (3_000, 400, 0),
}


@dataclass
class Count:
    words: int = 0
    code: int = 0
    tests: int = 0

    def __add__(self, other):
        return Count(self.words + other.words, self.code + other.code,
                     self.tests + other.tests)


def _lines(element):
    return sum(1 for line in element.get_text().splitlines() if line.strip())


def measure(html: str) -> Count:
    """The reading path of one built page."""
    article = BeautifulSoup(html, "html.parser").find("article")
    if article is None:
        raise ValueError("no <article> in the page: is it a page of this book?")
    # What a reader does not see without a click.
    hidden = article.select("details, .dropdown, .toggle-hidden, .solution")
    for element in hidden:
        element.decompose()
    count = Count()
    for cell in article.select("div.cell_input"):
        n = _lines(cell.select_one("pre") or cell)
        count.code += n
        caption = cell.select_one(".tangle-caption")
        if caption is not None and "code/tests/" in caption.get_text():
            count.tests += n
        cell.decompose()
    for output in article.select("div.cell_output"):
        output.decompose()
    for block in article.select("div[class*='highlight-']"):
        count.code += _lines(block)
        block.decompose()
    for junk in article.select(".headerlink, script, style"):
        junk.decompose()
    count.words = len(article.get_text(" ").split())
    return count


def pages(root: Path):
    """(group, page name) in the book's order, from _toc.yml."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    yield "introduction", toc["root"]
    for entry in toc["chapters"]:
        name = entry["file"]
        number = re.match(r"book/(\d+)_", name)
        if number is None:
            continue  # appendix pages, API, glossary, bibliography
        n = int(number.group(1))
        yield ("chapters 1–6" if n <= 6 else f"chapter {n}"), name


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--markdown", action="store_true",
                        help="print the table as markdown, for the README")
    args = parser.parse_args(argv)
    groups: dict[str, Count] = {}
    rows = []
    for group, name in pages(ROOT):
        page = args.html / f"{name}.html"
        if not page.is_file():
            sys.exit(f"error: {page} is missing: run `make book` first")
        count = measure(page.read_text(encoding="utf-8"))
        rows.append((name, count))
        groups[group] = groups.get(group, Count()) + count
    met = True
    if args.markdown:
        print("| | prose words | code lines | test code lines | goal |")
        print("|---|---:|---:|---:|---|")
    else:
        for name, c in rows:
            print(f"{name:24} {c.words:7,} words {c.code:6,} code {c.tests:5,} tests")
        print()
    for group, c in groups.items():
        goal = GOALS.get(group)
        ok = goal is None or (c.words <= goal[0] and c.code <= goal[1] and c.tests <= goal[2])
        met &= ok
        target = "–" if goal is None else (
            f"≤ {goal[0]:,} / ≤ {goal[1]:,} / {goal[2]}" + ("" if ok else " **missed**"))
        if args.markdown:
            print(f"| {group} | {c.words:,} | {c.code:,} | {c.tests:,} | {target} |")
        else:
            print(f"{group:24} {c.words:7,} words {c.code:6,} code {c.tests:5,} tests"
                  f"   goal {target}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
