"""Writing code/: determinism, the header hash, drift, refusals, confinement."""

import os
import subprocess
import sys

import pytest

from literate.assemble import split_header
from literate.tests.conftest import cell

ENGINE = cell("class Value:\n    def __init__(self, data):\n        self.data = data", "pkg/engine.py")


def test_output_is_deterministic_lf_and_ends_with_a_newline(book, capsys):
    book.chapter("intro", ENGINE, cell("X = 1", "pkg/other.py"))
    assert book.run("tangle") == 0
    first = {p: p.read_bytes() for p in (book.root / "code").rglob("*.py")}
    for path in first:
        path.unlink()
    assert book.run("tangle") == 0
    second = {p: p.read_bytes() for p in (book.root / "code").rglob("*.py")}
    assert first == second
    for data in first.values():
        assert data.endswith(b"\n") and not data.endswith(b"\n\n")
        assert b"\r" not in data


def test_header_names_the_chapters_and_how_to_regenerate_and_hashes_the_file(book, capsys):
    book.chapter("intro", ENGINE)
    book.chapter("two", cell("@add_to_class(Value)\ndef f(self):\n    pass", "pkg/engine.py"))
    assert book.run("tangle") == 0
    text = book.read("pkg/engine.py")
    lines = text.splitlines()
    assert "GENERATED" in lines[0] and "DO NOT EDIT" in lines[0]
    assert lines[1] == "# Source: book/intro.md, book/two.md"
    assert "make tangle" in lines[2]
    recorded, actual = split_header(text)
    assert recorded == actual and len(recorded) == 64
    edited = text.replace("self.data = data", "self.data = data + 1")
    recorded, actual = split_header(edited)
    assert recorded != actual


def test_check_passes_when_in_sync_and_fails_with_a_diff_when_stale(book, capsys):
    path = book.chapter("intro", ENGINE)
    assert book.run("tangle") == 0
    capsys.readouterr()
    assert book.run("check") == 0
    path.write_text(path.read_text().replace("self.data = data", "self.data = float(data)"))
    assert book.run("check") == 1
    out, err = capsys.readouterr()
    assert "stale" in err
    assert "-        self.data = data" in out and "+        self.data = float(data)" in out


def test_check_reports_missing_orphaned_and_stray_files(book, capsys):
    book.chapter("intro", ENGINE, cell("X = 1", "pkg/extra.py"))
    assert book.run("tangle") == 0
    (book.root / "code/pkg/engine.py").unlink()
    (book.root / "code/pkg/stray.py").write_text("print('hand-written')\n")
    book.chapter("intro", ENGINE)  # extra.py is no longer made by any chapter
    capsys.readouterr()
    assert book.run("check") == 1
    err = capsys.readouterr().err
    assert "code/pkg/engine.py: missing" in err
    assert "code/pkg/extra.py: orphaned" in err
    assert "code/pkg/stray.py: not generated" in err


def test_tangle_deletes_orphans_and_keeps_stray_files(book, capsys):
    book.chapter("intro", ENGINE, cell("X = 1", "pkg/extra.py"))
    assert book.run("tangle") == 0
    stray = book.root / "code/pkg/stray.py"
    stray.write_text("print('mine')\n")
    book.chapter("intro", ENGINE)
    assert book.run("tangle") == 0
    assert not (book.root / "code/pkg/extra.py").exists()
    assert stray.read_text() == "print('mine')\n"


