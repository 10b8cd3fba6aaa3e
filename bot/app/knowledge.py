"""The knowledge the bot serves: the shared base plus one overlay per guild.

Each guild sees the shared base with its own overlay applied (facts it added or
edited, facts it retired); no guild's overlay can change what another sees. Every
reload builds new knowledge bases and engines off to the side and swaps them in
whole, so readers always see a complete, valid version. A reload that finds a
problem keeps the last good version serving and reports the problem.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.app.validation import check, check_folder
from bot.kb.loader import Assembly, Document, knowledge_files, read_document
from bot.kb.model import KnowledgeBase
from bot.kb.yamlread import Problem
from bot.qa.engine import Engine
from bot.storage.atomic import atomic_write_bytes, finish_pending_writes

LAST_GOOD_DIR = ".last-good"
"""Beside the overlays: a copy of each guild's overlay as it last loaded cleanly, so a
broken hand edit found at start-up still serves the guild's own facts."""

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


class KnowledgeUnavailable(RuntimeError):
    """The shared base could not be loaded at all (start-up with broken files)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems[:3])))
        self.problems = problems


@dataclass
class ReloadReport:
    """What a load or reload did, so the bot can log it and warn owners of broken files."""

    changed: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the reload found nothing an owner needs to fix."""
        return not self.problems


@dataclass(frozen=True)
class _Snapshot:
    base: KnowledgeBase
    base_engine: Engine
    overlays: dict[int, Document]
    engines: dict[int, Engine]
    broken: dict[int, list[Problem]]  # guilds whose overlay file on disk cannot be loaded


