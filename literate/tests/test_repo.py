"""The project itself: code/ is exactly what the chapters tangle to."""

import re
import subprocess
import sys
from pathlib import Path

from literate.parser import read_book
from literate.replay import REPLAY_CALL
from literate.writer import plan

ROOT = Path(__file__).resolve().parents[2]


def test_code_is_in_sync_with_the_chapters():
    changes = plan(ROOT)
    assert not changes, "code/ has drifted; run `make tangle`:\n" + "\n".join(
        change.describe() for change in changes
    )


def test_every_chapter_after_the_first_replays_the_ones_before_it():
    chapters = read_book(ROOT)
    numbered = [c for c in chapters if re.match(r"book/\d+_", c.path)]
    assert len(numbered) >= 7, [c.path for c in chapters]
    for chapter in numbered[1:]:
        if not any(cell.source.strip() for cell in chapter.cells):
            continue  # a page without code needs no state
        first = chapter.cells[0]
        match = REPLAY_CALL.search(first.source)
        assert match and match.group("chapter") == chapter.path, chapter.path
        assert "remove-cell" in first.tags, chapter.path
        assert match.group("state"), f"{chapter.path}: run `make tangle` to write state="


def test_the_generated_package_passes_ruff():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT / "code")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_distribution_holds_scratchgrad_only():
    tomllib = __import__("pytest").importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["setuptools"]["packages"] == ["scratchgrad"]
    assert project["project"]["dependencies"] == []  # numpy only as the tensor extra
    tool = tomllib.loads((ROOT / "literate" / "pyproject.toml").read_text())
    assert tool["project"]["name"] == "literate"
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert "-e ./literate" in requirements and "-e ." in requirements


def test_the_scalar_library_reads_in_800_lines():
    # Issue 9's budget: the modules of chapters 1-7 (tensor.py, chapter 8, apart).
    names = ["_checks", "calculus", "data", "engine", "nn", "optim", "viz"]
    lines = sum(
        len((ROOT / "code" / "scratchgrad" / f"{n}.py").read_text().splitlines()) for n in names
    )
    assert lines <= 800, f"{lines} lines"
