"""The command line end to end, as real subprocesses over real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli, runner
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "KNOWLEDGE_DIR")
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
    )


MINI = str(FIXTURES / "mini_kb")


def test_ask_prints_answer_and_citations() -> None:
    result = run("--knowledge", MINI, "ask", "who plays cheyenne?")
    assert result.returncode == 0, result.stderr
    assert "Lou de Laâge plays Cheyenne" in result.stdout
    assert "Sources:" in result.stdout and "Example Outlet" in result.stdout
    assert "https://example.org/panel" in result.stdout


def test_a_french_question_is_answered_in_french_unless_told_otherwise() -> None:
    french = run("--knowledge", MINI, "ask", "qui joue cheyenne ?")
    assert "Lou de Laâge joue Cheyenne" in french.stdout and "Sources :" in french.stdout
    forced = run("--knowledge", MINI, "--lang", "en", "ask", "qui joue cheyenne ?")
    assert "Lou de Laâge plays Cheyenne" in forced.stdout and "Sources:" in forced.stdout
    untranslated = run("--knowledge", MINI, "ask", "qui joue jack ?")
    assert "Luke Kirby plays Jack" in untranslated.stdout
    assert "Pas encore de version française" in untranslated.stdout


def test_ask_abstains_honestly_with_nonzero_status() -> None:
    result = run("--knowledge", MINI, "ask", "best pizza topping")
    assert result.returncode == 1
    assert "I don't know" in result.stdout


def test_ask_json_lines() -> None:
    result = run("--knowledge", MINI, "ask", "--json", stdin="who plays jack\n\nhello?\njack\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["outcome"] for line in lines] == ["answer", "abstain", "choices"]
    first = lines[0]
    assert first["answered"] is True and first["id"] == "cast-jack"
    assert first["citations"][0]["publisher"] == "Other Outlet"
    assert first["quote"] is None and first["spoiler"] is False
    assert {c["id"] for c in lines[2]["choices"]} >= {"cast-jack", "jack-job"}


def test_empty_question_is_one_clear_line() -> None:
    result = run("--knowledge", MINI, "ask", "  ")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_knowledge_dir_is_one_clear_line(tmp_path: Path) -> None:
    result = run("--knowledge", str(tmp_path / "nope"), "ask", "who plays jack")
    assert result.returncode == 1
    assert "no knowledge folder" in result.stderr and "Traceback" not in result.stderr


def test_broken_yaml_is_one_clear_line_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "kb"
    shutil.copytree(FIXTURES / "mini_kb", broken)
    (broken / "bad.yaml").write_text("facts:\n  - id: [oops\n", encoding="utf-8")
    result = run("--knowledge", str(broken), "ask", "who plays jack")
    assert result.returncode == 1
    assert "bad.yaml:" in result.stderr and "Traceback" not in result.stderr
    check = run("kb", "check", str(broken))
    assert check.returncode == 1
    assert "bad.yaml:" in check.stdout


def test_kb_check_passes_on_shipped_knowledge() -> None:
    result = run("kb", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")


def test_kb_export_json_and_yaml() -> None:
    result = run("--knowledge", MINI, "kb", "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    fact = next(f for f in data["facts"] if f["id"] == "finale-twist")
    assert fact["spoiler"] is True and fact["questions"][0] == "How does the season end?"
    assert {"id", "questions", "answer", "tags", "sources", "spoiler"} <= set(fact)
    assert {"id", "text", "speaker", "sources", "context", "tags"} <= set(data["quotes"][0])
    assert {"id", "title", "publisher", "author", "date", "url"} == set(data["sources"][0])
    as_yaml = run("--knowledge", MINI, "kb", "export", "--format", "yaml")
    assert as_yaml.returncode == 0 and "cast-cheyenne" in as_yaml.stdout


def test_chat_session_on_piped_input() -> None:
    result = run(
        "--knowledge",
        MINI,
        "chat",
        stdin="who plays jack\njack\n2\n/quote toilet\n/sources\n/help\n/nope\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Luke Kirby plays Jack" in out
    assert "Did you mean" in out and "Type a number to pick one." in out
    assert "toilet paper" in out and "Amy Sherman-Palladino" in out
    assert "Example Outlet" in out and "/quote" in out and "Unknown command /nope" in out
    assert out.rstrip().endswith("Bye!")


def test_the_chat_follows_up_on_the_last_answer() -> None:
    result = run(
        "--knowledge", MINI, "chat", stdin="who plays cheyenne?\nand jack?\nsource?\nthanks!\n"
    )
    out = result.stdout
    assert "Luke Kirby plays Jack" in out  # "and jack?" reuses "who plays ...?"
    assert "Where the last answer comes from:" in out and "Other Outlet" in out
    assert "You're welcome!" in out


@pytest.mark.parametrize("command", [[], ["chat"]])
def test_main_job_without_token_opens_the_chat(command: list[str]) -> None:
    result = run(*command, stdin="qui joue jack ?\n")
    assert result.returncode == 0, result.stderr
    assert "Étoile Q&A" in result.stdout and "Kirby" in result.stdout


def test_ask_explain_shows_terms_features_and_decision() -> None:
    result = run("--knowledge", MINI, "ask", "--explain", "wer spielt Cheyenne?")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "wer -> who" in out and "spielt -> play" in out
    assert "cast-cheyenne" in out and "confidence:" in out
    assert "decision: answer" in out and "Laâge" in out


def test_run_uses_the_knowledge_folder_given_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[Path] = []
    monkeypatch.setenv("DISCORD_TOKEN", "x" * 60)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setattr(
        runner, "run_bot", lambda settings, **_: seen.append(settings.knowledge_dir) or 0
    )
    assert cli.main(["--knowledge", MINI, "run"]) == 0
    assert seen == [Path(MINI).resolve()]
