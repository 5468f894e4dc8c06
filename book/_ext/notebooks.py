"""Offer every chapter as a Jupyter notebook in the page's download menu.

The chapters are MyST markdown notebooks, and sphinx-book-theme's download
menu offers only the ``.md`` source and print-to-PDF for them. For each page
that is a notebook (it has a ``kernelspec``), this writes
``_sources/<docname>.ipynb`` into the HTML output and makes sure the menu has
an ``.ipynb`` entry for it.

The notebook is the one myst-nb executed for this build (so it has the
outputs the page shows), from ``_build/jupyter_execute/``; if that is missing,
it is converted from the markdown source with jupytext, without outputs.

A chapter's first code cell, the replay cell hidden on the page, imports the
book's ``literate`` package: the notebook runs where this project is
installed (``make test`` makes such an environment), as the appendix "How this book is made"
explains. So the notebook gets one more code cell before it, which does
nothing there; on Google Colab it clones the repository and puts it on
``sys.path``; anywhere else it stops with a message that says what to do.

The Colab launch button of sphinx-book-theme links to the chapter's ``.md``
file on GitHub, which Colab cannot open. This points it instead at the
notebook on the ``notebooks`` branch (``notebooks_colab_branch``), which the
publishing workflow (.github/workflows/book.yml) fills with these notebooks.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import jupytext
import nbformat
from sphinx.util import logging

logger = logging.getLogger(__name__)

BUTTON_LABEL = "download-notebook-button"

SETUP_CELL = """\
# This chapter of "MLP from Scratch" replays the earlier chapters with the
# book's `literate` package. Where the project is installed (see the book's
# appendix "How this book is made") this cell does nothing; on Google Colab it fetches the book.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("literate") is None:
    if "google.colab" not in sys.modules:
        raise ModuleNotFoundError(
            "This notebook needs the book's repository installed: git clone "
            "{repository}, then `make test` in it, and open the notebook "
            "with its .venv/bin/jupyter lab."
        )
    if not os.path.isdir("{name}"):
        subprocess.run(["git", "clone", "--depth=1", "{repository}"], check=True)
    sys.path.insert(0, os.path.abspath("{name}"))
"""


def _is_notebook(app, pagename):
    return "kernelspec" in (app.env.metadata.get(pagename) or {})


def _repository(app):
    url = app.config.html_theme_options.get("repository_url", "").rstrip("/")
    return url, url.rsplit("/", 1)[-1]


def _notebook(app, pagename):
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if executed.is_file():
        notebook = nbformat.read(executed, as_version=4)
    else:
        notebook = jupytext.read(app.env.doc2path(pagename))
    # Build details that mean nothing to a reader's Jupyter.
    for key in ("source_map", "jupytext"):
        notebook.metadata.pop(key, None)
    repository, name = _repository(app)
    first_code = next(
        (i for i, c in enumerate(notebook.cells) if c.cell_type == "code"), len(notebook.cells)
    )
    if repository:
        setup = nbformat.v4.new_code_cell(SETUP_CELL.format(repository=repository, name=name))
        setup.metadata["tags"] = ["notebook-setup"]
        notebook.cells.insert(first_code, setup)
    for cell in notebook.cells:
        cell.pop("id", None)  # nbformat 4.4 ids, fresh ones below
    notebook.nbformat_minor = max(notebook.nbformat_minor, 5)
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{i}"
    return notebook


def _point_colab_at_notebook(app, pagename, context, relative):
    launch = app.config.html_theme_options.get("launch_buttons", {})
    colab = launch.get("colab_url", "").rstrip("/")
    repository, _ = _repository(app)
    if not (colab and repository.startswith("https://github.com/")):
        return
    org_repo = repository.removeprefix("https://github.com/")
    branch = app.config.notebooks_colab_branch
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = f"{colab}/github/{org_repo}/blob/{branch}/{relative}"


def _download_group(context):
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            return button
    return None


def add_notebook_download(app, pagename, templatename, context, doctree):
    """html-page-context, after the theme's handlers: write the .ipynb, link it."""
    if app.builder.format != "html" or doctree is None or not _is_notebook(app, pagename):
        return
    relative = PurePosixPath(pagename).with_suffix(".ipynb")
    target = Path(app.outdir, "_sources", *relative.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(_notebook(app, pagename), target)
    context["ipynb_source"] = str(relative)
    _point_colab_at_notebook(app, pagename, context, relative)

    group = _download_group(context)
    if group is None:
        logger.warning(
            f"{pagename}: the theme's download menu is missing; no .ipynb link added",
            type="notebooks",
        )
        return
    buttons = group["buttons"]
    if any(b.get("label") == BUTTON_LABEL for b in buttons):
        return  # the theme added it already (it does when launch buttons are on)
    buttons.insert(
        0,
        {
            "type": "link",
            "url": f"{context['pathto']('_sources', 1)}/{relative}",
            "text": ".ipynb",
            "icon": "fas fa-code",
            "tooltip": "Download notebook file",
            "label": BUTTON_LABEL,
        },
    )


def setup(app):
    app.add_config_value("notebooks_colab_branch", "notebooks", "html")
    # sphinx-book-theme builds the header buttons at priority 501.
    app.connect("html-page-context", add_notebook_download, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
