"""Browsing what the bot knows: /quote, /cast, /episode, /sources, /about."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from rapidfuzz import fuzz, process

from bot import __version__
from bot.kb.model import KnowledgeBase
from bot.paginator import Paginator
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
    spoiler,
    truncate,
)

if TYPE_CHECKING:
    from bot.client import EtoileBot


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
        found = find_quotes(kb, about, limit=1) if about else [random_quote(kb)]
        if not found or found[0] is None:
            await interaction.response.send_message(
                f"I have no quote about “{truncate(about or '', 80)}”. Try a name like Amy Sherman-Palladino, or a topic like casting.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        rendered = render_quote(kb, found[0])
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
        lines = find_cast(kb, name) if name else cast_list(kb)
        if not lines:
            await interaction.response.send_message(
                f"I don't know anyone called “{truncate(name or '', 80)}” in Étoile's cast. Try `/cast` for the main cast.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        embed = discord.Embed(
            title="Main cast" if not name else f"Cast: {truncate(name, 200)}", colour=COLOUR
        )
        for line in lines[:25]:
            actor = line.actor.name if line.actor else "actor not identified"
            value = f"played by **{actor}**"
            if line.character.billing:
                value += f" ({line.character.billing})"
            if line.character.description and name:
                value += f"\n{line.character.description}"
            sources = kb.citations(line.character.sources)
            if sources and name:
                value += "\n" + citations_field([cite(s) for s in sources[:2]])
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
        if not episode:
            listing = (
                "\n".join(f"**{e.number}.** {e.title}" for e in kb.episodes.values())
                or "No episodes known yet."
            )
            embed = discord.Embed(title="Étoile, Season 1", description=listing, colour=COLOUR)
            embed.set_footer(text="/episode 3 for one episode")
            await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)
            return
        found = find_episode(kb, episode)
        if found is None:
            await interaction.response.send_message(
                f"No episode matches “{truncate(episode, 80)}”. Episodes are numbered 1 to {len(kb.episodes)}.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        embed = discord.Embed(title=f"Episode {found.number}: {found.title}", colour=COLOUR)
        for fact in facts_about_episode(kb, found)[:10]:
            text = (
                spoiler(truncate(fact.answer, FIELD_VALUE_LIMIT - 4))
                if fact.is_spoiler
                else truncate(fact.answer, FIELD_VALUE_LIMIT)
            )
            label = (
                f"Spoiler (episode {fact.spoiler_episode})" if fact.is_spoiler else fact.question
            )
            embed.add_field(name=truncate(label, 256), value=text, inline=False)
        sources = kb.citations(found.sources)
        if sources:
            embed.add_field(
                name="Sources",
                value=citations_field([cite(s) for s in sources]),
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
        lines = [cite(s) for s in kb.sources.values()]
        pager = Paginator("Sources the bot cites", lines, interaction.user.id, command="/sources")
        await pager.start(interaction)

    @app_commands.command(
        name="about", description="What this bot is and how to report a wrong answer"
    )
    async def about(self, interaction: discord.Interaction) -> None:
        """Tell fans what the bot does and how to report a wrong answer."""
        kb = self._kb(interaction)
        updated = int(kb.loaded_at) if kb.loaded_at else None
        embed = discord.Embed(
            title="Étoile Q&A",
            description=(
                "I answer fans' questions about **Étoile**, the Prime Video ballet series by Amy "
                "Sherman-Palladino and Daniel Palladino: cast, creators, episodes, production, "
                "release and reception, with the sources every answer comes from. I never guess: "
                "when I'm not sure I offer choices, and when I don't know I say so.\n\n"
                "Ask with `/ask`, mention me with a question, or try `/quote`, `/cast`, `/episode` "
                "and `/sources`."
            ),
            colour=COLOUR,
        )
        embed.add_field(
            name="Knowledge",
            value=f"{len(kb.facts)} facts · {len(kb.quotes)} quotes · {len(kb.sources)} sources",
            inline=False,
        )
        if updated:
            embed.add_field(name="Last updated", value=f"<t:{updated}:R>", inline=True)
        embed.add_field(
            name="Wrong answer?",
            value="Press 👎 **Wrong** under it: the moderators see it in `/kb stats` and can fix the fact with `/fact edit`.",
            inline=False,
        )
        embed.set_footer(text=f"etoile-bot {__version__}")
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: EtoileBot) -> None:
    """Add the Browse cog when the extension loads."""
    await bot.add_cog(Browse(bot))
