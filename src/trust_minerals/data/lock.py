"""The store's writer lock: one build or import at a time per database file.

A writer (``trust data build``, ``trust data import-baci``) holds an exclusive ``flock`` on
``<store>.lock`` for its whole run, from before it reads anything until the new store is in
place. A second writer waits up to ``timeout`` seconds and then fails with
:class:`StoreLockedError` naming the process that holds the lock; it never runs beside the first
(where an import would succeed and then be overwritten by the build's rename). The operating
system releases the lock when the holder exits, so a killed writer never leaves a stale lock.
Readers do not take the lock: a build swaps the file in atomically and an import is one DuckDB
transaction.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trust_minerals.errors import StoreError

LOCK_TIMEOUT_ENV = "TRUST_LOCK_TIMEOUT"
_DEFAULT_TIMEOUT_S = 60.0


class StoreLockedError(StoreError):
    """Another build or import holds the store's writer lock (the message names its PID)."""


def lock_path(db_path: Path) -> Path:
    """The lock file of the store ``db_path`` (``<store>.lock`` beside it)."""
    return db_path.with_name(db_path.name + ".lock")


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return max(0.0, float(timeout))
    text = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return max(0.0, float(text)) if text else _DEFAULT_TIMEOUT_S
    except ValueError:
        raise StoreError(f"{LOCK_TIMEOUT_ENV}={text!r} is not a number of seconds") from None


@contextmanager
def writer_lock(
    db_path: Path, *, timeout: float | None = None, what: str = "write"
) -> Iterator[None]:
    """Hold the writer lock of ``db_path`` (wait up to ``timeout`` s, default $TRUST_LOCK_TIMEOUT or 60).

    Raises
    ------
    StoreLockedError
        The lock is still held after ``timeout`` seconds.
    StoreError
        The lock file cannot be created (read-only directory, ...).
    """
    import fcntl

    path = lock_path(Path(db_path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(
            f"cannot create the store lock {path} ({exc.strerror or exc}); "
            "is the database directory writable?"
        ) from None
    try:
        deadline = time.monotonic() + _timeout(timeout)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
                    raise StoreLockedError(
                        f"the store {db_path} is locked by another build or import (pid {holder}); "
                        f"wait for it to finish or set {LOCK_TIMEOUT_ENV} to wait longer"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {what}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
