"""Moderation end to end: permissions, guild isolation, history, undo, imports, hand edits."""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app.editor import fact_version
from bot.client import EtoileBot
from bot.kb.export import fact_record
from bot.storage.store import SHARED_SCOPE
from tests.exts.conftest import make_settings, settle
from tests.fakediscord import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeUser,
    Permission,
    running_bot,
    running_fake_discord,
)

LABELS = {
    "question": "Question",
    "answer": "Answer (1–3 sentences)",
    "alternates": "Other ways fans ask it (one per line)",
    "source": "Source id(s) or a link",
    "title": "Title of the linked article (for a link)",
}


@dataclass
class World:
    fake: FakeDiscord
    guild: FakeGuild
    channel: FakeChannel
    other_channel: FakeChannel
    member: FakeUser  # no permissions
    role_moderator: FakeUser  # has the moderator role configured with /settings
    manager: FakeUser  # Manage Server
    owner: FakeUser  # the application's owner
    moderator_role: object
    settings: object
    bot: EtoileBot | None = None

    async def command(
        self,
        name: str,
        options: dict | None = None,
        *,
        user: FakeUser,
        channel: FakeChannel | None = None,
    ):
        handle = await self.fake.send_slash_command(
            name, options or {}, user=user, channel=channel or self.channel
        )
        return handle, await settle(handle)

    async def add_fact(
        self,
        user: FakeUser,
        question: str,
        answer: str,
        source: str = "amazon-ads-2025-05-28",
        channel=None,
        **options,
    ):
        _, response = await self.command("fact add", options, user=user, channel=channel)
        assert response.type == 9, response.content  # the form opens
        return await self.submit(response, user, question=question, answer=answer, source=source)

    async def submit(self, response, user: FakeUser, **fields: str):
        modal = response.modal
        ids = {c["label"]: c["custom_id"] for row in modal["components"] for c in row["components"]}
        values = {ids[LABELS[key]]: value for key, value in fields.items()}
        handle = await self.fake.submit_modal(modal["custom_id"], values, user=user)
        return await settle(handle)

    async def save(self, preview, user: FakeUser):
        save = next(
            c for row in preview.components for c in row["components"] if c["label"] == "Save"
        )
        handle = await self.fake.click_button(preview.message, save["custom_id"], user=user)
        return await settle(handle)

    async def first_gap_actions(self):
        """Open /kb gaps as the manager and pick the most asked question."""
        _, gaps = await self.command("kb gaps", user=self.manager)
        select = next(c for row in gaps.components for c in row["components"] if c["type"] == 3)
        picked = await self.fake.select_option(
            gaps.message, select["custom_id"], ["0"], user=self.manager
        )
        return await settle(picked)

    async def ask(self, question: str, channel: FakeChannel | None = None):
        _, response = await self.command(
            "ask", {"question": question}, user=self.member, channel=channel
        )
        return response


def button(response, matches) -> dict:
    """The first button of a response whose label `matches`."""
    return next(
        c
        for row in response.components
        for c in row["components"]
        if c.get("type") == 2 and matches(c.get("label", ""))
    )


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running_fake_discord() as fake:
        guild = fake.create_guild("Fan server", owner=fake.owner)
        channel = fake.create_text_channel(guild, "etoile")
        member_user, role_mod, manager = (
            fake.create_user("member"),
            fake.create_user("rolemod"),
            fake.create_user("manager"),
        )
        mod_role = fake.create_role(guild, "Fact keepers", permissions=0)
        manage_role = fake.create_role(guild, "Managers", permissions=Permission.MANAGE_GUILD)
        fake.add_member(guild, member_user)
        fake.add_member(guild, role_mod, roles=[mod_role])
        fake.add_member(guild, manager, roles=[manage_role])
        other = fake.create_guild("Other server")
        other_channel = fake.create_text_channel(other, "general")
        fake.add_member(other, member_user)
        settings = make_settings(tmp_path)
        w = World(
            fake,
            guild,
            channel,
            other_channel,
            member_user,
            role_mod,
            manager,
            fake.owner,
            mod_role,
            settings,
        )
        w.bot = EtoileBot(settings, guild_ready_timeout=0.05)
        async with running_bot(fake, w.bot):
            await w.bot.tree.sync()
            yield w


async def start_bot(w: World) -> EtoileBot:
    return EtoileBot(w.settings, guild_ready_timeout=0.05)


