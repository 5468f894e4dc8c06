"""The tangling rule: what a module looks like, given its cells."""

import ast
import subprocess
import sys

import pytest

from literate.tests.conftest import cell


def tangle(book, capsys):
    code = book.run("tangle")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured


def test_add_to_class_folds_the_method_into_the_class_body(book, capsys):
    book.chapter(
        "intro",
        cell(
            """
            class Value:
                def __init__(self, data):
                    self.data = data
            """,
            "pkg/engine.py",
        ),
        cell(
            """
            @add_to_class(Value)
            def __add__(self, other):
                return Value(self.data + other.data)
            """,
            "pkg/engine.py",
        ),
    )
    tangle(book, capsys)
    text = book.read("pkg/engine.py")
    assert "add_to_class" not in text
    tree = ast.parse(text)
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert [m.name for m in cls.body] == ["__init__", "__add__"]
    assert len(tree.body) == 1  # nothing outside the class


def test_a_later_method_replaces_the_earlier_one_in_place(book, capsys):
    book.chapter(
        "intro",
        cell(
            """
            class V:
                def a(self):
                    return 1

                def b(self):
                    return 2
            """,
            "pkg/m.py",
        ),
        cell(
            """
            @add_to_class(V)
            def a(self):
                return 10
            """,
            "pkg/m.py",
        ),
    )
    tangle(book, capsys)
    text = book.read("pkg/m.py")
    cls = ast.parse(text).body[0]
    assert [m.name for m in cls.body] == ["a", "b"]
    assert "return 10" in text and "return 1\n" not in text


def test_a_later_def_or_class_replaces_the_earlier_one_in_place(book, capsys):
    book.chapter(
        "intro",
        cell("def f():\n    return 1\n\n\ndef g():\n    return f()", "pkg/m.py"),
        cell("class C:\n    x = 1\n\n\ndef f():\n    return 2", "pkg/m.py"),
        cell("class C:\n    x = 2", "pkg/m.py"),
    )
    tangle(book, capsys)
    tree = ast.parse(book.read("pkg/m.py"))
    names = [node.name for node in tree.body]
    assert names == ["f", "g", "C"]
    assert ast.literal_eval(tree.body[0].body[0].value) == 2
    assert ast.unparse(tree.body[2]).endswith("x = 2")


def test_a_later_assignment_to_the_same_names_replaces_the_earlier_one_in_place(book, capsys):
    book.chapter(
        "intro",
        cell("RATE = 0.1\nSIZE: int = 3\n\n\ndef f():\n    return RATE", "pkg/m.py"),
        cell("RATE = 0.5\nSIZE += 1", "pkg/m.py"),
    )
    tangle(book, capsys)
    text = book.read("pkg/m.py")
    body = text.split("\n", 4)[4]
    assert body.startswith("RATE = 0.5\nSIZE: int = 3\n\n\ndef f():")
    assert "RATE = 0.1" not in text and body.endswith("SIZE += 1\n")  # += keeps its place
    namespace = {}
    exec(text, namespace)
    assert namespace["f"]() == 0.5 and namespace["SIZE"] == 4


def test_a_class_written_on_one_line_is_kept_as_written(book, capsys):
    book.chapter("intro", cell("class Empty: pass", "pkg/m.py"))
    tangle(book, capsys)
    assert book.read("pkg/m.py").endswith("\nclass Empty: pass\n")


def test_redefining_a_class_drops_the_methods_added_to_the_old_one(book, capsys):
    # Running the cells: the new class object has none of the old one's methods.
    book.chapter(
        "intro",
        cell("class C:\n    pass", "pkg/m.py"),
        cell("@add_to_class(C)\ndef old(self):\n    pass", "pkg/m.py"),
        cell("class C:\n    def new(self):\n        pass", "pkg/m.py"),
    )
    tangle(book, capsys)
    text = book.read("pkg/m.py")
    assert "def new" in text and "def old" not in text


def test_imports_are_gathered_deduplicated_and_merged_at_the_top(book, capsys):
    book.chapter(
        "intro",
        cell("import math\nfrom os import path\n\n\ndef f():\n    return math.pi, path", "pkg/m.py"),
        cell(
            "from __future__ import annotations\nimport math\nfrom os import sep\n\n\n"
            "def g():\n    return math.e, sep",
            "pkg/m.py",
        ),
    )
    tangle(book, capsys)
    text = book.read("pkg/m.py")
    body = text.split("\n", 4)[4]
    assert body.startswith("from __future__ import annotations\n\nimport math\nfrom os import path, sep\n")
    assert text.count("import math") == 1


def test_comments_and_docstrings_survive(book, capsys):
    book.chapter(
        "intro",
        cell(
            '''
            """Module docstring."""

            # A comment above the class.
            class C:
                """Class docstring."""

                # A comment above the method.
                def m(self):
                    # A comment inside.
                    return 1
            ''',
            "pkg/m.py",
        ),
        cell(
            """
            # Why this method exists.
            @add_to_class(C)
            def n(self):
                \"\"\"Docstring of n.

                More lines.
                \"\"\"
                return 2  # trailing
            """,
            "pkg/m.py",
        ),
    )
    tangle(book, capsys)
    text = book.read("pkg/m.py")
    for snippet in (
        '"""Module docstring."""',
        "# A comment above the class.",
        '"""Class docstring."""',
        "    # A comment above the method.",
        "        # A comment inside.",
        "    # Why this method exists.",
        '        """Docstring of n.\n\n        More lines.\n        """',
        "return 2  # trailing",
    ):
        assert snippet in text, snippet
    assert ast.get_docstring(ast.parse(text)) == "Module docstring."


