"""/ask, answers to mentions and DMs, the optional Q&A channel, and "Answer with Étoile facts".

Every reply goes through `reply_for`, so a slash command, a mention and a Q&A channel
message get the same answer, the same buttons and the same limits, in the reader's
language. Each fan's last answer is kept for a few minutes (`bot.conversations`) so
"and Jack?" or "source?" can follow it. Buttons are `DynamicItem`s: their state lives
in the custom id, so they keep working after a restart and cost nothing to keep.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.conversations import ConversationKey
from bot.client import apologise_on_error, send_private
from bot.i18n import Texts
from bot.presentation import Choice, present
from bot.qa.answer import Answer, Outcome
from bot.qa.normalize import looks_like_a_question
from bot.render import (
    BUTTON_LABEL_LIMIT,
    CHOICE_LIMIT,
    CHOICE_NAME_LIMIT,
    NO_MENTIONS,
    render_answer,
    truncate,
)
from bot.storage.store import GuildSettings

if TYPE_CHECKING:
    from bot.client import EtoileBot

log = logging.getLogger(__name__)

PICKS_SHOWN = 4  # close-call choices offered as buttons
RELATED_SHOWN = 3  # related facts offered under an answer


@dataclass(frozen=True)
class Reply:
    """Everything needed to send an answer, the same for /ask, mentions and the Q&A channel."""

    content: str | None
    embed: discord.Embed
    view: discord.ui.View | None
    ephemeral: bool
    allowed_mentions: discord.AllowedMentions = NO_MENTIONS


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qa:fb:(?P<verdict>helpful|wrong):(?P<fact>[a-z0-9-]+)",
):
    """👍/👎 under an answer, recorded with the fact id for moderators."""

    def __init__(self, verdict: str, fact_id: str, t: Texts | None = None) -> None:
        t = t or Texts()
        helpful = verdict == "helpful"
        super().__init__(
            discord.ui.Button(
                label=t("Helpful") if helpful else t("Wrong"),
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
        await interaction.response.defer(ephemeral=True, thinking=True)  # a write: ack first
        await bot.db.run(
            lambda s: s.record_feedback(
                message_id=interaction.message.id if interaction.message else interaction.id,
                user_id=interaction.user.id,
                guild_id=interaction.guild_id,
                fact_id=self.fact_id,
                verdict=self.verdict,
            )
        )
        t = Texts.of(interaction.locale)
        thanks = (
            t("Thanks! Glad it helped.")
            if self.verdict == "helpful"
            else t("Thanks for telling us. The moderators will review this answer.")
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
            t = Texts.of(interaction.locale)
            await send_private(interaction, t("Only the fan who asked can delete this answer."))
            return
        await interaction.response.defer()
        if interaction.message is not None:
            await interaction.message.delete()


async def _picked(interaction: discord.Interaction, fact_id: str) -> Answer | None:
    """The answer behind a picked fact, remembered as the picker's context; None (and a
    private note) when the fact was retired since the buttons were made."""
    bot: EtoileBot = interaction.client  # type: ignore[assignment]
    t = Texts.of(interaction.locale)
    engine = bot.knowledge.engine_for(interaction.guild_id)
    answer = engine.resolve_choice(fact_id, t.language)
    if answer is None:
        await send_private(interaction, t("That fact is no longer in the knowledge base."))
        return None
    bot.conversations.remember(conversation_key(interaction), answer)
    return answer


class _FactButton:
    """What the buttons that offer a fact share: asker and fact in the custom id, and the
    label taken back from the pressed button, so they work after a restart."""

    def __init__(self, asker_id: int, fact_id: str) -> None:
        self.asker_id = asker_id
        self.fact_id = fact_id

    @staticmethod
    def button(prefix: str, asker_id: int, fact_id: str, label: str, **style: Any) -> Any:
        """The underlying Discord button, its label cut to Discord's limit."""
        return discord.ui.Button(
            label=truncate(label, BUTTON_LABEL_LIMIT),
            custom_id=f"{prefix}:{asker_id}:{fact_id}",
            **style,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Any:
        """Rebuild the button and its label from the pressed item."""
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(int(match["user"]), match["fact"], label or "…")  # type: ignore[call-arg]

    async def reply(self, interaction: discord.Interaction, asker_id: int) -> Reply | None:
        """The reply showing this fact, which becomes the presser's context; None (and
        a private note) when the fact was retired since the button was made."""
        answer = await _picked(interaction, self.fact_id)
        if answer is None:
            return None
        bot: EtoileBot = interaction.client  # type: ignore[assignment]
        return await reply_for(bot, interaction, answer, asker_id)


class PickButton(
    _FactButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qa:pick:(?P<user>\d+):(?P<fact>[a-z0-9-]+)",
):
    """A fact offered on a close call or a don't-know: the asker's pick replaces the message."""

    def __init__(self, asker_id: int, fact_id: str, label: str = "…") -> None:
        style = discord.ButtonStyle.primary
        discord.ui.DynamicItem.__init__(
            self, self.button("qa:pick", asker_id, fact_id, label, style=style)
        )
        _FactButton.__init__(self, asker_id, fact_id)

    @apologise_on_error
    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer with the chosen fact: in place for the asker, privately for anyone else."""
        reply = await self.reply(interaction, self.asker_id)
        if reply is None:
            return
        if interaction.user.id == self.asker_id and not reply.ephemeral:
            # The asker's pick replaces the question with the answer.
            await interaction.response.edit_message(
                content=reply.content, embed=reply.embed, view=reply.view
            )
        else:
            await _send(interaction, reply, ephemeral=True)


class RelatedButton(
    _FactButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qa:rel:(?P<user>\d+):(?P<fact>[a-z0-9-]+)",
):
    """A related fact under an answer: pressing it answers it as a new message."""

    def __init__(self, asker_id: int, fact_id: str, label: str = "…") -> None:
        style = discord.ButtonStyle.secondary
        button = self.button("qa:rel", asker_id, fact_id, label, style=style, emoji="💡", row=1)
        discord.ui.DynamicItem.__init__(self, button)
        _FactButton.__init__(self, asker_id, fact_id)

    @apologise_on_error
    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer the related fact below, where the asker sees it (privately for others)."""
        reply = await self.reply(interaction, interaction.user.id)
        if reply is None:
            return
        private = reply.ephemeral or self.asker_id != interaction.user.id
        await _send(interaction, reply, ephemeral=private)


class NoneOfTheseButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qa:none:(?P<user>\d+):(?P<question>\d+)",
):
    """The fan's question is not among the choices: it becomes a gap for moderators."""

    def __init__(self, asker_id: int, question_id: int, t: Texts | None = None) -> None:
        t = t or Texts()
        super().__init__(
            discord.ui.Button(
                label=t("None of these"),
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
        t = Texts.of(interaction.locale)
        if interaction.user.id != self.asker_id:
            await send_private(interaction, t("Only the fan who asked can answer that."))
            return
        await interaction.response.defer()  # a write: acknowledge first
        await bot.db.run(lambda s: s.mark_unanswered(self.question_id))
        await interaction.edit_original_response(
            content=None,
            embed=discord.Embed(
                description=t(
                    "Sorry I couldn't help. I've noted the question so the moderators can add the answer."
                ),
                colour=discord.Colour.light_grey(),
            ),
            view=None,
        )


def answer_view(
    answer: Answer,
    asker_id: int,
    question_id: int,
    *,
    ephemeral: bool,
    t: Texts,
    spoilers: bool = False,
) -> discord.ui.View | None:
    """The buttons under a reply, each offered once: picks on a close call, the nearest
    facts on a don't-know about the series, else feedback, delete and related facts."""
    shown = present(answer, t, spoilers=spoilers)
    view = discord.ui.View(timeout=None)
    picks: tuple[Choice, ...] = ()
    if answer.outcome is Outcome.CHOICES:
        picks = shown.choices[:PICKS_SHOWN]
    elif answer.outcome is Outcome.ABSTAIN:
        picks = shown.suggestions
    if picks:
        for choice in picks:
            view.add_item(PickButton(asker_id, choice.id, choice.label))
        view.add_item(NoneOfTheseButton(asker_id, question_id, t))
        return view
    if answer.outcome is Outcome.ANSWER and answer.id:
        view.add_item(FeedbackButton("helpful", answer.id, t))
        view.add_item(FeedbackButton("wrong", answer.id, t))
        if not ephemeral:
            view.add_item(DeleteButton(asker_id))
        for choice in shown.related[:RELATED_SHOWN]:
            view.add_item(RelatedButton(asker_id, choice.id, choice.label))
        return view
    return None


async def guild_settings(bot: EtoileBot, guild_id: int | None) -> GuildSettings:
    """The server's answer settings (the defaults in DMs), read off the event loop."""
    if guild_id is None:
        return GuildSettings(0)
    return await bot.db.run(lambda s: s.guild_settings(guild_id))


def conversation_key(source: discord.Interaction | discord.Message) -> ConversationKey:
    """One conversation per fan and channel (and per fan in DMs)."""
    user = source.user if isinstance(source, discord.Interaction) else source.author
    channel = source.channel.id if source.channel else None
    return (source.guild.id if source.guild else None, channel, user.id)


async def reply_for(
    bot: EtoileBot,
    source: discord.Interaction | discord.Message,
    answer: Answer,
    asker_id: int,
    *,
    private: bool | None = None,
    question_id: int = 0,
    for_member: discord.abc.User | None = None,
) -> Reply:
    """The same reply for a slash command, a button pick, a mention, or the Q&A channel.

    The interface speaks the fan's Discord language; a message (which carries none)
    gets the question's. `for_member` is the one member the reply may ping.
    """
    locale = source.locale if isinstance(source, discord.Interaction) else answer.language
    t = Texts.of(locale)
    guild_id = source.guild.id if source.guild else None
    settings = await guild_settings(bot, guild_id)
    ephemeral = settings.private_answers if private is None else private
    if (
        answer.spoiler
        and settings.spoiler_mode == "private"
        and isinstance(source, discord.Interaction)
    ):
        ephemeral = True  # the guild prefers spoilers to be seen only by the asker
    if for_member is not None:
        ephemeral = False  # an answer for someone else is there for them to read
    rendered = render_answer(
        answer, hide_spoilers=not ephemeral, t=t, spoilers=settings.related_spoilers
    )
    view = answer_view(
        answer,
        asker_id,
        question_id,
        ephemeral=ephemeral,
        t=t,
        spoilers=settings.related_spoilers,
    )
    content, mentions = rendered.content, NO_MENTIONS
    if for_member is not None:
        line = t("{member}, this answer is for you:", member=for_member.mention)
        content = f"{line}\n{content}" if content else line
        mentions = discord.AllowedMentions(
            everyone=False, roles=False, replied_user=False, users=[for_member]
        )
    return Reply(content, rendered.embed, view, ephemeral, mentions)


async def _send(interaction: discord.Interaction, reply: Reply, *, ephemeral: bool) -> None:
    kwargs: dict[str, Any] = {
        "content": reply.content,
        "embed": reply.embed,
        "ephemeral": ephemeral,
        "allowed_mentions": reply.allowed_mentions,
    }
    if reply.view is not None:
        kwargs["view"] = reply.view
    await interaction.response.send_message(**kwargs)


class Ask(commands.Cog):
    """The cog that answers fans: /ask, mentions, DMs, the Q&A channel and a message menu."""

    def __init__(self, bot: EtoileBot) -> None:
        self.bot = bot
        self.answer_menu = app_commands.ContextMenu(
            name="Answer with Étoile facts", callback=self.answer_message
        )

    async def cog_load(self) -> None:
        """Register the message menu (context menus cannot be declared inside a cog)."""
        self.bot.tree.add_command(self.answer_menu)

    async def cog_unload(self) -> None:
        """Remove the message menu with the cog."""
        self.bot.tree.remove_command(self.answer_menu.name, type=self.answer_menu.type)

    async def _answer(
        self, question: str, key: ConversationKey, *, follow_up: bool = True
    ) -> tuple[Answer, int]:
        guild_id, channel_id, user_id = key
        engine = self.bot.knowledge.engine_for(guild_id)
        context = self.bot.conversations.context(key) if follow_up else None
        answer = engine.answer(question, context)
        self.bot.conversations.remember(key, answer)
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
        if not answer.answered and not answer.small_talk:
            log.info("Unanswered (%s) in guild %s: %r", answer.reason, guild_id, question)
        return answer, question_id

    def _refusal(self, question: str, user_id: int, t: Texts) -> str | None:
        """A polite refusal for an over-long question or a fan on cooldown."""
        limit = self.bot.settings.max_question_chars
        if len(question) > limit:
            return t(
                "That question is {length} characters long; please keep it under {limit}.",
                length=f"{len(question):,}",
                limit=limit,
            )
        if not question.strip():
            return t("Ask me something about Étoile, e.g. `/ask who plays Cheyenne?`")
        bucket = self.bot.cooldown.get_bucket(user_id)
        wait = bucket.update_rate_limit() if bucket else None
        if wait:
            return t("Easy there! You can ask again in {seconds} s.", seconds=f"{wait:.1f}")
        return None

    @app_commands.command(
        name="ask",
        description="Ask a question about Étoile (cast, creators, episodes, production…)",
    )
    @app_commands.rename(member="for")
    @app_commands.describe(
        question="Your question, in English or French",
        private="Only you see the answer",
        member="Answer for this member (they are notified)",
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 300],
        private: bool | None = None,
        member: discord.Member | None = None,
    ) -> None:
        """Give the fan a sourced answer, choices on a close call, or an honest don't-know."""
        t = Texts.of(interaction.locale)
        refusal = self._refusal(question, interaction.user.id, t)
        if refusal:
            await send_private(interaction, refusal)
            return
        if member is not None and member.bot:
            await send_private(interaction, t("Bots don't need answers; pick a member."))
            return
        answer, question_id = await self._answer(question, conversation_key(interaction))
        reply = await reply_for(
            self.bot,
            interaction,
            answer,
            interaction.user.id,
            private=private,
            question_id=question_id,
            for_member=member if answer.answered else None,
        )
        quiet = answer.outcome is Outcome.ABSTAIN and member is None
        await _send(interaction, reply, ephemeral=reply.ephemeral or quiet)

    @ask.autocomplete("question")
    async def ask_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest known, spoiler-free questions while the fan types, best tier first."""
        engine = self.bot.knowledge.engine_for(interaction.guild_id)
        t = Texts.of(interaction.locale)
        labels = {"exact": "", "keyword": t("keyword"), "related": t("related")}
        choices = []
        for tier, question in engine.suggest_tiers(
            current[:CHOICE_NAME_LIMIT], limit=CHOICE_LIMIT, language=t.language
        ):
            value = truncate(question, CHOICE_NAME_LIMIT)
            label = f"{labels[tier]} · {question}" if labels[tier] else question
            choices.append(
                app_commands.Choice(name=truncate(label, CHOICE_NAME_LIMIT), value=value)
            )
        return choices

    async def answer_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Answer a member's message with Étoile facts, pinging only them."""
        t = Texts.of(interaction.locale)
        question = message.content.strip()
        refusal = self._refusal(question, interaction.user.id, t)
        if message.author.bot:
            refusal = t("That message is from a bot; pick a member's question.")
        if refusal:
            await send_private(interaction, refusal)
            return
        key = conversation_key(interaction)
        answer, question_id = await self._answer(question, key, follow_up=False)
        if not answer.answered:
            reply = await reply_for(
                self.bot, interaction, answer, interaction.user.id, question_id=question_id
            )
            await _send(interaction, reply, ephemeral=True)
            return
        reply = await reply_for(
            self.bot,
            interaction,
            answer,
            interaction.user.id,
            question_id=question_id,
            for_member=message.author,
        )
        await _send(interaction, reply, ephemeral=False)

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
        # A message carries no locale: a refusal speaks the language the fan wrote in.
        engine = self.bot.knowledge.engine_for(message.guild.id if message.guild else None)
        written = engine.analyser.analyse(question[: self.bot.settings.max_question_chars])
        refusal = self._refusal(question, message.author.id, Texts.of(written.language))
        if refusal:
            if not in_qa_channel:  # never chatter in the Q&A channel
                await message.reply(refusal, mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        answer, question_id = await self._answer(question, conversation_key(message))
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
    bot.add_dynamic_items(
        FeedbackButton, DeleteButton, PickButton, RelatedButton, NoneOfTheseButton
    )
    await bot.add_cog(Ask(bot))
