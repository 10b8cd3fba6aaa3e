"""All configuration, typed, read once from the environment (and a `.env` file).

Every setting is documented in `.env.example`. Secrets never appear in `repr()` or
logs: the token is wrapped in `Secret`.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


class Secret(str):
    """A string that hides itself when printed or logged."""

    def __repr__(self) -> str:
        return "Secret('********')" if self else "Secret('')"

    def reveal(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return "********" if self else ""


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


def default_knowledge_dir() -> Path:
    """The repository's knowledge/ folder in a checkout, else the copy shipped in the wheel."""
    checkout = PACKAGE_DIR.parent / "knowledge"
    if checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "_knowledge"


def writable_knowledge_dir(
    knowledge_dir: Path, data_dir: Path, package_dir: Path = PACKAGE_DIR
) -> Path:
    """Where shared edits are written: never into the installed package.

    The copy shipped in the wheel seeds `DATA_DIR/knowledge` the first time; after that
    the data folder's copy is the shared knowledge the owners edit.
    """
    if not knowledge_dir.resolve().is_relative_to(package_dir.resolve()):
        return knowledge_dir
    copy = data_dir / "knowledge"
    if not copy.is_dir():
        staging = data_dir / ".knowledge-seeding"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(knowledge_dir, staging)
        staging.rename(copy)  # whole or not at all, even if the first start is killed
    return copy


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as shells and python-dotenv read them: comments, blank lines and a
    byte-order mark ignored, quotes removed, and " # note" after an unquoted value dropped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SettingsError(f"{path} is not UTF-8 text (byte {error.start})") from None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] in "'\"" and value[0] in value[1:]:
            value = value[1 : value.index(value[0], 1)]
        else:
            value = _INLINE_COMMENT.split(value, maxsplit=1)[0].strip()
        values[key] = value
    return values


_INLINE_COMMENT = re.compile(r"\s+#")


def _ids(name: str, raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(",", " ").split())
    except ValueError:
        raise SettingsError(f"{name} must be a list of numeric Discord ids, got {raw!r}") from None


def _optional_int(name: str, raw: str) -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    discord_token: Secret = field(default_factory=lambda: Secret(""))
    owner_ids: frozenset[int] = frozenset()
    dev_guild_id: int | None = None
    data_dir: Path = Path("data")
    knowledge_dir: Path = field(default_factory=default_knowledge_dir)
    log_level: str = "INFO"
    shard_count: int | None = None
    cooldown_seconds: float = 3.0
    max_question_chars: int = 300
    watch_interval_seconds: float = 2.0
    question_retention_days: int = 90  # questions and feedback are deleted after this
    message_content_intent: bool = False

    @classmethod
    def from_env(
        cls, environ: dict[str, str] | None = None, dotenv: Path | None = None
    ) -> Settings:
        """Settings from the environment; a `.env` file fills in what the environment lacks."""
        env = dict(read_dotenv(dotenv or Path(".env")))
        env.update(os.environ if environ is None else environ)
        level = env.get("LOG_LEVEL", "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
        try:
            cooldown = float(env.get("COOLDOWN_SECONDS", "3") or 3)
        except ValueError:
            raise SettingsError("COOLDOWN_SECONDS must be a number of seconds") from None
        knowledge = env.get("KNOWLEDGE_DIR", "").strip()
        return cls(
            discord_token=Secret(env.get("DISCORD_TOKEN", "").strip()),
            owner_ids=_ids("OWNER_IDS", env.get("OWNER_IDS", "")),
            dev_guild_id=_optional_int("DEV_GUILD_ID", env.get("DEV_GUILD_ID", "")),
            # Resolved once, here: nothing later depends on the working directory.
            data_dir=Path(env.get("DATA_DIR", "").strip() or "data").expanduser().resolve(),
            knowledge_dir=(
                Path(knowledge).expanduser() if knowledge else default_knowledge_dir()
            ).resolve(),
            log_level=level,
            shard_count=_optional_int("SHARD_COUNT", env.get("SHARD_COUNT", "")),
            cooldown_seconds=cooldown,
            question_retention_days=_optional_int(
                "QUESTION_RETENTION_DAYS", env.get("QUESTION_RETENTION_DAYS", "")
            )
            or 90,
            message_content_intent=env.get("MESSAGE_CONTENT_INTENT", "").strip().lower()
            in ("1", "true", "yes", "on"),
        )