async def test_permission_matrix_is_enforced_in_the_handler(world: World) -> None:
    _, set_role = await world.command(
        "settings moderator_role", {"role": world.moderator_role}, user=world.manager
    )
    assert "Saved" in set_role.content
    # Discord hides /fact and /kb from the role by default: the admin is told how to show them.
    assert "Server Settings → Integrations" in set_role.content
    cases = [
        (world.member, False),
        (world.role_moderator, True),
        (world.manager, True),
        (world.owner, True),
    ]
    for user, allowed in cases:
        _, response = await world.command("fact add", user=user)
        if allowed:
            assert response.type == 9, (user.username, response.content)
        else:
            assert response.ephemeral and "Only this server's moderators" in response.content
    # A moderator role cannot hand itself out.
    _, refused = await world.command(
        "settings moderator_role", {"role": world.moderator_role}, user=world.role_moderator
    )
    assert refused.ephemeral and "Manage Server" in refused.content
    # Only owners touch the shared base; DMs are refused for everyone else.
    _, shared = await world.command("fact add", {"shared": True}, user=world.manager)
    assert "Only the bot's owners" in shared.content
    dm = world.fake.create_dm(world.manager)
    handle = await world.fake.send_slash_command("fact add", {}, user=world.manager, channel=dm)
    assert (await handle.wait_response()).ephemeral
    world.fake.assert_no_violations()


async def test_add_in_one_guild_answers_there_and_nowhere_else(world: World) -> None:
    preview = await world.add_fact(
        world.manager,
        "Who is the stage manager?",
        "The stage manager is Pat Example, per the fan wiki.",
    )
    assert preview.ephemeral and "Pat Example" in preview.embeds[0]["description"]
    assert "Preview" in preview.content
    saved = await world.save(preview, world.manager)
    assert "Added" in saved.content
    here = await world.ask("who is the stage manager")
    assert "Pat Example" in here.embeds[0]["description"]
    elsewhere = await world.ask("who is the stage manager", channel=world.other_channel)
    assert "Pat Example" not in str(elsewhere.embeds)


async def test_invalid_fact_shows_the_problem_and_saves_nothing(world: World) -> None:
    preview = await world.add_fact(world.manager, "Who is X?", "X is Y.", source="no-such-source")
    assert "unknown source id 'no-such-source'" in preview.content
    assert not preview.components


async def test_edit_history_and_undo_across_a_restart(world: World) -> None:
    _, opened = await world.command("fact edit", {"id": "cast-jack"}, user=world.manager)
    preview = await world.submit(
        opened,
        world.manager,
        answer="Luke Kirby plays Jack McMillan; he was Lenny Bruce on Maisel.",
    )
    assert "Saved" in (await world.save(preview, world.manager)).content
    assert "Lenny Bruce on Maisel" in (await world.ask("who plays jack")).embeds[0]["description"]
    # Restart: a new bot over the same files and SQLite.
    await world.bot.close()
    restarted = await start_bot(world)
    async with running_bot(world.fake, restarted):
        assert (
            "Lenny Bruce on Maisel" in (await world.ask("who plays jack")).embeds[0]["description"]
        )
        _, history = await world.command("fact history", {"id": "cast-jack"}, user=world.manager)
        assert (
            "**edited**" in history.embeds[0]["description"]
            and str(world.manager.id) in history.embeds[0]["description"]
        )
        _, undone = await world.command("fact undo", {"id": "cast-jack"}, user=world.manager)
        assert "Undid" in undone.content
        assert (
            "Lenny Bruce on Maisel"
            not in (await world.ask("who plays jack")).embeds[0]["description"]
        )


async def test_a_stale_edit_is_refused(world: World) -> None:
    _, first = await world.command("fact edit", {"id": "cast-jack"}, user=world.manager)
    _, second = await world.command("fact edit", {"id": "cast-jack"}, user=world.owner)
    saved = await world.save(
        await world.submit(first, world.manager, answer="First moderator's answer."), world.manager
    )
    assert "Saved" in saved.content
    stale = await world.save(
        await world.submit(second, world.owner, answer="Second moderator's answer."), world.owner
    )
    assert "Someone changed `cast-jack` since you opened it" in stale.content
    assert "What you typed" in stale.content and "Second moderator's answer." in stale.content
    assert (
        "First moderator's answer." in (await world.ask("who plays jack")).embeds[0]["description"]
    )


