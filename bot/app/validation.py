"""Knowledge checked as the bot will read it: every file rule, plus the engine's own
view of which phrasings are the same question (kb knows files, qa knows reading)."""

from __future__ import annotations

from pathlib import Path

from bot.kb.loader import Assembly, Document, assemble, load_documents
from bot.kb.model import KnowledgeBase
from bot.qa.normalize import normalize


def check(documents: list[Document], base: KnowledgeBase | None = None) -> Assembly:
    """Merge and check documents (over a base), as `kb check` and every save do."""
    return assemble(documents, base, question_key=normalize)


def check_folder(directory: Path) -> Assembly:
    """Read and check a whole knowledge folder."""
    return check(load_documents(directory))
