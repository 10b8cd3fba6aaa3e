"""A spoiler source keeps its title and address in spoiler tags in every output."""

from __future__ import annotations

from bot.kb.citations import citation_dict, citation_line
from bot.kb.model import Source

FINALE = Source("f", "The finale's kiss", "Outlet", None, "2025", "https://e.org/kiss", True)
PLAIN = Source("p", "A review", "Outlet", None, "2025", "https://e.org/review")


def test_the_terminal_line_hides_title_and_address() -> None:
    assert citation_line(FINALE, markdown=False) == (
        "||“The finale's kiss” <https://e.org/kiss>|| — Outlet, 2025"
    )
    assert (
        citation_line(PLAIN, markdown=False) == "“A review” <https://e.org/review> — Outlet, 2025"
    )


def test_the_json_fields_hide_title_and_address_and_say_why() -> None:
    assert citation_dict(FINALE) == {
        "title": "||The finale's kiss||",
        "publisher": "Outlet",
        "author": None,
        "date": "2025",
        "url": "||https://e.org/kiss||",
        "spoiler": True,
    }
    assert citation_dict(PLAIN)["title"] == "A review"