def test_tangle_writes_only_what_changed(book, capsys):
    path = book.chapter("intro", ENGINE, cell("X = 1", "pkg/other.py"))
    assert book.run("tangle") == 0
    other = book.root / "code/pkg/other.py"
    os.utime(other, (1, 1))
    path.write_text(path.read_text().replace("self.data = data", "self.data = data * 1"))
    assert book.run("tangle") == 0
    assert other.stat().st_mtime == 1
    assert "data * 1" in book.read("pkg/engine.py")
    leftovers = [p.name for p in (book.root / "code/pkg").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_hand_edit_of_the_hash_line_itself_is_refused_too(book, capsys):
    path = book.chapter("intro", ENGINE)
    assert book.run("tangle") == 0
    target = book.root / "code/pkg/engine.py"
    edited = "".join(line for line in target.read_text().splitlines(True) if "sha256" not in line)
    target.write_text(edited)
    path.write_text(path.read_text().replace("self.data = data", "self.data = 2 * data"))
    capsys.readouterr()
    assert book.run("tangle") == 1
    assert target.read_text() == edited
    assert "edited by hand" in capsys.readouterr().err


def test_a_hand_edit_is_refused_kept_and_shown_and_force_overrides(book, capsys):
    path = book.chapter("intro", ENGINE)
    assert book.run("tangle") == 0
    target = book.root / "code/pkg/engine.py"
    edited = target.read_text().replace("self.data = data", "self.data = data  # my fix")
    target.write_text(edited)
    path.write_text(path.read_text().replace("self.data = data", "self.data = 2 * data"))
    capsys.readouterr()
    assert book.run("tangle") == 1
    out, err = capsys.readouterr()
    assert target.read_text() == edited  # nothing lost
    assert "edited by hand" in err and "--force" in err and "Nothing was written" in err
    assert "my fix" in out  # the diff shows the edit that would be lost
    assert book.run("check") == 1
    assert book.run("tangle", "--force") == 0
    assert "2 * data" in target.read_text()


def test_a_refusal_writes_nothing_at_all(book, capsys):
    book.chapter("intro", ENGINE, cell("X = 1", "pkg/other.py"))
    assert book.run("tangle") == 0
    (book.root / "code/pkg/engine.py").write_text("# mine\n")
    book.chapter("intro", ENGINE, cell("X = 2", "pkg/other.py"))
    assert book.run("tangle") == 1
    assert "X = 1" in book.read("pkg/other.py")


def test_an_existing_file_the_tangler_did_not_make_is_refused(book, capsys):
    book.chapter("intro", ENGINE)
    target = book.root / "code/pkg/engine.py"
    target.parent.mkdir(parents=True)
    target.write_text("# my own engine\n")
    assert book.run("tangle") == 1
    assert "not generated by the tangler" in capsys.readouterr().err
    assert target.read_text() == "# my own engine\n"


@pytest.mark.parametrize(
    "target, message",
    [
        ("../x.py", "inside code/"),
        ("pkg/../../x.py", "inside code/"),
        ("/etc/x.py", "absolute"),
        ("pkg\\\\x.py", "backslash"),
        ("C:/x.py", "drive"),
        ("pkg/my-module.py", "not a valid Python module name"),
        ("pkg/2fast.py", "not a valid Python module name"),
        ("pkg/class.py", "not a valid Python module name"),
        ("pkg/notes.txt", "ending in .py"),
    ],
)
def test_targets_must_stay_inside_code(book, capsys, target, message):
    book.chapter("intro", cell("X = 1", "pkg/ok.py"), cell("Y = 2", target))
    assert book.run("tangle") == 2
    err = capsys.readouterr().err
    line = book.line_of("intro", f":tangle: {target}")
    assert err.startswith(f"book/intro.md:{line}: ") and message in err
    assert not (book.root / "code").exists()
    assert not (book.root / "x.py").exists()


def test_a_symlinked_folder_pointing_outside_code_is_refused(book, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (book.root / "code").mkdir()
    (book.root / "code" / "pkg").symlink_to(outside, target_is_directory=True)
    book.chapter("intro", cell("X = 1", "pkg/m.py"))
    assert book.run("tangle") == 2
    err = capsys.readouterr().err
    assert err.startswith("book/intro.md:") and "outside code/" in err
    assert list(outside.iterdir()) == []


def test_errors_are_one_line_without_a_traceback(book):
    book.chapter("intro", cell("print('x')", "../escape.py"))
    result = subprocess.run(
        [sys.executable, "-m", "literate", "--root", str(book.root), "tangle"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("book/intro.md:")
