"""One presentation model: Discord and the terminal show the same things for an answer."""

from __future__ import annotations

import dataclasses

from bot.kb.model import Quote, Source
from bot.presentation import present
from bot.qa.answer import Outcome
from bot.render import render_answer as on_discord
from bot.terminal import render_answer as in_terminal
from tests.test_render import fact_answer

SOURCE = Source("s", "A title", "Outlet", None, "2025-05-28", "https://example.org/a")
QUOTE = Quote("q", "We come in peace.", "amy", ("s",))


def test_both_media_show_the_answer_the_quote_its_speaker_and_the_sources() -> None:
    answer = fact_answer("Jack runs the company.", sources=(SOURCE,), quote=QUOTE)
    embed = on_discord(answer).embed
    discord_text = f"{embed.description}\n{embed.fields[0].value}"
    terminal_text = in_terminal(answer)
    for shown in ("Jack runs the company.", "We come in peace.", "Amy", "A title", "Outlet"):
        assert shown in discord_text and shown in terminal_text, shown


def test_a_spoiler_is_marked_with_its_episode_in_both_media() -> None:
    answer = fact_answer("The finale twist.", spoiler_episode=8)
    assert present(answer).spoiler_episode == 8
    assert "episode 8" in (on_discord(answer).content or "")
    assert "[Spoiler for episode 8]" in in_terminal(answer)


def test_a_season_spoiler_without_an_episode_is_still_hidden_and_flagged() -> None:
    answer = fact_answer("The season arc.")
    assert answer.fact is not None
    season = dataclasses.replace(answer, fact=dataclasses.replace(answer.fact, spoiler=True))
    rendered = on_discord(season)
    assert "the season's plot" in (rendered.content or "")
    assert rendered.embed.description == "||The season arc.||"
    assert "[Spoiler for the season's plot]" in in_terminal(season)


def test_a_dont_know_the_sources_explain_shows_its_sources_in_both_media() -> None:
    answer = fact_answer("The sources do not name the composer.", sources=(SOURCE,))
    unknown = dataclasses.replace(answer, outcome=Outcome.ABSTAIN)
    embed = on_discord(unknown).embed
    assert embed.description == "The sources do not name the composer."
    assert "Outlet" in embed.fields[0].value
    assert "Outlet" in in_terminal(unknown)