async def test_retire_with_confirmation(world: World) -> None:
    _, asked = await world.command("fact remove", {"id": "cast-jack"}, user=world.manager)
    retire = next(
        c for row in asked.components for c in row["components"] if c["label"] == "Retire"
    )
    click = await world.fake.click_button(asked.message, retire["custom_id"], user=world.manager)
    assert "Retired" in (await settle(click)).content
    assert "Luke Kirby plays Jack" not in str((await world.ask("who plays jack")).embeds)
    assert "Luke Kirby" in str(
        (await world.ask("who plays jack", channel=world.other_channel)).embeds
    )


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (b"facts: !!python/object/apply:os.system ['echo pwned']\n", "not allowed"),
        (
            b"facts:\n  - id: a\n    question: A?\n    answer: A.\n    sources: [deadline-2023-04-26]\n  - id: a\n    question: B?\n    answer: B.\n    sources: [deadline-2023-04-26]\n",
            "already used",
        ),
        (b"facts: [oops\n", "not valid YAML"),
        (b"x" * 10_000_000, "the limit is"),
    ],
)
async def test_malicious_or_broken_imports_are_refused(
    world: World, upload: bytes, expected: str
) -> None:
    handle = await world.fake.send_slash_command(
        "kb import", {"file": ("facts.yaml", upload)}, user=world.manager, channel=world.channel
    )
    first = await handle.wait_response()
    text = first.content or ""
    if first.is_defer:
        text = (await handle.wait_followup()).content
    assert expected in text
    assert not world.bot.knowledge.overlay_path(world.guild.id).exists()


async def test_import_shows_a_summary_and_applies_on_confirm(world: World) -> None:
    upload = b"facts:\n  - id: fan-trivia\n    question: What is the fan trivia?\n    answer: The fan trivia is a test fact.\n    sources: [deadline-2023-04-26]\n"
    handle = await world.fake.send_slash_command(
        "kb import", {"file": ("facts.yaml", upload)}, user=world.manager, channel=world.channel
    )
    await handle.wait_response()
    summary = await handle.wait_followup()
    assert "1 new," in summary.content
    apply = next(
        c for row in summary.components for c in row["components"] if c["label"] == "Apply"
    )
    click = await world.fake.click_button(summary, apply["custom_id"], user=world.manager)
    assert "Imported" in (await settle(click)).content
    assert "test fact" in (await world.ask("what is the fan trivia")).embeds[0]["description"]


async def test_gaps_stats_and_export(world: World) -> None:
    for _ in range(2):
        await world.ask("what's the best pizza topping")
    await world.ask("who plays jack")
    _, gaps = await world.command("kb gaps", user=world.manager)
    assert "**2×** what's the best pizza topping" in gaps.embeds[0]["description"]
    _, stats = await world.command("kb stats", user=world.manager)
    fields = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
    assert fields["Answered"] == "1" and fields["Not answered"] == "2"
    _, exported = await world.command("kb export", user=world.manager)
    assert exported.files and exported.files[0].filename.endswith(".yaml")


async def test_hand_edits_on_disk_are_picked_up_and_a_broken_one_keeps_the_old_answers(
    world: World,
) -> None:
    knowledge = world.settings.knowledge_dir
    (knowledge / "zz-hand.yaml").write_text(
        "facts:\n  - id: hand-fact\n    question: What is the hand edited fact?\n    alternates: [hand edited fact]\n"
        "    answer: The hand edited fact was written on disk.\n    sources: [deadline-2023-04-26]\n",
        encoding="utf-8",
    )
    await world.fake.wait_for(lambda: "hand-fact" in world.bot.knowledge.base.facts, timeout=5)
    assert (
        "written on disk"
        in (await world.ask("what is the hand edited fact")).embeds[0]["description"]
    )
    (knowledge / "zz-hand.yaml").write_text("facts:\n  - id: [broken\n", encoding="utf-8")
    dm = await world.fake.wait_for_bot_message(
        predicate=lambda m: "failed validation" in m.content, timeout=5
    )
    assert re.search(r"zz-hand\.yaml:\d+: this is not valid YAML", dm.content)
    assert (
        "written on disk"
        in (await world.ask("what is the hand edited fact")).embeds[0]["description"]
    )
    await asyncio.sleep(0)


async def test_a_gap_becomes_an_alternate_phrasing_of_an_existing_fact(world: World) -> None:
    question = "who's the fella who does jack's voice in etoile"
    first = await world.ask(question)
    assert first.ephemeral and "I don't have that exact answer" in first.embeds[0]["description"]
    actions = await world.first_gap_actions()
    alternate = button(actions, lambda label: "cast-jack" in label or "Jack" in label)
    click = await world.fake.click_button(
        actions.message, alternate["custom_id"], user=world.manager
    )
    assert "Saved" in (await settle(click)).content
    assert "Luke Kirby" in (await world.ask(question)).embeds[0]["description"]
    _, after = await world.command("kb gaps", user=world.manager)
    assert "No unanswered questions" in after.content


