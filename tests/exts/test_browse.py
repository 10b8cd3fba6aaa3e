"""/quote, /cast, /episode, /sources, /about and the Q&A channel, end to end."""

from __future__ import annotations

from tests.exts.conftest import Harness


async def command(harness: Harness, command_name: str, **options):
    handle = await harness.fake.send_slash_command(
        command_name, options, user=harness.world.bob, channel=harness.world.general
    )
    return await handle.wait_response()


async def test_quote_about_a_topic_is_verbatim_with_speaker_and_source(harness) -> None:
    response = await command(harness, "quote", about="toilet paper")
    embed = response.embeds[0]
    assert "toilet paper" in embed["description"] and "Amy Sherman-Palladino" in embed["title"]
    quote = next(q for q in harness.bot.knowledge.base.quotes.values() if "toilet paper" in q.text)
    assert quote.text in embed["description"]
    assert any(f["name"] == "Source" for f in embed["fields"])


async def test_random_quote_and_unknown_topic(harness) -> None:
    assert (await command(harness, "quote")).embeds
    missing = await command(harness, "quote", about="zzzz qqqq")
    assert missing.ephemeral and "no quote" in missing.content


async def test_cast_both_directions_and_main_cast(harness) -> None:
    by_actor = (await command(harness, "cast", name="lou de laage")).embeds[0]
    assert by_actor["fields"][0]["name"].startswith("Cheyenne")
    by_character = (await command(harness, "cast", name="Genevieve")).embeds[0]
    assert "Charlotte Gainsbourg" in by_character["fields"][0]["value"]
    main = (await command(harness, "cast")).embeds[0]
    assert main["title"] == "Main cast" and len(main["fields"]) >= 5
    harness.fake.assert_no_violations()


async def test_episode_list_one_episode_and_spoilers_hidden(harness) -> None:
    listing = (await command(harness, "episode")).embeds[0]
    assert "The Swap" in listing["description"]
    last = max(harness.bot.knowledge.base.episodes)
    one = (await command(harness, "episode", episode=str(last))).embeds[0]
    assert one["title"].startswith(f"Episode {last}:")
    for field in one["fields"]:
        if field["name"].startswith("Spoiler"):
            assert field["value"].startswith("||") and field["value"].endswith("||")


async def test_sources_are_paginated_with_buttons(harness) -> None:
    response = await command(harness, "sources")
    assert response.ephemeral and response.embeds[0]["footer"]["text"].startswith("Page 1 of")
    next_button = next(
        c for row in response.components for c in row["components"] if c["label"] == "Next"
    )
    click = await harness.fake.click_button(
        response.message, next_button["custom_id"], user=harness.world.bob
    )
    turned = await click.wait_response()
    assert turned.embeds[0]["footer"]["text"].startswith("Page 2 of")
    harness.fake.assert_no_violations()


async def test_about_counts_facts_and_explains_reporting(harness) -> None:
    embed = (await command(harness, "about")).embeds[0]
    knowledge = next(f for f in embed["fields"] if f["name"] == "Knowledge")
    assert f"{len(harness.bot.knowledge.base.facts)} facts" in knowledge["value"]
    assert any("Wrong" in f["value"] for f in embed["fields"])


async def test_autocomplete_on_browse_commands(harness) -> None:
    for name, option, typed in (
        ("cast", "name", "gainsb"),
        ("quote", "about", "amy"),
        ("episode", "episode", "rat"),
    ):
        handle = await harness.fake.send_autocomplete(
            name,
            {option: typed},
            focused=option,
            user=harness.world.bob,
            channel=harness.world.general,
        )
        names = (await handle.wait_response()).choice_names
        assert names and len(names) <= 25, (name, names)
    harness.fake.assert_no_violations()
