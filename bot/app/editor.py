"""Moderator edits of the knowledge: validated, atomic, serialised, recorded, undoable.

Every change (add, edit, retire, undo, import) is one operation: "set these facts to
these records (or to absent) in this scope". It is validated against the whole
knowledge base exactly as `kb check` would, written atomically, swapped in, and
recorded in the append-only history with the record before and after.

Scopes: a guild id edits that guild's overlay file in the data folder; SHARED_SCOPE
(owners only) edits the shared knowledge files. A shared edit rewrites only the
block of the fact it changes, so the rest of a hand-written file, comments
included, stays as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from bot.app.knowledge import KnowledgeService
from bot.app.validation import check
from bot.kb.export import document_data, fact_record, source_record
from bot.kb.loader import Document, knowledge_files, parse_document
from bot.kb.model import Fact, KnowledgeBase
from bot.kb.roundtrip import set_items, set_value
from bot.kb.yamlread import MAX_FILE_BYTES, Problem
from bot.qa.folding import fold
from bot.storage.atomic import atomic_write_text, write_all_or_nothing
from bot.storage.store import SHARED_SCOPE, HistoryEntry, Store

MODERATOR_FILE = "facts-moderators.yaml"
"""Where owners' new shared facts go, so hand-written files keep their own order."""

Record = dict[str, Any]

OVERLAY_HEADER = (
    "# Moderator edits for guild {guild_id}, written by the bot (/fact, /kb import).\n"
    "# Hand edits are picked up too; `etoile-bot kb check` does not read this folder.\n"
)

OVERLAY_BROKEN = (
    "this server's fact file cannot be loaded, so edits from Discord are paused to keep "
    "it from being overwritten (the server answers from its last good version); fix the "
    "problems below in the file and it reloads by itself"
)
CHANGED_ON_DISK = (
    "the file changed on disk since the bot loaded it; nothing was saved and the new "
    "version has been loaded: check the fact and save again"
)


def N_(template: str) -> str:
    """Mark an English message template that the interface translates (bot.i18n)."""
    return template


SAVED = {
    "add": N_("Added `{fact}`."),
    "edit": N_("Saved `{fact}`."),
    "retire": N_("Retired `{fact}`."),
    "undo": N_("Undid the last change to `{fact}`."),
    "import": N_("Imported `{fact}`."),
}
SAVED_MANY = N_("Saved {count} facts.")


@dataclass(frozen=True)
class EditResult:
    """Outcome of a moderator's edit, with the message and problems the Discord views show.

    The message is an English template and its values, so the interface can show it in
    the moderator's language (`t(result.template, **result.values)`).
    """

    ok: bool
    template: str
    fact: Fact | None = None
    problems: tuple[Problem, ...] = ()
    knowledge: KnowledgeBase | None = None  # the knowledge as it would be (a preview's)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The message in English (logs, the command line, tests)."""
        return self.template.format(**self.values)


@dataclass(frozen=True)
class ImportPlan:
    """What an upload would change, shown to the moderator before anything is applied."""

    problems: tuple[Problem, ...]
    changes: dict[str, Record | None] = field(default_factory=dict)
    sources: tuple[Record, ...] = ()
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    unchanged: int = 0
    versions: dict[str, str] = field(default_factory=dict)  # fact id -> version previewed

    @property
    def ok(self) -> bool:
        """Whether the upload passed every check and may be offered for applying."""
        return not self.problems


