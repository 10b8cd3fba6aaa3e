"""Browsing what the bot knows: /quote, /cast, /episode, /sources, /about."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from rapidfuzz import fuzz, process

from bot import __version__
from bot.i18n import N_, Texts
from bot.kb.citations import spoiler_tags
from bot.kb.model import KnowledgeBase
from bot.paginator import Paginator
from bot.qa.answer import fact_body
from bot.qa.engine import question_in
from bot.qa.folding import fold
from bot.qa.lookup import (
    cast_list,
    facts_about_episode,
    find_cast,
    find_episode,
    find_quotes,
    quote_topics,
    random_quote,
)
from bot.render import (
    CHOICE_LIMIT,
    CHOICE_NAME_LIMIT,
    COLOUR,
    FIELD_VALUE_LIMIT,
    NO_MENTIONS,
    citations_field,
    cite,
    render_quote,
    truncate,
)

if TYPE_CHECKING:
    from bot.client import EtoileBot


BILLING_WORDS = {
    "main": N_("main"),
    "recurring": N_("recurring"),
    "guest": N_("guest"),
    "cameo": N_("cameo"),
}


def fuzzy_choices(options: list[str], current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete over a list of names, accent-insensitive, within Discord's limits."""
    if current.strip():
        folded = {i: fold(o) for i, o in enumerate(options)}
        picked = [
            options[i]
            for _, _, i in process.extract(
                fold(current), folded, scorer=fuzz.WRatio, limit=CHOICE_LIMIT, score_cutoff=50
            )
        ]
    else:
        picked = options[:CHOICE_LIMIT]
    return [
        app_commands.Choice(
            name=truncate(o, CHOICE_NAME_LIMIT), value=truncate(o, CHOICE_NAME_LIMIT)
        )
        for o in picked
    ]


