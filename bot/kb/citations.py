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
    discord.py's escape_markdown), so a title cannot bold, mask or add a link. A
    spoiler source's title and address are shown only inside spoiler tags.
    """
    title = f"“{escape(source.title)}”"
    if source.url:
        title = f"[{escape(source.title)}]({source.url})" if markdown else f"{title} <{source.url}>"
    if source.spoiler:
        title = spoiler_tags(title)
    parts = [f"{title} — {escape(source.publisher)}"]
    if source.author:
        parts.append(escape(source.author))
    if source.date:
        parts.append(source.date)
    return ", ".join(parts)


def spoiler_tags(text: str) -> str:
    """Discord's spoiler tags (read as such in the terminal too); a '||' inside the
    text would end the spoiler early."""
    return f"||{text.replace('||', '| |')}||"


def citations_text(sources: Iterable[Source], *, markdown: bool = True) -> str:
    """The citations as bulleted lines, as long as they would be in an embed field."""
    return "\n".join(f"• {citation_line(s, markdown=markdown)}" for s in sources)


def citation_dict(source: Source) -> dict[str, str | bool | None]:
    """A source as plain fields, for the JSON output of answers; a spoiler source's
    title and address stay inside spoiler tags there too."""
    hide = spoiler_tags if source.spoiler else _as_is
    return {
        "title": hide(source.title),
        "publisher": source.publisher,
        "author": source.author,
        "date": source.date,
        "url": hide(source.url) if source.url else None,
        "spoiler": source.spoiler,
    }
