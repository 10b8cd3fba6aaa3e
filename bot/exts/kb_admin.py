"""/kb: what fans could not get answered, usage, export/import, reload, check, sync."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.editor import EditResult, ImportPlan
from bot.app.gaps import Gap, group_gaps
from bot.charts import usage_chart
from bot.client import SafeView
from bot.exts.facts import ConfirmView, FactModal, Facts, outcome_text, problems_text
from bot.i18n import N_, Texts
from bot.kb.model import Fact
from bot.kb.yamlread import MAX_FILE_BYTES
from bot.permissions import edit_scope, require_owner
from bot.render import NO_MENTIONS, truncate
from bot.storage.store import SHARED_SCOPE

if TYPE_CHECKING:
    from bot.client import EtoileBot

VIEW_TIMEOUT = 840
"""Under the 15 minutes an interaction token lasts, so an expired view can still be
edited to show its buttons disabled."""


def plan_summary(plan: ImportPlan, t: Texts) -> str:
    """Counts of what an upload would change (or its first problems), to confirm it."""
    if plan.problems:
        return "\n".join(f"• {p}" for p in plan.problems[:15])
    parts = [
        t("{count} new", count=len(plan.added)),
        t("{count} changed", count=len(plan.changed)),
        t("{count} retired", count=len(plan.retired)),
        t("{count} unchanged", count=plan.unchanged),
    ]
    if plan.sources:
        parts.append(t("{count} new sources", count=len(plan.sources)))
    return ", ".join(parts)


class ImportView(ConfirmView):
    """The Apply/Cancel prompt after a /kb import preview."""

    def __init__(
        self, cog: KnowledgeAdmin, scope: int, plan: ImportPlan, owner_id: int, t: Texts
    ) -> None:
        super().__init__(owner_id, N_("Apply"), t=t)
        self.cog, self.scope, self.plan = cog, scope, plan

    async def run(self) -> EditResult:
        """Apply the previewed import off the event loop."""
        return await asyncio.to_thread(
            self.cog.bot.editor.apply_import, self.scope, self.owner_id, self.plan
        )


class CallbackButton(discord.ui.Button[SafeView]):
    """A button whose action is given when it is made (one per candidate fact)."""

    def __init__(
        self,
        label: str,
        style: discord.ButtonStyle,
        action: Callable[[discord.Interaction], Awaitable[None]],
    ) -> None:
        super().__init__(label=label, style=style)
        self.action = action

    async def callback(self, interaction: discord.Interaction) -> None:
        """Run the action this button was made with."""
        await self.action(interaction)


class GapActions(SafeView):
    """For one gap: write a new fact for it, or teach an existing fact this phrasing."""

    def __init__(
        self,
        cog: KnowledgeAdmin,
        scope: int,
        gap: Gap,
        candidates: list[Fact],
        owner_id: int,
        t: Texts,
    ) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.cog, self.scope, self.gap, self.owner_id, self.t = cog, scope, gap, owner_id, t
        self.add_item(
            CallbackButton(t("Add as a new fact"), discord.ButtonStyle.primary, self.add_fact)
        )
        for fact in candidates[:3]:
            self.add_item(
                CallbackButton(
                    truncate(t("Alternate of: {question}", question=fact.question), 80),
                    discord.ButtonStyle.secondary,
                    self._alternate_of(fact.id),
                )
            )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the moderator who opened these actions may use them."""
        return interaction.user.id == self.owner_id

    async def _resolve(self) -> None:
        ids = self.gap.ids
        await self.cog.bot.db.run(lambda s: s.resolve_questions(ids))

    async def add_fact(self, interaction: discord.Interaction) -> None:
        """Open a new-fact form prefilled with the gap's question; the gap closes once saved."""
        facts = self.cog.bot.get_cog(Facts.__cog_name__)
        assert isinstance(facts, Facts), "the /fact extension is not loaded"
        # The gap is handled once the new fact is saved, not when the form opens.
        await interaction.response.send_modal(
            FactModal(
                facts,
                self.scope,
                None,
                None,
                self.gap.question,
                on_saved=self._resolve,
                t=Texts.of(interaction.locale),
            )
        )

    def _alternate_of(self, fact_id: str) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def callback(interaction: discord.Interaction) -> None:
            """Add the gap's question as a phrasing of this fact, and close the gap if it worked."""
            editor = self.cog.bot.editor
            await interaction.response.defer()  # the write may reload: acknowledge first
            result = await asyncio.to_thread(
                editor.add_alternate, self.scope, interaction.user.id, fact_id, self.gap.question
            )
            if result.ok:
                await self._resolve()
            t = Texts.of(interaction.locale)
            await interaction.edit_original_response(
                content=problems_text(result, t) if not result.ok else outcome_text(result, t),
                view=None,
            )

        return callback


