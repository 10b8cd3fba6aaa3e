"""One paginator for every long list the bot shows (sources, a fact's history)."""

from __future__ import annotations

from typing import Any

import discord

from bot.client import SafeView
from bot.i18n import Texts
from bot.render import COLOUR, paginate


class Paginator(SafeView):
    """Previous/next buttons over pages of whole lines; only the viewer can turn them."""

    def __init__(
        self,
        title: str,
        lines: list[str],
        viewer_id: int,
        *,
        command: str,
        per_page: int = 10,
        t: Texts | None = None,
    ) -> None:
        super().__init__(timeout=600)
        self.t = t or Texts()
        self.title = title
        self.pages = paginate(lines, per_page=per_page, t=self.t)
        self.viewer_id = viewer_id
        self.command = command  # what another member should run to browse it themselves
        self.page = 0
        self.previous.label = self.t("Previous")
        self.next.label = self.t("Next")
        self._sync_buttons()

    async def start(self, interaction: discord.Interaction) -> None:
        """Show the first page privately to the one who asked."""
        await self.send(interaction, embed=self.embed())

    def embed(self) -> discord.Embed:
        """The current page as an embed, with its page number."""
        embed = discord.Embed(title=self.title, description=self.pages[self.page], colour=COLOUR)
        embed.set_footer(
            text=self.t("Page {page} of {pages}", page=self.page + 1, pages=len(self.pages))
        )
        return embed

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Keep other members from turning the pages, and tell them how to browse themselves."""
        if interaction.user.id != self.viewer_id:
            t = Texts.of(interaction.locale)
            await interaction.response.send_message(
                t("Run {command} to browse it yourself.", command=self.command), ephemeral=True
            )
            return False
        return True

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = max(0, min(len(self.pages) - 1, self.page + step))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Show the previous page."""
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the next page."""
        await self._turn(interaction, 1)
