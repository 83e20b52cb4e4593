"""An executor process (see ``executor``): loads the build once, then answers jobs from its socket until EOF."""

from __future__ import annotations

import ctypes
import resource
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from ..store import load_dataset
from .jobs import execute

CLONE_NEWUSER, CLONE_NEWNET, PR_SET_PDEATHSIG = 0x10000000, 0x40000000, 1


def isolate(memory_mb: int) -> None:
    """In the child: die with the parent, cap memory, and leave the network (best effort where not allowed)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if libc.unshare(CLONE_NEWNET) != 0:
        libc.unshare(CLONE_NEWUSER | CLONE_NEWNET)


def main(argv: list[str]) -> int:
    fd, folder, base, memory_mb = int(argv[0]), Path(argv[1]), argv[2], int(argv[3])
    isolate(memory_mb)
    dataset = load_dataset(folder, base, union_default=True)
    conn = Connection(fd)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return 0  # the server closed our socket: it is done with us
        conn.send(execute(dataset, job))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
