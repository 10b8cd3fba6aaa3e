"""/ask and its replies end to end: the real discord.py client against the fake Discord."""

from __future__ import annotations

import asyncio
import logging
import time

from discord.ext import commands

from bot.presentation import DONT_KNOW as ABSTAIN_TEXT
from tests.exts.conftest import settle

EXPECTED_COMMANDS = {"ask", "quote", "cast", "episode", "sources", "about"}


async def test_commands_are_synced_with_a_valid_schema(harness) -> None:
    names = {c["name"] for c in harness.fake.global_commands}
    assert names >= EXPECTED_COMMANDS
    ask = next(c for c in harness.fake.global_commands if c["name"] == "ask")
    question = ask["options"][0]
    assert question["name"] == "question" and question["required"] and question["autocomplete"]
    assert question["max_length"] == 300
    harness.fake.assert_no_violations()


async def test_ask_answers_with_a_cited_embed_and_buttons(harness) -> None:
    _, response = await harness.ask("who plays cheyenne?")
    assert response.type == 4 and not response.ephemeral
    embed = response.embeds[0]
    assert "Lou de Laâge plays Cheyenne" in embed["description"]
    sources = next(f for f in embed["fields"] if f["name"] == "Sources")
    assert "StreamPanther" in sources["value"] and "https://streampanther.com" in sources["value"]
    assert embed["footer"]["text"].startswith("fact cast-cheyenne")
    custom_ids = [c["custom_id"] for row in response.components for c in row["components"]]
    assert custom_ids[:3] == [
        "qa:fb:helpful:cast-cheyenne",
        "qa:fb:wrong:cast-cheyenne",
        f"qa:del:{harness.world.bob.id}",
    ]
    related = custom_ids[3:]  # up to three related facts, on their own row
    assert 1 <= len(related) <= 3
    assert all(c.startswith(f"qa:rel:{harness.world.bob.id}:") for c in related)
    harness.fake.assert_no_violations()


async def test_private_answers_are_ephemeral(harness) -> None:
    _, response = await harness.ask("who plays jack", private=True)
    assert response.ephemeral and "Kirby" in response.embeds[0]["description"]


async def test_autocomplete_suggests_known_questions_accent_insensitively(harness) -> None:
    handle = await harness.fake.send_autocomplete(
        "ask",
        {"question": "genevieve"},
        focused="question",
        user=harness.world.bob,
        channel=harness.world.general,
    )
    response = await handle.wait_response()
    names = response.choice_names
    assert 0 < len(names) <= 25 and all(len(n) <= 100 for n in names)
    assert any("Geneviève" in n for n in names)
    harness.fake.assert_no_violations()


async def test_close_call_offers_buttons_and_a_pick_shows_the_answer(harness) -> None:
    _, response = await harness.ask("gainsbourg")
    assert response.embeds[0]["title"] == "Did you mean one of these?"
    buttons = [c for row in response.components for c in row["components"]]
    picks = [b["custom_id"] for b in buttons if b["custom_id"].startswith("qa:pick:")]
    assert len(picks) >= 2 and buttons[-1]["label"] == "None of these"
    click = await harness.fake.click_button(response.message, picks[0], user=harness.world.bob)
    picked = await click.wait_response()
    assert picked.type == 7  # the question message becomes the answer
    fact_id = picks[0].rsplit(":", 1)[1]
    assert picked.embeds[0]["footer"]["text"].startswith(f"fact {fact_id}")
    harness.fake.assert_no_violations()


async def test_none_of_these_records_a_gap(harness) -> None:
    _, response = await harness.ask("gainsbourg")
    none_id = [c for row in response.components for c in row["components"]][-1]["custom_id"]
    other = await harness.fake.click_button(response.message, none_id, user=harness.world.alice)
    assert (await other.wait_response()).ephemeral  # only the asker may answer it
    click = await harness.fake.click_button(response.message, none_id, user=harness.world.bob)
    noted = await settle(click)  # acknowledged first, then the question becomes the note
    assert "noted the question" in noted.embeds[0]["description"] and not noted.components
    gaps = await harness.bot.db.run(lambda s: s.unanswered(harness.world.guild.id))
    assert [g.question for g in gaps] == ["gainsbourg"]


