"""All configuration, typed, read once from the environment (and a `.env` file).

Every setting is documented in `.env.example`. pydantic-settings reads and types them
(python-dotenv for `.env`); the token is a `SecretStr`, so it never shows in `repr()` or
logs.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent


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


def _blank_is_none(value: object) -> object:
    """An empty `KEY=` line means "not set", as in .env.example."""
    return None if isinstance(value, str) and not value.strip() else value


class Settings(BaseSettings):
    """Every setting of the bot, typed and validated once at start."""

    model_config = SettingsConfigDict(
        env_file_encoding="utf-8-sig",  # a byte-order mark must not hide the first key
        extra="ignore",
        frozen=True,
        validate_default=True,
    )

    discord_token: SecretStr = SecretStr("")
    owner_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    dev_guild_id: int | None = None
    data_dir: Path = Path("data")
    knowledge_dir: Path = Field(default_factory=default_knowledge_dir)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    shard_count: int | None = None
    cooldown_seconds: float = Field(3.0, ge=0)
    max_question_chars: int = 300
    watch_interval_seconds: float = 2.0
    question_retention_days: int = Field(90, ge=1)  # questions and ratings are deleted after
    message_content_intent: bool = False

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):  # "1, 2 3"
            parts = value.replace(",", " ").split()
            if not all(part.isdigit() for part in parts):
                raise ValueError(f"must be a list of numeric Discord ids, got {value!r}")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator(
        "dev_guild_id", "shard_count", "knowledge_dir", "question_retention_days", mode="before"
    )
    @classmethod
    def _blank(cls, value: object, info: ValidationInfo) -> object:
        value = _blank_is_none(value)
        if value is None and info.field_name == "knowledge_dir":
            return default_knowledge_dir()
        if value is None and info.field_name == "question_retention_days":
            return 90
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("data_dir", "knowledge_dir", mode="after")
    @classmethod
    def _resolved(cls, value: Path) -> Path:
        # Resolved once, here: nothing later depends on the working directory.
        return value.expanduser().resolve()

    @classmethod
    def from_env(cls, dotenv: Path | None = None) -> Settings:
        """The environment, with `.env` (or `dotenv`) filling in what it lacks."""
        try:
            return cls(_env_file=dotenv or Path(".env"))  # type: ignore[call-arg]
        except UnicodeDecodeError as error:
            raise SettingsError(
                f"{dotenv or '.env'} is not UTF-8 text (byte {error.start})"
            ) from None
        except ValidationError as error:
            first = error.errors()[0]
            name = str(first["loc"][0]).upper() if first["loc"] else "a setting"
            raise SettingsError(f"{name}: {first['msg']}") from None