def fact_version(fact: Fact | None) -> str:
    """A short fingerprint of a fact, to refuse an edit made on a stale copy."""
    if fact is None:
        return "absent"
    text = json.dumps(fact_record(fact), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def new_fact_id(question: str, taken: set[str]) -> str:
    """A readable id for a moderator's new fact, unique among `taken`."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(question)).strip("-").split("-")
    base = "mod-" + "-".join(w for w in words if w)[:48].strip("-") or "mod-fact"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def source_from_url(url: str, title: str) -> Record:
    """A new source from a moderator's link; the publisher is the site until someone edits it."""
    host = urlparse(url).hostname or "web"
    publisher = host.removeprefix("www.")
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    slug = re.sub(r"[^a-z0-9]+", "-", publisher.lower()).strip("-")[:40]
    return {
        "id": f"{slug}-{digest}",
        "title": title.strip() or url,
        "publisher": publisher,
        "url": url,
    }


class KnowledgeEditor:
    """The one write path for moderators' edits, shared by /fact, /kb import and undo."""

    def __init__(self, service: KnowledgeService, store: Store) -> None:
        self.service = service
        self.store = store
        self._locks: dict[int, threading.Lock] = defaultdict(threading.Lock)

    # -- reading ----------------------------------------------------------------------

    def knowledge(self, scope: int) -> KnowledgeBase:
        """The knowledge a scope serves, so an edit is checked against what fans see there."""
        return self.service.engine_for(None if scope == SHARED_SCOPE else scope).kb

    def current(self, scope: int, fact_id: str) -> Fact | None:
        """The fact as the scope serves it now (None if absent), the starting point of an edit."""
        return self.knowledge(scope).facts.get(fact_id)

    def history(self, scope: int, fact_id: str) -> list[HistoryEntry]:
        """A fact's recorded changes in a scope, newest first, for /fact history."""
        return self.store.history(scope, fact_id)

    def export(self, scope: int) -> str:
        """The guild's overlay, or for the shared scope the whole shared base, as YAML."""
        if scope == SHARED_SCOPE:
            kb = self.service.base
            data: dict[str, Any] = {
                "sources": [source_record(s) for s in kb.sources.values()],
                "facts": [fact_record(f) for f in kb.facts.values()],
            }
        else:
            overlay = self.service.overlay(scope)
            data = document_data(overlay) if overlay else {"facts": []}
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)

    # -- changing -----------------------------------------------------------------------

    def preview(self, scope: int, record: Record, sources: tuple[Record, ...] = ()) -> EditResult:
        """Validate a fact as it would be saved, without saving it."""
        with self._locks[scope]:
            outcome = self._validated(scope, {record["id"]: record}, sources)
        if isinstance(outcome, list):
            return EditResult(False, N_("The fact has problems."), problems=tuple(outcome))
        return EditResult(
            True, N_("Looks good."), outcome.facts.get(record["id"]), knowledge=outcome
        )

    def save(
        self,
        scope: int,
        actor_id: int,
        record: Record,
        *,
        expected_version: str | None,
        sources: tuple[Record, ...] = (),
    ) -> EditResult:
        """Add or edit a fact. `expected_version` is the version the moderator started from."""
        fact_id = record["id"]
        with self._locks[scope]:
            before = self.current(scope, fact_id)
            if expected_version is not None and fact_version(before) != expected_version:
                return EditResult(
                    False,
                    N_(
                        "Someone changed `{fact}` since you opened it. Nothing was saved; "
                        "open it again to see the latest version."
                    ),
                    values={"fact": fact_id},
                )
            action = "edit" if before else "add"
            return self._apply(scope, actor_id, action, {fact_id: record}, sources)

    def retire(self, scope: int, actor_id: int, fact_id: str) -> EditResult:
        """Remove a fact from a scope, recorded so that /fact undo can bring it back."""
        with self._locks[scope]:
            if self.current(scope, fact_id) is None:
                return EditResult(
                    False, N_("There is no fact `{fact}` here."), values={"fact": fact_id}
                )
            return self._apply(scope, actor_id, "retire", {fact_id: None}, ())

    def undo(self, scope: int, actor_id: int, fact_id: str) -> EditResult:
        """Put the fact back as it was before its latest change in this scope."""
        with self._locks[scope]:
            entries = self.store.history(scope, fact_id, limit=1)
            if not entries:
                return EditResult(
                    False, N_("`{fact}` has no change to undo here."), values={"fact": fact_id}
                )
            return self._apply(scope, actor_id, "undo", {fact_id: entries[0].before}, ())

    def add_alternate(self, scope: int, actor_id: int, fact_id: str, phrasing: str) -> EditResult:
        """Teach a fact a fan's phrasing, so the same unanswered question finds it next time."""
        with self._locks[scope]:
            fact = self.current(scope, fact_id)
            if fact is None:
                return EditResult(
                    False, N_("There is no fact `{fact}` here."), values={"fact": fact_id}
                )
            record = fact_record(fact)
            record["alternates"] = [*fact.alternates, phrasing.strip()]
            return self._apply(scope, actor_id, "edit", {fact_id: record}, ())

    def plan_import(self, scope: int, text: str) -> ImportPlan:
        """Check an uploaded YAML file and work out what it would change, writing nothing."""
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            return ImportPlan(
                (Problem("upload", None, "", f"the file is larger than {MAX_FILE_BYTES:,} bytes"),)
            )
        document = parse_document(text, "upload", overlay=scope != SHARED_SCOPE)
        kb = self.knowledge(scope)
        checked = check([document], kb)  # the same checks as `kb check`, duplicates included
        if checked.problems:
            return ImportPlan(tuple(checked.problems))
        changes: dict[str, Record | None] = {}
        added: list[str] = []
        changed: list[str] = []
        unchanged = 0
        for fact, _line in document.records["facts"]:
            existing = kb.facts.get(fact.id)
            if existing == fact:
                unchanged += 1
                continue
            (changed if existing else added).append(fact.id)
            changes[fact.id] = fact_record(fact)
        retired = [i for i in document.retired if i in kb.facts and i not in changes]
        changes.update(dict.fromkeys(retired))
        sources = tuple(
            source_record(s) for s, _ in document.records["sources"] if s.id not in kb.sources
        )
        unsupported = [
            section
            for section in ("people", "characters", "entities", "episodes", "quotes")
            if document.records[section]
        ]
        if unsupported:
            message = (
                f"an upload may hold facts, sources and retired ids; not {', '.join(unsupported)}"
            )
            return ImportPlan((Problem("upload", None, "", message),))
        with self._locks[scope]:
            outcome = self._validated(scope, changes, sources)
        if isinstance(outcome, list):
            return ImportPlan(tuple(outcome))
        versions = {fact_id: fact_version(kb.facts.get(fact_id)) for fact_id in changes}
        return ImportPlan(
            (), changes, sources, tuple(added), tuple(changed), tuple(retired), unchanged, versions
        )

    def apply_import(self, scope: int, actor_id: int, plan: ImportPlan) -> EditResult:
        """Apply a previewed upload, refusing it if any of its facts changed since the preview."""
        if not plan.ok:
            return EditResult(False, N_("The upload has problems."), problems=plan.problems)
        if not plan.changes:
            return EditResult(True, N_("Nothing to change."))
        with self._locks[scope]:
            stale = [
                fact_id
                for fact_id, version in plan.versions.items()
                if fact_version(self.current(scope, fact_id)) != version
            ]
            if stale:
                return EditResult(
                    False,
                    N_(
                        "{facts} changed since the preview; nothing was imported. Upload the "
                        "file again to see the new differences."
                    ),
                    values={"facts": ", ".join(f"`{i}`" for i in stale[:5])},
                )
            return self._apply(scope, actor_id, "import", dict(plan.changes), plan.sources)

    # -- the one write path -------------------------------------------------------------

    def _apply(
        self,
        scope: int,
        actor_id: int,
        action: str,
        changes: dict[str, Record | None],
        sources: tuple[Record, ...],
    ) -> EditResult:
        befores = {fact_id: self.current(scope, fact_id) for fact_id in changes}
        checked = self._validated(scope, changes, sources)
        if isinstance(checked, list):
            return EditResult(
                False, N_("Nothing was saved: the change has problems."), problems=tuple(checked)
            )
        # History first, then the files: a crash in between leaves a history row whose
        # undo restores what is still there, never a change that undo cannot reverse.
        for fact_id, before in befores.items():
            after = checked.facts.get(fact_id)
            self._record(scope, actor_id, action, fact_id, before, after)
        try:
            outcome = self._validated(scope, changes, sources, write=True)
        except BaseException:
            self._cancel(scope, actor_id, befores)
            raise
        if isinstance(outcome, list):  # the files changed on disk between the two steps
            self._cancel(scope, actor_id, befores)
            return EditResult(
                False, N_("Nothing was saved: the change has problems."), problems=tuple(outcome)
            )
        single = next(iter(changes)) if len(changes) == 1 else None
        fact = outcome.facts.get(single) if single else None
        if single:
            return EditResult(True, SAVED[action], fact, values={"fact": single})
        return EditResult(True, SAVED_MANY, values={"count": str(len(changes))})

    def _record(
        self,
        scope: int,
        actor_id: int,
        action: str,
        fact_id: str,
        before: Fact | None,
        after: Fact | None,
    ) -> None:
        self.store.add_history(
            scope=scope,
            fact_id=fact_id,
            actor_id=actor_id,
            action=action,
            before=fact_record(before) if before else None,
            after=fact_record(after) if after else None,
        )

    def _cancel(self, scope: int, actor_id: int, befores: dict[str, Fact | None]) -> None:
        """History is append-only: a change that was not written gets a row saying so,
        whose undo is a no-op."""
        for fact_id, before in befores.items():
            self._record(scope, actor_id, "not-saved", fact_id, before, before)

    def _validated(
        self,
        scope: int,
        changes: dict[str, Record | None],
        sources: tuple[Record, ...],
        *,
        write: bool = False,
    ) -> KnowledgeBase | list[Problem]:
        if scope == SHARED_SCOPE:
            return self._shared(changes, sources, write)
        return self._overlay(scope, changes, sources, write)

    def _overlay(
        self,
        guild_id: int,
        changes: dict[str, Record | None],
        sources: tuple[Record, ...],
        write: bool,
    ) -> KnowledgeBase | list[Problem]:
        path = self.service.overlay_path(guild_id)
        broken = self.service.broken_overlay(guild_id)
        if broken:
            return [Problem(str(path), None, "", OVERLAY_BROKEN), *broken]
        if write and self.service.changed_on_disk([path]):
            self.service.load()
            return [Problem(str(path), None, "", CHANGED_ON_DISK)]
        base = self.service.base
        current = self.service.overlay(guild_id)
        data = document_data(current) if current else {}
        facts = {f["id"]: f for f in data.get("facts", [])}
        retired = set(data.get("retired", []))
        known_sources = {s["id"]: s for s in data.get("sources", [])}
        current_sources = set(known_sources)
        for source in sources:
            known_sources.setdefault(source["id"], source)
        for fact_id, record in changes.items():
            if record is None:
                facts.pop(fact_id, None)
                if fact_id in base.facts:
                    retired.add(fact_id)
            else:
                retired.discard(fact_id)
                base_fact = base.facts.get(fact_id)
                if base_fact is not None and fact_record(base_fact) == record:
                    facts.pop(fact_id, None)  # back to the shared version: no override needed
                else:
                    facts[fact_id] = record
        # Written onto the file as it is on disk (checked unchanged since it was loaded),
        # so a moderator's hand comments and order survive.
        text = (
            path.read_text(encoding="utf-8")
            if path.exists()
            else OVERLAY_HEADER.format(guild_id=guild_id)
        )
        added_sources = {i: s for i, s in known_sources.items() if i not in current_sources}
        if added_sources:
            text = set_items(text, "sources", added_sources)
        text = set_items(text, "facts", {i: facts.get(i) for i in changes})
        text = set_value(text, "retired", sorted(retired))
        document = parse_document(text, str(path), overlay=True)
        merged = check([document], base)
        if merged.knowledge is None:
            return merged.problems
        if write:
            atomic_write_text(path, text)
            return self.service.install_overlay(guild_id, document)
        return merged.knowledge

    def _shared(
        self, changes: dict[str, Record | None], sources: tuple[Record, ...], write: bool
    ) -> KnowledgeBase | list[Problem]:
        directory = self.service.knowledge_dir
        if write and self.service.changed_on_disk(knowledge_files(directory)):
            self.service.load()
            return [Problem(str(directory), None, "", CHANGED_ON_DISK)]
        texts = {path: path.read_text(encoding="utf-8") for path in knowledge_files(directory)}
        moderator_file = directory / MODERATOR_FILE
        texts.setdefault(
            moderator_file,
            "# yaml-language-server: $schema=./schema.json\n# Facts added by the bot's owners from Discord.\n",
        )
        base = self.service.base
        new_sources = {s["id"]: s for s in sources if s["id"] not in base.sources}
        if new_sources:
            texts[moderator_file] = set_items(texts[moderator_file], "sources", new_sources)
        for fact_id, record in changes.items():
            existing = base.facts.get(fact_id)
            origin = existing.origin if existing else None
            if origin is not None:
                path = Path(origin.file)  # absolute: the service resolved its folder
                path = next((p for p in texts if p.resolve() == path.resolve()), path)
                texts[path] = set_items(texts[path], "facts", {fact_id: record})
            elif record is not None:
                texts[moderator_file] = set_items(texts[moderator_file], "facts", {fact_id: record})
        documents: list[Document] = [
            parse_document(text, str(path)) for path, text in texts.items()
        ]
        merged = check(documents)
        if merged.knowledge is None:
            return merged.problems
        if write:
            changed = {
                path: text
                for path, text in texts.items()
                if not path.exists() or path.read_text(encoding="utf-8") != text
            }
            write_all_or_nothing(directory, changed)  # a fact and its new source together
            # Served at once, everywhere: a layer over the shared engine, not a rebuild.
            return self.service.install_shared(merged.knowledge, set(changes), list(changed))
        return merged.knowledge
