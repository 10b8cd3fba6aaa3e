"""One bot process per data folder: a second one would overwrite the first one's edits."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

LOCK_NAME = ".lock"


class DataDirInUse(RuntimeError):
    """Another process holds the data folder."""


def hold_data_dir(data_dir: Path) -> IO[str]:
    """Take the folder's exclusive lock for as long as the returned file stays open.

    flock is released by the kernel when the process dies, even by SIGKILL, so a crash
    never leaves a stale lock behind.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115 - held open
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise DataDirInUse(
            f"{data_dir.resolve()} is in use by {holder}; run one bot per DATA_DIR"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"etoile-bot pid {os.getpid()}\n")
    handle.flush()
    return handle
