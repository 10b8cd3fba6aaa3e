"""Shared fixtures: real knowledge files on disk, loaded the way the bot loads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.loader import load_directory
from bot.kb.model import KnowledgeBase
from bot.qa.engine import Engine
from bot.settings import default_knowledge_dir

FIXTURES = Path(__file__).parent / "fixtures"


def _load(directory: Path) -> KnowledgeBase:
    assembly = load_directory(directory)
    assert assembly.ok, "\n".join(map(str, assembly.problems))
    assert assembly.knowledge is not None
    return assembly.knowledge


@pytest.fixture(scope="session")
def mini_kb() -> KnowledgeBase:
    return _load(FIXTURES / "mini_kb")


@pytest.fixture(scope="session")
def mini_engine(mini_kb: KnowledgeBase) -> Engine:
    return Engine(mini_kb)


@pytest.fixture(scope="session")
def shipped_kb() -> KnowledgeBase:
    return _load(default_knowledge_dir())


@pytest.fixture(scope="session")
def shipped_engine(shipped_kb: KnowledgeBase) -> Engine:
    return Engine(shipped_kb)
