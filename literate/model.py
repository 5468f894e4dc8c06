"""One model of a tangled cell, worked out once: its target and its statements (what each
defines, the class an ``@add_to_class`` method goes to, the imports).  The tangler, the
replay, the Sphinx captions and the browser test all read it.
"""

import ast
import keyword
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import PureWindowsPath

from literate import LiterateError
from literate.parser import Cell

# What a refused statement is called; the others by their keyword ("a try statement").
_KIND = {
    "Expr": "an expression", "For": "a for loop", "AsyncFor": "a for loop", "While": "a while loop",
    "If": "an if statement", "Assert": "an assert statement", "Delete": "a del statement",
    "Return": "a return outside a function", "AsyncWith": "a with statement",
    "TryStar": "a TryStar statement", "TypeAlias": "a TypeAlias statement",
}  # fmt: skip
_FUNCTION, _ITEM = (ast.FunctionDef, ast.AsyncFunctionDef), (ast.Attribute, ast.Subscript)


@dataclass(frozen=True)
class Origin:
    chapter: str
    line: int

    def error(self, message):
        return LiterateError(self.chapter, self.line, message)


@dataclass
class Statement:
    """A top-level statement of a tangled cell, with the comments just above it.

    ``kind`` is "import", "def", "class", "method" (a function under ``@add_to_class(owner)``,
    its text without that decorator), "assign" (``=`` or annotated), "stmt" (``+=``, comments
    at the end of a cell), "doc" (a bare string) or, inside a class, "member".
    """

    kind: str
    name: str | None
    text: str  # a class: its header (decorators and the `class X(...):` line)
    origin: Origin
    owner: str | None = None  # "method": the class it goes to
    names: tuple = ()  # the module-level names it assigns
    imports: tuple = ()  # "import": (line, bound name, imported module) for each name
    members: list | None = None  # "class": its body (None: written on one line)
    indent: str = "    "  # "class": its body's indentation

    @property
    def symbol(self):  # as a caption shows it
        return f"{self.owner}.{self.name}" if self.owner else self.name

    @property
    def key(self):
        """A later statement with the same key replaces this one in place (None: never)."""
        if self.kind == "assign":
            return frozenset(self.names)
        return self.name if self.kind in ("def", "class", "member") else None


@dataclass
class TangledCell:
    target: str  # relative to code/, validated
    cell: Cell

    @property
    def is_test(self):
        return self.target.split("/", 1)[0] == "tests"

    @cached_property
    def statements(self):
        cell = self.cell
        return analyse(cell.source, lambda n: Origin(cell.chapter, cell.line + n - 1))


def tangled_cells(chapter):
    """A :class:`TangledCell` for every cell of ``chapter`` that opts in with ``:tangle:``."""
    default = chapter.front_matter.get("tangle")
    for cell in (cell for cell in chapter.cells if "tangle" in cell.options):
        origin = Origin(cell.chapter, cell.tangle_line)
        target = default if cell.tangle is None or cell.tangle is True else cell.tangle
        if target is None:
            raise origin.error(
                "`:tangle:` has no file and the front matter sets no default "
                "(add `tangle: scratchgrad/<module>.py` to the front matter or to the cell)"
            )
        yield TangledCell(validate_target(target, origin), cell)


def validate_target(target, origin):
    """Return the normalised POSIX target, or raise naming the cell."""
    if not isinstance(target, str) or not target.strip():
        raise origin.error(
            f"`:tangle:` needs a file path relative to code/, such as scratchgrad/engine.py "
            f"(got {target!r})"
        )
    target = target.strip()
    parts = target.split("/")
    problems = {
        "contains a backslash; use / between folders": "\\" in target,
        "names a drive; give a path relative to code/": PureWindowsPath(target).drive,
        "is absolute; give a path relative to code/": target.startswith("/"),
        "must stay inside code/ (no '..', '.' or empty folder names)": {"", ".", ".."} & {*parts},
        "must be a Python file ending in .py": not target.endswith(".py"),
    }
    for problem in (problem for problem, found in problems.items() if found):
        raise origin.error(f"tangle target {target!r} {problem}")
    for part in parts[:-1] + [parts[-1][:-3]]:
        if not part.isidentifier() or keyword.iskeyword(part):
            raise origin.error(
                f"tangle target {target!r}: {part!r} is not a valid Python module name "
                "(letters, digits and _ only, not starting with a digit)"
            )
    return target