async def test_abstains_honestly_and_records_the_question(harness) -> None:
    _, response = await harness.ask("what's the best pizza topping")
    assert response.ephemeral
    assert response.embeds[0]["description"] == ABSTAIN_TEXT
    gaps = await harness.bot.db.run(lambda s: s.unanswered(harness.world.guild.id))
    assert [g.question for g in gaps] == ["what's the best pizza topping"]


async def test_spoilers_are_wrapped_and_titles_do_not_reveal_them(harness) -> None:
    kb = harness.bot.knowledge.base
    spoiler = next(f for f in kb.facts.values() if f.is_spoiler)
    _, response = await harness.ask(spoiler.question)
    assert response.embeds, response
    embed = response.embeds[0]
    assert f"Spoiler for episode {spoiler.spoiler_episode}" in response.content
    assert embed["title"] == f"Spoiler: episode {spoiler.spoiler_episode}"
    assert embed["description"].startswith("||") and spoiler.answer[:40] not in embed["title"]


async def test_a_reply_that_tries_to_ping_everyone_pings_no_one(harness) -> None:
    (harness.settings.knowledge_dir / "zz-prank.yaml").write_text(
        "facts:\n  - id: prank\n    question: What is the prank fact?\n    alternates: [prank fact]\n"
        "    answer: '@everyone @here <@&123> <@456> look at this'\n"
        "    sources: [amazon-ads-2025-05-28]\n",
        encoding="utf-8",
    )
    harness.bot.knowledge.load()
    _, response = await harness.ask("what is the prank fact")
    assert "@everyone" in response.embeds[0]["description"]
    message = response.message
    assert not message.would_ping.any, message.would_ping
    harness.fake.assert_no_violations()


async def test_mention_gets_the_same_answer_as_a_reply(harness, caplog) -> None:
    bot_user = harness.fake.bot_user
    with caplog.at_level(logging.INFO):
        handle = await harness.fake.send_message(
            harness.world.general,
            harness.world.bob,
            f"<@{bot_user.id}> who plays Jack?",
            mentions=[bot_user],
        )
        reply = await handle.wait_reply()
    assert "Luke Kirby" in reply.embeds[0]["description"]
    assert reply.message_reference and not reply.would_ping.any
    harness.fake.assert_no_violations()
    # A mention is a question, not a prefix command that does not exist.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_dm_questions_are_answered(harness) -> None:
    dm = harness.fake.create_dm(harness.world.bob)
    handle = await harness.fake.send_slash_command(
        "ask", {"question": "who plays mishi"}, user=harness.world.bob, channel=dm
    )
    response = await handle.wait_response()
    assert "Vinolo" in response.embeds[0]["description"]


async def test_cooldown_answers_politely(harness) -> None:
    harness.bot.cooldown = commands.CooldownMapping.from_cooldown(1, 30, lambda user: user)
    await harness.ask("who plays jack")
    _, second = await harness.ask("who plays cheyenne")
    assert second.ephemeral and "You can ask again in" in second.content


async def test_over_long_question_is_refused_politely(harness) -> None:
    _, response = await harness.ask("who plays cheyenne " * 300)
    assert response.ephemeral and "keep it under 300" in response.content


async def test_an_exception_gets_an_apology_and_the_bot_carries_on(
    harness, monkeypatch, caplog
) -> None:
    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(harness.bot.knowledge, "engine_for", explode)
    _, response = await harness.ask("who plays jack")
    assert response.ephemeral and "Sorry, something went wrong" in response.content
    assert "boom" in caplog.text
    monkeypatch.undo()
    _, after = await harness.ask("who plays jack")
    assert "Kirby" in after.embeds[0]["description"]


async def test_feedback_and_delete_buttons(harness) -> None:
    _, response = await harness.ask("who plays jack")
    message = response.message
    helpful = await harness.fake.click_button(
        message, "qa:fb:wrong:cast-jack", user=harness.world.alice
    )
    thanks = await settle(helpful)  # acknowledged first, thanked once recorded
    assert thanks.ephemeral and "moderators will review" in thanks.content
    usage = await harness.bot.db.run(lambda s: s.usage(harness.world.guild.id))
    assert usage.feedback == {"cast-jack": (0, 1)}
    delete_id = f"qa:del:{harness.world.bob.id}"
    refused = await harness.fake.click_button(message, delete_id, user=harness.world.alice)
    assert "Only the fan who asked" in (await refused.wait_response()).content
    deleted = await harness.fake.click_button(message, delete_id, user=harness.world.bob)
    await deleted.wait_response()
    await harness.fake.wait_for(lambda: message.deleted, timeout=5)


