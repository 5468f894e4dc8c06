"""Every message the tangler prints, kept word for word: a golden file.

Each scenario is a tiny book and a list of steps (run ``tangle`` or ``check``, edit a file,
make a link ...); the exit code, stdout and stderr of every run and the files the scenario
ends with are compared with ``messages.json``.  The refusals and their wording are the
tangler's interface: this test fails when any of them changes.  After a change made on
purpose, regenerate the file and review its diff::

    python literate/tests/test_messages.py --update

Python's own SyntaxError texts vary between versions; they are compared as ``SyntaxError: ...``.
"""

import contextlib
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest

from literate.__main__ import main
from literate.tests.conftest import cell, toc
from literate.tests.conftest import page as chapter

GOLDEN = Path(__file__).with_name("messages.json")


def book(*chapters):
    """``(name, text)`` pairs -> {path: text}, with the table of contents."""
    names = [name for name, _ in chapters]
    return {"_toc.yml": toc(names), **{f"book/{name}.md": text for name, text in chapters}}


TT = [("cmd", "tangle"), ("cmd", "check"), ("cmd", "tangle")]
SCENARIOS = {}


def S(name, files, steps=TT):
    SCENARIOS[name] = (files, steps)


def one(*cells, front=""):
    return book(("intro", chapter("intro", *cells, front=front)))


