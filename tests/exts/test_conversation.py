"""Talking like a fan server expects, end to end through the fake Discord: follow-ups,
related facts, did-you-mean, small talk, answering for a member, /help, French."""

from __future__ import annotations

from bot.i18n import french_messages
from tests.exts.conftest import settle


def buttons(response) -> list[dict]:  # type: ignore[no-untyped-def]
    return [c for row in response.components for c in row["components"]]


async def test_a_follow_up_uses_the_previous_answer_across_interactions(harness) -> None:
    _, first = await harness.ask("who plays cheyenne?")
    assert "Lou de Laâge" in first.embeds[0]["description"]
    _, second = await harness.ask("and jack?")
    assert "Luke Kirby" in second.embeds[0]["description"]
    _, sources = await harness.ask("source?")
    embed = sources.embeds[0]
    assert "Where the last answer comes from:" in embed["description"]
    assert "Amazon Ads" in next(f for f in embed["fields"] if f["name"] == "Sources")["value"]
    # Another fan in the same channel has no context: "and jack?" is just a name to them.
    _, other = await harness.ask("and jack?", user=harness.world.alice)
    assert other.embeds[0].get("title") == "Did you mean one of these?"
    harness.fake.assert_no_violations()


async def test_follow_ups_work_in_mentions_too(harness) -> None:
    bot_user = harness.fake.bot_user

    async def mention(text: str):  # type: ignore[no-untyped-def]
        handle = await harness.fake.send_message(
            harness.world.general,
            harness.world.bob,
            f"<@{bot_user.id}> {text}",
            mentions=[bot_user],
        )
        return await handle.wait_reply()

    assert "Lou de Laâge" in (await mention("who plays cheyenne?")).embeds[0]["description"]
    assert "Luke Kirby" in (await mention("and jack?")).embeds[0]["description"]


async def test_related_facts_are_buttons_that_answer_below(harness) -> None:
    _, response = await harness.ask("who plays gael?")
    related = [b for b in buttons(response) if b["custom_id"].startswith("qa:rel:")]
    assert 1 <= len(related) <= 3 and all(len(b["label"]) <= 80 for b in related)
    fact_id = related[0]["custom_id"].rsplit(":", 1)[1]
    assert not harness.bot.knowledge.base.facts[fact_id].is_spoiler  # none by default
    click = await harness.fake.click_button(
        response.message, related[0]["custom_id"], user=harness.world.bob
    )
    shown = await click.wait_response()
    assert shown.type == 4  # a new message: the answer it came from stays
    assert shown.embeds[0]["footer"]["text"].startswith(f"fact {fact_id}")
    harness.fake.assert_no_violations()


async def test_a_dont_know_about_the_series_offers_the_nearest_facts(harness) -> None:
    _, about_series = await harness.ask("what is luke kirby's star sign")
    assert "I don't have that exact answer" in about_series.embeds[0]["description"]
    picks = [b for b in buttons(about_series) if b["custom_id"].startswith("qa:pick:")]
    assert picks and buttons(about_series)[-1]["label"] == "None of these"
    click = await harness.fake.click_button(
        about_series.message, picks[0]["custom_id"], user=harness.world.bob
    )
    picked = await click.wait_response()
    assert "Kirby" in picked.embeds[0]["description"]
    _, off_topic = await harness.ask("what is the best pizza in brooklyn")
    assert "I don't know that one" in off_topic.embeds[0]["description"]
    assert not off_topic.components  # an honest refusal, nothing to pick


async def test_small_talk_gets_a_friendly_reply(harness) -> None:
    _, thanks = await harness.ask("thanks!")
    assert thanks.embeds[0]["description"].startswith("You're welcome!")
    _, hello = await harness.ask("hi")
    assert hello.embeds[0]["description"].startswith("Hi!")


async def test_an_answer_for_a_member_pings_exactly_that_member(harness) -> None:
    world = harness.world
    _, response = await harness.ask("who plays jack", **{"for": world.alice})
    assert not response.ephemeral and "Luke Kirby" in response.embeds[0]["description"]
    assert f"<@{world.alice.id}>" in response.content
    message = response.message
    assert message.would_ping.users == [world.alice.id]
    assert not message.would_ping.everyone and not message.would_ping.roles
    (ping,) = harness.fake.violations_of("allowed_mentions")  # the one intended ping
    assert [int(u) for u in ping.details["allowed_mentions"]["users"]] == [world.alice.id]
    assert not ping.details["allowed_mentions"].get("parse")


