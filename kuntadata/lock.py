"""One writer at a time: the project's write lock for the stages that write (fetch, package,
site).

Two `package` runs at once both diffed against the same previous package and both appended
the same revisions to `data/changelog.csv`. Every writing stage therefore holds one lock file,
`data/.build.lock`, through `fcntl.flock`: the kernel drops it when the process dies, so a
killed run never leaves a stale lock behind. A second run waits (`KUNTADATA_LOCK_WAIT`
seconds, default 300) and then stops with a message naming the lock and the other run's pid.

The holder of the lock is also the only process that may clear temporary folders left by an
interrupted run (`data/.package.tmp-*`, `data/raw/<source>/.<dataset>.tmp-*`, `_site.tmp-*`):
without the lock one of them could be a running build's work in progress. For the same reason
a worker a stage forks must not outlive it (`exit_with_parent`): once a killed run's lock is
gone, the next run deletes the temporary folder an orphaned worker would still be writing.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import KuntadataError, LockBusy, WriteError
from .paths import ProjectPaths

LOCK_NAME = ".build.lock"
WAIT_ENV = "KUNTADATA_LOCK_WAIT"
DEFAULT_WAIT = 300.0
POLL_SECONDS = 0.2


@dataclass
class _Held:
    handle: int
    count: int
    pid: int


_held: dict[Path, _Held] = {}


def lock_path(paths: ProjectPaths) -> Path:
    return paths.root / "data" / LOCK_NAME


@contextlib.contextmanager
def project_lock(
    paths: ProjectPaths,
    stage: str,
    *,
    wait: float | None = None,
    report: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Hold the project's write lock for `stage`; re-entrant within one process, so `all`
    can hold it across its stages and `build_package` can take it again inside."""
    path = acquire(paths, stage, wait=wait, report=report)
    try:
        yield path
    finally:
        release(paths)


def acquire(
    paths: ProjectPaths,
    stage: str,
    *,
    wait: float | None = None,
    report: Callable[[str], None] | None = None,
) -> Path:
    """Take the lock (waiting up to `wait` seconds) and, the first time, clear temporaries."""
    say = report or (lambda message: None)
    path = lock_path(paths)
    held = _held.get(path)
    if held is not None and held.pid == os.getpid():
        held.count += 1
        return path
    limit = lock_wait() if wait is None else wait
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WriteError(exc, path) from exc
    try:
        _wait_for(handle, path, limit, say)
        _record_holder(handle, stage)
    except BaseException:
        os.close(handle)
        raise
    _held[path] = _Held(handle, 1, os.getpid())
    removed = remove_temporaries(paths)
    if removed:
        names = ", ".join(_relative(p, paths.root) for p in removed)
        say(f"removed {len(removed)} temporary folder(s) left by an interrupted run: {names}")
    return path


def release(paths: ProjectPaths) -> None:
    path = lock_path(paths)
    held = _held.get(path)
    if held is None or held.pid != os.getpid():
        return
    held.count -= 1
    if held.count == 0:
        del _held[path]
        fcntl.flock(held.handle, fcntl.LOCK_UN)
        os.close(held.handle)


def lock_wait() -> float:
    """Seconds a second run waits for the lock (`KUNTADATA_LOCK_WAIT`, 0 = do not wait)."""
    text = os.environ.get(WAIT_ENV, "")
    if not text:
        return DEFAULT_WAIT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise KuntadataError(f"{WAIT_ENV}={text}: not a number of seconds (0 = do not wait)")
    return seconds


def _wait_for(handle: int, path: Path, limit: float, say: Callable[[str], None]) -> None:
    deadline = time.monotonic() + limit
    announced = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            raise LockBusy(
                f"{path}: another kuntadata run ({holder(path)}) is writing this project; "
                f"gave up after waiting {limit:g} s. Let it finish, or stop it if it hangs "
                f"(`kill {_pid(path) or '<pid>'}`), then run the command again "
                f"({WAIT_ENV} sets how long to wait)."
            )
        if not announced:
            say(
                f"waiting for another kuntadata run ({holder(path)}) to release {path} "
                f"(up to {limit:g} s)"
            )
            announced = True
        time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))


def _record_holder(handle: int, stage: str) -> None:
    """`pid stage started` in the lock file, for the message a waiting run prints."""
    started = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    os.ftruncate(handle, 0)
    os.pwrite(handle, f"{os.getpid()} {stage} {started}\n".encode(), 0)


def holder(path: Path) -> str:
    """Who holds the lock, as the lock file says: `pid 1234, package, since …`."""
    try:
        fields = path.read_text("utf-8").split()
    except OSError:
        fields = []
    if len(fields) < 3:
        return "pid unknown"
    return f"pid {fields[0]}, `{fields[1]}`, since {fields[2]}"


def _pid(path: Path) -> str:
    try:
        first = path.read_text("utf-8").split()[:1]
    except OSError:
        return ""
    return first[0] if first and first[0].isdigit() else ""


def temporaries(paths: ProjectPaths) -> list[Path]:
    """Work-in-progress folders and files the writing stages create beside their output."""
    package, site = paths.package, paths.site
    patterns = [
        (package.parent, f".{package.name}.tmp-*"),
        (package.parent, f".{package.name}.old-*"),
        (package.parent, ".changelog.csv.tmp-*"),
        (site.parent, f"{site.name}.tmp-*"),  # old sites: the site stage deletes those
    ]
    found = [p for folder, pattern in patterns for p in sorted(folder.glob(pattern))]
    if paths.raw.is_dir():
        for source in sorted(p for p in paths.raw.iterdir() if p.is_dir()):
            found += sorted(source.glob(".*.tmp-*")) + sorted(source.glob(".*.old-*"))
    return found


def remove_temporaries(paths: ProjectPaths) -> list[Path]:
    """Delete what an interrupted run left (only the lock holder may: see the module doc)."""
    removed = []
    for path in temporaries(paths):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        if not path.exists():
            removed.append(path)
    return removed


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def exit_with_parent(parent: int) -> None:
    """Call first thing in a forked worker: it dies with the run that forked it (`parent`,
    that run's pid taken before the fork), even when that run is killed with SIGKILL.

    Linux delivers SIGKILL to the worker when its parent dies (prctl PR_SET_PDEATHSIG);
    elsewhere a daemon thread polls the parent's pid. A parent already gone before the
    signal was armed is caught by comparing `os.getppid()`.
    """
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:
        os._exit(1)
    if not armed:
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
