"""/ask, answers to mentions, and the optional Q&A channel.

Every reply goes through `reply_for`, so a slash command, a mention and a Q&A channel
message get the same answer, the same buttons and the same limits. Buttons are
`DynamicItem`s: their state lives in the custom id, so they keep working after a
restart and cost nothing to keep.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import apologise_on_error, send_private
from bot.qa.answer import Answer, Outcome
from bot.qa.normalize import looks_like_a_question
from bot.render import (
    BUTTON_LABEL_LIMIT,
    CHOICE_LIMIT,
    CHOICE_NAME_LIMIT,
    NO_MENTIONS,
    choice_label,
    render_answer,
    truncate,
)
from bot.storage.store import GuildSettings

if TYPE_CHECKING:
    from bot.client import EtoileBot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """Everything needed to send an answer, the same for /ask, mentions and the Q&A channel."""

    content: str | None
    embed: discord.Embed
    view: discord.ui.View | None
    ephemeral: bool


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qa:fb:(?P<verdict>helpful|wrong):(?P<fact>[a-z0-9-]+)",
):
    """👍/👎 under an answer, recorded with the fact id for moderators."""

    def __init__(self, verdict: str, fact_id: str) -> None:
        helpful = verdict == "helpful"
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Wrong",
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:fb:{verdict}:{fact_id}",
            )
        )
        self.verdict = verdict
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FeedbackButton:
        """Rebuild the button from its custom id, so it keeps working after a restart."""
        return cls(match["verdict"], match["fact"])

    @apologise_on_error
    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the fan's verdict on the answer so moderators can review wrong ones."""
        bot: EtoileBot = interaction.client  # type: ignore[assignment]
        await bot.db.run(
            lambda s: s.record_feedback(
                message_id=interaction.message.id if interaction.message else interaction.id,
                user_id=interaction.user.id,
                guild_id=interaction.guild_id,
                fact_id=self.fact_id,
                verdict=self.verdict,
            )
        )
        thanks = (
            "Thanks! Glad it helped."
            if self.verdict == "helpful"
            else "Thanks for telling us. The moderators will review this answer."
        )
        await send_private(interaction, thanks)


class DeleteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"qa:del:(?P<user>\d+)"
):
    """Lets the fan who asked remove the answer; nobody else."""

    def __init__(self, asker_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="🗑️", style=discord.ButtonStyle.secondary, custom_id=f"qa:del:{asker_id}"
            )
        )
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DeleteButton:
        """Rebuild the button from its custom id, so it keeps working after a restart."""
        return cls(int(match["user"]))

    @apologise_on_error
    async def callback(self, interaction: discord.Interaction) -> None:
        """Delete the answer message, but only for the fan who asked."""
        if interaction.user.id != self.asker_id:
            await send_private(interaction, "Only the fan who asked can delete this answer.")
            return
        await interaction.response.defer()
        if interaction.message is not None:
            await interaction.message.delete()


class PickButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qa:pick:(?P<user>\d+):(?P<fact>[a-z0-9-]+)",
):
    """One of the choices offered on a close call."""

    def __init__(self, asker_id: int, fact_id: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=truncate(label, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.primary,
                custom_id=f"qa:pick:{asker_id}:{fact_id}",
            )
        )
        self.asker_id = asker_id
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PickButton:
        """Rebuild the button and its label from the pressed item, so it survives a restart."""
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(int(match["user"]), match["fact"], label or "…")

    @apologise_on_error
    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer with the chosen fact: in place for the asker, privately for anyone else."""
        bot: EtoileBot = interaction.client  # type: ignore[assignment]
        engine = bot.knowledge.engine_for(interaction.guild_id)
        answer = engine.resolve_choice(self.fact_id)
        if answer is None:
            await send_private(interaction, "That fact is no longer in the knowledge base.")
            return
        reply = await reply_for(bot, interaction, answer, self.asker_id)
        if interaction.user.id == self.asker_id and not reply.ephemeral:
            # The asker's pick replaces the question with the answer.
            await interaction.response.edit_message(
                content=reply.content, embed=reply.embed, view=reply.view
            )
        else:
            await interaction.response.send_message(
                content=reply.content,
                embed=reply.embed,
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )


class NoneOfTheseButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qa:none:(?P<user>\d+):(?P<question>\d+)",
):
    """The fan's question is not among the choices: it becomes a gap for moderators."""

    def __init__(self, asker_id: int, question_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="None of these",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:none:{asker_id}:{question_id}",
            )
        )
        self.asker_id = asker_id
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NoneOfTheseButton:
        """Rebuild the button from its custom id, so it keeps working after a restart."""
        return cls(int(match["user"]), int(match["question"]))

    @apologise_on_error
    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the question as a gap for moderators and tell the fan it was noted."""
        bot: EtoileBot = interaction.client  # type: ignore[assignment]
        if interaction.user.id != self.asker_id:
            await send_private(interaction, "Only the fan who asked can answer that.")
            return
        await bot.db.run(lambda s: s.mark_unanswered(self.question_id))
        await interaction.response.edit_message(
            content=None,
            embed=discord.Embed(
                description="Sorry I couldn't help. I've noted the question so the moderators can add the answer.",
                colour=discord.Colour.light_grey(),
            ),
            view=None,
        )


def answer_view(
    answer: Answer, asker_id: int, question_id: int, *, ephemeral: bool
) -> discord.ui.View | None:
    """The buttons under an answer: picks on a close call, else feedback and delete."""
    view = discord.ui.View(timeout=None)
    if answer.outcome is Outcome.CHOICES:
        for choice in answer.choices[:4]:
            view.add_item(
                PickButton(
                    asker_id,
                    choice.id,
                    choice_label(choice.question, choice.spoiler, BUTTON_LABEL_LIMIT),
                )
            )
        view.add_item(NoneOfTheseButton(asker_id, question_id))
        return view
    if answer.outcome is Outcome.ANSWER and answer.id:
        view.add_item(FeedbackButton("helpful", answer.id))
        view.add_item(FeedbackButton("wrong", answer.id))
        if not ephemeral:
            view.add_item(DeleteButton(asker_id))
        return view
    return None


async def guild_settings(bot: EtoileBot, guild_id: int | None) -> GuildSettings:
    """The server's answer settings (the defaults in DMs), read off the event loop."""
    if guild_id is None:
        return GuildSettings(0)
    return await bot.db.run(lambda s: s.guild_settings(guild_id))


async def reply_for(
    bot: EtoileBot,
    source: discord.Interaction | discord.Message,
    answer: Answer,
    asker_id: int,
    *,
    private: bool | None = None,
    question_id: int = 0,
) -> Reply:
    """The same reply for a slash command, a button pick, a mention, or the Q&A channel."""
    guild_id = source.guild.id if source.guild else None
    settings = await guild_settings(bot, guild_id)
    ephemeral = settings.private_answers if private is None else private
    if (
        answer.spoiler
        and settings.spoiler_mode == "private"
        and isinstance(source, discord.Interaction)
    ):
        ephemeral = True  # the guild prefers spoilers to be seen only by the asker
    rendered = render_answer(answer, hide_spoilers=not ephemeral)
    view = answer_view(answer, asker_id, question_id, ephemeral=ephemeral)
    return Reply(rendered.content, rendered.embed, view, ephemeral)


