"""The bot's words in the reader's language: English in the code, French in locales/fr.yaml.

As with gettext (and Red-DiscordBot's translator), the English text is the key, so
the code reads as it renders. Every text the bot writes goes through a `Texts` named
`t` (or `N_` for a constant translated later); `tests/test_i18n.py` checks that each
has a French entry with the same {placeholders}, and that no entry is left unused.
Command names and descriptions are translated for Discord by `bot.translator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

LANGUAGES = ("en", "fr")


def language_of_locale(locale: object) -> str:
    """'fr' for any French locale (a discord.Locale, "fr", "fr-CA"), else 'en'."""
    value = getattr(locale, "value", locale)
    return "fr" if str(value).lower().startswith("fr") else "en"


@cache
def _catalog() -> dict[str, dict[str, str]]:
    text = resources.files("bot").joinpath("locales/fr.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {
        "names": {str(k): str(v) for k, v in raw["names"].items()},
        "messages": {str(k): str(v) for k, v in raw["messages"].items()},
    }


def french_messages() -> dict[str, str]:
    """English text -> French text, for everything the bot writes."""
    return _catalog()["messages"]


def french_names() -> dict[str, str]:
    """English command, group, option and choice name -> French name."""
    return _catalog()["names"]


def N_(message: str) -> str:
    """Mark a constant for translation where it is shown (`t(CONSTANT)`)."""
    return message


@dataclass(frozen=True, slots=True)
class Texts:
    """Translates the bot's English texts into one reader's language."""

    language: str = "en"

    @classmethod
    def of(cls, locale: object) -> Texts:
        """The texts for a Discord locale, a language code, or None (English)."""
        return cls(language_of_locale(locale))

    def __call__(self, message: str, /, **values: object) -> str:
        """The message in this language (English when no translation exists), filled in."""
        text = french_messages().get(message, message) if self.language == "fr" else message
        return text.format(**values) if values else text

    def plural(self, count: int, one: str, many: str, /, **values: object) -> str:
        """`one` or `many` by count (French counts 0 and 1 as singular), filled in."""
        singular = count <= 1 if self.language == "fr" else count == 1
        return self(one if singular else many, count=count, **values)
