"""Turning answers into Discord messages that respect every Discord limit.

Rendering only: no I/O. Truncation always cuts the answer text, never the
citations, because an answer without its sources is worse than a shorter one.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.i18n import Texts
from bot.kb.citations import citation_line, spoiler_tags
from bot.kb.model import KnowledgeBase, Quote, Source
from bot.presentation import HIDDEN_SPOILER, present
from bot.qa.answer import Answer, Outcome

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
CHOICE_LIMIT = 25
CHOICE_NAME_LIMIT = 100
BUTTON_LABEL_LIMIT = 80
TEXT_INPUT_LIMIT = 4000

COLOUR = discord.Colour.from_rgb(201, 162, 39)  # stage-light gold
NO_MENTIONS = discord.AllowedMentions.none()


def cite(source: Source) -> str:
    """A citation as Markdown, its texts escaped: a source's title is data, not markup."""
    return citation_line(source, escape=escape_text)


def escape_text(text: str) -> str:
    """discord.py's escape_markdown, plus "]", which would close a masked link's text
    early and let the rest of a title choose where the link goes."""
    return discord.utils.escape_markdown(text).replace("]", "\\]")


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary when possible, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def citations_field(sources: list[str], t: Texts | None = None) -> str:
    """The citations, one per line, dropping whole lines (never cutting one) to fit."""
    t = t or Texts()
    lines = [f"• {line}" for line in sources]
    while lines and len("\n".join(lines)) > FIELD_VALUE_LIMIT:
        dropped = len(sources) - len(lines) + 1
        lines = lines[:-1]
        more = t("…and {count} more", count=dropped)
        if len("\n".join([*lines, more])) <= FIELD_VALUE_LIMIT:
            return "\n".join([*lines, more])
    return "\n".join(lines) or "—"


@dataclass(frozen=True)
class Rendered:
    """Keyword arguments for a send call: content and embed."""

    content: str | None
    embed: discord.Embed


def quote_block(quote: Quote, speaker: str) -> str:
    """A quote and its speaker as a Markdown block quote."""
    return f"> “{quote.text}”\n> — **{speaker}**"


def render_answer(
    answer: Answer, *, hide_spoilers: bool = True, t: Texts | None = None, spoilers: bool = False
) -> Rendered:
    """An answer as an embed (and a spoiler warning), within every Discord limit.

    Choices, related facts and nearest facts are offered as buttons (`exts/ask.py`),
    so the embed does not list them a second time.
    """
    t = t or Texts()
    shown = present(answer, t, spoilers=spoilers)
    if shown.outcome is Outcome.ABSTAIN:
        embed = discord.Embed(description=shown.message, colour=discord.Colour.light_grey())
        if shown.citations:  # a don't-know the sources explain keeps its sources
            embed.add_field(
                name=t("Sources"),
                value=citations_field([cite(s) for s in shown.citations], t),
                inline=False,
            )
        return Rendered(None, embed)
    if shown.outcome is Outcome.CHOICES:
        embed = discord.Embed(
            title=t("Did you mean one of these?"),
            description=shown.message,
            colour=discord.Colour.blurple(),
        )
        return Rendered(None, embed)
    is_spoiler = shown.spoiler and hide_spoilers
    title = t("Spoiler: {what}", what=shown.spoiler_label(t)) if is_spoiler else shown.title
    quote_text = quote_block(shown.quote, shown.speaker) if shown.quote else ""
    citations = citations_field([cite(s) for s in shown.citations], t)
    sources_name = t("Sources")
    footer = t("{reference} · 👎 Wrong tells the moderators", reference=shown.reference)
    note = f"*{shown.note}*" if shown.note else ""
    room = min(
        DESCRIPTION_LIMIT,
        EMBED_TOTAL_LIMIT - len(title) - len(citations) - len(sources_name) - len(footer),
    ) - (len(note) + 2 if note else 0)
    parts: list[str] = []
    if shown.body:
        quote_room = len(quote_text) + 2 if quote_text else 0
        budget = room - quote_room - (4 if is_spoiler else 0)
        if budget < 100 and quote_text:  # a huge quote: shorten the quote, keep the answer
            quote_text = truncate(quote_text, max(0, room // 2))
            budget = room - len(quote_text) - 2 - (4 if is_spoiler else 0)
        text = truncate(shown.body, budget)
        parts.append(spoiler_tags(text) if is_spoiler else text)
    if quote_text:
        parts.append(truncate(quote_text, room - sum(len(p) + 2 for p in parts)))
    if note:
        parts.append(note)
    embed = discord.Embed(
        title=truncate(title, TITLE_LIMIT),
        description="\n\n".join(parts),
        colour=COLOUR,
    )
    embed.add_field(name=sources_name, value=citations, inline=False)
    embed.set_footer(text=truncate(footer, FOOTER_LIMIT))
    content = None
    if shown.spoiler:
        content = t("⚠️ **Spoiler for {what}** below.", what=shown.spoiler_label(t))
    return Rendered(content, embed)


def choice_label(
    question: str, is_spoiler: bool, limit: int = CHOICE_NAME_LIMIT, t: Texts | None = None
) -> str:
    """A choice never reveals a spoiler, even in its label."""
    return (t or Texts())(HIDDEN_SPOILER) if is_spoiler else truncate(question, limit)


def render_quote(kb: KnowledgeBase, quote: Quote, t: Texts | None = None) -> Rendered:
    """A quote as an embed with its context and source, for /quote."""
    t = t or Texts()
    speaker = kb.speaker_name(quote)
    embed = discord.Embed(
        title=truncate(t("A quote by {speaker}", speaker=speaker), TITLE_LIMIT),
        description=truncate(quote_block(quote, speaker), DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    if quote.context:
        embed.add_field(
            name=t("Context"), value=truncate(quote.context, FIELD_VALUE_LIMIT), inline=False
        )
    embed.add_field(
        name=t("Source"),
        value=citations_field([cite(s) for s in kb.citations(quote.sources)], t),
        inline=False,
    )
    embed.set_footer(text=f"quote {quote.id}")
    return Rendered(None, embed)


def paginate(lines: list[str], per_page: int = 10, t: Texts | None = None) -> list[str]:
    """Pages of whole lines, each within an embed description."""
    pages: list[str] = []
    current: list[str] = []
    for line in lines:
        line = truncate(line, 1000)
        if len(current) >= per_page or len("\n".join([*current, line])) > DESCRIPTION_LIMIT:
            pages.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        pages.append("\n".join(current))
    t = t or Texts()
    return pages or [t("Nothing here yet.")]
