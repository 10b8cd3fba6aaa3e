"""/fact: moderators add, edit, retire, inspect and undo facts from Discord.

Long text goes through a modal; every new or edited fact is validated exactly like
the files and shown as a preview before it is saved. The modal carries the version
of the fact it was opened on, so a stale edit is refused instead of silently
overwriting someone else's change.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
import yaml
from discord import app_commands
from discord.ext import commands

from bot.app.editor import EditResult, fact_version, new_fact_id, source_from_url
from bot.client import SafeView
from bot.i18n import N_, Texts
from bot.kb.export import fact_record
from bot.kb.model import Fact
from bot.paginator import Paginator
from bot.permissions import edit_scope
from bot.qa.engine import fact_answer
from bot.qa.folding import fold
from bot.render import (
    CHOICE_LIMIT,
    CHOICE_NAME_LIMIT,
    CONTENT_LIMIT,
    NO_MENTIONS,
    TEXT_INPUT_LIMIT,
    choice_label,
    render_answer,
    truncate,
)
from bot.storage.store import SHARED_SCOPE

if TYPE_CHECKING:
    from bot.client import EtoileBot

URL = re.compile(r"^https?://\S+$")
QUESTION_CHARS, ANSWER_CHARS, SOURCES_CHARS = 300, 1000, 500  # the form's field limits
ACTIONS = {  # how /fact history names each kind of change
    "add": N_("added"),
    "edit": N_("edited"),
    "retire": N_("retired"),
    "undo": N_("undone"),
    "import": N_("imported"),
}


def outcome_text(result: EditResult, t: Texts) -> str:
    """An edit's outcome in the moderator's language."""
    return t(result.template, **result.values)


def problems_text(result: EditResult, t: Texts) -> str:
    """An edit's message and first problems as one reply that fits in a Discord message.

    The problems themselves are the checker's, in English, like a compiler's messages:
    they name files, lines and fields.
    """
    lines = [
        outcome_text(result, t),
        *(
            f"• {p.where}: {p.message}" if p.where else f"• {p.message}"
            for p in result.problems[:10]
        ),
    ]
    return truncate("\n".join(lines), 1900)


class FactModal(discord.ui.Modal):
    """The fact's long text. Opened empty by /fact add, prefilled by /fact edit."""

    @staticmethod
    def too_long(fact: Fact, t: Texts) -> str | None:
        """Which of the fact's texts cannot be prefilled (Discord refuses the whole form)."""
        prefill = {
            N_("the question"): (QUESTION_CHARS, fact.question),
            N_("the answer"): (ANSWER_CHARS, fact.answer),
            N_("the other phrasings"): (TEXT_INPUT_LIMIT, "\n".join(fact.alternates)),
            N_("the sources"): (SOURCES_CHARS, ", ".join(fact.sources)),
        }
        for name, (limit, text) in prefill.items():
            if len(text) > limit:
                return t(
                    "{what} ({length} characters; a form holds {limit})",
                    what=t(name),
                    length=f"{len(text):,}",
                    limit=f"{limit:,}",
                )
        return None

    def __init__(
        self,
        cog: Facts,
        scope: int,
        base: Fact | None,
        spoiler_episode: int | None,
        prefill_question: str = "",
        on_saved: Callable[[], Awaitable[None]] | None = None,
        t: Texts | None = None,
    ) -> None:
        t = t or Texts()
        # Long: a moderator may take a while to write; the preview that follows is short-lived.
        super().__init__(title=t("Edit fact") if base else t("New fact"), timeout=3600)
        # Built here, not on the class, so every label is in the moderator's language.
        self.question: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label=t("Question"), max_length=QUESTION_CHARS
        )
        self.answer: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label=t("Answer (1–3 sentences)"),
            style=discord.TextStyle.paragraph,
            max_length=ANSWER_CHARS,
        )
        self.alternates: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label=t("Other ways fans ask it (one per line)"),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=TEXT_INPUT_LIMIT,
        )
        self.source: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label=t("Source id(s) or a link"),
            max_length=SOURCES_CHARS,
            placeholder="amazon-ads-2025-05-28 or https://…",
        )
        self.source_title: discord.ui.TextInput[FactModal] = discord.ui.TextInput(
            label=t("Title of the linked article (for a link)"), required=False, max_length=200
        )
        for item in (self.question, self.answer, self.alternates, self.source, self.source_title):
            self.add_item(item)
        self.cog, self.scope, self.base, self.spoiler_episode = cog, scope, base, spoiler_episode
        self.on_saved = on_saved  # e.g. mark the unanswered question handled, once saved
        self.version = fact_version(base) if base else None
        if base:
            self.question.default = base.question
            self.answer.default = base.answer
            self.alternates.default = "\n".join(base.alternates)
            self.source.default = ", ".join(base.sources)
        elif prefill_question:
            self.question.default = prefill_question[:QUESTION_CHARS]

    def record(self, taken: set[str]) -> tuple[dict[str, Any], tuple[dict[str, Any], ...]]:
        """Turn the form into a fact record, plus a new source when a link was pasted."""
        sources: tuple[dict[str, Any], ...] = ()
        source_text = self.source.value.strip()
        if URL.match(source_text):
            new_source = source_from_url(source_text, self.source_title.value)
            sources, source_ids = (new_source,), [new_source["id"]]
        else:
            source_ids = [s for s in re.split(r"[,\s]+", source_text) if s]
        record: dict[str, Any] = (
            fact_record(self.base) if self.base else {"id": new_fact_id(self.question.value, taken)}
        )
        record |= {
            "question": self.question.value.strip(),
            "alternates": [
                line.strip() for line in self.alternates.value.splitlines() if line.strip()
            ],
            "answer": " ".join(self.answer.value.split()),
            "sources": source_ids,
        }
        if self.spoiler_episode is not None:
            record["spoiler_episode"] = self.spoiler_episode
        return {k: v for k, v in record.items() if v != []}, sources

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Validate the submitted fact and show its preview with a Save button."""
        editor = self.cog.bot.editor
        t = Texts.of(interaction.locale)
        kb = editor.knowledge(self.scope)
        record, sources = self.record(set(kb.facts))
        # Validation checks the whole knowledge base: acknowledge first (Discord's 3 s).
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await asyncio.to_thread(editor.preview, self.scope, record, sources)
        if not preview.ok or preview.fact is None or preview.knowledge is None:
            await interaction.followup.send(
                problems_text(preview, t), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        # Cited from the previewed knowledge, where a source given as a link exists.
        rendered = render_answer(
            fact_answer(preview.knowledge, preview.fact), hide_spoilers=False, t=t
        )
        view = SaveView(
            self.cog,
            self.scope,
            record,
            sources,
            self.version,
            interaction.user.id,
            self.on_saved,
            t,
        )
        await view.send(
            interaction,
            content=t("Preview of `{fact}` — save it?", fact=record["id"]),
            embed=rendered.embed,
        )


class ConfirmView(SafeView):
    """Two buttons for the moderator who opened it; the action runs off the event loop."""

    TIMEOUT = 600.0  # seconds; under the 15 minutes an interaction token lasts

    def __init__(
        self,
        owner_id: int,
        confirm_label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.success,
        t: Texts | None = None,
    ) -> None:
        super().__init__(timeout=self.TIMEOUT)
        self.t = t or Texts()
        self.owner_id = owner_id
        self.confirm.label = self.t(confirm_label)
        self.confirm.style = style
        self.cancel.label = self.t("Cancel")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the moderator who opened the prompt may press its buttons."""
        return interaction.user.id == self.owner_id

    async def run(self) -> EditResult:  # pragma: no cover - overridden
        """The confirmed action; each subclass supplies its own."""
        raise NotImplementedError

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Run the action and replace the prompt with its outcome."""
        # A shared edit reloads every server's knowledge: acknowledge before the work.
        await interaction.response.defer()
        result = await self.run()
        self.stop()
        await interaction.edit_original_response(
            content=self.failure_text(result) if not result.ok else outcome_text(result, self.t),
            embed=None,
            view=None,
        )

    def failure_text(self, result: EditResult) -> str:
        """What the moderator reads when the action fails."""
        return problems_text(result, self.t)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Drop the pending action, leaving everything as it was."""
        self.stop()
        await interaction.response.edit_message(
            content=self.t("Cancelled; nothing changed."), embed=None, view=None
        )