class Ask(commands.Cog):
    """The cog that answers fans: /ask, mentions of the bot and the Q&A channel."""

    def __init__(self, bot: EtoileBot) -> None:
        self.bot = bot

    async def _answer(
        self, question: str, guild_id: int | None, channel_id: int | None, user_id: int
    ) -> tuple[Answer, int]:
        engine = self.bot.knowledge.engine_for(guild_id)
        answer = engine.answer(question)
        question_id = await self.bot.db.run(
            lambda s: s.record_question(
                guild_id=guild_id,
                channel_id=channel_id,
                user_id=user_id,
                question=question,
                outcome=answer.outcome.value,
                fact_id=answer.id,
                score=answer.score,
            )
        )
        if not answer.answered:
            log.info("Unanswered (%s) in guild %s: %r", answer.reason, guild_id, question)
        return answer, question_id

    def _refusal(self, question: str, user_id: int) -> str | None:
        """A polite refusal for an over-long question or a fan on cooldown."""
        limit = self.bot.settings.max_question_chars
        if len(question) > limit:
            return (
                f"That question is {len(question):,} characters long; please keep it under {limit}."
            )
        if not question.strip():
            return "Ask me something about Étoile, e.g. `/ask who plays Cheyenne?`"
        bucket = self.bot.cooldown.get_bucket(user_id)
        wait = bucket.update_rate_limit() if bucket else None
        if wait:
            return f"Easy there! You can ask again in {wait:.1f} s."
        return None

    @app_commands.command(
        name="ask",
        description="Ask a question about Étoile (cast, creators, episodes, production…)",
    )
    @app_commands.describe(
        question="Your question, in English or French", private="Only you see the answer"
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 300],
        private: bool | None = None,
    ) -> None:
        """Give the fan a sourced answer, choices on a close call, or an honest don't-know."""
        refusal = self._refusal(question, interaction.user.id)
        if refusal:
            await send_private(interaction, refusal)
            return
        answer, question_id = await self._answer(
            question, interaction.guild_id, interaction.channel_id, interaction.user.id
        )
        reply = await reply_for(
            self.bot,
            interaction,
            answer,
            interaction.user.id,
            private=private,
            question_id=question_id,
        )
        kwargs: dict[str, Any] = {
            "content": reply.content,
            "embed": reply.embed,
            "ephemeral": reply.ephemeral or answer.outcome is Outcome.ABSTAIN,
            "allowed_mentions": NO_MENTIONS,
        }
        if reply.view is not None:
            kwargs["view"] = reply.view
        await interaction.response.send_message(**kwargs)

    @ask.autocomplete("question")
    async def ask_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest known, spoiler-free questions while the fan types."""
        engine = self.bot.knowledge.engine_for(interaction.guild_id)
        return [
            app_commands.Choice(
                name=truncate(q, CHOICE_NAME_LIMIT), value=truncate(q, CHOICE_NAME_LIMIT)
            )
            for q in engine.suggest(current[:CHOICE_NAME_LIMIT], limit=CHOICE_LIMIT)
        ]

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer mentions, DMs and questions in the server's Q&A channel the way /ask does."""
        if message.author.bot or self.bot.user is None:
            return
        mentioned = self.bot.user in message.mentions and not message.mention_everyone
        in_dm = message.guild is None
        in_qa_channel = False
        if message.guild is not None and not mentioned:
            settings = await guild_settings(self.bot, message.guild.id)
            in_qa_channel = settings.qa_channel_id == message.channel.id and looks_like_a_question(
                message.content
            )
        if not (mentioned or in_dm or in_qa_channel):
            return
        question = re.sub(rf"<@!?{self.bot.user.id}>", " ", message.content).strip()
        refusal = self._refusal(question, message.author.id)
        if refusal:
            if not in_qa_channel:  # never chatter in the Q&A channel
                await message.reply(refusal, mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        answer, question_id = await self._answer(
            question,
            message.guild.id if message.guild else None,
            message.channel.id,
            message.author.id,
        )
        if in_qa_channel and not mentioned and answer.outcome is Outcome.ABSTAIN:
            return  # the question is recorded for moderators; the channel stays quiet
        reply = await reply_for(
            self.bot, message, answer, message.author.id, private=False, question_id=question_id
        )
        kwargs: dict[str, Any] = {
            "content": reply.content,
            "embed": reply.embed,
            "mention_author": False,
            "allowed_mentions": NO_MENTIONS,
        }
        if reply.view is not None:
            kwargs["view"] = reply.view
        await message.reply(**kwargs)


async def setup(bot: EtoileBot) -> None:
    """Register the persistent answer buttons and the Ask cog when the extension loads."""
    bot.add_dynamic_items(FeedbackButton, DeleteButton, PickButton, NoneOfTheseButton)
    await bot.add_cog(Ask(bot))