def test_multiline_strings_keep_their_value_when_a_method_is_indented(book, capsys):
    book.chapter(
        "intro",
        cell("class C:\n    pass", "pkg/m.py"),
        cell('@add_to_class(C)\ndef text(self):\n    return """a\nb\n  c"""', "pkg/m.py"),
    )
    tangle(book, capsys)
    namespace = {}
    exec(book.read("pkg/m.py"), namespace)
    assert namespace["C"]().text() == "a\nb\n  c"


def test_names_from_other_modules_are_imported_automatically(book, capsys):
    book.chapter("intro", cell("class Value:\n    pass", "pkg/engine.py"))
    book.chapter(
        "two",
        cell("def make():\n    return Value()", "pkg/nn.py"),
        cell("def test_make():\n    assert isinstance(make(), Value)", "tests/test_nn.py"),
    )
    tangle(book, capsys)
    assert "from .engine import Value\n" in book.read("pkg/nn.py")
    test = book.read("tests/test_nn.py")
    assert "from pkg.engine import Value\n" in test and "from pkg.nn import make\n" in test
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(book.root / "code/tests")],
        cwd=book.root / "code",
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(book.root / "code")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_output_passes_ruff(book, capsys):
    book.chapter(
        "intro",
        cell('"""Doc."""\nimport math\n\nPI = math.pi', "pkg/a.py"),
        cell("class A:\n    def f(self):\n        return PI", "pkg/a.py"),
        cell("@add_to_class(A)\ndef g(self):\n    return math.tau", "pkg/a.py"),
    )
    book.chapter("two", cell("def h():\n    return A().f()", "pkg/b.py"))
    tangle(book, capsys)
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--line-length", "100",
         "--config", "src = ['code']", str(book.root / "code")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "code, what",
    [
        ("print('hi')", "a function call"),
        ("1 + 1", "an expression"),
        ("for i in range(3):\n    pass", "a for loop"),
        ("if True:\n    x = 1", "an if statement"),
        ("assert True", "an assert statement"),
    ],
)
def test_a_statement_that_is_not_a_definition_is_refused_with_file_and_line(
    book, capsys, code, what
):
    book.chapter("intro", cell("x = 1\n" + code, "pkg/m.py"))
    assert book.run("tangle") == 2
    err = capsys.readouterr().err.strip()
    line = book.line_of("intro", code.split("\n")[0])
    assert err.startswith(f"book/intro.md:{line}: ")
    assert what in err and "\n" not in err
    assert not (book.root / "code").exists()


@pytest.mark.parametrize(
    "code, message",
    [
        ("class C:\n    pass\nC.x = 1", "attribute"),
        ("def f(:\n    pass", "SyntaxError"),
        ("x = 1; y = 2", "one statement per line"),
        ("@add_to_class(Missing)\ndef f(self):\n    pass", "no class Missing"),
        ("class C:\n    pass\n@staticmethod\n@add_to_class(C)\ndef f():\n    pass", "first"),
        ("def f():\n    return undefined_name", "undefined_name"),
        ("from pkg.other import thing", "do not import pkg.other"),
    ],
)
def test_bad_cells_fail_with_one_line_naming_file_and_line(book, capsys, code, message):
    book.chapter("intro", cell("A = 1", "pkg/other.py"), cell(code, "pkg/m.py"))
    assert book.run("tangle") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("book/intro.md:")
    assert message in err


def test_add_to_class_into_a_class_of_another_file_is_refused(book, capsys):
    book.chapter(
        "intro",
        cell("class Value:\n    pass", "pkg/engine.py"),
        cell("@add_to_class(Value)\ndef f(self):\n    pass", "pkg/nn.py"),
    )
    assert book.run("tangle") == 2
    assert "tangle this cell into the file that defines it" in capsys.readouterr().err


def test_a_name_two_modules_define_is_refused_even_if_unused(book, capsys):
    # The chapters share one kernel: nn's _check would be replaced by tensor's.
    book.chapter(
        "intro",
        cell("def _check(x):\n    return x", "pkg/nn.py"),
        cell("def _check(x):\n    return None", "pkg/tensor.py"),
    )
    assert book.run("tangle") == 2
    err = capsys.readouterr().err
    assert err.startswith("book/intro.md:") and err.count("\n") == 1
    assert "name '_check' is defined in several tangled modules" in err
    assert "pkg/nn.py, pkg/tensor.py" in err


def test_front_matter_sets_a_default_target(book, capsys):
    book.chapter(
        "intro",
        "```{code-cell} ipython3\n:tangle:\nX = 1\n```\n",
        front="tangle: pkg/default.py\n",
    )
    tangle(book, capsys)
    assert "X = 1" in book.read("pkg/default.py")


def test_a_cell_without_target_and_no_default_is_an_error(book, capsys):
    book.chapter("intro", "```{code-cell} ipython3\n:tangle:\nX = 1\n```\n")
    assert book.run("tangle") == 2
    err = capsys.readouterr().err
    assert err.startswith("book/intro.md:") and "front matter sets no default" in err
