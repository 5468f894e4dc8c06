"""Reading chapters: the cells Jupyter Book runs, and one-line errors for anything else."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from literate import LiterateError
from literate.parser import parse_chapter


def test_cells_shown_inside_another_fence_are_not_cells():
    text = "# T\n\n````md\n```{code-cell} ipython3\n:tangle: ../evil.py\nX = 1\n```\n````\n"
    assert parse_chapter(text, "book/t.md").cells == ()


def test_cell_lines_and_options():
    text = "---\nfoo: 1\n---\n# T\n\ntext\n\n```{code-cell} ipython3\n:tangle: a/b.py\n:tags: [x]\nX = 1\nY = 2\n```\n"
    chapter = parse_chapter(text, "book/t.md")
    (cell,) = chapter.cells
    assert chapter.front_matter == {"foo": 1}
    assert cell.tangle == "a/b.py" and cell.tags == ["x"]
    assert cell.fence_line == 8 and cell.line == 11 and cell.source == "X = 1\nY = 2"


def test_bad_option_yaml_is_a_one_line_error():
    text = "# T\n\n```{code-cell} ipython3\n:tangle: [oops\nX = 1\n```\n"
    try:
        parse_chapter(text, "book/t.md")
    except LiterateError as error:
        assert str(error).startswith("book/t.md:") and "\n" not in str(error)
    else:
        raise AssertionError("bad options were accepted")


PIECES = st.sampled_from(
    [
        "---\n", "```{code-cell} ipython3\n", "```\n", "````\n", ":tangle: a.py\n", ":tags: [x\n",
        "x = 1\n", "# heading\n", "\n", "~~~\n", ":::{note}\n", ":::\n", "---\ntitle: [\n---\n",
        "  ```{code-cell}\n", "\t", "\x00", "\r\n", "é\n", "{", "}", "`",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=30))
def test_any_text_either_parses_or_raises_the_one_line_error(pieces):
    text = "".join(pieces)
    try:
        chapter = parse_chapter(text, "book/fuzz.md")
    except LiterateError as error:
        message = str(error)
        assert message.startswith("book/fuzz.md:") and "\n" not in message
        assert error.line >= 1
    else:
        for cell in chapter.cells:
            assert cell.line >= 1 and isinstance(cell.source, str)


def test_a_cell_whose_code_starts_after_blank_lines_names_the_right_line():
    for options in (":tangle: a.py\n", "---\ntangle: a.py\n---\n", ""):
        text = f"# T\n\n```{{code-cell}} ipython3\n{options}\n\n\nX = 1\n```\n"
        (cell,) = parse_chapter(text, "book/t.md").cells
        first = cell.source.split("\n").index("X = 1")
        assert cell.line + first == text.split("\n").index("X = 1") + 1, (options, cell.source)


def test_a_table_of_contents_that_is_not_utf8_is_a_one_line_error(tmp_path):
    from literate.parser import toc_chapters

    (tmp_path / "_toc.yml").write_bytes(b"root: intro\n# caf\xe9\n")
    try:
        toc_chapters(tmp_path)
    except LiterateError as error:
        assert str(error) == "_toc.yml:2: the table of contents is not valid UTF-8"
    else:
        raise AssertionError("accepted")
