"""Settings come from the environment and .env, typed, with secrets that never print."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, writable_knowledge_dir


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Only what a test sets: the developer's own DISCORD_TOKEN must not leak in."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_dotenv_fills_in_and_the_environment_wins(
    tmp_path: Path, clean_environment: pytest.MonkeyPatch
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nDISCORD_TOKEN='from-file'\nOWNER_IDS=1, 2\nDEV_GUILD_ID=99\nexport LOG_LEVEL=debug\n"
        "SHARD_COUNT=\nMESSAGE_CONTENT_INTENT=true\nKNOWLEDGE_DIR=/kb\n",
        encoding="utf-8",
    )
    clean_environment.setenv("DISCORD_TOKEN", "from-env")
    clean_environment.setenv("DATA_DIR", str(tmp_path / "d"))
    settings = Settings.from_env(dotenv)
    assert settings.discord_token.get_secret_value() == "from-env"
    assert settings.owner_ids == frozenset({1, 2}) and settings.dev_guild_id == 99
    assert settings.log_level == "DEBUG" and settings.shard_count is None
    assert settings.message_content_intent is True
    assert settings.knowledge_dir == Path("/kb") and settings.data_dir == tmp_path / "d"


def test_the_token_never_shows_in_repr_or_str(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("DISCORD_TOKEN", "super-secret-token")
    settings = Settings.from_env(Path("/nonexistent"))
    assert "super-secret-token" not in repr(settings)
    assert "super-secret-token" not in str(settings.discord_token)
    assert "super-secret-token" not in f"{settings.discord_token}"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OWNER_IDS", "alice", "OWNER_IDS: .*must be a list of numeric Discord ids"),
        ("DEV_GUILD_ID", "abc", "DEV_GUILD_ID: .*integer"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: .*'DEBUG'"),
        ("COOLDOWN_SECONDS", "soon", "COOLDOWN_SECONDS: .*number"),
        ("QUESTION_RETENTION_DAYS", "0", "QUESTION_RETENTION_DAYS: .*greater than or equal to 1"),
    ],
)
def test_bad_values_are_named(
    name: str, value: str, message: str, clean_environment: pytest.MonkeyPatch
) -> None:
    clean_environment.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(Path("/nonexistent"))


def test_dotenv_with_a_byte_order_mark_keeps_its_first_key(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_bytes("\ufeffOWNER_IDS=42\n".encode())
    assert Settings.from_env(dotenv).owner_ids == frozenset({42})


def test_dotenv_drops_a_comment_after_an_unquoted_value_only(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text('LOG_LEVEL=debug # chatty\nDATA_DIR="a #b" # where\n', encoding="utf-8")
    settings = Settings.from_env(dotenv)
    assert settings.log_level == "DEBUG" and settings.data_dir.name == "a #b"


def test_dotenv_that_is_not_utf8_is_one_clear_error(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"DISCORD_TOKEN=\xff\xfe\n")
    with pytest.raises(SettingsError, match="not UTF-8"):
        Settings.from_env(dotenv)


def test_paths_are_resolved_once_whatever_the_working_directory(
    tmp_path: Path, clean_environment: pytest.MonkeyPatch
) -> None:
    clean_environment.chdir(tmp_path)
    clean_environment.setenv("DATA_DIR", "data")
    clean_environment.setenv("KNOWLEDGE_DIR", "kb")
    settings = Settings.from_env(tmp_path / ".env")
    assert settings.data_dir == tmp_path / "data" and settings.knowledge_dir == tmp_path / "kb"


def test_shared_edits_never_go_into_the_installed_package(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "bot"
    shipped = package / "_knowledge"
    shipped.mkdir(parents=True)
    (shipped / "facts.yaml").write_text("facts: []\n", encoding="utf-8")
    data = tmp_path / "data"
    chosen = writable_knowledge_dir(shipped, data, package_dir=package)
    assert chosen == data / "knowledge" and (chosen / "facts.yaml").is_file()
    (chosen / "facts.yaml").write_text("facts: [] # edited\n", encoding="utf-8")
    assert writable_knowledge_dir(shipped, data, package_dir=package) == chosen  # kept
    assert "edited" in (chosen / "facts.yaml").read_text(encoding="utf-8")
    checkout = tmp_path / "repo" / "knowledge"
    assert writable_knowledge_dir(checkout, data, package_dir=package) == checkout
