"""A process killed with SIGKILL in the middle of writes never leaves a broken file."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.kb.loader import assemble, load_directory, read_document
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
KILLS = 30


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_at_random_points_never_breaks_a_file(tmp_path: Path) -> None:
    knowledge, data = tmp_path / "knowledge", tmp_path / "data"
    shutil.copytree(FIXTURES / "mini_kb", knowledge)
    rng = random.Random(20251121)
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(KILLS):
        child = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("crash_writer.py")),
                str(knowledge),
                str(data),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", (
            child.stderr.read() if child.stderr else ""
        )
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL, "the writer stopped on its own: " + (
            child.stderr.read() if child.stderr else ""
        )

        # The shared files: every one parses and the whole base validates.
        base = load_directory(knowledge)
        assert base.ok, base.problems
        # The guild overlay: absent, or complete and valid over the base.
        overlay_path = data / "overlays" / "4242.yaml"
        if overlay_path.exists():
            overlay = read_document(overlay_path, overlay=True)
            merged = assemble([overlay], base=base.knowledge)
            assert merged.ok, merged.problems
        with sqlite3.connect(data / "bot.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # At least some edits happened, so kills really landed among writes.
    assert "edit" in (knowledge / "base.yaml").read_text(encoding="utf-8") or overlay_path.exists()