# --- success / formatting ------------------------------------------------------------
S(
    "add_to_class",
    one(
        cell(
            "class Value:\n    def __init__(self, data):\n        self.data = data", "pkg/engine.py"
        ),
        cell(
            "@add_to_class(Value)\ndef __add__(self, other):\n    return Value(self.data + other.data)",
            "pkg/engine.py",
        ),
    ),
)
S(
    "replace_in_place",
    one(
        cell(
            "class V:\n    def a(self):\n        return 1\n\n    def b(self):\n        return 2",
            "pkg/m.py",
        ),
        cell("@add_to_class(V)\ndef a(self):\n    return 10", "pkg/m.py"),
        cell(
            "def f():\n    return 1\n\nclass W:\n    pass\n\ndef g():\n    return f()", "pkg/m.py"
        ),
        cell("def f():\n    return 2", "pkg/m.py"),
        cell("class W:\n    x = 1", "pkg/m.py"),
    ),
)
S(
    "assign_replace",
    one(
        cell("A = 1\nB, C = 2, 3\nD: int = 4\nA += 1", "pkg/m.py"),
        cell("A = 5\nB, C = 6, 7\nD: int = 8", "pkg/m.py"),
    ),
)
S(
    "one_line_class",
    one(
        cell("class C: pass\nclass D(Exception): ...", "pkg/m.py"),
    ),
)
S(
    "redefine_class_drops_methods",
    one(
        cell("class C:\n    def a(self):\n        return 1", "pkg/m.py"),
        cell("@add_to_class(C)\ndef b(self):\n    return 2", "pkg/m.py"),
        cell("class C:\n    def c(self):\n        return 3", "pkg/m.py"),
    ),
)
S(
    "imports",
    one(
        cell(
            "import os\nimport sys\nfrom math import exp, log\n# why random\nimport random as rnd\nimport os.path",
            "pkg/m.py",
        ),
        cell(
            "from math import tanh\nimport os\nfrom collections import defaultdict as dd\n\nX = (os, sys, exp, log, rnd, tanh, dd)",
            "pkg/m.py",
        ),
    ),
)
S(
    "comments_docstrings",
    one(
        cell(
            '"""Module docstring."""\n\n# A comment above the class.\nclass C:\n    """Class docstring."""\n\n    # A comment above the method.\n    def m(self):\n        # A comment inside.\n        return 1',
            "pkg/m.py",
        ),
        cell(
            '# Why this method exists.\n@add_to_class(C)\ndef n(self):\n    """Docstring of n.\n\n    More lines.\n    """\n    return 2  # trailing',
            "pkg/m.py",
        ),
        cell("X = 1\n# trailing comment at the end of a cell\n# another", "pkg/m.py"),
        cell('"""A later bare string."""\nY = 2', "pkg/m.py"),
    ),
)
S(
    "multiline_strings",
    one(
        cell("class C:\n    pass", "pkg/m.py"),
        cell('@add_to_class(C)\ndef text(self):\n    return """a\nb\n  c"""', "pkg/m.py"),
        cell(
            '@add_to_class(C)\ndef ftext(self, x):\n    y = f"""{x}\n  {x!r}\nz"""\n    return (y, "a"\n            "b", f"{x}"\n            f"{x}")',
            "pkg/m.py",
        ),
        cell(
            "@add_to_class(C)\ndef nested(self):\n    def inner():\n        \"\"\"Inner doc.\n\n        Indented.\n        \"\"\"\n        return '''p\nq'''\n    return inner",
            "pkg/m.py",
        ),
        cell(
            "@add_to_class(C)\n@property\ndef prop(self):\n    return 1\n\n\n@add_to_class(C)\n@staticmethod\ndef st(x):\n    return x",
            "pkg/m.py",
        ),
    ),
)
S(
    "cross_module",
    book(
        (
            "intro",
            chapter(
                "intro",
                cell("class Value:\n    pass\n\nHELPER = 3", "pkg/engine.py"),
                cell("", "pkg/__init__.py"),
            ),
        ),
        (
            "two",
            chapter(
                "two",
                cell("def make():\n    return Value()", "pkg/nn.py"),
                cell(
                    "class Net:\n    size = HELPER\n    def go(self):\n        return make()",
                    "pkg/nn.py",
                ),
                cell("def test_make():\n    assert isinstance(make(), Value)", "tests/test_nn.py"),
                cell("def make2():\n    return Net(), make()", "pkg/sub/deep.py"),
            ),
        ),
    ),
)
S(
    "init_exports",
    book(
        (
            "intro",
            chapter(
                "intro",
                cell("class Value:\n    pass", "pkg/engine.py"),
                cell('"""The package."""\n__all__ = ["Value"]\nVALUE = Value', "pkg/__init__.py"),
            ),
        ),
    ),
)
S(
    "front_default",
    one(cell("X = 1", True), cell("Y = X", "pkg/other.py"), front="tangle: pkg/m.py\n"),
)
S(
    "async_and_decorators",
    one(
        cell(
            "import functools\n\n@functools.lru_cache\ndef f(x):\n    return x\n\nasync def g():\n    return 1",
            "pkg/m.py",
        ),
        cell("class C:\n    @staticmethod\n    def s():\n        return 1", "pkg/m.py"),
        cell("@add_to_class(C)\nasync def h(self):\n    return 2", "pkg/m.py"),
    ),
)
S(
    "class_header_comments",
    one(
        cell(
            "class C(\n    object,\n):\n    # comment before the body\n\n    x = 1\n    y = 2\n\n    def m(self):\n        return self.x",
            "pkg/m.py",
        ),
        cell("@add_to_class(C)\ndef q(self):\n    return 1", "pkg/m.py"),
    ),
)
S(
    "tabs_indent",
    one(
        cell("class C:\n\tdef a(self):\n\t\treturn 1", "pkg/m.py"),
        cell("@add_to_class(C)\ndef b(self):\n    return 2", "pkg/m.py"),
    ),
)
S(
    "untangled_and_tags",
    one(
        cell("X = 1", "pkg/m.py", tags=["hide-input"]),
        cell("print(X)"),
        cell("Y = 2", "pkg/m.py", tags=["remove-cell"]),
    ),
)
S(
    "tests_dir",
    one(
        cell("def f():\n    return 1", "pkg/m.py"),
        cell("import pytest\n\ndef test_f():\n    assert f() == 1", "tests/test_m.py"),
        cell(
            "def test_g():\n    with pytest.raises(ZeroDivisionError):\n        1 / 0",
            "tests/test_m.py",
        ),
    ),
)
S(
    "global_names",
    one(
        cell(
            "import math\n\ndef f(x):\n    global COUNT\n    COUNT = 1\n    return math.exp(x) + len([x])\n\nCOUNT = 0\n\nclass C:\n    k = f(1)\n    def m(self):\n        return [k for k in range(3)], __name__",
            "pkg/m.py",
        ),
    ),
)

