"""Every text the bot writes has a French version, with the same placeholders.

Texts pass through a `Texts` named `t` (or `N_` for a constant shown later); this
reads the code itself, so a new English message without a French one fails here.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

from bot.i18n import Texts, french_messages, french_names

BOT = Path(__file__).resolve().parent.parent / "bot"


def translated_literals() -> dict[str, str]:
    """Each literal passed to t(...), self.t(...), t.plural(...) or N_(...) in bot/."""
    found: dict[str, str] = {}
    for path in sorted(BOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if isinstance(func, ast.Attribute) and func.attr == "plural":
                args = node.args[1:3]
            elif name == "EditResult":  # the app layer's message templates
                args = node.args[1:2]
            elif name in ("t", "N_"):
                args = node.args[:1]
            else:
                continue
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found[arg.value] = f"{path.relative_to(BOT.parent)}:{node.lineno}"
    return found


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_text_has_a_french_version() -> None:
    missing = [
        f"{where}: {text!r}"
        for text, where in translated_literals().items()
        if text not in french_messages()
    ]
    assert not missing, "\n".join(missing)


def test_french_versions_keep_the_placeholders_and_none_is_unused() -> None:
    used = translated_literals()
    wrong = [
        english
        for english, french in french_messages().items()
        if placeholders(english) != placeholders(french)
    ]
    assert not wrong, wrong
    sources = "".join(p.read_text(encoding="utf-8") for p in BOT.rglob("*.py"))
    unused = [e for e in french_messages() if e not in used and repr(e)[1:-1] not in sources]
    assert not unused, unused


def test_command_names_are_valid_discord_names() -> None:
    for english, french in french_names().items():
        assert french == french.lower() and " " not in french and len(french) <= 32, english


def test_texts_fall_back_to_english_and_fill_placeholders() -> None:
    assert Texts.of("fr")("Sources") == french_messages()["Sources"]
    assert Texts.of("de")("Sources") == "Sources"
    assert Texts.of("fr-CA").language == "fr"
    assert Texts()("…and {count} more", count=3) == "…and 3 more"


def _prose(text: str) -> bool:
    """Looks like words a person reads (not an id, a pattern, a file name or a log format)."""
    words = [w for w in text.split() if w.isalpha()]
    return len(words) >= 2 and not text.startswith(("qa:", "%")) and "%s" not in text


def test_no_extension_writes_english_that_bypasses_the_translator() -> None:
    """Every sentence in bot/exts goes through t()/N_(), or is command metadata that the
    Discord translator localises (names, descriptions), or a log line, assertion or
    docstring, which only developers read."""
    metadata = {"command", "describe", "ContextMenu", "rename", "choices"}
    logs = {"debug", "info", "warning", "error", "exception"}
    leaks = []
    for path in sorted((BOT / "exts").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                allowed.add(id(node.value))  # a docstring
            if isinstance(node, ast.Assert) and node.msg is not None:
                allowed.add(id(node.msg))  # for developers, never shown to a user
            if isinstance(node, ast.ClassDef):
                allowed |= {id(k.value) for k in node.keywords}  # group_description=…
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in {"t", "N_", "plural"} | metadata | logs:
                    for child in ast.walk(node):
                        allowed.add(id(child))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in allowed
                and _prose(node.value)
            ):
                leaks.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert not leaks, "\n".join(leaks)
