"""Read knowledge files, validate them, and build a `KnowledgeBase`.

Loading and checking are one path: `etoile-bot kb check`, the bot at start-up, a
reload and a moderator's upload all go through `load_documents` + `assemble`, so a
file the checker accepts is exactly a file the bot can serve.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import process

from bot.kb.citations import citations_text
from bot.kb.model import (
    Character,
    Entity,
    Episode,
    Fact,
    KnowledgeBase,
    Origin,
    Person,
    Quote,
    Source,
)
from bot.kb.yamlread import (
    Problem,
    YamlFileError,
    YamlList,
    YamlMap,
    line_of,
    read_yaml_file,
    read_yaml_text,
)

QuestionKey = Callable[[str], str]
"""Reduces a phrasing to what makes it the same question as another (two facts must
never share one). The answering layer passes the engine's own reading."""


def plain_question_key(text: str) -> str:
    """Case, accents aside: the words of the phrasing (the default when no engine is given)."""
    return " ".join(re.findall(r"\w+", text.casefold()))


MAX_ANSWER_CHARS = 1000
"""An answer is one to three sentences; with its citations it must fit one Discord embed."""
MAX_CITATIONS_CHARS = 1024
"""All citations of a fact are shown in one embed field."""
MAX_QUESTION_CHARS = 300
MAX_QUOTE_CHARS = 1500
MAX_TEXT_CHARS = 500

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
URL_PATTERN = re.compile(r"""^https?://[^\s<>"'`()\[\]{}|\\^]+$""")
"""http(s) only, and none of the characters Markdown or a chat client reads as syntax:
a ")" would close a masked link and start another (percent-encode it as %29)."""

BARE_YES_NO = re.compile(r"(?i)^\s*(yes|no|yep|nope|oui|non)\b\s*[,.!:;—–-]")
BARE_YES_NO_MESSAGE = (
    "starts with a bare yes or no: the same answer serves every phrasing of the question, "
    "and a phrasing that asks the opposite would get the opposite; write it as a statement "
    'that is true however the question is put ("Étoile is set in the present day: …")'
)

SPOILER_SOURCE_MESSAGE = (
    "cites the spoiler source '{}': its title gives the plot away, so only a fact "
    "marked as a spoiler (spoiler_episode, or spoiler: true) may cite it; cite another "
    "source for this"
)

BILLINGS = ("main", "recurring", "guest", "cameo")
ENTITY_KINDS = ("company", "place", "show", "work", "event", "organisation")


@dataclass(frozen=True)
class FieldSpec:
    """How one field of a knowledge record is validated and described in the schema."""

    kind: str  # id, text, texts, ids, int, bool, date, url, choice
    required: bool = False
    max_chars: int = MAX_TEXT_CHARS
    choices: tuple[str, ...] = ()
    description: str = ""  # for people editing the files: shown by the editor, via the schema