# --- refusals: model ------------------------------------------------------------------
S("no_default_target", one(cell("X = 1", True)), [("cmd", "tangle")])
for i, target in enumerate(
    [
        "../x.py",
        "pkg/../../x.py",
        "/etc/x.py",
        "pkg\\\\x.py",
        "C:/x.py",
        "pkg/my-module.py",
        "pkg/2fast.py",
        "pkg/class.py",
        "pkg/notes.txt",
        "pkg//x.py",
        "./x.py",
        "123",
        "'  '",
        "[a, b]",
        "pkg/x.py ",
        "pkg/ünï.py",
        "None",
    ]
):
    S(f"target_{i}", one(cell("X = 1", "pkg/ok.py"), cell("Y = 2", target)), [("cmd", "tangle")])
BAD = {
    "syntax": "def f(:\n    pass",
    "semicolon": "X = 1; Y = 2",
    "attr_assign": "X = 1\nX.y = 2",
    "item_assign": "X = {}\nX['a'] = 1",
    "aug_attr": "X.y += 1",
    "expr": "1 + 2",
    "call": "print('hi')",
    "for": "for i in range(3):\n    pass",
    "while": "while False:\n    pass",
    "if": "if True:\n    X = 1",
    "assert": "assert True",
    "del": "X = 1\ndel X",
    "with": "with open('f') as f:\n    pass",
    "try": "try:\n    X = 1\nexcept Exception:\n    pass",
    "raise": "raise ValueError",
    "pass": "pass",
    "global": "global X",
    "match": "match 1:\n    case 1:\n        pass",
    "async_with": "async def f():\n    pass\nasync with x:\n    pass",
    "relative_import": "from . import x",
    "relative_import2": "from ..engine import Value",
    "atc_not_first": "class C:\n    pass\n\n@staticmethod\n@add_to_class(C)\ndef f():\n    pass",
    "atc_two_args": "class C:\n    pass\n\n@add_to_class(C, D)\ndef f(self):\n    pass",
    "atc_kw": "class C:\n    pass\n\n@add_to_class(cls=C)\ndef f(self):\n    pass",
    "atc_attr": "class C:\n    pass\n\n@add_to_class(x.C)\ndef f(self):\n    pass",
    "atc_bare": "class C:\n    pass\n\n@add_to_class\ndef f(self):\n    pass",
    "import_pkg": "import pkg.engine",
    "import_pkg_from": "from pkg import engine",
    "atc_missing_class": "@add_to_class(Nope)\ndef f(self):\n    pass",
    "atc_one_line_class": "class C: pass\n\n@add_to_class(C)\ndef f(self):\n    pass",
    "undefined_name": "def f():\n    return undefined_thing",
    "undefined_in_class": "class C:\n    def m(self):\n        return nope\n    x = also_nope",
    "undefined_in_header": "class C(Base):\n    pass",
    "undefined_in_decorator": "@deco\ndef f():\n    pass",
}
for name, code in BAD.items():
    S(
        f"bad_{name}",
        one(cell("class Z:\n    pass", "pkg/engine.py"), cell(code, "pkg/m.py")),
        [("cmd", "tangle")],
    )
