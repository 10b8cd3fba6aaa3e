"""The knowledge the bot serves: the shared base plus one overlay per guild.

Each guild sees the shared base with its own overlay applied (facts it added or
edited, facts it retired); no guild's overlay can change what another sees. A guild's
engine is a thin layer over the shared engine (`Engine.layered`): it indexes only
the guild's own facts and answers exactly as a full rebuild would, so a thousand
customised guilds cost a thousand small layers, not a thousand copies. Layers are
built on a guild's first question after a change. A shared edit becomes a layer
over the shared engine too, swapped in at once, and is folded into a full rebuild
in the background once enough of them pile up.

Every reload builds new knowledge bases and engines off to the side and swaps them
in whole, so readers always see a complete, valid version. A reload that finds a
problem keeps the last good version serving and reports the problem.
"""

from __future__ import annotations

import dataclasses
import gc
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

COMPACT_AFTER = 64
"""Facts changed by shared edits since the last full build before the shared engine
is rebuilt whole (in the background), so layers never pile up."""

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
    engines: dict[int, Engine]  # guild layers built so far (the rest on first use)
    broken: dict[int, list[Problem]]  # guilds whose overlay file on disk cannot be loaded
    fallback: dict[int, Engine] = field(default_factory=dict)  # last good, if a layer fails
    layered_changes: int = 0  # facts changed by shared edits since the last full build


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
        if guild_id is None or guild_id not in snapshot.overlays:
            return snapshot.base_engine
        engine = snapshot.engines.get(guild_id)
        if engine is None:
            # Built on the guild's first question after a change; two threads racing
            # here build the same layer, and either result is right.
            engine = snapshot.engines[guild_id] = self._guild_engine(snapshot, guild_id)
        return engine

    def _guild_engine(self, snapshot: _Snapshot, guild_id: int) -> Engine:
        document = snapshot.overlays[guild_id]
        merged = check([document], snapshot.base)
        if merged.knowledge is None:
            # The shared base moved under the overlay (a fact it retires is gone): the
            # guild keeps its last good engine and its edits pause until a moderator looks.
            snapshot.broken[guild_id] = list(merged.problems)
            log.error(
                "Guild %s overlay no longer fits the shared base: %s", guild_id, merged.problems
            )
            return snapshot.fallback.get(guild_id, snapshot.base_engine)
        snapshot.fallback.pop(guild_id, None)  # the old layer is no longer needed
        return layer(snapshot.base_engine, merged.knowledge, document)

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
            previous = self._snapshot
            broken: dict[int, list[Problem]] = {}
            for path in self._overlay_files():
                guild_id = int(path.stem)
                document = read_document(path, str(path), overlay=True)
                merged = check([document], base)
                if merged.knowledge is not None:
                    overlays[guild_id] = document
                    self._keep_last_good(guild_id, path)
                    continue
                problems.extend(merged.problems)
                broken[guild_id] = list(merged.problems)
                kept = self._last_good(guild_id, previous, base)
                if kept is not None:  # the guild keeps its own facts, not the bare base
                    overlays[guild_id] = kept
            self._snapshot = _Snapshot(base, Engine(base), overlays, {}, broken)
            self._fingerprint = fingerprint
            # The knowledge just loaded lives until the next reload and holds no cycles:
            # the cycle collector need not trace it again (long pauses with many guilds).
            gc.collect()
            gc.freeze()
            if problems:
                log.error("Knowledge loaded with problems: %s", "; ".join(map(str, problems)))
            self.last_report = ReloadReport(True, problems)
            return self.last_report

    def _last_good(
        self, guild_id: int, previous: _Snapshot | None, base: KnowledgeBase
    ) -> Document | None:
        """The guild's overlay as it last loaded: in memory, else the copy on disk."""
        candidates = []
        if previous and guild_id in previous.overlays:
            candidates.append(previous.overlays[guild_id])
        copy = self.overlay_dir / LAST_GOOD_DIR / f"{guild_id}.yaml"
        if copy.is_file():
            candidates.append(read_document(copy, str(copy), overlay=True))
        for document in candidates:
            if check([document], base).knowledge is not None:
                return document
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
        """Swap in a guild's overlay that the caller has validated and written to disk:
        only that guild's layer is rebuilt."""
        with self._write_lock:
            snapshot = self._current()
            merged = check([document], snapshot.base)
            if merged.knowledge is None:
                raise ValueError("; ".join(map(str, merged.problems)))
            overlays = {**snapshot.overlays, guild_id: document}
            engine = layer(snapshot.base_engine, merged.knowledge, document)
            engines = {**snapshot.engines, guild_id: engine}
            broken = {g: p for g, p in snapshot.broken.items() if g != guild_id}
            self._snapshot = dataclasses.replace(
                snapshot, overlays=overlays, engines=engines, broken=broken
            )
            self._restamp([self.overlay_path(guild_id)])
            path = self.overlay_path(guild_id)
            if path.exists():
                self._keep_last_good(guild_id, path)
            return merged.knowledge

    def install_shared(
        self, base: KnowledgeBase, changed: set[str], written: list[Path]
    ) -> KnowledgeBase:
        """Swap in a shared base that the caller has validated and written to disk.

        The new shared engine is a layer over the current one for the facts in
        `changed`; every guild's layer is rebuilt on its next question. Once shared
        edits have changed COMPACT_AFTER facts, a full build runs in the background.
        """
        with self._write_lock:
            snapshot = self._current()
            facts = tuple(base.facts[i] for i in sorted(changed) if i in base.facts)
            removed = frozenset(i for i in changed if i not in base.facts)
            engine = snapshot.base_engine.layered(base, facts, removed)
            self._snapshot = _Snapshot(
                base,
                engine,
                snapshot.overlays,
                {},
                dict(snapshot.broken),
                fallback={**snapshot.fallback, **snapshot.engines},
                layered_changes=snapshot.layered_changes + len(changed),
            )
            self._restamp(written)
            if self._snapshot.layered_changes >= COMPACT_AFTER:
                threading.Thread(target=self._compact, args=(base,), daemon=True).start()
            return base

    def _compact(self, base: KnowledgeBase) -> None:
        """Rebuild the shared engine whole, and swap it in if nothing changed meanwhile."""
        engine = Engine(base)
        with self._write_lock:
            snapshot = self._current()
            if snapshot.base is base:
                self._snapshot = dataclasses.replace(
                    snapshot, base_engine=engine, engines={}, layered_changes=0
                )

    def _restamp(self, paths: list[Path]) -> None:
        """Record these files as loaded; another file's hand edit must still be noticed."""
        names = {str(p) for p in paths}
        stamps = [s for s in self._fingerprint if s[0] not in names]
        for path in paths:
            stamp = _stamp(path)
            if stamp is not None:
                stamps.append((str(path), *stamp))
        self._fingerprint = tuple(sorted(stamps))


def layer(base_engine: Engine, merged: KnowledgeBase, overlay: Document) -> Engine:
    """A guild's engine: its overlay's facts over the shared engine, its retired ones hidden."""
    changed = tuple(fact for fact, _ in overlay.records["facts"])
    return base_engine.layered(merged, changed, frozenset(overlay.retired))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size