SECTIONS: dict[str, dict[str, FieldSpec]] = {
    "sources": {
        "id": FieldSpec(
            "id",
            True,
            description="Short unique name for this source, cited by facts and quotes (e.g. amazon-ads-2025-05-28). Required.",
        ),
        "title": FieldSpec(
            "text",
            True,
            description="Title of the article, video or post, as the outlet prints it. Required.",
        ),
        "publisher": FieldSpec(
            "text",
            True,
            200,
            description="The ORIGINAL outlet that published it (never a copy site). Required.",
        ),
        "author": FieldSpec(
            "text",
            False,
            200,
            description="Who wrote it, if known.",
        ),
        "date": FieldSpec(
            "date",
            description='Publication date, in quotes: "YYYY", "YYYY-MM" or "YYYY-MM-DD". Leave out when unknown.',
        ),
        "url": FieldSpec(
            "url",
            False,
            1000,
            description="Link to the publisher's own page (http:// or https://). Leave out when only a copy on another site was found.",
        ),
        "spoiler": FieldSpec(
            "bool",
            description="Set to true when the title or link gives the plot away: it is then shown only inside spoiler tags, and only spoiler facts may cite it.",
        ),
    },
    "people": {
        "id": FieldSpec(
            "id",
            True,
            description="Short unique name for this person (e.g. lou-de-laage), used by characters, facts and quotes. Required.",
        ),
        "name": FieldSpec(
            "text",
            True,
            100,
            description="The person's name, spelled correctly (accents included). Required.",
        ),
        "aliases": FieldSpec(
            "texts",
            False,
            100,
            description="Other spellings, nicknames and common misspellings fans type.",
        ),
        "roles": FieldSpec(
            "texts",
            False,
            50,
            description="What they do: actor, creator, producer, crew, dancer...",
        ),
        "about": FieldSpec(
            "text",
            description="Optional one-sentence description of who they are.",
        ),
        "sources": FieldSpec(
            "ids",
            description="Ids of sources (from the sources section) that back this entry.",
        ),
    },
    "characters": {
        "id": FieldSpec(
            "id",
            True,
            description="Short unique name for this character (e.g. cheyenne-toussaint), used by facts. Required.",
        ),
        "name": FieldSpec(
            "text",
            True,
            100,
            description="The character's full name, spelled as in the show. Required.",
        ),
        "aliases": FieldSpec(
            "texts",
            False,
            100,
            description="First names, nicknames and misspellings fans use for this character.",
        ),
        "played_by": FieldSpec(
            "id",
            description="Id of the person (from the people section) who plays the character. Leave out when unknown.",
        ),
        "billing": FieldSpec(
            "choice",
            choices=BILLINGS,
            description="How big the part is: main, recurring, guest or cameo.",
        ),
        "description": FieldSpec(
            "text",
            description="One sentence on who the character is.",
        ),
        "sources": FieldSpec(
            "ids",
            description="Ids of sources (from the sources section) that back this entry.",
        ),
    },
    "entities": {
        "id": FieldSpec(
            "id",
            True,
            description="Short unique name for this thing (e.g. metropolitan-ballet-theater), used by facts. Required.",
        ),
        "name": FieldSpec(
            "text",
            True,
            100,
            description="Its usual name. Required.",
        ),
        "kind": FieldSpec(
            "choice",
            True,
            choices=ENTITY_KINDS,
            description="What it is: company, place, show, work, event or organisation. Required.",
        ),
        "aliases": FieldSpec(
            "texts",
            False,
            100,
            description="Other names, abbreviations and misspellings fans use.",
        ),
        "in_universe": FieldSpec(
            "bool",
            description="Set to false for shows and works other than Étoile, so the bot does not answer questions about them with an Étoile fact.",
        ),
    },
    "episodes": {
        "number": FieldSpec(
            "int",
            True,
            description="Episode number, from 1 to 999. Required.",
        ),
        "title": FieldSpec(
            "text",
            True,
            100,
            description="The episode's title. Required.",
        ),
        "sources": FieldSpec(
            "ids",
            description="Ids of sources (from the sources section) that back this entry.",
        ),
    },
    "facts": {
        "id": FieldSpec(
            "id",
            True,
            description="Short unique name for this fact (e.g. cast-cheyenne). Required.",
        ),
        "question": FieldSpec(
            "text",
            True,
            MAX_QUESTION_CHARS,
            description="The main question this fact answers, as a fan would ask it. Required.",
        ),
        "alternates": FieldSpec(
            "texts",
            False,
            MAX_QUESTION_CHARS,
            description="Other ways fans ask the same question: short forms, French, slang, typos.",
        ),
        "answer": FieldSpec(
            "text",
            True,
            MAX_ANSWER_CHARS,
            description="One to three sentences, paraphrased from the sources, nothing invented. Required.",
        ),
        "answer_fr": FieldSpec(
            "text",
            False,
            MAX_ANSWER_CHARS,
            description="The same answer in French, for questions asked in French: faithful to the English answer and its sources, nothing added. Quotes stay in their original language.",
        ),
        "sources": FieldSpec(
            "ids",
            True,
            description="Ids of the sources (from the sources section) the answer comes from. At least one. Required.",
        ),
        "tags": FieldSpec(
            "texts",
            False,
            50,
            description="Topic words for grouping facts (e.g. cast, creators, release).",
        ),
        "entities": FieldSpec(
            "ids",
            description="Ids of the people, characters and entities the fact is about.",
        ),
        "quote": FieldSpec(
            "id",
            description="Optional id of a quote (from the quotes section) shown with the answer.",
        ),
        "spoiler_episode": FieldSpec(
            "int",
            description="The episode (1-999) whose plot this answer reveals; leave out if it spoils nothing.",
        ),
        "spoiler": FieldSpec(
            "bool",
            description="Set to true when the answer reveals the season's plot but no source names the episode (otherwise use spoiler_episode).",
        ),
        "unknown": FieldSpec(
            "bool",
            description="Set to true when the sources do not answer the question: the answer then says what is and is not known, and the bot gives it as an honest don't-know, never as a fact.",
        ),
    },
    "quotes": {
        "id": FieldSpec(
            "id",
            True,
            description="Short unique name for this quote (e.g. q-toilet-paper), used by facts. Required.",
        ),
        "text": FieldSpec(
            "text",
            True,
            MAX_QUOTE_CHARS,
            description="The exact words, verbatim as the source prints them (same apostrophes and dashes). Required.",
        ),
        "speaker": FieldSpec(
            "id",
            True,
            description="Id of the person (from the people section) who said it. Required.",
        ),
        "sources": FieldSpec(
            "ids",
            True,
            description="Ids of the sources (from the sources section) that print the quote. At least one. Required.",
        ),
        "context": FieldSpec(
            "text",
            description="One sentence on when and why it was said.",
        ),
        "tags": FieldSpec(
            "texts",
            False,
            50,
            description="Topic words for the quote (e.g. renewal, ballet).",
        ),
    },
}
SECTION_DESCRIPTIONS = {
    "sources": "Where facts come from: articles, interviews, videos. Each entry has an id that facts, quotes, people and episodes cite.",
    "people": "Real people: cast, creators, producers, crew.",
    "characters": "Characters of Étoile, with the person who plays them.",
    "entities": "Anything else a question can name: companies, places, other shows, works, events, organisations.",
    "episodes": "Episodes of Étoile, by number.",
    "facts": "One answer to one question each, with the sources it comes from.",
    "quotes": "Exact words someone said, with the speaker and the source.",
    "retired": "Guild overlays only: ids of shared facts this server has switched off. Not allowed in the shared knowledge folder.",
}
"""What each part of a knowledge file is for (shown by editors through the schema)."""
OVERLAY_ONLY = ("retired",)

