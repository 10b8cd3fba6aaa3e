"""A process killed with SIGKILL in the middle of writes never leaves a broken file."""

from __future__ import annotations

import json
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

from bot.app.knowledge import KnowledgeService
from bot.kb.loader import assemble, load_directory, read_document
from bot.storage.store import SHARED_SCOPE
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
        output = child.stdout.read()
        assert child.returncode == -signal.SIGKILL, "the writer stopped on its own: " + (
            output[-2000:] + (child.stderr.read() if child.stderr else "")
        )
        acknowledged = [line.split()[1:] for line in output.splitlines() if line.startswith("ack")]

        # Start-up recovers from any crash point (a shared edit's journal is finished).
        service = KnowledgeService(knowledge, data / "overlays")
        service.load()
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
            history = [
                json.loads(after)["answer"]
                for (after,) in db.execute("SELECT after FROM fact_history WHERE after IS NOT NULL")
            ]
        # Every acknowledged edit is on disk (or a later one is) and has its history row.
        for scope, number in acknowledged:
            assert any(f"(edit {number})" in answer for answer in history), (scope, number)
        for scope in {s for s, _ in acknowledged}:
            last = max(int(n) for s, n in acknowledged if s == scope)
            served = service.engine_for(None if int(scope) == SHARED_SCOPE else int(scope))
            edit = int(served.kb.facts["cast-jack"].answer.split("(edit ")[1].split(")")[0])
            assert edit >= last, (scope, edit, last)
    # At least some edits happened, so kills really landed among writes.
    assert "edit" in (knowledge / "base.yaml").read_text(encoding="utf-8") or overlay_path.exists()
