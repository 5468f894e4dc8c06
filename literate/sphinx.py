"""Sphinx extension: a caption above each tangled cell, such as
``code/scratchgrad/engine.py · Value.__mul__``, with an anchor per name it defines,
and in the API reference a link back to the cell whose version the library keeps.
"""

from pathlib import Path, PurePosixPath

from docutils import nodes

from literate import LiterateError
from literate.assemble import assemble, dotted_name
from literate.model import Origin, analyse
from literate.parser import read_book


def cell_names(source):
    """(symbols, anchors) of a tangled cell: the names its caption shows (functions, methods,
    classes, assigned names), and those with ``Class.method`` for methods in a class body."""
    try:
        statements = analyse(source, lambda line: Origin("<cell>", line))
    except LiterateError:  # the tangler reports it
        return [], []
    kinds = ("def", "method", "class")
    symbols = [n for s in statements for n in ([s.symbol] if s.kind in kinds else s.names)]
    methods = [f"{s.name}.{m.name}" for s in statements for m in s.members or [] if m.name]
    return symbols, symbols + [m for m in methods if m not in symbols]


def anchor(dotted_module, symbol):
    return f"tangle-{dotted_module}.{symbol}"


def add_captions(app, doctree):
    """doctree-read: a caption (and anchors) above each tangled cell's source."""
    default = (app.env.metadata.get(app.env.docname) or {}).get("tangle")
    # Walk the page backwards: each name's last definition on the page gets the
    # plain anchor, as that is the version the library keeps and the API page links to.
    anchored_later = set()
    for container in reversed(list(doctree.findall(nodes.container))):
        metadata = container.get("cell_metadata") or {}
        target = metadata.get("tangle") or default
        tangled = container.get("nb_element") == "cell_code" and "tangle" in metadata
        if not tangled or not isinstance(target, str):
            continue
        source = next((block.astext() for block in container.findall(nodes.literal_block)), "")
        symbols, anchored = cell_names(source)
        keys = dict.fromkeys(anchor(dotted_name(target), symbol) for symbol in anchored)
        ids = [key for key in keys if key not in anchored_later]
        anchored_later.update(ids)
        label = f"code/{target}" + (" · " + ", ".join(symbols) if symbols else "")
        caption = nodes.paragraph("", "", classes=["tangle-caption"], ids=ids)
        caption += nodes.literal(label, label)
        boxes = (c for c in container.children if c.get("nb_element") == "cell_code_source")
        next(boxes, container).insert(0, caption)


def provenance(root):
    """{"scratchgrad.engine.Value.__mul__": (origin, module, symbol)} for the library,
    ``origin`` being the cell whose version the library keeps (the last to define the name)."""
    found = {}
    for module in (m for m in assemble(read_book(root)).values() if not m.is_test):
        for item in (i for i in module.items if i.kind in ("def", "class")):
            methods = [(f"{item.name}.{m.name}", m.origin) for m in item.members or [] if m.name]
            for symbol, origin in [(item.name, item.origin), *methods]:
                found[f"{module.dotted}.{symbol}"] = (origin, module.dotted, symbol)
    return found


def add_provenance(app, what, name, obj, options, lines):
    """autodoc-process-docstring: 'Defined in <chapter>' under each documented object."""
    # Computed once a build and kept on the application, not on the environment:
    # Sphinx pickles that between builds, and would miss what chapters added since.
    if not hasattr(app, "_literate_provenance"):
        try:
            app._literate_provenance = provenance(app.confdir)
        except LiterateError as error:
            raise RuntimeError(str(error)) from None
    found = app._literate_provenance.get(name)
    if found is None:
        return
    origin, module, symbol = found
    docname = str(PurePosixPath(origin.chapter).with_suffix(""))
    uri = app.builder.get_relative_uri(app.env.docname, docname)
    title = app.env.titles.get(docname)
    text = title.astext() if title is not None else docname
    target = f"{uri}#{anchor(module, symbol)}"
    stem = target.rstrip("_")
    # reST reads `text <...__call__>`__ as an alias to the target name
    # "...__call_", and an escaped "\\_" loses an underscore: percent-encode
    # the final underscores instead (browsers decode the fragment).
    target = stem + "%5F" * (len(target) - len(stem))
    text = text.replace("<", "\\<").replace("`", "\\`")
    lines.extend(["", f"*Defined in* `{text} <{target}>`__", ""])


def _add_static(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("builder-inited", _add_static)
    app.connect("doctree-read", add_captions)
    app.connect("autodoc-process-docstring", add_provenance)
    app.add_css_file("literate.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
