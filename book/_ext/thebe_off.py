"""Leave sphinx-thebe's scripts out of the pages while Thebe is off.

Jupyter Book 1 always loads sphinx-thebe, which adds to every page an inline
script declaring ``const THEBE_JS_URL = "https://unpkg.com/..."`` and a loader,
``sphinx-thebe.js``. With Jupyter Book 1.0.4 and Sphinx 7.4 the inline script
appears twice, and the second copy is a SyntaxError ("Identifier
'THEBE_JS_URL' has already been declared") in the console of every page. The
book does not use Thebe (``launch_buttons: thebe: false``: its live code would
need a kernel on the network), so this drops those scripts and the stylesheet.
"""

from __future__ import annotations


def _is_thebe(asset):
    filename = getattr(asset, "filename", None) or str(asset)
    body = (getattr(asset, "attributes", None) or {}).get("body", "")
    return "sphinx-thebe" in filename or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree):
    launch = app.config.html_theme_options.get("launch_buttons", {})
    if launch.get("thebe"):
        return
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if not _is_thebe(a)]


def setup(app):
    app.connect("html-page-context", drop_thebe)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