S(
    "ambiguous_use",
    book(
        (
            "intro",
            chapter(
                "intro",
                cell("def _check():\n    return 1", "pkg/nn.py"),
                cell("def _check():\n    return 2", "pkg/tensor.py"),
                cell("def f():\n    return _check()", "pkg/other.py"),
            ),
        )
    ),
    [("cmd", "tangle")],
)
S(
    "defined_twice_unused",
    book(
        (
            "intro",
            chapter(
                "intro",
                cell("def _check():\n    return 1", "pkg/nn.py"),
                cell("X = 1\n_check = 2", "pkg/tensor.py"),
            ),
        )
    ),
    [("cmd", "tangle")],
)
S(
    "atc_other_file",
    book(
        (
            "intro",
            chapter(
                "intro",
                cell("class Value:\n    pass", "pkg/engine.py"),
                cell("@add_to_class(Value)\ndef f(self):\n    pass", "pkg/nn.py"),
            ),
        )
    ),
    [("cmd", "tangle")],
)
S(
    "test_name_used_by_lib",
    one(
        cell("def helper():\n    return 1", "tests/test_a.py"),
        cell("def f():\n    return helper()", "pkg/m.py"),
    ),
    [("cmd", "tangle")],
)

# --- refusals: parser ------------------------------------------------------------------
S("no_toc", {"book/intro.md": chapter("intro")}, [("cmd", "tangle")])
S(
    "toc_bad_yaml",
    {"_toc.yml": "root: [book/intro\n  - x: :\n", "book/intro.md": chapter("intro")},
    [("cmd", "tangle")],
)
S("toc_not_dict", {"_toc.yml": "- a\n- b\n"}, [("cmd", "tangle")])
S(
    "toc_no_root",
    {
        "_toc.yml": "format: jb-book\nchapters:\n  - file: book/intro\n",
        "book/intro.md": chapter("intro"),
    },
    [("cmd", "tangle")],
)
S(
    "toc_missing_file",
    {
        "_toc.yml": "format: jb-book\nroot: book/intro\nparts:\n  - caption: P\n    chapters:\n      - file: book/two\n        sections:\n          - file: book/nope\n",
        "book/intro.md": chapter("intro"),
        "book/two.md": chapter("two"),
    },
    [("cmd", "tangle")],
)
S(
    "toc_ipynb_and_suffix",
    {
        "_toc.yml": "format: jb-book\nroot: book/intro.md\nchapters:\n  - file: book/nb\n  - file: book/intro\n  - url: https://example.org\n    title: x\n",
        "book/intro.md": chapter("intro", cell("X = 1", "pkg/m.py")),
        "book/nb.ipynb": "{}",
    },
)
S(
    "toc_dir_unreadable",
    {"_toc.yml": "root: book/intro\n", "book/intro.md/x": "dir"},
    [("cmd", "tangle")],
)
S(
    "chapter_not_utf8",
    {
        "_toc.yml": "root: book/intro\n",
        "book/intro.md": chapter("intro", cell("X = 1", "pkg/m.py")).encode() + b"\n\xff\xfe bad\n",
    },
    [("cmd", "tangle")],
)
S(
    "front_matter_bad",
    {"_toc.yml": "root: book/intro\n", "book/intro.md": "---\ntitle: [oops\n---\n# T\n"},
    [("cmd", "tangle")],
)
S(
    "cell_options_bad",
    {
        "_toc.yml": "root: book/intro\n",
        "book/intro.md": chapter("intro", "```{code-cell} ipython3\n:tangle: [oops\nX = 1\n```\n"),
    },
    [("cmd", "tangle")],
)
S(
    "cell_yaml_block",
    {
        "_toc.yml": "root: book/intro\n",
        "book/intro.md": chapter(
            "intro",
            "```{code-cell} ipython3\n---\ntangle: pkg/m.py\ntags: [hide-input]\n---\nX = 1\n```\n",
            "```{code-cell} ipython3\n---\ntangle: pkg/m.py\n---\nX = 1; Y = 2\n```\n",
        ),
    },
    [("cmd", "tangle")],
)
S(
    "fence_in_fence",
    {
        "_toc.yml": "root: book/intro\n",
        "book/intro.md": chapter(
            "intro",
            "````md\n```{code-cell} ipython3\n:tangle: ../evil.py\nX = 1\n```\n````\n",
            cell("Y = 1", "pkg/m.py"),
        ),
    },
)
S(
    "crlf",
    {
        "_toc.yml": "root: book/intro\n",
        "book/intro.md": chapter(
            "intro", cell("X = 1\nY = (1,\n  2)", "pkg/m.py"), cell("Z = ;", "pkg/m.py")
        ).replace("\n", "\r\n"),
    },
    [("cmd", "tangle")],
)
S(
    "blank_lines_before_body",
    {
        "_toc.yml": "root: book/intro\n",
        "book/intro.md": chapter(
            "intro", "```{code-cell} ipython3\n:tangle: pkg/m.py\n\n\nX = 1\nY = ;\n```\n"
        ),
    },
    [("cmd", "tangle")],
)