class GapSelect(discord.ui.Select[SafeView]):
    """The unanswered questions, most asked first; picking one hands its number on."""

    def __init__(
        self,
        gaps: list[Gap],
        on_pick: Callable[[discord.Interaction, int], Awaitable[None]],
        t: Texts,
    ) -> None:
        super().__init__(
            placeholder=t("Pick a question to deal with"),
            options=[
                discord.SelectOption(
                    label=truncate(g.question, 100),
                    value=str(n),
                    description=t("asked {count}×", count=g.count),
                )
                for n, g in enumerate(gaps)
            ],
        )
        self.on_pick = on_pick

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the picked gap's position on to the picker."""
        await self.on_pick(interaction, int(self.values[0]))


class GapPicker(SafeView):
    """Lets a moderator pick one of the unanswered questions from /kb gaps to deal with."""

    def __init__(
        self, cog: KnowledgeAdmin, scope: int, gaps: list[Gap], owner_id: int, t: Texts
    ) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.cog, self.scope, self.gaps, self.owner_id = cog, scope, gaps, owner_id
        self.add_item(GapSelect(gaps[:25], self.pick, t))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the moderator who listed the gaps may pick one."""
        return interaction.user.id == self.owner_id

    async def pick(self, interaction: discord.Interaction, chosen: int) -> None:
        """Show the actions for the chosen gap, with the closest existing facts."""
        gap = self.gaps[chosen]
        engine = self.cog.bot.knowledge.engine_for(
            None if self.scope == SHARED_SCOPE else self.scope
        )
        candidates = engine.closest_facts(gap.question)
        t = Texts.of(interaction.locale)
        await GapActions(self.cog, self.scope, gap, candidates, self.owner_id, t).send(
            interaction,
            content=t(
                "“{question}” (asked {count}×)",
                question=truncate(gap.question, 300),
                count=gap.count,
            ),
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class KnowledgeAdmin(
    commands.GroupCog, group_name="kb", group_description="Moderators: the knowledge base"
):
    """The /kb group: moderators' and owners' tools for the knowledge base."""

    def __init__(self, bot: EtoileBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="gaps", description="Questions fans asked that got no answer")
    async def gaps(self, interaction: discord.Interaction) -> None:
        """Show moderators the most asked unanswered questions, so they know what to add."""
        scope = await edit_scope(self.bot, interaction)
        t = Texts.of(interaction.locale)
        asked = await self.bot.db.run(lambda s: s.unanswered(scope))
        gaps = group_gaps(asked)
        if not gaps:
            await interaction.response.send_message(
                t("No unanswered questions. 🎉"), ephemeral=True
            )
            return
        lines = [
            f"**{g.count}×** {truncate(g.question, 150)} · <t:{int(g.latest)}:R>" for g in gaps[:20]
        ]
        embed = discord.Embed(title=t("Unanswered questions"), description="\n".join(lines))
        embed.set_footer(text=t("Most asked first. Pick one below to answer it."))
        await GapPicker(self, scope, gaps, interaction.user.id, t).send(interaction, embed=embed)

    @app_commands.command(name="stats", description="Answers, abstentions and feedback")
    async def stats(self, interaction: discord.Interaction) -> None:
        """Show moderators, as a chart and in figures, how the bot answered and was rated."""
        scope = await edit_scope(self.bot, interaction)
        t = Texts.of(interaction.locale)
        await interaction.response.defer(ephemeral=True, thinking=True)  # drawing takes time
        usage = await self.bot.db.run(lambda s: s.usage(scope))
        embed = discord.Embed(title=t("Knowledge base usage"))
        embed.add_field(name=t("Answered"), value=str(usage.answers))
        embed.add_field(name=t("Choices offered"), value=str(usage.choices))
        embed.add_field(name=t("Not answered"), value=str(usage.abstentions))
        top = "\n".join(f"{n}× {truncate(q, 80)}" for q, n in usage.top_questions) or "—"
        embed.add_field(name=t("Top questions"), value=truncate(top, 1024), inline=False)
        feedback = (
            "\n".join(
                f"`{fact}` 👍 {good} 👎 {bad}"
                for fact, (good, bad) in list(usage.feedback.items())[:15]
            )
            or "—"
        )
        embed.add_field(
            name=t("Feedback per fact (most 👎 first)"),
            value=truncate(feedback, 1024),
            inline=False,
        )
        chart = await asyncio.to_thread(usage_chart, usage, t)
        if chart is None:
            embed.set_footer(
                text=t("Install the charts extra for a chart: pip install 'etoile-bot[charts]'")
            )
            await interaction.followup.send(
                embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        embed.set_image(url="attachment://stats.png")
        await interaction.followup.send(
            embed=embed,
            file=discord.File(io.BytesIO(chart), filename="stats.png"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(
        name="export", description="This server's edits (owners: the whole base) as a YAML file"
    )
    @app_commands.describe(shared="Owners: export the whole shared base")
    async def export(self, interaction: discord.Interaction, shared: bool = False) -> None:
        """Send the server's edits (owners: the whole base) as YAML to edit offline."""
        scope = await edit_scope(self.bot, interaction, shared)
        t = Texts.of(interaction.locale)
        text = await asyncio.to_thread(self.bot.editor.export, scope)
        name = "etoile-shared.yaml" if scope == SHARED_SCOPE else f"etoile-server-{scope}.yaml"
        await interaction.response.send_message(
            t("Here is the knowledge as YAML. Edit it and send it back with `/kb import`."),
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=name),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(
        name="import",
        description="Upload a YAML file of facts; you see what changes before it applies",
    )
    @app_commands.describe(
        file="A YAML file, as /kb export gives it", shared="Owners: import into the shared base"
    )
    async def import_(
        self, interaction: discord.Interaction, file: discord.Attachment, shared: bool = False
    ) -> None:
        """Preview what an uploaded YAML file would change before a moderator applies it."""
        scope = await edit_scope(self.bot, interaction, shared)
        t = Texts.of(interaction.locale)
        if file.size > MAX_FILE_BYTES:
            await interaction.response.send_message(
                t(
                    "That file is {size} bytes; the limit is {limit}.",
                    size=f"{file.size:,}",
                    limit=f"{MAX_FILE_BYTES:,}",
                ),
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        raw = await file.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            await interaction.followup.send(t("That file is not UTF-8 text."), ephemeral=True)
            return
        plan = await asyncio.to_thread(self.bot.editor.plan_import, scope, text)
        if not plan.ok:
            await interaction.followup.send(
                truncate(t("Refused; nothing changed:") + "\n" + plan_summary(plan, t), 1900),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        view = ImportView(self, scope, plan, interaction.user.id, t)
        view.opener = interaction  # deferred: the message is the original response
        await interaction.followup.send(
            t(
                "`{file}` would make: {summary}. Apply?",
                file=truncate(file.filename, 80),
                summary=plan_summary(plan, t),
            ),
            view=view,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="reload", description="Owners: reload the knowledge files from disk")
    async def reload(self, interaction: discord.Interaction) -> None:
        """Let owners reload the knowledge files from disk on demand."""
        require_owner(self.bot, interaction)
        t = Texts.of(interaction.locale)
        await interaction.response.defer(ephemeral=True, thinking=True)  # reloads everything
        report = await asyncio.to_thread(self.bot.knowledge.load)
        if report.problems:
            text = t("Some files have problems; the last good version keeps answering:")
            text += "\n" + "\n".join(f"• {p}" for p in report.problems[:10])
        else:
            text = t("Reloaded: {count} shared facts.", count=len(self.bot.knowledge.base.facts))
        await interaction.followup.send(
            truncate(text, 1900), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(
        name="check", description="Check the knowledge files and this server's edits"
    )
    async def check(self, interaction: discord.Interaction) -> None:
        """Let moderators validate the knowledge files and this server's edits."""
        scope = await edit_scope(self.bot, interaction)
        t = Texts.of(interaction.locale)
        await interaction.response.defer(ephemeral=True, thinking=True)  # reads every file
        problems = await asyncio.to_thread(
            self.bot.knowledge.problems, None if scope == SHARED_SCOPE else scope
        )
        text = (
            t("All good: every file is valid.")
            if not problems
            else t("Problems found:") + "\n" + "\n".join(f"• {p}" for p in problems[:15])
        )
        await interaction.followup.send(
            truncate(text, 1900), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(
        name="forget-user",
        description="Owners: delete every question and rating a user left (privacy request)",
    )
    @app_commands.describe(user="The fan whose questions and ratings are deleted everywhere")
    async def forget_user(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Let owners honour a fan's privacy request by deleting their questions and ratings."""
        require_owner(self.bot, interaction)
        t = Texts.of(interaction.locale)
        await interaction.response.defer(ephemeral=True)  # deletes everywhere: acknowledge first
        deleted = await self.bot.db.run(lambda store: store.forget_user(user.id))
        await interaction.followup.send(
            t.plural(
                deleted,
                "Deleted {count} question or rating by {user} in every server. Moderators' edit history is kept as the knowledge's audit trail.",
                "Deleted {count} questions and ratings by {user} in every server. Moderators' edit history is kept as the knowledge's audit trail.",
                user=user.mention,
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(
        name="sync", description="Owners: publish the slash commands to every server"
    )
    async def sync(self, interaction: discord.Interaction) -> None:
        """Let owners publish the slash commands to every server."""
        require_owner(self.bot, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        synced = await self.bot.tree.sync()
        t = Texts.of(interaction.locale)
        await interaction.followup.send(
            t(
                "Published {count} commands; Discord may take a while to show them everywhere.",
                count=len(synced),
            ),
            ephemeral=True,
        )


async def setup(bot: EtoileBot) -> None:
    """Add the /kb cog when the extension loads."""
    await bot.add_cog(KnowledgeAdmin(bot))
