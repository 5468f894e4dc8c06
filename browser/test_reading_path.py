"""The reading path (browser/reading_path.py): how it counts, and the goals.

Part of `make browser`, after `make book`.
"""

from __future__ import annotations

import pytest

from browser import reading_path

PAGE = """<html><body><nav>menu words here</nav><article class="bd-article">
<h1>Title<a class="headerlink">¶</a></h1>
<p>Four words of prose.</p>
<div class="admonition dropdown"><p>hidden aside words</p></div>
<details><summary>Show code</summary><pre>hidden = 1</pre></details>
<div class="cell"><div class="cell_input"><div class="highlight-ipython3"><pre>a = 1

b = 2
</pre></div></div><div class="cell_output"><pre>output words</pre></div></div>
<div class="cell"><div class="cell_input"><p class="tangle-caption">code/tests/test_x.py</p>
<div class="highlight-ipython3"><pre>def test_x():
    assert 1
</pre></div></div></div>
<div class="highlight-bash"><pre>make book</pre></div>
<div class="solution dropdown admonition"><p>a solution</p></div>
</article></body></html>"""


def test_counts_only_what_is_open():
    count = reading_path.measure(PAGE)
    assert count.words == 5  # "Title" and "Four words of prose."
    assert count.code == 5  # two lines, two test lines, one shell line
    assert count.tests == 2


def test_a_page_without_article_is_an_error():
    with pytest.raises(ValueError, match="no <article>"):
        reading_path.measure("<html><body><p>x</p></body></html>")


def test_the_built_book_meets_the_reading_path_goals(capsys):
    html = reading_path.ROOT / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.fail("build the book first with `make book`", pytrace=False)
    assert reading_path.main(["--html", str(html)]) == 0, capsys.readouterr().out
