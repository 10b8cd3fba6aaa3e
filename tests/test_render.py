"""Embed rendering within Discord's limits; truncation never cuts the citations."""

from __future__ import annotations

import re

import discord

from bot.exts.ask import answer_view
from bot.i18n import Texts
from bot.kb.citations import spoiler_tags
from bot.kb.model import Fact, Quote, Source
from bot.qa.answer import Answer, Choice, Outcome
from bot.render import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    TITLE_LIMIT,
    choice_label,
    citations_field,
    paginate,
    render_answer,
    truncate,
)

SOURCE = Source("s", "A title", "Outlet", "Author", "2025-05-28", "https://example.org/a")


def fact_answer(
    answer: str,
    *,
    question: str = "Who plays Jack?",
    sources=(SOURCE,),
    quote: Quote | None = None,
    spoiler_episode=None,
) -> Answer:
    fact = Fact(
        "f",
        question,
        answer,
        tuple(s.id for s in sources),
        spoiler_episode=spoiler_episode,
        quote=quote.id if quote else None,
    )
    return Answer(
        question,
        Outcome.ANSWER,
        1.0,
        fact=fact,
        quote=quote,
        speaker="Amy" if quote else None,
        citations=tuple(sources),
        text=answer,
    )


def within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= TITLE_LIMIT
    assert len(embed.description or "") <= DESCRIPTION_LIMIT
    assert all(len(f.value) <= FIELD_VALUE_LIMIT for f in embed.fields)
    assert len(embed) <= EMBED_TOTAL_LIMIT


def test_truncate_cuts_at_a_word_with_an_ellipsis() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("one two three four five six", 15)
    assert len(cut) <= 15 and cut.endswith("…") and cut == "one two three…"


def test_huge_answer_is_cut_but_citations_stay_whole() -> None:
    rendered = render_answer(fact_answer("word " * 3000, question="q" * 400))
    embed = rendered.embed
    within_limits(embed)
    assert embed.description.endswith("…")
    assert (
        embed.fields[0].value == "• [A title](https://example.org/a) — Outlet, Author, 2025-05-28"
    )


def test_many_sources_drop_whole_lines_with_a_count() -> None:
    sources = [
        Source(
            f"s{i}", f"Title number {i} " + "x" * 80, "Outlet", None, "2025", f"https://e.org/{i}"
        )
        for i in range(30)
    ]
    value = citations_field([f"[{s.title}]({s.url}) — {s.publisher}" for s in sources])
    assert len(value) <= FIELD_VALUE_LIMIT
    assert value.endswith("more") and "Title number 0" in value


def test_quote_is_shown_with_its_speaker() -> None:
    quote = Quote("q", "We come in peace.", "amy", ("s",))
    embed = render_answer(fact_answer("An answer.", quote=quote)).embed
    assert "> “We come in peace.”\n> — **Amy**" in embed.description


def test_spoilers_hidden_in_tags_with_a_warning_and_a_neutral_title() -> None:
    rendered = render_answer(
        fact_answer(
            "Jack and Cheyenne kiss.", question="Do Jack and Cheyenne kiss?", spoiler_episode=8
        )
    )
    assert rendered.content == "⚠️ **Spoiler for episode 8** below."
    assert rendered.embed.title == "Spoiler: episode 8"
    assert rendered.embed.description == "||Jack and Cheyenne kiss.||"
    shown = render_answer(
        fact_answer("Jack and Cheyenne kiss.", spoiler_episode=8), hide_spoilers=False
    )
    assert shown.embed.description == "Jack and Cheyenne kiss."


def test_spoiler_tags_cannot_be_closed_early() -> None:
    assert spoiler_tags("a || b") == "||a | | b||"


def test_choice_labels_never_reveal_spoilers() -> None:
    assert choice_label("Do Jack and Cheyenne kiss?", True) == "A spoiler question (hidden)"
    assert len(choice_label("x" * 300, False)) == 100


async def test_a_close_call_offers_its_choices_once_as_buttons() -> None:
    answer = Answer(
        "jack",
        Outcome.CHOICES,
        0.5,
        choices=(Choice("a", "Who plays Jack?", 0.5), Choice("b", "Secret", 0.4, True)),
    )
    embed = render_answer(answer).embed
    assert "Who plays Jack?" not in embed.description  # the buttons are the list
    view = answer_view(answer, 1, 7, ephemeral=False, t=Texts())
    assert view is not None
    labels = [getattr(child, "item", child).label for child in view.children]
    assert labels == ["Who plays Jack?", "A spoiler question (hidden)", "None of these"]


def test_pages_hold_whole_lines_within_the_description_limit() -> None:
    pages = paginate([f"line {i} " + "y" * 900 for i in range(30)], per_page=10)
    assert all(len(p) <= DESCRIPTION_LIMIT for p in pages)
    assert sum(p.count("line ") for p in pages) == 30


def test_a_source_title_cannot_add_markup_or_a_second_link() -> None:
    hostile = Source(
        "h",
        "**Big** [Download](https://evil.example)",
        "Out_let",
        None,
        None,
        "https://good.example/a",
    )
    field = render_answer(fact_answer("Text.", sources=(hostile,))).embed.fields[0].value
    assert "[Download](https://evil.example)" not in field and "**Big**" not in field
    assert re.findall(r"(?<!\\)\]\((\S+?)\)", field) == ["https://good.example/a"]


def test_a_spoiler_source_shows_its_title_and_link_only_in_spoiler_tags() -> None:
    finale = Source("f", "The finale's kiss", "Outlet", None, "2025", "https://e.org/kiss", True)
    field = render_answer(fact_answer("Eight episodes.", sources=(finale,))).embed.fields[0]
    assert field.value == "• ||[The finale's kiss](https://e.org/kiss)|| — Outlet, 2025"