class KnowledgeService:
    """Serves each guild its knowledge and swaps in new versions whole when files change."""

    def __init__(self, knowledge_dir: Path, overlay_dir: Path) -> None:
        # Absolute, so the files' origins (and the editor's writes) never depend on
        # the working directory.
        self.knowledge_dir = knowledge_dir.resolve()
        self.overlay_dir = overlay_dir.resolve()
        self._write_lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._fingerprint: Fingerprint = ()
        self.last_report = ReloadReport()

    # -- reading ----------------------------------------------------------------------

    @property
    def base(self) -> KnowledgeBase:
        """The shared knowledge base that every guild's overlay is applied on."""
        return self._current().base

    def engine_for(self, guild_id: int | None) -> Engine:
        """The engine that answers in a guild (the shared one in DMs or without edits)."""
        snapshot = self._current()
        if guild_id is None:
            return snapshot.base_engine
        return snapshot.engines.get(guild_id, snapshot.base_engine)

    def overlay(self, guild_id: int) -> Document | None:
        """The guild's loaded overlay, which edits and exports start from."""
        return self._current().overlays.get(guild_id)

    def overlay_path(self, guild_id: int) -> Path:
        """Where a guild's overlay file lives in the data folder."""
        return self.overlay_dir / f"{guild_id}.yaml"

    def problems(self, guild_id: int | None) -> list[Problem]:
        """Everything wrong on disk now: the shared files, and this guild's overlay."""
        base = check_folder(self.knowledge_dir)
        problems = list(base.problems)
        path = self.overlay_path(guild_id) if guild_id is not None else None
        if base.knowledge is not None and path is not None and path.exists():
            overlay = read_document(path, str(path), overlay=True)
            problems += check([overlay], base.knowledge).problems
        return problems

    def broken_overlay(self, guild_id: int) -> list[Problem]:
        """Why the guild's overlay file cannot be loaded (empty when it can).

        While it is broken, edits from Discord are refused: writing the overlay from
        what is in memory would wipe the moderators' earlier work kept in that file.
        """
        return self._current().broken.get(guild_id, [])

    def changed_on_disk(self, paths: list[Path]) -> bool:
        """Whether any of these files differs from what was last loaded."""
        known = {path: (mtime, size) for path, mtime, size in self._fingerprint}
        return any(known.get(str(path)) != _stamp(path) for path in paths)

    def _current(self) -> _Snapshot:
        if self._snapshot is None:
            raise KnowledgeUnavailable(
                [Problem(str(self.knowledge_dir), None, "", "not loaded yet")]
            )
        return self._snapshot

    # -- loading ----------------------------------------------------------------------

    def load(self) -> ReloadReport:
        """Read everything from disk. At start-up a broken base raises; later it is kept."""
        with self._write_lock:
            if self.knowledge_dir.is_dir():
                for path in finish_pending_writes(self.knowledge_dir):
                    log.warning("Finished a shared edit a crash had interrupted: %s", path)
            fingerprint = self.fingerprint()
            base_assembly: Assembly | None
            try:
                base_assembly = check_folder(self.knowledge_dir)
            except FileNotFoundError as error:
                base_assembly = None
                problems = [Problem(str(self.knowledge_dir), None, "", str(error))]
            else:
                problems = list(base_assembly.problems)
            if base_assembly is None or base_assembly.knowledge is None:
                if self._snapshot is None:
                    raise KnowledgeUnavailable(problems)
                log.error(
                    "Knowledge reload refused; the last good version keeps serving: %s", problems
                )
                self._fingerprint = fingerprint
                self.last_report = ReloadReport(False, problems)
                return self.last_report
            base = base_assembly.knowledge
            overlays: dict[int, Document] = {}
            engines: dict[int, Engine] = {}
            previous = self._snapshot
            broken: dict[int, list[Problem]] = {}
            for path in self._overlay_files():
                guild_id = int(path.stem)
                document = read_document(path, str(path), overlay=True)
                merged = check([document], base)
                if merged.knowledge is not None:
                    overlays[guild_id] = document
                    engines[guild_id] = Engine(merged.knowledge)
                    self._keep_last_good(guild_id, path)
                    continue
                problems.extend(merged.problems)
                broken[guild_id] = list(merged.problems)
                kept = self._last_good(guild_id, previous, base)
                if kept is not None:  # the guild keeps its own facts, not the bare base
                    overlays[guild_id], engines[guild_id] = kept
            self._snapshot = _Snapshot(base, Engine(base), overlays, engines, broken)
            self._fingerprint = fingerprint
            if problems:
                log.error("Knowledge loaded with problems: %s", "; ".join(map(str, problems)))
            self.last_report = ReloadReport(True, problems)
            return self.last_report

    def _last_good(
        self, guild_id: int, previous: _Snapshot | None, base: KnowledgeBase
    ) -> tuple[Document, Engine] | None:
        """The guild's overlay as it last loaded: in memory, else the copy on disk."""
        candidates = []
        if previous and guild_id in previous.overlays:
            candidates.append(previous.overlays[guild_id])
        copy = self.overlay_dir / LAST_GOOD_DIR / f"{guild_id}.yaml"
        if copy.is_file():
            candidates.append(read_document(copy, str(copy), overlay=True))
        for document in candidates:
            kept = check([document], base)
            if kept.knowledge is not None:
                return document, Engine(kept.knowledge)
        return None

    def _keep_last_good(self, guild_id: int, path: Path) -> None:
        copy = self.overlay_dir / LAST_GOOD_DIR / f"{guild_id}.yaml"
        data = path.read_bytes()
        if not copy.is_file() or copy.read_bytes() != data:
            atomic_write_bytes(copy, data)

    def reload_if_changed(self) -> ReloadReport:
        """Pick up hand edits on disk; cheap when nothing changed (a stat per file)."""
        if self.fingerprint() == self._fingerprint:
            return ReloadReport(False)
        return self.load()

    def fingerprint(self) -> Fingerprint:
        """Path, mtime and size of every knowledge file, to notice hand edits cheaply."""
        files = list(knowledge_files(self.knowledge_dir)) if self.knowledge_dir.is_dir() else []
        files += self._overlay_files()
        stamps = []
        for path in files:
            stamp = _stamp(path)
            if stamp is not None:
                stamps.append((str(path), *stamp))
        return tuple(sorted(stamps))

    def _overlay_files(self) -> list[Path]:
        if not self.overlay_dir.is_dir():
            return []
        # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
        return sorted(
            p for p in self.overlay_dir.glob("*.yaml") if p.stem.isascii() and p.stem.isdigit()
        )

    # -- swapping in one guild's new overlay --------------------------------------------

    def install_overlay(self, guild_id: int, document: Document) -> KnowledgeBase:
        """Swap in a guild's overlay that the caller has validated and written to disk."""
        with self._write_lock:
            snapshot = self._current()
            merged = check([document], snapshot.base)
            if merged.knowledge is None:
                raise ValueError("; ".join(map(str, merged.problems)))
            overlays = {**snapshot.overlays, guild_id: document}
            engines = {**snapshot.engines, guild_id: Engine(merged.knowledge)}
            broken = {g: p for g, p in snapshot.broken.items() if g != guild_id}
            self._snapshot = _Snapshot(
                snapshot.base, snapshot.base_engine, overlays, engines, broken
            )
            # Only this file's stamp: another file's hand edit must still be picked up.
            path = self.overlay_path(guild_id)
            stamps = [s for s in self._fingerprint if s[0] != str(path)]
            stamp = _stamp(path)
            if stamp is not None:
                stamps.append((str(path), *stamp))
                self._keep_last_good(guild_id, path)
            self._fingerprint = tuple(sorted(stamps))
            return merged.knowledge


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size
