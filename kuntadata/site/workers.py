"""Process plumbing of the site build: two processes sharing one queue of tasks, and old site
directories removed without making anyone wait.

The build machine has two cores. Splitting the work in two fixed halves leaves one core idle
while the other finishes whatever was not split (region, indicator and catalogue pages, the
downloads), so both processes instead take tasks from one queue: a pipe filled with task
numbers before the fork. A read of two bytes from a pipe is atomic, so each task is taken
exactly once, and each process takes the next one as soon as it is free; with the small
municipality tasks last, both finish within one small task of each other.

Deleting a whole-Finland `_site/` (thousands of files) takes seconds that nobody needs to
wait for: the old directory is renamed aside and a detached grandchild deletes it, and each
build first sweeps what earlier builds left behind (a crashed build's temporary directory,
an old site whose deletion was cut short). The deleting grandchild closes every inherited file
at once, the project lock's among them (lock.py), so it never holds the lock after the build
has ended; it only ever deletes folders already renamed aside, never one a build writes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import BuildError
from ..lock import exit_with_parent

TASK_BYTES = 2
MAX_TASKS = 8192  # 16 KiB of task numbers: fits any pipe buffer, so filling it never blocks


def can_fork() -> bool:
    """Two processes unless the platform has no fork or KUNTADATA_SITE_WORKERS=1 says one."""
    return hasattr(os, "fork") and os.environ.get("KUNTADATA_SITE_WORKERS") != "1"


def run_shared(
    tasks: Sequence[Callable[[], None]], *, parallel: bool, report: Callable[[], str]
) -> str | None:
    """Run every task exactly once; with `parallel`, a forked child takes tasks from the same
    queue as this process. Returns the child's `report()` after its last task (None without
    a child). A task that fails in this process stops the child and raises; one that fails in
    the child raises BuildError here once this process has finished the queue."""
    if len(tasks) > MAX_TASKS:
        raise BuildError(f"site build: {len(tasks)} tasks, more than the queue holds")
    queue = _task_queue(len(tasks))
    try:
        child = _fork_child(tasks, queue, report) if parallel and can_fork() else None
        try:
            _drain(tasks, queue)
        except BaseException:
            _abandon(child)
            raise
        return _join(child)
    finally:
        os.close(queue)


def _task_queue(count: int) -> int:
    """A pipe holding the numbers 0..count-1; returns its read end (the write end is closed,
    so a read from the empty queue returns nothing)."""
    read_end, write_end = os.pipe()
    numbers = b"".join(i.to_bytes(TASK_BYTES, "little") for i in range(count))
    written = 0
    while written < len(numbers):
        written += os.write(write_end, numbers[written:])
    os.close(write_end)
    return read_end


def _drain(tasks: Sequence[Callable[[], None]], queue: int) -> None:
    while len(taken := os.read(queue, TASK_BYTES)) == TASK_BYTES:
        tasks[int.from_bytes(taken, "little")]()


def _fork_child(
    tasks: Sequence[Callable[[], None]], queue: int, report: Callable[[], str]
) -> tuple[int, int]:
    """Fork a child that drains the queue too and reports through a pipe."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller
        exit_with_parent(parent)  # a killed build leaves no worker behind (lock.py)
        os.close(read_end)
        status = 0
        try:
            _drain(tasks, queue)
            message = report()
        except BaseException as exc:  # reported to the parent, which raises BuildError
            message = f"error {type(exc).__name__}: {exc}"
            status = 1
        os.write(write_end, message.encode("utf-8"))
        os.close(write_end)
        os._exit(status)
    os.close(write_end)
    return pid, read_end


def _join(child: tuple[int, int] | None) -> str | None:
    if child is None:
        return None
    pid, read_end = child
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode("utf-8")
    _, status = os.waitpid(pid, 0)
    if status != 0 or message.startswith("error") or not message:
        raise BuildError(f"rendering the site failed in a worker: {message or status}")
    return message


def _abandon(child: tuple[int, int] | None) -> None:
    """A failed build stops its worker too, so nothing writes into the discarded directory."""
    if child is None:
        return
    pid, read_end = child
    os.close(read_end)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)


def remove_in_background(paths: Sequence[Path]) -> None:
    """Delete directories in a detached grandchild and return at once.

    The grandchild has its own session, /dev/null for standard streams and no other open
    file, so a caller that waits for this process's output (a shell pipe, a test capturing
    it) does not wait for the deletion. Without fork the deletion happens here.
    """
    if not paths:
        return
    if not hasattr(os, "fork"):
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                _detach()
                for path in paths:
                    shutil.rmtree(path, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _detach() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, 65536)
    with contextlib.suppress(OSError):
        os.nice(10)


def temporary_name(target: Path, token: str) -> Path:
    """`_site.tmp-<pid>-<token>`: the pid tells a later build whether its owner still runs."""
    return target.parent / f"{target.name}.tmp-{os.getpid()}-{token}"


def sweep(target: Path) -> None:
    """Remove, in the background, what earlier builds left beside `target`: old sites
    (`_site.old-*`) and temporary ones of builds that no longer run. A build running now in
    the same folder keeps its temporary directory."""
    left: list[Path] = list(target.parent.glob(f"{target.name}.old-*"))
    for path in target.parent.glob(f"{target.name}.tmp-*"):
        owner = path.name.removeprefix(f"{target.name}.tmp-").split("-")[0]
        if owner.isdigit() and not _running(int(owner)):
            left.append(path)
    remove_in_background(left)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap(tmp: Path, target: Path, token: str) -> None:
    """Replace `target` by `tmp` with two renames; the old site is deleted in the background."""
    old = None
    if target.exists():
        old = target.parent / f"{target.name}.old-{os.getpid()}-{token}"
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        remove_in_background([old])