def analyse(source, origin_of):
    """The :class:`Statement` list of a tangled cell, or a LiterateError naming the line.

    ``origin_of(lineno)`` maps a line of ``source`` to an :class:`Origin`.  Comments above an
    import go with the next statement."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise origin_of(exc.lineno or 1).error(f"SyntaxError: {exc.msg}") from None
    lines = source.split("\n")
    statements, pending, previous_end = [], [], 0

    def text(numbers):
        return "\n".join(pending + _trim(lines[n - 1] for n in numbers))

    for node in tree.body:
        start = _first_line(node)
        if start <= previous_end:
            raise origin_of(start).error("one statement per line in tangled cells (no `;`)")
        numbers = range(previous_end + 1, node.end_lineno + 1)  # with the comments above
        previous_end = node.end_lineno
        origin = origin_of(start)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            statements.append(Statement("import", None, "", origin, imports=_imports(node, origin)))
            pending += [lines[n - 1] for n in numbers if lines[n - 1].strip().startswith("#")]
            continue
        if isinstance(node, _FUNCTION):
            owner = _add_to_class_target(node, origin_of)
            if owner is not None:
                decorator = node.decorator_list[0]
                numbers = [n for n in numbers if not decorator.lineno <= n <= decorator.end_lineno]
            kind = "def" if owner is None else "method"
            statements.append(Statement(kind, node.name, text(numbers), origin, owner=owner))
        elif isinstance(node, ast.ClassDef):
            statements.append(_class_statement(node, text, numbers, lines, origin, origin_of))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in (t for t in targets for n in ast.walk(t) if isinstance(n, _ITEM)):
                raise origin.error(
                    "a tangled cell may not assign to an attribute or item "
                    f"(`{ast.unparse(target)} = ...`): put methods in the class body or "
                    "use @add_to_class"
                )
            names = tuple(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
            kind = "stmt" if isinstance(node, ast.AugAssign) else "assign"
            statements.append(Statement(kind, None, text(numbers), origin, names=names))
        elif _is_docstring(node):
            statements.append(Statement("doc", None, text(numbers), origin))
        else:
            name = type(node).__name__
            kind = _KIND.get(name, f"a {name.lower()} statement")
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                kind = "a function call"
            raise origin.error(
                f"a tangled cell may hold only imports, definitions, assignments and docstrings, "
                f"not {kind}; move it to an untangled cell"
            )
        pending = []
    trailing = pending + [line for line in lines[previous_end:] if line.strip()]
    if trailing:
        statements.append(Statement("stmt", None, "\n".join(trailing), origin_of(previous_end + 1)))
    return statements


def _imports(node, origin):
    """(line, bound name, imported module) for each name an import statement imports."""
    if getattr(node, "level", 0):
        raise origin.error("no relative imports in tangled cells; the tangler writes those")
    module = getattr(node, "module", None)  # None: `import x`
    line = f"from {module} import " if module else "import "
    bound = [(a.asname or a.name).split(".")[0] for a in node.names]
    return tuple((line + ast.unparse(a), b, module or a.name) for a, b in zip(node.names, bound))


def _first_line(node):
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _trim(lines):
    """``lines`` without the blank lines at either end."""
    lines = list(lines)
    kept = [index for index, line in enumerate(lines) if line.strip()]
    return lines[kept[0] : kept[-1] + 1] if kept else []


def _is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(getattr(node.value, "value", None), str)


def _add_to_class_target(node, origin_of):
    """The class name in ``@add_to_class(Name)``, or None when not decorated so."""
    found = None
    for position, decorator in enumerate(node.decorator_list):
        called = isinstance(decorator, ast.Call)
        if getattr(decorator.func if called else decorator, "id", None) != "add_to_class":
            continue
        where = origin_of(decorator.lineno)
        if not called:
            raise where.error("add_to_class needs the class: write @add_to_class(ClassName)")
        if position != 0:
            raise where.error("@add_to_class(...) must be the first (outermost) decorator")
        args = decorator.args
        if len(args) != 1 or decorator.keywords or not isinstance(args[0], ast.Name):
            raise where.error("write @add_to_class(ClassName) with exactly one class name")
        found = args[0].id
    return found


def _class_statement(node, text, numbers, lines, origin, origin_of):
    """A class: its header, and each statement of its body as a "member"."""
    first_body = _first_line(node.body[0])
    if first_body == node.lineno:
        return Statement("class", node.name, text(numbers), origin, members=None)
    # The header runs to the line with the colon; comments between it and the
    # first statement belong to that statement.
    header_end = first_body - 1
    while header_end > node.lineno and lines[header_end - 1].strip()[:1] in ("", "#"):
        header_end -= 1
    header = text([n for n in numbers if n <= header_end])
    members, previous_end = [], header_end
    for stmt in node.body:
        member = "\n".join(_trim(lines[previous_end : stmt.end_lineno]))
        previous_end = stmt.end_lineno
        name = stmt.name if isinstance(stmt, _FUNCTION) else None
        members.append(Statement("member", name, member, origin_of(_first_line(stmt))))
    indent = re.match(r"[ \t]*", lines[first_body - 1]).group(0) or "    "
    return Statement("class", node.name, header, origin, members=members, indent=indent)