class SaveView(ConfirmView):
    """The Save/Cancel prompt under a fact's preview; saving refuses a stale edit."""

    def __init__(
        self,
        cog: Facts,
        scope: int,
        record: dict[str, Any],
        sources: tuple[dict[str, Any], ...],
        version: str | None,
        owner_id: int,
        on_saved: Callable[[], Awaitable[None]] | None = None,
        t: Texts | None = None,
    ) -> None:
        super().__init__(owner_id, N_("Save"), t=t)
        self.cog, self.scope, self.record, self.sources, self.version = (
            cog,
            scope,
            record,
            sources,
            version,
        )
        self.on_saved = on_saved

    async def run(self) -> EditResult:
        """Save the fact off the event loop, then run the on-saved hook (e.g. close a gap)."""
        result = await asyncio.to_thread(
            self.cog.bot.editor.save,
            self.scope,
            self.owner_id,
            self.record,
            expected_version=self.version,
            sources=self.sources,
        )
        if result.ok and self.on_saved is not None:
            await self.on_saved()
        return result

    def typed(self, limit: int) -> str:
        """What the moderator typed, as YAML they can paste back or upload."""
        text = yaml.safe_dump(self.record, allow_unicode=True, sort_keys=False, width=100)
        fence = "`" * 3
        return f"{fence}yaml\n{truncate(text.replace(fence, '` ` `'), limit)}\n{fence}"

    def failure_text(self, result: EditResult) -> str:
        """The problems plus the moderator's text, so a refused save loses nothing typed."""
        # Nothing was saved: give back what was typed, so nothing is lost.
        head = problems_text(result, self.t)[:900]
        typed = self.typed(CONTENT_LIMIT - len(head) - 80)
        return f"{head}\n{self.t('What you typed:')}\n{typed}"

    def expired_content(self) -> str:
        """Give back what was typed when the preview expires unsaved."""
        head = self.t("This preview expired before it was saved; nothing changed. What you typed:")
        return f"{head}\n{self.typed(CONTENT_LIMIT - len(head) - 20)}"