# --- writer / CLI ------------------------------------------------------------------------
BASE = one(
    cell("class Value:\n    pass", "pkg/engine.py"),
    cell("def f():\n    return Value()", "pkg/nn.py"),
)
S(
    "drift_kinds",
    BASE,
    [
        ("cmd", "tangle"),
        ("append", "book/intro.md", cell("X = 3", "pkg/extra.py")),
        ("cmd", "tangle"),
        ("replace", "book/intro.md", cell("X = 3", "pkg/extra.py"), ""),
        ("rm", "code/pkg/engine.py"),
        ("write", "code/pkg/stray.py", "S = 1\n"),
        ("replace", "book/intro.md", "return Value()", "return Value()  # changed"),
        ("cmd", "check"),
        ("cmd", "tangle"),
        ("cmd", "check"),
    ],
)
S(
    "hand_edited",
    BASE,
    [
        ("cmd", "tangle"),
        ("append", "code/pkg/nn.py", "# mine\n"),
        ("cmd", "check"),
        ("cmd", "tangle"),
        ("cmd", "tangle", "--force"),
        ("cmd", "check"),
    ],
)
S(
    "hand_edited_and_changed",
    BASE,
    [
        ("cmd", "tangle"),
        ("append", "code/pkg/nn.py", "# mine\n"),
        ("replace", "book/intro.md", "class Value:\n    pass", "class Value:\n    x = 1"),
        ("cmd", "tangle"),
    ],
)
S(
    "hash_line_removed",
    BASE,
    [
        ("cmd", "tangle"),
        ("replace", "code/pkg/nn.py", "# literate-sha256: ", "# x: "),
        ("cmd", "check"),
        ("cmd", "tangle"),
    ],
)
S(
    "unmanaged",
    BASE,
    [
        ("write", "code/pkg/nn.py", "mine = 1\n"),
        ("cmd", "check"),
        ("cmd", "tangle"),
        ("cmd", "tangle", "--force"),
    ],
)
S(
    "unmanaged_and_hand",
    BASE,
    [
        ("cmd", "tangle"),
        ("append", "code/pkg/nn.py", "# mine\n"),
        ("write", "code/pkg/engine.py", "mine = 1\n"),
        ("cmd", "tangle"),
    ],
)
S("binary_in_code", BASE, [("cmd", "tangle"), ("write", "code/pkg/nn.py", "x"), ("cmd", "check")])
S(
    "hidden_dirs",
    BASE,
    [
        ("write", "code/.hidden/x.py", "x=1\n"),
        ("write", "code/pkg/__pycache__/y.py", "y=1\n"),
        ("cmd", "tangle"),
    ],
)
S("symlink_target", BASE, [("symlink", "code/pkg/engine.py", "OUTSIDE"), ("cmd", "tangle")])
S("symlink_dir_outside", BASE, [("symlink", "code/pkg", "OUTSIDE"), ("cmd", "tangle")])
S(
    "symlink_dir_inside",
    BASE,
    [("write", "code/real/keep.txt", "k"), ("symlink", "code/pkg", "code/real"), ("cmd", "tangle")],
)
S("code_is_file", BASE, [("write", "code", "not a dir"), ("cmd", "tangle")])
S(
    "readonly_mode_kept",
    BASE,
    [
        ("cmd", "tangle"),
        ("chmod", "code/pkg/nn.py", 0o600),
        ("replace", "book/intro.md", "return Value()", "return Value()  # c"),
        ("cmd", "tangle"),
    ],
)
S("usage_errors", BASE, [("cmd",), ("cmd", "bogus"), ("cmd", "check", "--force")])