async def test_gateway_disconnect_resumes(harness) -> None:
    await harness.fake.drop_connection(code=None)
    await harness.fake.wait_for_resume(1)
    _, response = await harness.ask("who plays jack")
    assert "Kirby" in response.embeds[0]["description"]


async def test_a_burst_of_200_questions_is_acknowledged_within_3_seconds(harness) -> None:
    users = [harness.fake.create_user(f"fan{i}") for i in range(20)]
    for user in users:
        harness.fake.add_member(harness.world.guild, user)
    questions = [
        "who plays jack",
        "qui joue cheyenne",
        "how many episodes",
        "is there a season 2",
        "pizza?",
    ]
    started = time.monotonic()
    handles = await asyncio.gather(
        *(
            harness.fake.send_slash_command(
                "ask",
                {"question": questions[i % len(questions)]},
                user=users[i % 20],
                channel=harness.world.general,
            )
            for i in range(200)
        )
    )
    responses = await asyncio.gather(*(h.wait_response(timeout=10) for h in handles))
    assert all(r.accepted for r in responses)
    assert max(r.latency for r in responses) < 3.0
    assert time.monotonic() - started < 10
    harness.fake.assert_no_violations()


async def test_qa_channel_answers_questions_and_stays_quiet_otherwise(tmp_path) -> None:
    from bot.client import EtoileBot
    from bot.storage.store import GuildSettings
    from tests.exts.conftest import make_settings
    from tests.fakediscord import running_bot, running_fake_discord

    async with running_fake_discord() as fake:
        world = fake.create_basic_world()
        qa = fake.create_text_channel(world.guild, "ask-etoile")
        bot = EtoileBot(
            make_settings(tmp_path, message_content_intent=True), guild_ready_timeout=0.05
        )
        async with running_bot(fake, bot):
            await bot.db.run(
                lambda s: s.save_guild_settings(GuildSettings(world.guild.id, qa_channel_id=qa.id))
            )
            asked = await fake.send_message(qa, world.bob, "who plays Jack?")
            reply = await asked.wait_reply()
            assert "Luke Kirby" in reply.embeds[0]["description"] and not reply.would_ping.any
            chatter = await fake.send_message(qa, world.bob, "loved last night's rewatch")
            off_topic = await fake.send_message(qa, world.bob, "what's the best pizza topping?")
            elsewhere = await fake.send_message(world.general, world.bob, "who plays Jack?")
            await asyncio.sleep(0.5)
            assert not chatter.replies and not off_topic.replies and not elsewhere.replies
            gaps = await bot.db.run(lambda s: s.unanswered(world.guild.id))
            assert [g.question for g in gaps] == ["what's the best pizza topping?"]
        fake.assert_no_violations()


async def test_a_failing_button_apologises_like_a_command(harness, monkeypatch, caplog) -> None:
    _, response = await harness.ask("who plays jack")

    async def broken_store(_call):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(harness.bot.db, "run", broken_store)
    click = await harness.fake.click_button(
        response.message, "qa:fb:helpful:cast-jack", user=harness.world.alice
    )
    reply = await settle(click)
    assert reply.ephemeral and "Sorry, something went wrong" in reply.content
    assert "disk on fire" in caplog.text


async def test_an_auto_sharded_bot_answers_too(tmp_path) -> None:
    from bot.client import EtoileBot
    from tests.exts.conftest import make_settings
    from tests.fakediscord import running_bot, running_fake_discord

    async with running_fake_discord(shard_count=1) as fake:
        world = fake.create_basic_world()
        bot = EtoileBot(make_settings(tmp_path, shard_count=1), guild_ready_timeout=0.05)
        async with running_bot(fake, bot):
            await bot.tree.sync()
            handle = await fake.send_slash_command(
                "ask", {"question": "who plays jack"}, user=world.bob, channel=world.general
            )
            assert "Kirby" in (await handle.wait_response()).embeds[0]["description"]
            assert set(bot.shards) == {0} and bot.shard_count == 1
