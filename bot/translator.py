"""Discord-side translation of command names, descriptions and options (bot.i18n's catalog).

Discord shows each user the command list in their client's language when the sync
payload carries `name_localizations` and `description_localizations`; discord.py
asks this translator for every one of them.
"""

from __future__ import annotations

from discord import Locale, app_commands

from bot.i18n import french_messages, french_names, language_of_locale

NAME_LOCATIONS = {
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
    app_commands.TranslationContextLocation.choice_name,
}


class CatalogTranslator(app_commands.Translator):
    """French names and descriptions from locales/fr.yaml; other locales keep English."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The French text for a French locale, None (English) otherwise."""
        if language_of_locale(locale) != "fr":
            return None
        # A context menu's name is shown as written ("Answer with Étoile facts"), so it
        # is a message, not a lower-case command name.
        is_name = context.location in NAME_LOCATIONS and not isinstance(
            context.data, app_commands.ContextMenu
        )
        table = french_names() if is_name else french_messages()
        return table.get(string.message)
