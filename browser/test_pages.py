"""Open every page of the built book in headless Chromium and check it.

Run with `make browser` after `make book`. Pages are opened from disk
(file://), with every request to a non-local URL recorded and aborted, and
each page is checked for:

* math typeset by the book's own MathJax (``mjx-container``), no raw ``\\(``
  or ``$$`` left in the text;
* every ``<img>`` loaded (plots, Graphviz drawings, theme icons);
* no console error, no page error, no failed local request;
* no request to anything but a local file;
* every internal link resolving to an existing file, and its ``#fragment`` to
  an element id in that file.

A full-page screenshot of each page goes to ``_build/screenshots/<page>.png``.
There are also checks of what this book adds on top of Jupyter Book: the
captions above tangled cells, the API reference's links back to the chapters,
the ``.ipynb`` downloads and the launch buttons, and a static scan of the HTML
and CSS for external scripts, stylesheets, fonts and images.
"""

from __future__ import annotations

import os
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

from literate.model import tangled_cells
from literate.parser import read_chapter

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_book():
    if not (HTML / "index.html").is_file():
        pytest.fail(
            f"{HTML / 'index.html'} does not exist: build the book first with `make book`",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser():
    require_book()
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` "
            "(or set CHROMIUM=/path/to/chromium)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- the pages ----------------------------------------------------------------


def _pages():
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not p.relative_to(HTML).parts[0].startswith("_")
    )


LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def _source(page):
    """The markdown source of a page of the book, or None (genindex, search...)."""
    path = ROOT / Path(page).with_suffix(".md")
    return path if path.is_file() else None


def _is_notebook(source):
    if source is None:
        return False
    text = source.read_text(encoding="utf-8")
    front = text.split("\n---", 1)[0] if text.startswith("---") else ""
    return "kernelspec:" in front


def _tangle_cells(source):
    """How many code cells of a chapter have a :tangle: option, read as the tangler reads them.

    A cell shown inside another fence (as in the appendix "How this book is made") is no cell.
    """
    chapter = read_chapter(ROOT, source.relative_to(ROOT).as_posix())
    return len(list(tangled_cells(chapter)))


def _redirect(page):
    """The target of a page that only redirects (index.html), or None."""
    match = re.search(
        r"<meta[^>]+http-equiv=[\"']refresh[\"'][^>]+url=([^\"'>]+)",
        (HTML / page).read_text(encoding="utf-8"),
        re.I,
    )
    return match.group(1).strip() if match else None


# Without a build, one page all the same, so that the tests fail (saying
# `make book`) rather than skip. Pages that only redirect (index.html) are
# checked by test_redirects, and their targets like any page.
ALL_PAGES = _pages()
PAGES = [p for p in ALL_PAGES if not _redirect(p)] or ["index.html"]
REDIRECTS = [p for p in ALL_PAGES if _redirect(p)] or ["index.html"]


# --- static parsing ------------------------------------------------------------


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@cache
def ids_in(path):
    parser = _Ids()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return frozenset(parser.ids)


EXTERNAL = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


def _is_external(url):
    url = url.strip()
    return bool(EXTERNAL.match(url)) and not url.startswith(LOCAL_SCHEMES)


class _Assets(HTMLParser):
    """Every URL an HTML page makes the browser load by itself."""

    LOADS = {
        "script": ("src",),
        "link": ("href",),
        "img": ("src", "srcset"),
        "source": ("src", "srcset"),
        "iframe": ("src",),
        "video": ("src", "poster"),
        "audio": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "track": ("src",),
        "input": ("src",),
    }
    # <link rel=...> values that never fetch anything.
    INERT_RELS = {
        "canonical",
        "alternate",
        "author",
        "license",
        "help",
        "next",
        "prev",
        "index",
        "search",
        "copyright",
        "top",
        "up",
        "first",
        "last",
    }

    def __init__(self):
        super().__init__()
        self.urls = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "link"
            and set((attrs.get("rel") or "").split()) <= self.INERT_RELS
            and attrs.get("rel")
        ):
            return
        for name in self.LOADS.get(tag, ()):
            value = attrs.get(name)
            if value:
                urls = [u.split()[0] for u in value.split(",")] if name == "srcset" else [value]
                self.urls.extend((f"<{tag} {name}>", u) for u in urls)
        if attrs.get("style"):
            self.urls.extend(("style attribute", u) for u in _css_urls(attrs["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls.extend(("<style>", u) for u in _css_urls(data))


def _css_urls(css):
    return [a or b for a, b in CSS_URL.findall(css)]


# --- one visit per page ---------------------------------------------------------

WAIT_FOR_MATH = """async () => {
  const math = document.querySelectorAll('.math').length;
  if (math && window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  return math;
}"""

WAIT_FOR_IMAGES = """async () => {
  const images = [...document.images];
  for (const img of images) img.loading = 'eager';
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done);
  })));
  return images.map(img => ({src: img.getAttribute('src'), complete: img.complete,
                             width: img.naturalWidth}));
}"""

TEXT_OUTSIDE_CODE = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
      .forEach(node => node.remove());
  return body.textContent;
}"""

LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => ({
  raw: a.getAttribute('href'), url: a.href, text: a.textContent.trim()}))"""


class Visit:
    """What one page did in the browser."""

    def __init__(self, browser, page):
        self.page = page
        self.requests, self.external, self.console, self.failed = [], [], [], []
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            context.route("**/*", self._route)
            tab = context.new_page()
            tab.on("request", lambda r: self.requests.append(r.url))
            tab.on("console", self._console)
            tab.on("pageerror", lambda e: self.console.append(f"page error: {e}"))
            tab.on("requestfailed", self._request_failed)
            tab.goto((HTML / page).as_uri(), wait_until="load")
            self.math = tab.evaluate(WAIT_FOR_MATH)
            self.mjx = tab.locator("mjx-container").count()
            self.images = tab.evaluate(WAIT_FOR_IMAGES)
            self.text = tab.evaluate(TEXT_OUTSIDE_CODE)
            self.links = tab.evaluate(LINKS)
            self.captions = tab.evaluate(CAPTIONS)
            self.api = tab.evaluate(API_ENTRIES) if page.endswith("api.html") else None
            self.buttons = tab.evaluate(HEADER_BUTTONS)
            tab.wait_for_load_state("networkidle")
            shot = SCREENSHOTS / Path(page).with_suffix(".png")
            shot.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _console(self, message):
        if message.type == "error":
            self.console.append(f"console error: {message.text} ({message.location})")

    def _request_failed(self, request):
        if request.url.startswith(LOCAL_SCHEMES):
            self.failed.append(f"{request.url}: {request.failure}")


@pytest.fixture(scope="session")
def visit(browser):
    visits = {}

    def get(page):
        if page not in visits:
            visits[page] = Visit(browser, page)
        return visits[page]

    return get


@pytest.fixture(scope="session")
def config():
    """The book's _config.yml: the repository and the launch buttons' services."""
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


# --- every page -----------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_no_request_leaves_the_machine(visit, page):
    v = visit(page)
    outside = sorted(set(v.external) | {u for u in v.requests if not u.startswith(LOCAL_SCHEMES)})
    assert not outside, f"{page} requested non-local URLs: {outside}"


@pytest.mark.parametrize("page", PAGES)
def test_no_console_errors(visit, page):
    v = visit(page)
    assert not v.console + v.failed, "\n".join(v.console + v.failed)


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset(visit, page):
    v = visit(page)
    if v.math:
        assert v.mjx >= v.math, f"{page}: {v.math} math elements but {v.mjx} mjx-container"
    for raw in ("\\(", "\\)", "\\[", "\\]", "$$"):
        at = v.text.find(raw)
        assert at < 0, (
            f"{page}: raw {raw!r} in the rendered text: …{v.text[max(0, at - 60) : at + 60]}…"
        )


@pytest.mark.parametrize("page", PAGES)
def test_images_load(visit, page):
    v = visit(page)
    broken = [img["src"] for img in v.images if not img["complete"] or img["width"] == 0]
    assert not broken, f"{page}: images that did not load: {broken}"


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(visit, page):
    v = visit(page)
    bad = []
    for link in v.links:
        if not link["url"].startswith("file:"):
            continue  # http(s) links are for the reader to follow, and mailto:
        parts = urlsplit(link["url"])
        target = Path(unquote(parts.path))
        if not target.exists():
            bad.append(f"{link['raw']}: no file {target}")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in ids_in(target):
            bad.append(f"{link['raw']}: no element with id {fragment!r} in {target.name}")
    assert not bad, f"{page}: broken internal links:\n" + "\n".join(bad)


@pytest.mark.parametrize("page", REDIRECTS)
def test_redirects(page):
    require_book()
    target = _redirect(page)
    assert target and (HTML / page).parent.joinpath(target).is_file(), f"{page} -> {target}"


# --- what the book adds ---------------------------------------------------------

CAPTIONS = """() => [...document.querySelectorAll('p.tangle-caption')].map(p => {
  const cell = p.closest('.cell');
  const pre = cell ? cell.querySelector('pre') : null;
  const style = getComputedStyle(p);
  return {text: p.textContent.trim(), ids: p.id ? [p.id] : [],
          collapsed: p.closest('details:not([open])') !== null,
          visible: p.offsetHeight > 0 && style.visibility !== 'hidden',
          fontSize: parseFloat(style.fontSize),
          bodySize: parseFloat(getComputedStyle(document.body).fontSize),
          above: pre ? p.getBoundingClientRect().bottom <= pre.getBoundingClientRect().top + 1 : false};
})"""

API_ENTRIES = """() => [...document.querySelectorAll(
    'dl.py.function > dt[id], dl.py.class > dt[id], dl.py.method > dt[id], dl.py.property > dt[id]')]
  .map(dt => ({id: dt.id,
               links: [...dt.nextElementSibling.querySelectorAll(':scope > p a[href*="#tangle-"]')]
                        .map(a => ({url: a.href, text: a.textContent.trim()}))}))"""

HEADER_BUTTONS = """() => [...document.querySelectorAll('.article-header-buttons a, .article-header-buttons button')]
  .map(el => ({tag: el.tagName.toLowerCase(), href: el.getAttribute('href'), url: el.href || null,
               text: el.textContent.trim(), label: el.getAttribute('aria-label') || ''}))"""

CHAPTERS = [p for p in PAGES if _source(p) and _tangle_cells(_source(p))]
NOTEBOOKS = [p for p in PAGES if _is_notebook(_source(p))]


def test_the_book_is_built():
    require_book()
    assert "book/api.html" in PAGES and "book/glossary.html" in PAGES


@pytest.mark.parametrize("page", CHAPTERS or ["index.html"])
def test_tangled_cells_have_captions(visit, page):
    require_book()
    v = visit(page)
    expected = _tangle_cells(_source(page))
    assert len(v.captions) == expected, (
        f"{page}: {len(v.captions)} captions, {expected} tangled cells"
    )
    for caption in v.captions:
        assert caption["text"].startswith("code/"), caption
        if caption["collapsed"]:
            continue  # in a closed "Show code cell source": shown when opened
        assert caption["visible"] and caption["above"], (
            f"{page}: caption not shown above its code: {caption}"
        )
        assert caption["fontSize"] < caption["bodySize"], f"{page}: caption not subtle: {caption}"


def test_calculus_caption_reads_as_documented(visit):
    require_book()
    texts = [c["text"] for c in visit("book/01_derivatives.html").captions]
    assert any(t.endswith("code/scratchgrad/calculus.py · numerical_derivative") for t in texts), (
        texts
    )


def test_api_documents_every_module():
    require_book()
    ids = ids_in(HTML / "book" / "api.html")
    modules = sorted(
        f"scratchgrad.{p.stem}"
        for p in (ROOT / "code" / "scratchgrad").glob("*.py")
        if not p.stem.startswith("_")
    )
    missing = [m for m in modules if f"module-{m}" not in ids]
    assert modules and not missing, f"book/api.md does not document {missing}"


def test_api_links_back_to_the_defining_cell(visit):
    require_book()
    entries = visit("book/api.html").api
    assert entries, "book/api.html documents no function or class"
    without = [e["id"] for e in entries if not e["links"]]
    assert not without, f"API entries without a 'Defined in' link: {without}"
    bad = []
    for entry in entries:
        for link in entry["links"]:
            parts = urlsplit(link["url"])
            target, fragment = Path(unquote(parts.path)), unquote(parts.fragment)
            if not target.is_file() or fragment not in ids_in(target):
                bad.append(f"{entry['id']} -> {link['url']}")
            elif fragment != f"tangle-{entry['id']}":
                bad.append(f"{entry['id']} -> #{fragment} (another name)")
    assert not bad, "links from the API page to no tangled cell:\n" + "\n".join(bad)


@pytest.mark.parametrize("page", NOTEBOOKS or ["index.html"])
def test_notebook_download(visit, page):
    require_book()
    buttons = visit(page).buttons
    ipynb = [b for b in buttons if b["text"] == ".ipynb"]
    assert len(ipynb) == 1, f"{page}: download menu has {len(ipynb)} .ipynb entries: {buttons}"
    path = Path(unquote(urlsplit(ipynb[0]["url"]).path))
    assert path.is_file(), f"{page}: {ipynb[0]['href']} does not exist"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells and notebook.metadata.kernelspec.name == "python3", path
    # The set-up cell (book/_ext/notebooks.py) comes before any other code.
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert "notebook-setup" in code[0].metadata.get("tags", []), code[0]
    if "literate.replay" in _source(page).read_text(encoding="utf-8"):
        assert "replay(globals()" in code[1].source, code[1]


@pytest.mark.parametrize("page", [p for p in NOTEBOOKS if p != "book/intro.html"] or ["index.html"])
def test_launch_buttons_are_plain_links(visit, config, page):
    require_book()
    buttons = visit(page).buttons
    launch = {b["text"]: b["href"] for b in buttons if b["text"] in ("Binder", "Colab")}
    repository, services = config["repository"], config["launch_buttons"]
    org_repo = repository["url"].removeprefix("https://github.com/").strip("/")
    binder = services["binderhub_url"].rstrip("/")
    assert launch.get("Binder", "").startswith(
        f"{binder}/v2/gh/{org_repo}/{repository['branch']}?urlpath="
    ), buttons
    # Colab opens the chapter's notebook from the branch `notebooks`
    # (notebooks_colab_branch, book/_ext/notebooks.py).
    colab = f"{services['colab_url'].rstrip('/')}/github/{org_repo}"
    assert launch.get("Colab") == f"{colab}/blob/notebooks/{Path(page).with_suffix('.ipynb')}", (
        buttons
    )
    # Plain links: showing them loaded nothing from outside (see also
    # test_no_request_leaves_the_machine).
    assert not visit(page).external


# --- a static scan, without the browser -----------------------------------------


def test_no_external_assets_in_html_and_css():
    require_book()
    found = []
    for html in sorted(HTML.rglob("*.html")):
        parser = _Assets()
        parser.feed(html.read_text(encoding="utf-8"))
        found += [
            f"{html.relative_to(HTML)}: {where} {url}"
            for where, url in parser.urls
            if _is_external(url)
        ]
    for css in sorted(HTML.rglob("*.css")):
        urls = _css_urls(css.read_text(encoding="utf-8", errors="replace"))
        found += [f"{css.relative_to(HTML)}: url({url})" for url in urls if _is_external(url)]
    assert not found, (
        "external assets (the book must load nothing from the network):\n" + "\n".join(found)
    )