# --- replay -------------------------------------------------------------------------------
RB = book(
    (
        "one",
        chapter(
            "one",
            cell("class Value:\n    pass", "pkg/engine.py"),
            cell("def test_v():\n    assert Value", "tests/test_e.py"),
        ),
    ),
    (
        "two",
        chapter(
            "two",
            cell(
                'from literate.replay import replay\nreplay(globals(), "book/two.md")',
                tags=["remove-cell"],
            ),
            cell("@add_to_class(Value)\ndef m(self):\n    return 1", "pkg/engine.py"),
        ),
    ),
    (
        "three",
        chapter(
            "three",
            cell(
                'from literate.replay import replay\nreplay(\n    globals(),\n    "book/three.md",\n    state="0000")',
                tags=["remove-cell"],
            ),
        ),
    ),
)
S(
    "replay_states",
    RB,
    [
        ("cmd", "check"),
        ("cmd", "tangle"),
        ("cmd", "check"),
        ("replace", "book/one.md", "class Value:\n    pass", "class Value:\n    y = 2"),
        ("cmd", "check"),
        ("cmd", "tangle"),
        ("cmd", "check"),
    ],
)
S(
    "replay_wrong_chapter",
    book(
        ("one", chapter("one", cell("X = 1", "pkg/m.py"))),
        (
            "two",
            chapter(
                "two", cell("from literate.replay import replay\nreplay(globals(), 'book/one.md')")
            ),
        ),
    ),
    [("cmd", "tangle")],
)


def run(name, root):
    """Run scenario ``name`` in the empty folder ``root``: what it printed and left behind."""
    files, steps = SCENARIOS[name]
    root.mkdir()
    outside = root.parent / "outside"
    outside.mkdir()
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    runs = []
    for kind, *args in steps:
        path = root / args[0] if args else None
        if kind == "cmd":
            runs.append(_call(root, *args))
        elif kind == "write":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(args[1], encoding="utf-8")
        elif kind == "append":
            path.write_text(path.read_text() + args[1], encoding="utf-8")
        elif kind == "replace":
            path.write_text(path.read_text().replace(args[1], args[2]), encoding="utf-8")
        elif kind == "rm":
            path.unlink()
        elif kind == "symlink":
            target = outside if args[1] == "OUTSIDE" else root / args[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(target, target_is_directory=target.is_dir())
        elif kind == "chmod":
            os.chmod(path, args[1])
    tree = {}
    for path in sorted(p for p in root.rglob("*") if "__pycache__" not in p.parts):
        if path.is_symlink() or path.is_file():
            rel = path.relative_to(root).as_posix()
            data = path.read_bytes() if not path.is_symlink() else b"<symlink>"
            if files.get(rel) not in (data, data.decode("utf-8", "replace")):
                tree[rel] = data.decode("utf-8", "replace")  # what the scenario changed
    return {"runs": runs, "files": tree}


def _call(root, *args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--root", str(root), *args])
        except SystemExit as exc:  # argparse's usage errors
            code = f"SystemExit {exc.code}"

    def clean(text):
        text = text.replace(str(root), "<ROOT>").replace(str(root.parent), "<TMP>")
        return re.sub(r"SyntaxError: [^\n]*", "SyntaxError: ...", text)

    return {
        "args": list(args),
        "exit": code,
        "stdout": clean(out.getvalue()),
        "stderr": clean(err.getvalue()),
    }


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_messages_are_unchanged(name, tmp_path):
    expected = json.loads(GOLDEN.read_text(encoding="utf-8")).get(name)
    assert expected is not None, f"no golden record for {name}: run {__file__} --update"
    assert run(name, tmp_path.resolve() / "book") == expected


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    import tempfile

    records = {}
    for name in sorted(SCENARIOS):
        with tempfile.TemporaryDirectory() as tmp:
            records[name] = run(name, Path(tmp).resolve() / "book")
    GOLDEN.write_text(json.dumps(records, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(records)} scenarios to {GOLDEN}")
