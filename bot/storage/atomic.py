"""Writing files so that a crash at any instant leaves the old file or the new one.

The sequence is the one Red-DiscordBot uses: write a temporary file in the same
folder, fsync it, atomically rename it over the target, then fsync the folder so the
rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace a file so a crash leaves the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    fsync_directory(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """Replace a text file atomically, encoded as UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def fsync_directory(directory: Path) -> None:
    """Flush a folder's entries so a rename in it survives a power cut."""
    if os.name != "posix":  # pragma: no cover - directories cannot be fsynced on Windows
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


JOURNAL_NAME = ".pending-edit.json"
"""In the folder of a multi-file change: every new text, written before any file."""


def write_all_or_nothing(directory: Path, texts: dict[Path, str]) -> None:
    """Write several files so that after a crash at any instant, the next start-up
    (`finish_pending_writes`) sees all of them new or all of them old.

    The whole change goes into one journal file first (atomically); only then are
    the files replaced one by one; the journal is removed last.
    """
    journal = directory / JOURNAL_NAME
    atomic_write_text(journal, json.dumps({str(path): text for path, text in texts.items()}))
    for path, text in texts.items():
        atomic_write_text(path, text)
    journal.unlink()
    fsync_directory(directory)


def finish_pending_writes(directory: Path) -> list[Path]:
    """Complete a multi-file change a crash interrupted; the files it rewrote."""
    journal = directory / JOURNAL_NAME
    try:
        texts: dict[str, str] = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    written = []
    for name, text in texts.items():
        path = Path(name)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
            written.append(path)
    journal.unlink()
    fsync_directory(directory)
    return written