class RetireView(ConfirmView):
    """The Retire/Cancel prompt, so a fact is never retired by a slip."""

    def __init__(
        self, cog: Facts, scope: int, fact_id: str, owner_id: int, t: Texts | None = None
    ) -> None:
        super().__init__(owner_id, N_("Retire"), discord.ButtonStyle.danger, t)
        self.cog, self.scope, self.fact_id = cog, scope, fact_id

    async def run(self) -> EditResult:
        """Retire the fact off the event loop."""
        return await asyncio.to_thread(
            self.cog.bot.editor.retire, self.scope, self.owner_id, self.fact_id
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Facts(
    commands.GroupCog, group_name="fact", group_description="Moderators: add, edit and retire facts"
):
    """The /fact group: moderators edit this server's facts (owners: the shared base)."""

    def __init__(self, bot: EtoileBot) -> None:
        self.bot = bot
        super().__init__()

    async def _fact(
        self, interaction: discord.Interaction, scope: int, fact_id: str
    ) -> Fact | None:
        fact = self.bot.editor.current(scope, fact_id)
        if fact is None:
            t = Texts.of(interaction.locale)
            await interaction.response.send_message(
                t(
                    "There is no fact `{fact}` here. Fact ids autocomplete as you type.",
                    fact=truncate(fact_id, 80),
                ),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
        return fact

    @app_commands.command(name="add", description="Add a fact (opens a form)")
    @app_commands.describe(
        spoiler_episode="The episode whose plot it reveals, if any",
        shared="Owners: add to the shared base for every server",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        spoiler_episode: app_commands.Range[int, 1, 99] | None = None,
        shared: bool = False,
    ) -> None:
        """Open an empty form for a moderator to add a fact."""
        scope = await edit_scope(self.bot, interaction, shared)
        t = Texts.of(interaction.locale)
        await interaction.response.send_modal(FactModal(self, scope, None, spoiler_episode, t=t))

    @app_commands.command(name="edit", description="Edit a fact (opens a prefilled form)")
    @app_commands.describe(id="The fact's id", shared="Owners: edit the shared base")
    async def edit(self, interaction: discord.Interaction, id: str, shared: bool = False) -> None:
        """Open a prefilled form, or send the fact as a file when it is too long for one."""
        scope = await edit_scope(self.bot, interaction, shared)
        fact = await self._fact(interaction, scope, id)
        if fact is None:
            return
        t = Texts.of(interaction.locale)
        too_long = FactModal.too_long(fact, t)
        if too_long:
            # Offered as a file instead: /kb import takes it back with the same checks.
            text = yaml.safe_dump(
                {"facts": [fact_record(fact)]}, allow_unicode=True, sort_keys=False, width=100
            )
            await interaction.response.send_message(
                t(
                    "`{fact}` is too long for a Discord form: {why}. Edit the attached file and upload it with `/kb import`.",
                    fact=fact.id,
                    why=too_long,
                ),
                file=discord.File(io.BytesIO(text.encode()), filename=f"{fact.id}.yaml"),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.send_modal(
            FactModal(self, scope, fact, fact.spoiler_episode, t=t)
        )

    @app_commands.command(name="remove", description="Retire a fact (asks for confirmation)")
    @app_commands.describe(id="The fact's id", shared="Owners: retire from the shared base")
    async def remove(self, interaction: discord.Interaction, id: str, shared: bool = False) -> None:
        """Ask the moderator to confirm before a fact is retired."""
        scope = await edit_scope(self.bot, interaction, shared)
        fact = await self._fact(interaction, scope, id)
        if fact:
            t = Texts.of(interaction.locale)
            where = t("for every server") if scope == SHARED_SCOPE else t("in this server")
            await RetireView(self, scope, fact.id, interaction.user.id, t).send(
                interaction,
                content=t(
                    "Retire `{fact}` ({question}) {where}? `/fact undo` brings it back.",
                    fact=fact.id,
                    question=truncate(fact.question, 200),
                    where=where,
                ),
            )

    @app_commands.command(name="show", description="Show a fact with its phrasings and sources")
    @app_commands.describe(id="The fact's id")
    async def show(self, interaction: discord.Interaction, id: str) -> None:
        """Show a moderator a fact as fans see it, with its phrasings and where it lives."""
        scope = await edit_scope(self.bot, interaction)
        fact = await self._fact(interaction, scope, id)
        if fact is None:
            return
        engine = self.bot.knowledge.engine_for(scope)
        t = Texts.of(interaction.locale)
        rendered = render_answer(engine.fact_answer(fact), hide_spoilers=False, t=t)
        overlay = self.bot.knowledge.overlay(scope)
        local = overlay is not None and any(f.id == fact.id for f, _ in overlay.records["facts"])
        origin = t("this server's version") if local else t("shared knowledge base")
        rendered.embed.add_field(
            name=t("Other phrasings"),
            value=truncate("\n".join(fact.alternates) or "—", 1024),
            inline=False,
        )
        if fact.answer_fr:
            rendered.embed.add_field(
                name=t("French answer"), value=truncate(fact.answer_fr, 1024), inline=False
            )
        rendered.embed.add_field(name=t("Where it lives"), value=origin, inline=True)
        await interaction.response.send_message(
            embed=rendered.embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="history", description="Who changed a fact, and when")
    @app_commands.describe(id="The fact's id", shared="Owners: the shared base's history")
    async def history(
        self, interaction: discord.Interaction, id: str, shared: bool = False
    ) -> None:
        """Page through who changed a fact and when, for accountability."""
        scope = await edit_scope(self.bot, interaction, shared)
        t = Texts.of(interaction.locale)
        entries = await asyncio.to_thread(self.bot.editor.history, scope, id)
        if not entries:
            await interaction.response.send_message(
                t("No changes to `{fact}` recorded here.", fact=truncate(id, 80)),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        lines = []
        for entry in entries:
            after = (entry.after or {}).get("answer")
            detail = f" → “{truncate(after, 120)}”" if after and entry.action != "retire" else ""
            lines.append(
                t(
                    "{when} **{action}** by {who}{detail}",
                    when=f"<t:{int(entry.created_at)}:f>",
                    action=t(ACTIONS.get(entry.action, entry.action)),
                    who=f"<@{entry.actor_id}>",
                    detail=detail,
                )
            )
        pager = Paginator(
            t("History of {fact}", fact=truncate(id, 200)),
            lines,
            interaction.user.id,
            command="/fact history",
            t=t,
        )
        await pager.start(interaction)

    @app_commands.command(
        name="undo", description="Put a fact back as it was before its last change"
    )
    @app_commands.describe(id="The fact's id", shared="Owners: undo in the shared base")
    async def undo(self, interaction: discord.Interaction, id: str, shared: bool = False) -> None:
        """Put a fact back as it was before its latest change, to reverse a mistake."""
        scope = await edit_scope(self.bot, interaction, shared)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await asyncio.to_thread(self.bot.editor.undo, scope, interaction.user.id, id)
        t = Texts.of(interaction.locale)
        await interaction.followup.send(
            problems_text(result, t) if not result.ok else outcome_text(result, t),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @edit.autocomplete("id")
    @remove.autocomplete("id")
    @show.autocomplete("id")
    @history.autocomplete("id")
    @undo.autocomplete("id")
    async def fact_id_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest fact ids by id or question, keeping spoiler questions hidden."""
        kb = self.bot.knowledge.engine_for(interaction.guild_id).kb
        t = Texts.of(interaction.locale)
        typed = fold(current)
        matches = [f for f in kb.facts.values() if typed in f.id or typed in fold(f.question)]
        return [
            app_commands.Choice(
                name=truncate(
                    f"{f.id} — {choice_label(f.question, f.is_spoiler, t=t)}", CHOICE_NAME_LIMIT
                ),
                value=f.id[:100],
            )
            for f in matches[:CHOICE_LIMIT]
        ]


async def setup(bot: EtoileBot) -> None:
    """Add the /fact cog when the extension loads."""
    await bot.add_cog(Facts(bot))
