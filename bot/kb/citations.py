"""How a source is cited, the same way in the terminal, in JSON and on Discord."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.kb.model import Source


def _as_is(text: str) -> str:
    return text


def citation_line(
    source: Source, *, markdown: bool = True, escape: Callable[[str], str] = _as_is
) -> str:
    """'Title' — Publisher (Author), date, with the title linked when there is a URL.

    With `markdown`, `escape` is applied to every text (the Discord layer passes
    discord.py's escape_markdown), so a title cannot bold, mask or add a link.
    """
    title = f"“{escape(source.title)}”"
    if source.url and markdown:
        title = f"[{escape(source.title)}]({source.url})"
    parts = [f"{title} — {escape(source.publisher)}"]
    if source.author:
        parts.append(escape(source.author))
    if source.date:
        parts.append(source.date)
    line = ", ".join(parts)
    if source.url and not markdown:
        line += f" <{source.url}>"
    return line


def citations_text(sources: Iterable[Source], *, markdown: bool = True) -> str:
    """The citations as bulleted lines, as long as they would be in an embed field."""
    return "\n".join(f"• {citation_line(s, markdown=markdown)}" for s in sources)


def citation_dict(source: Source) -> dict[str, str | None]:
    """A source as plain fields, for the JSON output of answers."""
    return {
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "date": source.date,
        "url": source.url,
    }
