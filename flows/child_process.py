"""Child processes that die with the run: the kernel sends them a signal when the thread that
started them ends (PR_SET_PDEATHSIG, Linux), so a run killed with SIGKILL leaves none behind.

The libc call is looked up here, at import, in the parent. What runs between fork and exec must not
import or load anything: another thread of the parent (the temporary server's watcher, a task) may
hold a module's import lock at the moment of the fork, and the child, which has only the forking
thread, would wait for that lock for ever. An ``import ctypes`` there hung ``ingest``'s start."""
from __future__ import annotations

import ctypes
import signal
from collections.abc import Callable

PR_SET_PDEATHSIG = 1

try:
    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except (OSError, AttributeError):  # not glibc Linux: children are stopped by the run's own shutdown
    _prctl = None


def set_death_signal(sig: signal.Signals) -> None:
    """This process gets ``sig`` when the thread that started it ends."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, int(sig))


def dies_with_parent(sig: signal.Signals) -> Callable[[], None]:
    """A ``preexec_fn`` for subprocess.Popen that sets the death signal, importing nothing."""
    number = int(sig)

    def between_fork_and_exec() -> None:
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, number)

    return between_fork_and_exec