class Browse(commands.Cog):
    """The cog for fans browsing the knowledge directly: quotes, cast, episodes, sources."""

    def __init__(self, bot: EtoileBot) -> None:
        self.bot = bot

    def _kb(self, interaction: discord.Interaction) -> KnowledgeBase:
        return self.bot.knowledge.engine_for(interaction.guild_id).kb

    @app_commands.command(
        name="quote", description="A verbatim quote from the people behind Étoile"
    )
    @app_commands.describe(about="A person or a topic (random when empty)")
    async def quote(
        self, interaction: discord.Interaction, about: app_commands.Range[str, 0, 100] | None = None
    ) -> None:
        """Show fans a sourced quote about a person or topic, or a random one."""
        kb = self._kb(interaction)
        t = Texts.of(interaction.locale)
        found = find_quotes(kb, about, limit=1) if about else [random_quote(kb)]
        if not found or found[0] is None:
            await interaction.response.send_message(
                t(
                    "I have no quote about “{about}”. Try a name like Amy Sherman-Palladino, or a topic like casting.",
                    about=truncate(about or "", 80),
                ),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        rendered = render_quote(kb, found[0], t)
        await interaction.response.send_message(embed=rendered.embed, allowed_mentions=NO_MENTIONS)

    @quote.autocomplete("about")
    async def quote_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest speakers and quote topics as the fan types."""
        return fuzzy_choices(quote_topics(self._kb(interaction)), current)

    @app_commands.command(name="cast", description="Who plays whom in Étoile")
    @app_commands.describe(name="An actor or a character (the main cast when empty)")
    async def cast(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 0, 100] | None = None
    ) -> None:
        """Show who plays whom: the main cast, or the actor or character the fan names."""
        kb = self._kb(interaction)
        t = Texts.of(interaction.locale)
        lines = find_cast(kb, name) if name else cast_list(kb)
        if not lines:
            await interaction.response.send_message(
                t(
                    "I don't know anyone called “{name}” in Étoile's cast. Try `/cast` for the main cast.",
                    name=truncate(name or "", 80),
                ),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        embed = discord.Embed(
            title=t("Main cast") if not name else t("Cast: {name}", name=truncate(name, 200)),
            colour=COLOUR,
        )
        for line in lines[:25]:
            actor = line.actor.name if line.actor else t("actor not identified")
            value = t("played by **{actor}**", actor=actor)
            if line.character.billing:
                value += f" ({t(BILLING_WORDS[line.character.billing])})"
            if line.character.description and name:
                value += f"\n{line.character.description}"
            sources = kb.citations(line.character.sources)
            if sources and name:
                value += "\n" + citations_field([cite(s) for s in sources[:2]], t)
            embed.add_field(
                name=truncate(line.character.name, 256),
                value=truncate(value, FIELD_VALUE_LIMIT),
                inline=not name,
            )
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)

    @cast.autocomplete("name")
    async def cast_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest character and actor names as the fan types."""
        kb = self._kb(interaction)
        names = [c.name for c in kb.characters.values()] + [
            kb.people[actor].name
            for c in kb.characters.values()
            if (actor := c.played_by) is not None and actor in kb.people
        ]
        return fuzzy_choices(list(dict.fromkeys(names)), current)

    @app_commands.command(
        name="episode", description="Étoile's episodes, and what the bot knows about one"
    )
    @app_commands.describe(episode="An episode number or title (the list when empty)")
    async def episode(
        self,
        interaction: discord.Interaction,
        episode: app_commands.Range[str, 0, 100] | None = None,
    ) -> None:
        """List the episodes, or show what the bot knows about one with spoilers hidden."""
        kb = self._kb(interaction)
        t = Texts.of(interaction.locale)
        if not episode:
            listing = "\n".join(f"**{e.number}.** {e.title}" for e in kb.episodes.values()) or t(
                "No episodes known yet."
            )
            embed = discord.Embed(title=t("Étoile, Season 1"), description=listing, colour=COLOUR)
            embed.set_footer(text=t("/episode 3 for one episode"))
            await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)
            return
        found = find_episode(kb, episode)
        if found is None:
            await interaction.response.send_message(
                t(
                    "No episode matches “{episode}”. Episodes are numbered 1 to {count}.",
                    episode=truncate(episode, 80),
                    count=len(kb.episodes),
                ),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        embed = discord.Embed(
            title=t("Episode {number}: {title}", number=found.number, title=found.title),
            colour=COLOUR,
        )
        for fact in facts_about_episode(kb, found)[:10]:
            body = fact_body(fact, t.language)
            text = (
                spoiler_tags(truncate(body, FIELD_VALUE_LIMIT - 4))
                if fact.is_spoiler
                else truncate(body, FIELD_VALUE_LIMIT)
            )
            label = (
                t("Spoiler (episode {episode})", episode=fact.spoiler_episode)
                if fact.is_spoiler
                else question_in(fact, t.language)
            )
            embed.add_field(name=truncate(label, 256), value=text, inline=False)
        sources = kb.citations(found.sources)
        if sources:
            embed.add_field(
                name=t("Sources"),
                value=citations_field([cite(s) for s in sources], t),
                inline=False,
            )
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)

    @episode.autocomplete("episode")
    async def episode_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest episodes by number and title as the fan types."""
        kb = self._kb(interaction)
        return fuzzy_choices([f"{e.number} — {e.title}" for e in kb.episodes.values()], current)

    @app_commands.command(name="sources", description="The sources the bot's answers come from")
    async def sources(self, interaction: discord.Interaction) -> None:
        """Let fans page through every source the bot's answers come from."""
        kb = self._kb(interaction)
        t = Texts.of(interaction.locale)
        lines = [cite(s) for s in kb.sources.values()]
        pager = Paginator(
            t("Sources the bot cites"), lines, interaction.user.id, command="/sources", t=t
        )
        await pager.start(interaction)

    @app_commands.command(
        name="about", description="What this bot is and how to report a wrong answer"
    )
    async def about(self, interaction: discord.Interaction) -> None:
        """Tell fans what the bot does and how to report a wrong answer."""
        kb = self._kb(interaction)
        t = Texts.of(interaction.locale)
        updated = int(kb.loaded_at) if kb.loaded_at else None
        embed = discord.Embed(
            title=t("Étoile Q&A"),
            description=t(
                "I answer fans' questions about **Étoile**, the Prime Video ballet series by Amy "
                "Sherman-Palladino and Daniel Palladino: cast, creators, episodes, production, "
                "release and reception, with the sources every answer comes from. I never guess: "
                "when I'm not sure I offer choices, and when I don't know I say so.\n\n"
                "Ask with `/ask`, mention me with a question, or try `/help`."
            ),
            colour=COLOUR,
        )
        embed.add_field(name=t("Knowledge"), value=knowledge_line(kb, t), inline=False)
        if updated:
            embed.add_field(name=t("Last updated"), value=f"<t:{updated}:R>", inline=True)
        embed.add_field(
            name=t("Wrong answer?"),
            value=t(
                "Press 👎 **Wrong** under it: the moderators see it in `/kb stats` and can fix the fact with `/fact edit`."
            ),
            inline=False,
        )
        embed.set_footer(text=f"etoile-bot {__version__}")
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="help", description="What I know and how to ask me")
    async def help(self, interaction: discord.Interaction) -> None:
        """Show how to ask, with examples, and what the bot knows about."""
        kb = self._kb(interaction)
        t = Texts.of(interaction.locale)
        embed = discord.Embed(
            title=t("How to ask"),
            description=t(
                "Ask in English or French, in your own words: typos and half sentences are fine. "
                "Every answer comes with its sources; when I'm not sure I offer choices, and "
                "when I don't know I say so."
            ),
            colour=COLOUR,
        )
        embed.add_field(
            name=t("Try"),
            value=t(
                "`/ask who plays Cheyenne?`\n`/ask qui a créé la série ?`\n"
                "`/ask when did it come out`\nthen a follow-up: `/ask and Jack?`, "
                "`/ask tell me more`, `/ask source?`"
            ),
            inline=False,
        )
        embed.add_field(
            name=t("Also"),
            value=t(
                "`/cast` who plays whom · `/episode` the episodes · `/quote` what the people "
                "behind it said · `/sources` every source · mention me with a question · "
                "right-click a message › Apps › *Answer with Étoile facts* to answer a fan"
            ),
            inline=False,
        )
        embed.add_field(name=t("What I know"), value=knowledge_line(kb, t), inline=False)
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


def knowledge_line(kb: KnowledgeBase, t: Texts) -> str:
    """How much the bot knows, in one line."""
    return t(
        "{facts} facts · {quotes} quotes · {sources} sources · {episodes} episodes",
        facts=len(kb.facts),
        quotes=len(kb.quotes),
        sources=len(kb.sources),
        episodes=len(kb.episodes),
    )


async def setup(bot: EtoileBot) -> None:
    """Add the Browse cog when the extension loads."""
    await bot.add_cog(Browse(bot))
