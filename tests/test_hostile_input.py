"""Hostile and broken input through the real command line: one clear line, bounded
time (≤ 5 s) and memory (≤ 300 MB peak), never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
MAX_SECONDS = 5.0
MAX_PEAK_MB = 300

# Runs the CLI as its child and reports the child's peak memory, so nothing else the
# test process ever started can blur the figure.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run([sys.executable, '-m', 'bot', *sys.argv[1:]])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(f'\\nPEAK_KB {peak}\\n')\n"
    "sys.exit(done.returncode)\n"
)


def bounded(*args: str, stdin: bytes = b"") -> tuple[int, bytes, str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN",)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
    )
    elapsed = time.perf_counter() - started
    stderr, _, peak = result.stderr.decode("utf-8", "replace").rpartition("PEAK_KB ")
    assert elapsed <= MAX_SECONDS, f"took {elapsed:.1f} s"
    assert int(peak) / 1024 <= MAX_PEAK_MB, f"peaked at {int(peak) / 1024:.0f} MB"
    assert "Traceback" not in stderr, stderr
    return result.returncode, result.stdout, stderr.strip()


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9 if previous else ['lol'] * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)
HOSTILE = {
    "alias-bomb": (BOMB, "aliases expand to more than"),
    "deep-nesting": ("facts: " + "[" * 900 + "]" * 900 + "\n", "nested too deeply"),
    "impossible-date": (
        "facts:\n  - id: x\n    question: q\n    answer: a\n    updated: 2025-02-30\n",
        "'2025-02-30' is not a valid value",
    ),
    "huge-integer": ("facts:\n  - id: x\n    spoiler_episode: " + "9" * 5000 + "\n", "not a valid"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize("command", [("kb", "check"), ("ask", "who plays jack")])
def test_a_hostile_knowledge_file_is_one_line_with_file_and_line(
    tmp_path: Path, case: str, command: tuple[str, ...]
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "mini_kb", knowledge)
    text, expected = HOSTILE[case]
    (knowledge / "hostile.yaml").write_text(text, encoding="utf-8")
    status, stdout, stderr = bounded("--knowledge", str(knowledge), *command)
    assert status == 1
    shown = (stdout.decode() + stderr).strip()
    assert f"{knowledge / 'hostile.yaml'}:" in shown and expected in shown, shown


def test_ask_json_survives_bytes_that_are_not_utf8() -> None:
    stdin = b"who plays jack\n\xff\xfe\xc3 who plays cheyenne\nwho plays jack\n"
    status, stdout, _ = bounded(
        "--knowledge", str(FIXTURES / "mini_kb"), "ask", "--json", stdin=stdin
    )
    assert status == 0
    lines = [json.loads(line) for line in stdout.decode("utf-8").splitlines()]  # strict UTF-8
    assert [line["id"] for line in lines][::2] == ["cast-jack", "cast-jack"]
    assert "\ufffd" in lines[1]["question"]


def test_ask_json_cuts_a_huge_line_without_reading_it_whole() -> None:
    stdin = b"x" * 100_000_000 + b"\nwho plays jack\n"
    status, stdout, _ = bounded(
        "--knowledge", str(FIXTURES / "mini_kb"), "ask", "--json", stdin=stdin
    )
    assert status == 0
    first, second = (json.loads(line) for line in stdout.decode("utf-8").splitlines())
    assert "cut to its first" in first["note"] and len(first["question"]) <= 300
    assert second["id"] == "cast-jack"
