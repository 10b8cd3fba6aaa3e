"""`etoile-bot`: the command line. Every command calls the same engine as the bot.

Errors end in one clear line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import yaml

from bot.app.validation import check_folder
from bot.kb.export import export_json, export_yaml
from bot.kb.loader import Assembly
from bot.kb.model import KnowledgeBase
from bot.kb.schema import schema_text
from bot.qa.engine import Engine
from bot.qa.explain import explanation_lines
from bot.settings import Settings, SettingsError
from bot.storage.atomic import atomic_write_text
from bot.terminal import chat, render_answer

EXIT_PROBLEMS = 1
EXIT_USAGE = 2

MAX_LINE_BYTES = 64 * 1024
"""A line of `ask --json` input read at once; the rest of a longer line is skipped
unread, so one huge line costs neither time nor memory."""


class CliError(Exception):
    """Shown to the user as one line; the exit status goes with it."""

    def __init__(self, message: str, status: int = EXIT_PROBLEMS) -> None:
        super().__init__(message)
        self.status = status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="etoile-bot",
        description="Answers fans' questions about the series Étoile, with sources. "
        "Without a command: runs the Discord bot when DISCORD_TOKEN is set, "
        "otherwise opens the local chat.",
    )
    parser.add_argument(
        "--knowledge",
        type=Path,
        help="knowledge folder (default: KNOWLEDGE_DIR or the shipped one)",
    )
    parser.add_argument(
        "--lang",
        choices=("en", "fr"),
        help="answer in this language (default: the language of each question)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = commands.add_parser(
        "ask", help="answer one question, or JSON lines from stdin with --json"
    )
    ask.add_argument("question", nargs="*", help="the question (omit with --json)")
    ask.add_argument("--json", action="store_true", help="read questions from stdin, one per line")
    ask.add_argument(
        "--explain",
        action="store_true",
        help="also show how the question was read, the top candidates' features and the decision",
    )

    commands.add_parser("chat", help="talk to the bot in the terminal")

    kb = commands.add_parser("kb", help="knowledge base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    check = kb_commands.add_parser("check", help="validate the knowledge files")
    check.add_argument("directory", nargs="?", type=Path, help="folder to check")
    export = kb_commands.add_parser("export", help="print the whole knowledge base")
    export.add_argument("--format", choices=("json", "yaml"), default="json")
    kb_commands.add_parser(
        "schema", help="write schema.json (for editors) into the knowledge folder"
    )

    commands.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    commands.add_parser("sync", help="publish the slash commands globally (needs DISCORD_TOKEN)")
    return parser


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        raise CliError(f"configuration error: {error}", EXIT_USAGE) from None


def _load(directory: Path) -> KnowledgeBase:
    try:
        assembly = check_folder(directory)
    except FileNotFoundError as error:
        raise CliError(f"error: {error}") from None
    if not assembly.ok:
        first = assembly.problems[0]
        more = len(assembly.problems) - 1
        suffix = (
            f" (and {more} more problem{'s' * (more != 1)}; run 'etoile-bot kb check')"
            if more
            else ""
        )
        raise CliError(f"error: the knowledge base has problems: {first}{suffix}")
    assert assembly.knowledge is not None
    return assembly.knowledge


def _check(directory: Path) -> int:
    try:
        assembly: Assembly = check_folder(directory)
    except FileNotFoundError as error:
        raise CliError(f"error: {error}") from None
    for problem in assembly.problems:
        print(problem)
    if assembly.problems:
        count = len(assembly.problems)
        print(f"{count} problem{'s' * (count != 1)} found in {directory}", file=sys.stderr)
        return EXIT_PROBLEMS
    kb = assembly.knowledge
    assert kb is not None
    print(
        f"OK: {len(kb.facts)} facts, {len(kb.quotes)} quotes, {len(kb.sources)} sources, "
        f"{len(kb.people)} people, {len(kb.characters)} characters in {directory}"
    )
    untranslated = [f.id for f in kb.facts.values() if not f.answer_fr]
    if untranslated:
        shown = ", ".join(untranslated[:10]) + (", …" if len(untranslated) > 10 else "")
        print(
            f"note: {len(untranslated)} fact{'s' * (len(untranslated) != 1)} without a French "
            f"answer (French questions get the English one): {shown}"
        )
    return 0


def _ask(engine: Engine, args: argparse.Namespace, max_chars: int) -> int:
    if args.json:
        if args.question:
            raise CliError(
                "error: with --json, questions are read from stdin, one per line", EXIT_USAGE
            )
        for question, cut in _lines(sys.stdin.buffer):
            if not question:
                continue
            note = None
            if cut or len(question) > max_chars:
                question = question[:max_chars]
                note = f"the question was cut to its first {max_chars} characters"
            answer = engine.answer(question, language=args.lang)
            result = answer.to_json() | ({"note": note} if note else {})
            print(json.dumps(result, ensure_ascii=False), flush=True)
        return 0
    question = " ".join(args.question).strip()
    if not question:
        raise CliError(
            'error: the question is empty; try: etoile-bot ask "who plays Cheyenne?"', EXIT_USAGE
        )
    explanation = engine.explain(question, args.lang)
    if args.explain:
        print("\n".join(explanation_lines(explanation)), end="\n\n")
    print(render_answer(explanation.answer))
    return 0 if explanation.answer.answered else EXIT_PROBLEMS


def _lines(stream: BinaryIO) -> Iterator[tuple[str, bool]]:
    """Each input line as text (bytes that are not UTF-8 become U+FFFD) and whether it
    was longer than MAX_LINE_BYTES."""
    while line := stream.readline(MAX_LINE_BYTES):
        cut = not line.endswith(b"\n") and len(line) == MAX_LINE_BYTES
        while cut and (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
            pass
        yield line.decode("utf-8", errors="replace").strip(), cut


def _run_discord(settings: Settings, sync_only: bool) -> int:
    from bot.runner import run_bot

    return run_bot(settings, sync_only=sync_only)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the etoile-bot command; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = _settings()
        if args.knowledge:
            settings = settings.model_copy(update={"knowledge_dir": args.knowledge.resolve()})
        knowledge_dir = settings.knowledge_dir
        if args.command == "kb" and args.kb_command == "check":
            return _check(args.directory or knowledge_dir)
        if args.command == "kb" and args.kb_command == "schema":
            atomic_write_text(knowledge_dir / "schema.json", schema_text())
            print(f"Wrote {knowledge_dir / 'schema.json'}")
            return 0
        if args.command in ("run", "sync"):
            return _run_discord(settings, sync_only=args.command == "sync")
        if args.command is None and settings.discord_token.get_secret_value():
            return _run_discord(settings, sync_only=False)
        kb = _load(knowledge_dir)
        if args.command == "kb":
            print(export_json(kb) if args.format == "json" else export_yaml(kb))
            return 0
        engine = Engine(kb)
        if args.command == "ask":
            return _ask(engine, args, settings.max_question_chars)
        return chat(engine, history=settings.data_dir / "chat_history", language=args.lang)
    except CliError as error:
        print(error, file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except yaml.YAMLError as error:  # pragma: no cover - loader already turns these into problems
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
