"""The answer as a person reads it in a terminal, and the interactive chat."""

from __future__ import annotations

import contextlib
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.kb.citations import citation_line
from bot.kb.model import KnowledgeBase, Quote
from bot.presentation import present
from bot.qa.answer import Answer, Outcome
from bot.qa.engine import Engine
from bot.qa.lookup import find_quotes, random_quote

WIDTH = 88

HELP = """\
Ask anything about Étoile in English or French, e.g. "who plays Cheyenne?".
  /quote [topic or person]  a verbatim quote (random when empty)
  /sources                  the sources the bot knows
  /help                     this help
  Ctrl-D (or /quit)         leave"""


def _wrap(text: str, indent: str = "") -> str:
    return "\n".join(
        textwrap.fill(p, WIDTH, initial_indent=indent, subsequent_indent=indent)
        for p in text.splitlines()
    )


def render_quote(kb: KnowledgeBase, quote: Quote) -> str:
    """A quote with its context and sources as plain text, for the chat's /quote."""
    lines = [_wrap(f"“{quote.text}”", "  "), f"    — {kb.speaker_name(quote)}"]
    if quote.context:
        lines.append(_wrap(quote.context, "    "))
    lines.append("Source:")
    lines += [f"  • {citation_line(s, markdown=False)}" for s in kb.citations(quote.sources)]
    return "\n".join(lines)


def render_answer(answer: Answer) -> str:
    """An answer as wrapped plain text, the same content as the Discord embed."""
    shown = present(answer)
    if shown.outcome is Outcome.ABSTAIN:
        return (
            "I don't know that one. I answer questions about the series Étoile: its cast, "
            "creators, production, episodes and what the people behind it said."
        )
    if shown.outcome is Outcome.CHOICES:
        offered = [f"  {n}. {c.question}" for n, c in enumerate(shown.choices, 1)]
        return "\n".join(["I'm not sure which you mean. Did you mean:", *offered])
    lines: list[str] = []
    if shown.spoiler:
        lines.append(f"[Spoiler for episode {shown.spoiler_episode}]")
    if shown.body:
        lines.append(_wrap(shown.body))
    if shown.quote is not None:
        if lines:
            lines.append("")
        lines += [_wrap(f"“{shown.quote.text}”", "  "), f"    — {shown.speaker}"]
    if shown.citations:
        lines.append("Sources:")
        lines += [f"  • {citation_line(s, markdown=False)}" for s in shown.citations]
    return "\n".join(lines)


def render_sources(kb: KnowledgeBase) -> str:
    """Every source as one plain-text line, for the chat's /sources."""
    return "\n".join(f"• {citation_line(s, markdown=False)}" for s in kb.sources.values())


def _enable_line_editing(history: Path | None) -> Callable[[], None]:
    """Arrow keys and history through readline when the platform has it."""
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return lambda: None
    if history is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(history)

    def save() -> None:
        """Save the chat history so arrow keys can recall it next session."""
        if history is not None:
            with contextlib.suppress(OSError):
                history.parent.mkdir(parents=True, exist_ok=True)
                readline.set_history_length(1000)
                readline.write_history_file(history)

    return save


def chat(
    engine: Engine,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    history: Path | None = None,
) -> int:
    """A conversation over the same engine the Discord bot uses."""
    kb = engine.kb
    interactive = stdin.isatty() and stdout.isatty()
    save_history = _enable_line_editing(history) if interactive else (lambda: None)
    print(
        f"Étoile Q&A — {len(kb.facts)} facts, {len(kb.quotes)} quotes. "
        "Type /help for commands, Ctrl-D to leave.",
        file=stdout,
    )
    pending_choices: list[str] = []
    try:
        while True:
            try:
                line = input("you> ") if interactive else _read_line(stdin)
            except EOFError:
                break
            if line is None:
                break
            line = line.strip()
            if not line:
                continue
            if line in ("/quit", "/exit"):
                break
            if line.isdigit() and pending_choices and 1 <= int(line) <= len(pending_choices):
                picked = engine.resolve_choice(pending_choices[int(line) - 1])
                pending_choices = []
                if picked:
                    print(render_answer(picked), file=stdout)
                continue
            reply, pending_choices = _reply(engine, line)
            print(reply, file=stdout)
    finally:
        save_history()
    print("Bye!", file=stdout)
    return 0


def _read_line(stdin: TextIO) -> str | None:
    line = stdin.readline()
    return None if line == "" else line


def _reply(engine: Engine, line: str) -> tuple[str, list[str]]:
    kb = engine.kb
    command, _, argument = line.partition(" ")
    if command == "/help":
        return HELP, []
    if command == "/sources":
        return render_sources(kb), []
    if command == "/quote":
        quotes = find_quotes(kb, argument, limit=1) if argument.strip() else []
        quote = quotes[0] if quotes else (None if argument.strip() else random_quote(kb))
        if quote is None:
            return f"No quote found about “{argument.strip()}”.", []
        return render_quote(kb, quote), []
    if command.startswith("/"):
        return f"Unknown command {command}. {HELP.splitlines()[0]} Type /help.", []
    answer = engine.answer(line)
    choices = [c.id for c in answer.choices] if answer.outcome is Outcome.CHOICES else []
    text = render_answer(answer)
    if choices:
        text += "\nType the number of your choice."
    return text, choices