@pytest.fixture
def broken_overlay(tmp_path: Path) -> Path:
    """A guild's fact file broken by hand while the bot was stopped."""
    path = tmp_path / "data" / "overlays" / "4242.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("facts:\n  - id: [broken\n", encoding="utf-8")
    return path


async def test_a_file_broken_at_start_up_is_told_to_the_owners(
    broken_overlay: Path, world: World
) -> None:
    dm = await world.fake.wait_for_bot_message(
        predicate=lambda m: "at start-up" in m.content, timeout=5
    )
    assert re.search(r"overlays/4242\.yaml:\d+: this is not valid YAML", dm.content)
    assert broken_overlay.read_text(encoding="utf-8") == "facts:\n  - id: [broken\n"


async def test_a_fact_too_long_for_a_form_is_offered_as_a_file(world: World) -> None:
    jack = world.bot.editor.current(SHARED_SCOPE, "cast-jack")
    many = [f"who is the man playing jack number {n} in the ballet show" for n in range(90)]
    record = fact_record(jack) | {"alternates": many}
    saved = world.bot.editor.save(world.guild.id, 1, record, expected_version=fact_version(jack))
    assert saved.ok, saved.problems
    _, response = await world.command("fact edit", {"id": "cast-jack"}, user=world.manager)
    assert response.type == 4 and "too long for a Discord form" in response.content
    assert response.message.attachments[0]["filename"] == "cast-jack.yaml"


async def test_a_gap_becomes_a_new_fact_and_is_handled_only_once_saved(world: World) -> None:
    question = "what is the name of the ballet school in the show"
    await world.ask(question)
    actions = await world.first_gap_actions()
    add = button(actions, lambda label: label == "Add as a new fact")
    click = await world.fake.click_button(actions.message, add["custom_id"], user=world.manager)
    form = await settle(click)
    assert form.type == 9  # the form opens, prefilled with the fan's question
    _, still = await world.command("kb gaps", user=world.manager)
    assert "ballet school" in still.embeds[0]["description"]  # not handled by opening a form
    preview = await world.submit(
        form,
        world.manager,
        answer="The school is the MBT's own academy.",
        source="amazon-ads-2025-05-28",
    )
    assert "Added" in (await world.save(preview, world.manager)).content
    _, after = await world.command("kb gaps", user=world.manager)
    assert "No unanswered questions" in after.content


async def test_the_preview_cites_a_source_given_as_a_link(world: World) -> None:
    _, form = await world.command("fact add", user=world.manager)
    preview = await world.submit(
        form,
        world.manager,
        question="Who is the stage manager?",
        answer="The stage manager is Pat Example.",
        source="https://variety.com/2025/tv/etoile-stage",
        title="Variety on the stage crew",
    )
    fields = {f["name"]: f["value"] for f in preview.embeds[0]["fields"]}
    assert "Variety on the stage crew" in " ".join(fields.values()), fields


async def test_an_expired_preview_disables_its_buttons_and_keeps_the_typed_text(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The extension as the bot loaded it (load_extension makes its own module object).
    facts_module = sys.modules["bot.exts.facts"]
    monkeypatch.setattr(facts_module.ConfirmView, "TIMEOUT", 0.3)
    preview = await world.add_fact(
        world.manager, "Who is the stage manager?", "The stage manager is Pat Example."
    )
    message = preview.message

    def expired() -> bool:
        buttons = [c for row in message.components for c in row["components"]]
        return bool(buttons) and all(c.get("disabled") for c in buttons)

    await world.fake.wait_for(expired, timeout=5)
    assert "expired" in message.content and "The stage manager is Pat Example." in message.content


async def test_slow_validation_and_saving_are_acknowledged_within_discords_window(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.fake.interaction_timeout = 0.3  # Discord's 3 s, scaled down
    editor = world.bot.editor
    for name in ("preview", "save"):
        real = getattr(editor, name)

        def slow(*args, _real=real, **kwargs):
            time.sleep(0.6)  # a shared edit reloading every server, say
            return _real(*args, **kwargs)

        monkeypatch.setattr(editor, name, slow)
    preview = await world.add_fact(
        world.manager, "Who is the stage manager?", "The stage manager is Pat Example."
    )
    assert "Added" in (await world.save(preview, world.manager)).content
    assert not world.fake.violations_of("late_response")


async def test_owners_can_forget_a_fan_everywhere_and_nobody_else_can(world: World) -> None:
    await world.ask("what's the best pizza topping")
    _, refused = await world.command("kb forget-user", {"user": world.member}, user=world.manager)
    assert "Only the bot's owners" in refused.content
    _, done = await world.command("kb forget-user", {"user": world.member}, user=world.owner)
    assert "Deleted 1 question or rating" in done.content
    _, gaps = await world.command("kb gaps", user=world.manager)
    assert "No unanswered questions" in gaps.content
