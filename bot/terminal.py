"""The answer as a person reads it in a terminal, and the interactive chat."""

from __future__ import annotations

import contextlib
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.i18n import N_, Texts
from bot.kb.citations import citation_line
from bot.kb.model import KnowledgeBase, Quote
from bot.presentation import Choice, present
from bot.qa.answer import Answer, Outcome
from bot.qa.conversation import Context
from bot.qa.engine import Engine
from bot.qa.lookup import find_quotes, random_quote

WIDTH = 88

HELP = N_(
    """Ask anything about Étoile in English or French, e.g. "who plays Cheyenne?".
Follow-ups work: "and Jack?", "tell me more", "source?".
  /quote [topic or person]  a verbatim quote (random when empty)
  /sources                  the sources the bot knows
  /help                     this help
  Ctrl-D (or /quit)         leave"""
)


def _wrap(text: str, indent: str = "") -> str:
    return "\n".join(
        textwrap.fill(p, WIDTH, initial_indent=indent, subsequent_indent=indent)
        for p in text.splitlines()
    )


def render_quote(kb: KnowledgeBase, quote: Quote, t: Texts | None = None) -> str:
    """A quote with its context and sources as plain text, for the chat's /quote."""
    t = t or Texts()
    lines = [_wrap(f"“{quote.text}”", "  "), f"    — {kb.speaker_name(quote)}"]
    if quote.context:
        lines.append(_wrap(quote.context, "    "))
    lines.append(t("Source:"))
    lines += [f"  • {citation_line(s, markdown=False)}" for s in kb.citations(quote.sources)]
    return "\n".join(lines)


def _offered(title: str, choices: tuple[Choice, ...]) -> list[str]:
    return [title, *(f"  {n}. {c.label}" for n, c in enumerate(choices, 1))] if choices else []


def render_answer(answer: Answer, t: Texts | None = None) -> str:
    """An answer as wrapped plain text, the same content as the Discord embed.

    Numbered choices (a close call, related or nearest facts) can be picked by typing
    their number, which `chat` handles.
    """
    t = t or Texts.of(answer.language)
    shown = present(answer, t)
    if shown.outcome is Outcome.ABSTAIN:
        said = [_wrap(shown.message.replace("**", ""))]  # Discord's bold, not for a terminal
        if shown.citations:  # a don't-know the sources explain keeps its sources
            said.append(t("Sources:"))
            said += [f"  • {citation_line(s, markdown=False)}" for s in shown.citations]
        return "\n".join([*said, *_offered(t("Closest:"), shown.suggestions)])
    if shown.outcome is Outcome.CHOICES:
        return "\n".join(_offered(shown.message, shown.choices))
    lines: list[str] = []
    if shown.spoiler:
        lines.append(t("[Spoiler for {what}]", what=shown.spoiler_label(t)))
    if shown.body:
        lines.append(_wrap(shown.body))
    if shown.quote is not None:
        if lines:
            lines.append("")
        lines += [_wrap(f"“{shown.quote.text}”", "  "), f"    — {shown.speaker}"]
    if shown.note:
        lines.append(_wrap(shown.note))
    if shown.citations:
        lines.append(t("Sources:"))
        lines += [f"  • {citation_line(s, markdown=False)}" for s in shown.citations]
    lines += _offered(t("Related:"), shown.related)
    return "\n".join(lines)


def numbered_choices(answer: Answer) -> list[str]:
    """The fact ids a fan may pick by number after this answer, in the order shown."""
    shown = present(answer)
    if shown.outcome is Outcome.CHOICES:
        return [c.id for c in shown.choices]
    return [c.id for c in (shown.related if shown.outcome is Outcome.ANSWER else shown.suggestions)]


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
    language: str | None = None,
) -> int:
    """A conversation over the same engine the Discord bot uses, follow-ups included.

    `language` forces the answers' language; by default each follows its question.
    """
    kb = engine.kb
    interactive = stdin.isatty() and stdout.isatty()
    save_history = _enable_line_editing(history) if interactive else (lambda: None)
    session = ChatSession(engine, language)
    print(
        session.t(
            "Étoile Q&A — {facts} facts, {quotes} quotes. Type /help for commands, Ctrl-D to leave.",
            facts=len(kb.facts),
            quotes=len(kb.quotes),
        ),
        file=stdout,
    )
    try:
        while True:
            try:
                line = input("you> ") if interactive else _read_line(stdin)
            except EOFError:
                break
            if line is None:
                break
            line = line.strip()
            if line in ("/quit", "/exit"):
                break
            if line:
                print(session.reply(line), file=stdout)
    finally:
        save_history()
    print(session.t("Bye!"), file=stdout)
    return 0


def _read_line(stdin: TextIO) -> str | None:
    line = stdin.readline()
    return None if line == "" else line


class ChatSession:
    """One fan's conversation in the terminal: the last answer (for follow-ups) and
    the numbered facts they may pick next."""

    def __init__(self, engine: Engine, language: str | None = None) -> None:
        self.engine = engine
        self.forced = language
        self.t = Texts.of(language or "en")
        self.context: Context | None = None
        self.numbered: list[str] = []

    def reply(self, line: str) -> str:
        """What the bot says to one line typed by the fan."""
        kb = self.engine.kb
        if line.isdigit() and 1 <= int(line) <= len(self.numbered):
            picked = self.engine.resolve_choice(self.numbered[int(line) - 1], self.t.language)
            return self._show(picked) if picked else ""
        command, _, argument = line.partition(" ")
        t = self.t
        if command == "/help":
            return t(HELP)
        if command == "/sources":
            return render_sources(kb)
        if command == "/quote":
            quotes = find_quotes(kb, argument, limit=1) if argument.strip() else []
            quote = quotes[0] if quotes else (None if argument.strip() else random_quote(kb))
            if quote is None:
                return t("No quote found about “{about}”.", about=argument.strip())
            return render_quote(kb, quote, t)
        if command.startswith("/"):
            return t("Unknown command {command}. Type /help.", command=command)
        return self._show(self.engine.answer(line, self.context, self.forced))

    def _show(self, answer: Answer) -> str:
        if answer.answered:
            self.context = self.context.after(answer) if self.context else Context.start(answer)
        self.t = Texts.of(self.forced or answer.language)
        self.numbered = numbered_choices(answer)
        text = render_answer(answer, self.t)
        if self.numbered:
            text += "\n" + self.t("Type a number to pick one.")
        return text