async def test_answer_with_etoile_facts_replies_to_the_message_author(harness) -> None:
    world = harness.world
    posted = await harness.fake.send_message(world.general, world.alice, "who plays cheyenne?")
    handle = await harness.fake.send_message_command(
        "Answer with Étoile facts", posted.message, user=world.bob
    )
    response = await handle.wait_response()
    assert "Lou de Laâge" in response.embeds[0]["description"]
    assert response.message.would_ping.users == [world.alice.id]
    everyone = await harness.fake.send_message(world.general, world.alice, "@everyone hi there")
    refused = await (
        await harness.fake.send_message_command(
            "Answer with Étoile facts", everyone.message, user=world.bob
        )
    ).wait_response()
    assert refused.ephemeral and not refused.message.would_ping.any


async def test_help_shows_how_to_ask_with_examples(harness) -> None:
    handle = await harness.fake.send_slash_command(
        "help", user=harness.world.bob, channel=harness.world.general
    )
    embed = (await handle.wait_response()).embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "/ask who plays Cheyenne?" in fields["Try"] and "and Jack?" in fields["Try"]
    assert f"{len(harness.bot.knowledge.base.facts)} facts" in fields["What I know"]


async def test_french_locale_end_to_end(harness) -> None:
    handle = await harness.fake.send_slash_command(
        "ask",
        {"question": "qui joue Cheyenne ?"},
        user=harness.world.bob,
        channel=harness.world.general,
        locale="fr",
    )
    response = await handle.wait_response()
    embed = response.embeds[0]
    assert embed["description"].startswith("Lou de Laâge joue Cheyenne")
    assert embed["title"] == "Qui joue Cheyenne ?"  # the fact's French phrasing
    assert "Faux prévient la modération" in embed["footer"]["text"]
    labels = {b["label"] for b in buttons(response) if "label" in b}
    assert {"Utile", "Faux"} <= labels
    help_handle = await harness.fake.send_slash_command(
        "help", user=harness.world.bob, channel=harness.world.general, locale="fr"
    )
    assert (await help_handle.wait_response()).embeds[0]["title"] == "Comment poser une question"


async def test_the_command_payload_is_localised_in_french(harness) -> None:
    names = french_messages()  # every description has a French text
    for command in harness.fake.global_commands:
        assert command.get("name_localizations", {}).get("fr"), command["name"]
        if command.get("type", 1) == 1:
            description = command["description_localizations"]["fr"]
            assert description == names[command["description"]]
        for option in command.get("options") or []:
            assert option["name_localizations"]["fr"], (command["name"], option["name"])
            assert option["description_localizations"]["fr"], (command["name"], option["name"])
    ask = next(c for c in harness.fake.global_commands if c["name"] == "ask")
    assert ask["name_localizations"]["fr"] == "demander"
    harness.fake.assert_no_violations()


async def suggestions(harness, typed: str, locale: str = "en-US") -> list[str]:  # type: ignore[no-untyped-def]
    """What /ask's autocomplete offers for `typed`, as the fan sees it."""
    handle = await harness.fake.send_autocomplete(
        "ask",
        {"question": typed},
        focused="question",
        user=harness.world.bob,
        channel=harness.world.general,
        locale=locale,
    )
    return (await handle.wait_response()).choice_names


async def test_autocomplete_offers_tiers_and_never_an_unrelated_question(harness) -> None:
    names = await suggestions(harness, "chey")
    assert names and all(len(n) <= 100 for n in names) and len(names) <= 25
    assert any("Cheyenne" in n for n in names)
    assert not any("Gael" in n and "Cheyenne" not in n for n in names)
    french = await suggestions(harness, "genevieve joue", locale="fr")
    assert any(n.startswith("mot-clé · ") for n in french)


async def test_settings_show_describes_spoiler_tags_without_a_spoiler_bar(harness) -> None:
    handle = await harness.fake.send_slash_command(
        "settings show", user=harness.world.alice, channel=harness.world.general
    )
    shown = (await handle.wait_response()).content
    assert "Spoilers:" in shown and "||" not in shown


async def test_kb_stats_attaches_a_chart(harness) -> None:
    await harness.ask("who plays jack")
    await harness.ask("best pizza in town")
    handle = await harness.fake.send_slash_command(
        "kb stats", user=harness.world.alice, channel=harness.world.general
    )
    shown = await settle(handle)
    (attachment,) = shown.message.attachments
    assert attachment["filename"] == "stats.png"
    assert shown.message.files[0].data.startswith(b"\x89PNG")
    assert shown.embeds[0]["image"]["url"] == "attachment://stats.png"
