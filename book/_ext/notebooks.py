"""Offer every chapter as a Jupyter notebook in the page's download menu.

The chapters are MyST markdown notebooks, and sphinx-book-theme's download
menu offers only the ``.md`` source and print-to-PDF for them. For each page
that is a notebook (it has a ``kernelspec``), this writes
``_sources/<docname>.ipynb`` into the HTML output and makes sure the menu has
an ``.ipynb`` entry for it.

The notebook is the one myst-nb executed for this build (so it has the
outputs the page shows), from ``_build/jupyter_execute/``; if that is missing,
it is converted from the markdown source with jupytext, without outputs.

A downloaded chapter starts with the hidden replay cell, which imports the
book's ``literate`` package: it runs in an environment where this project is
installed (``make test`` makes one), as the introduction explains.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import jupytext
import nbformat
from sphinx.util import logging

logger = logging.getLogger(__name__)

BUTTON_LABEL = "download-notebook-button"


def _is_notebook(app, pagename):
    return "kernelspec" in (app.env.metadata.get(pagename) or {})


def _notebook(app, pagename):
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if executed.is_file():
        return nbformat.read(executed, as_version=4)
    return jupytext.read(app.env.doc2path(pagename))


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
    # sphinx-book-theme builds the header buttons at priority 501.
    app.connect("html-page-context", add_notebook_download, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