_RECORD_TYPES: dict[str, Callable[..., Any]] = {
    "sources": Source,
    "people": Person,
    "characters": Character,
    "entities": Entity,
    "episodes": Episode,
    "facts": Fact,
    "quotes": Quote,
}


@dataclass
class Document:
    """The valid records of one file, with the problems found while reading it."""

    name: str
    records: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in SECTIONS})
    retired: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _suggest(word: str, options: Iterable[str]) -> str:
    match = process.extractOne(word, list(options), score_cutoff=70)
    return f" (did you mean '{match[0]}'?)" if match else ""


class _Reader:
    """Turns one parsed file into records, collecting every problem on the way."""

    def __init__(self, name: str, allow_retired: bool) -> None:
        self.doc = Document(name)
        self.allow_retired = allow_retired

    def problem(self, line: int | None, where: str, message: str) -> None:
        """Note a problem at a line and keep reading, so one run reports every mistake."""
        self.doc.problems.append(Problem(self.doc.name, line, where, message))

    def read(self, data: Any) -> Document:
        """Turn a parsed file into a Document, collecting problems instead of raising."""
        if data is None:
            return self.doc
        if not isinstance(data, YamlMap):
            self.problem(line_of(data, 1), "", "the file must be a mapping of sections")
            return self.doc
        allowed = list(SECTIONS) + (list(OVERLAY_ONLY) if self.allow_retired else [])
        for section, items in data.items():
            line = data.key_lines[section]
            if section not in allowed:
                self.problem(
                    line,
                    section,
                    f"unknown section; expected one of {', '.join(allowed)}"
                    + _suggest(section, allowed),
                )
            elif section == "retired":
                self._read_retired(items, line)
            elif items is None:
                continue
            elif not isinstance(items, YamlList):
                self.problem(line, section, "must be a list (each item starts with '- ')")
            else:
                for index, item in enumerate(items):
                    self._read_item(section, item, items.item_lines[index], index)
        return self.doc

    def _read_retired(self, items: Any, line: int) -> None:
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            self.problem(line, "retired", "must be a list of fact ids")
            return
        self.doc.retired.extend(items)

    def _read_item(self, section: str, item: Any, line: int, index: int) -> None:
        specs = SECTIONS[section]
        if not isinstance(item, YamlMap):
            self.problem(line, f"{section}[{index + 1}]", "each entry must be a block of fields")
            return
        label = item.get("id") or item.get("number")
        where = (
            f"{section} › {label}" if isinstance(label, str | int) else f"{section}[{index + 1}]"
        )
        values: dict[str, Any] = {}
        ok = True
        for key, value in item.items():
            key_line = item.key_lines.get(key, line)
            spec = specs.get(key)
            if spec is None:
                self.problem(key_line, f"{where} › {key}", "unknown field" + _suggest(key, specs))
                ok = False
                continue
            converted = self._convert(spec, value, key_line, f"{where} › {key}")
            if converted is _INVALID:
                ok = False
            elif converted is not None:
                values[key] = converted
        for key, spec in specs.items():
            if spec.required and key not in values and key not in item:
                self.problem(line, f"{where} › {key}", "this field is required")
                ok = False
        if not ok:
            return
        if section in ("facts", "quotes"):
            values["origin"] = Origin(self.doc.name, line)
        self.doc.records[section].append((_RECORD_TYPES[section](**values), line))

    def _convert(self, spec: FieldSpec, value: Any, line: int, where: str) -> Any:
        def bad(message: str) -> object:
            """Record the field's problem and mark its value invalid."""
            self.problem(line, where, message)
            return _INVALID

        if value is None:
            return bad("is empty") if spec.required else None
        kind = spec.kind
        if kind in ("texts", "ids"):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                return bad("must be a list")
            items = []
            for element in value:
                one = self._convert(
                    FieldSpec("id" if kind == "ids" else "text", True, spec.max_chars),
                    element,
                    line,
                    where,
                )
                if one is _INVALID:
                    return _INVALID
                items.append(one)
            if spec.required and not items:
                return bad("needs at least one entry")
            return tuple(items)
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return bad(f"must be a whole number, not '{value}'")
            if not 0 < value < 1000:
                return bad("must be between 1 and 999")
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                return bad("must be true or false")
            return value
        if kind == "date" and not isinstance(value, str):
            value = str(value)  # YAML reads 2025-05-28 as a date; we keep the text
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            return bad("must be text")
        text = str(value).strip()
        if not text:
            return bad("is empty")
        if len(text) > spec.max_chars:
            return bad(f"is {len(text)} characters long; the limit is {spec.max_chars}")
        if kind == "id" and not ID_PATTERN.match(text):
            return bad(f"'{text}' is not a valid id: use lowercase letters, digits and dashes")
        if kind == "date" and not DATE_PATTERN.match(text):
            return bad(f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        if kind == "url" and not URL_PATTERN.match(text):
            return bad(
                f"'{text}' is not a plain web address: it must start with http:// or https:// "
                "and have no spaces, quotes, brackets or parentheses (write ( ) as %28 %29)"
            )
        if kind == "choice" and text not in spec.choices:
            return bad(
                f"'{text}' is not one of {', '.join(spec.choices)}" + _suggest(text, spec.choices)
            )
        return text


_INVALID = object()


def read_document(
    path: Path, display_name: str | None = None, *, overlay: bool = False
) -> Document:
    """Read one knowledge file; problems are collected, never raised."""
    name = display_name or str(path)
    try:
        data = read_yaml_file(path, name)
    except YamlFileError as error:
        return Document(name, problems=[error.problem])
    return _Reader(name, overlay).read(data)


def parse_document(text: str, name: str, *, overlay: bool = False) -> Document:
    """Read knowledge from text (a moderator's upload)."""
    try:
        data = read_yaml_text(text, name)
    except YamlFileError as error:
        return Document(name, problems=[error.problem])
    return _Reader(name, overlay).read(data)


def knowledge_files(directory: Path) -> list[Path]:
    """The knowledge folder's YAML files in a stable order, for loading and watching."""
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def load_documents(directory: Path) -> list[Document]:
    """Read every file of a knowledge folder, failing clearly when there is none."""
    if not directory.is_dir():
        raise FileNotFoundError(f"no knowledge folder at {directory}")
    files = knowledge_files(directory)
    if not files:
        raise FileNotFoundError(f"no .yaml files in {directory}")
    return [read_document(path, _display(path)) for path in files]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class Assembly:
    """The merged knowledge base, or the problems that kept it from being built."""

    knowledge: KnowledgeBase | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """Whether the knowledge was built without a single problem."""
        return self.knowledge is not None and not self.problems


def assemble(
    documents: list[Document],
    base: KnowledgeBase | None = None,
    *,
    question_key: QuestionKey = plain_question_key,
) -> Assembly:
    """Merge documents (over an optional base) and cross-check every reference.

    With a base, a document's record replaces the base record of the same id: that is
    how a guild overlay edits a shared fact. Duplicates among the documents themselves
    are always an error.
    """
    problems = [p for d in documents for p in d.problems]
    merged: dict[str, dict[Any, Any]] = {
        "sources": dict(base.sources) if base else {},
        "people": dict(base.people) if base else {},
        "characters": dict(base.characters) if base else {},
        "entities": dict(base.entities) if base else {},
        "episodes": dict(base.episodes) if base else {},
        "facts": dict(base.facts) if base else {},
        "quotes": dict(base.quotes) if base else {},
    }
    seen: dict[tuple[str, Any], tuple[str, int]] = {}
    lines: dict[tuple[str, Any], tuple[str, int]] = {}
    for document in documents:
        for section, records in document.records.items():
            namespace = "named" if section in ("people", "characters", "entities") else section
            for record, line in records:
                key = record.number if section == "episodes" else record.id
                if (namespace, key) in seen:
                    first_file, first_line = seen[(namespace, key)]
                    problems.append(
                        Problem(
                            document.name,
                            line,
                            f"{section} › {key}",
                            f"this id is already used at {first_file}:{first_line}",
                        )
                    )
                    continue
                seen[(namespace, key)] = (document.name, line)
                lines[(section, key)] = (document.name, line)
                for other in ("people", "characters", "entities"):
                    if namespace == "named" and other != section:
                        merged[other].pop(key, None)
                merged[section][key] = record
    for document in documents:
        for fact_id in document.retired:
            if fact_id in merged["facts"] and (("facts", fact_id) not in lines):
                del merged["facts"][fact_id]
            elif ("facts", fact_id) not in lines:
                problems.append(
                    Problem(
                        document.name, None, "retired", f"there is no fact '{fact_id}' to retire"
                    )
                )
    problems.extend(_cross_check(merged, lines, question_key))
    if problems:
        return Assembly(None, problems)
    knowledge = KnowledgeBase.build(**merged, loaded_at=time.time())
    if base is not None:
        # Sections the documents left alone are the base's own, shared rather than
        # copied: a thousand guild overlays cost their own records, not the base's.
        written = {section for section, _ in lines} | (
            {"facts"} if any(d.retired for d in documents) else set()
        )
        shared = {
            name: getattr(base, name)
            for name in (
                "sources",
                "people",
                "characters",
                "entities",
                "episodes",
                "facts",
                "quotes",
            )
            if name not in written
        }
        knowledge = dataclasses.replace(knowledge, **shared)
    return Assembly(knowledge, [])


def _cross_check(
    merged: dict[str, dict[Any, Any]],
    lines: dict[tuple[str, Any], tuple[str, int]],
    question_key: QuestionKey,
) -> list[Problem]:
    problems: list[Problem] = []
    named = merged["people"].keys() | merged["characters"].keys() | merged["entities"].keys()

    def report(section: str, key: Any, field_name: str, message: str) -> None:
        """Record a problem at the file and line of a record this change touched."""
        if (section, key) not in lines:
            return  # a base record that this change did not touch
        file, line = lines[(section, key)]
        problems.append(Problem(file, line, f"{section} › {key} › {field_name}", message))

    def check_sources(
        section: str, key: Any, source_ids: tuple[str, ...], *, spoils: bool = False
    ) -> None:
        """Report every source id that no source record defines, and every spoiler
        source cited by a record that does not itself hide a spoiler."""
        for source_id in source_ids:
            source = merged["sources"].get(source_id)
            if source is None:
                report(
                    section,
                    key,
                    "sources",
                    f"unknown source id '{source_id}'" + _suggest(source_id, merged["sources"]),
                )
            elif source.spoiler and not spoils:
                report(section, key, "sources", SPOILER_SOURCE_MESSAGE.format(source_id))

    # Only what this change touched can be reported; an overlay over a large base is
    # checked at the cost of the overlay.
    def touched(section: str) -> list[tuple[Any, Any]]:
        """The records of a section that this change wrote."""
        return [(k, merged[section][k]) for s, k in lines if s == section and k in merged[section]]

    for section in ("people", "characters", "episodes"):
        for key, record in touched(section):
            check_sources(section, key, record.sources)
    for key, character in touched("characters"):
        if character.played_by and character.played_by not in merged["people"]:
            report(
                "characters",
                key,
                "played_by",
                f"unknown person '{character.played_by}'"
                + _suggest(character.played_by, merged["people"]),
            )
    for key, quote in touched("quotes"):
        check_sources("quotes", key, quote.sources)
        if quote.speaker not in merged["people"]:
            report(
                "quotes",
                key,
                "speaker",
                f"unknown person '{quote.speaker}'" + _suggest(quote.speaker, merged["people"]),
            )
    # Every phrasing of the facts this change did not touch, then the touched ones
    # against them: a new phrasing must not be another fact's question.
    owners: dict[str, str] = {}
    for key, fact in merged["facts"].items():
        if ("facts", key) not in lines:
            for phrasing in fact.questions:
                form = question_key(phrasing)
                if form:
                    owners.setdefault(form, key)
    for key, fact in touched("facts"):
        check_sources("facts", key, fact.sources, spoils=fact.is_spoiler)
        episodes = merged["episodes"]
        if fact.spoiler_episode is not None and episodes and fact.spoiler_episode not in episodes:
            report(
                "facts",
                key,
                "spoiler_episode",
                f"there is no episode {fact.spoiler_episode} "
                f"(the episodes are {', '.join(map(str, sorted(episodes)))})",
            )
        for entity_id in fact.entities:
            if entity_id not in named:
                report(
                    "facts",
                    key,
                    "entities",
                    f"unknown person, character or entity '{entity_id}'"
                    + _suggest(entity_id, named),
                )
        if fact.quote and fact.quote not in merged["quotes"]:
            report(
                "facts",
                key,
                "quote",
                f"unknown quote id '{fact.quote}'" + _suggest(fact.quote, merged["quotes"]),
            )
        for field_name, text in (("answer", fact.answer), ("answer_fr", fact.answer_fr or "")):
            if BARE_YES_NO.match(text):
                report("facts", key, field_name, BARE_YES_NO_MESSAGE)
        sources = tuple(merged["sources"][s] for s in fact.sources if s in merged["sources"])
        if len(citations_text(sources)) > MAX_CITATIONS_CHARS:
            report(
                "facts",
                key,
                "sources",
                "too many sources: the citations would not fit one embed field",
            )
        for phrasing in fact.questions:
            form = question_key(phrasing)
            if not form:
                report("facts", key, "alternates", f"'{phrasing}' has no words the bot can match")
                continue
            owner = owners.setdefault(form, key)
            if owner != key:
                report(
                    "facts",
                    key,
                    "alternates",
                    f"'{phrasing}' is the same question as one of fact '{owner}'",
                )
    return problems


def load_directory(directory: Path, *, question_key: QuestionKey = plain_question_key) -> Assembly:
    """Read and check every file of a knowledge folder."""
    return assemble(load_documents(directory), question_key=question_key)
