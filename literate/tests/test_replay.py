"""Each chapter's kernel sees exactly what the earlier chapters built."""

import pytest

from literate.replay import StaleReplayError, replay
from literate.tests.conftest import cell


def replay_cell(name):
    return cell(f'from literate.replay import replay\nreplay(globals(), "book/{name}.md")', tags=["remove-cell"])


@pytest.fixture
def three(book):
    book.chapter("one", cell("class Value:\n    def __init__(self, x):\n        self.x = x", "pkg/engine.py"))
    book.chapter(
        "two",
        replay_cell("two"),
        cell("@add_to_class(Value)\ndef double(self):\n    return Value(2 * self.x)", "pkg/engine.py"),
        cell("def test_double():\n    assert Value(1).double().x == 2", "tests/test_engine.py"),
    )
    book.chapter(
        "three",
        replay_cell("three"),
        cell("@add_to_class(Value)\ndef triple(self):\n    return Value(3 * self.x)", "pkg/engine.py"),
    )
    return book


def test_a_chapter_sees_earlier_methods_but_not_later_ones(three):
    two, three_ns = {}, {}
    replay(two, "book/two.md", root=three.root)
    replay(three_ns, "book/three.md", root=three.root)
    assert not hasattr(two["Value"], "double")  # chapter two defines it itself
    assert hasattr(three_ns["Value"], "double") and not hasattr(three_ns["Value"], "triple")
    assert three_ns["Value"](4).double().x == 8
    assert "test_double" not in three_ns  # tests are not replayed
    assert callable(two["add_to_class"])


def test_tangle_writes_the_state_fingerprint_and_check_notices_when_it_is_stale(three, capsys):
    assert three.run("tangle") == 0
    text = (three.root / "book/three.md").read_text()
    assert 'replay(globals(), "book/three.md", state="' in text
    state = text.split('state="')[1].split('"')[0]
    replay({}, "book/three.md", state=state, root=three.root)  # accepted
    path = three.root / "book/two.md"
    path.write_text(path.read_text().replace("2 * self.x", "self.x + self.x"))
    capsys.readouterr()
    assert three.run("check") == 1
    assert "book/three.md" in capsys.readouterr().err
    with pytest.raises(StaleReplayError, match="make tangle"):
        replay({}, "book/three.md", state=state, root=three.root)
    assert three.run("tangle") == 0
    assert three.run("check") == 0


def test_a_replay_cell_must_name_its_own_chapter(book, capsys):
    book.chapter("one", cell("X = 1", "pkg/m.py"))
    book.chapter("two", replay_cell("one"))
    assert book.run("check") == 2
    err = capsys.readouterr().err
    assert err.startswith("book/two.md:") and "own chapter" in err


def test_replayed_code_reports_errors_at_the_chapter_line(book):
    book.chapter("one", cell("def f():\n    return 1 / 0", "pkg/m.py"))
    book.chapter("two", replay_cell("two"))
    namespace = {}
    replay(namespace, "book/two.md", root=book.root)
    with pytest.raises(ZeroDivisionError) as info:
        namespace["f"]()
    frame = info.traceback[-1]
    assert frame.path.name == "one.md"
    assert frame.lineno + 1 == book.line_of("one", "return 1 / 0")


def test_in_ipython_errors_show_as_one_line(three, monkeypatch):
    import IPython

    class TB:
        mode = "Context"

        def set_mode(self, mode=None):
            self.mode = mode

    class Shell:
        InteractiveTB = TB()

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    replay({}, "book/three.md", root=three.root)
    assert shell.InteractiveTB.mode == "Minimal"


def test_writing_the_state_keeps_a_chapter_s_crlf_line_endings(three):
    path = three.root / "book/three.md"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert three.run("tangle") == 0
    text = path.read_bytes()
    assert b'state="' in text and b"\n" not in text.replace(b"\r\n", b"")
