"""An executor process (see ``executor``): opens the build's store read-only, answers jobs from its socket till EOF.

It runs cut off from the network (a private network namespace); where that cannot be made it refuses to run
(exit 3) unless the operator allows it (setting QUERY_NETWORK). ``--check-isolation`` only tells whether it can.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import socket
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from .. import settings
from ..store import open_dataset
from .jobs import execute

CLONE_NEWUSER, CLONE_NEWNET, PR_SET_PDEATHSIG = 0x10000000, 0x40000000, 1
EXIT_NETWORK = 3
# The engine parses with recursion: a large stack keeps a deeply nested query from overflowing it.
STACK_BYTES = 256 << 20
NOT_ISOLATED = ("medkg: error: the SPARQL query processes cannot be cut off from the network here (no network "
                "namespace: {why}); set MEDKG_QUERY_NETWORK=1 to run them with network access anyway")


def isolate(memory_mb: int) -> str | None:
    """In the child: die with the parent, cap memory, and leave the network; why it still has network, or None."""
    confine(memory_mb)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0 and libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return f"unshare failed: {os.strerror(ctypes.get_errno())}"
    return None if networkless() else "the new namespace still reaches the network"


def confine(memory_mb: int) -> None:
    """Die with the parent process; cap this process's memory (address space) at ``memory_mb`` MiB (0: no cap)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def isolate_this_thread() -> str | None:
    """Move the calling thread (only it: namespaces are per thread) into a new network namespace, so that nothing
    it runs can connect anywhere; why it still has network, or None. In a process that already runs threads only
    a privileged process (CAP_SYS_ADMIN) may do it: a user namespace needs a single-threaded process."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        return f"unshare failed: {os.strerror(ctypes.get_errno())}"
    return None if networkless() else "the new namespace still reaches the network"


def thread_isolation_works() -> str | None:
    """Whether request threads can be cut off from the network here (tried on a throwaway thread); why not."""
    found: list[str | None] = []
    probe = threading.Thread(target=lambda: found.append(isolate_this_thread()), name="medkg-isolation-probe")
    probe.start()
    probe.join()
    return found[0]


def networkless() -> bool:
    """No interface but the loopback, and the loopback down (nothing, not even 127.0.0.1, can be reached)."""
    if any(name != "lo" for _, name in socket.if_nameindex()):
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("127.0.0.1", 9))
        except OSError:
            return True
    return False


def network_allowed() -> bool:
    return bool(settings.resolve()["QUERY_NETWORK"])


def serve_jobs(conn: Connection, folder: Path, base: str) -> None:
    dataset = open_dataset(folder, base)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server closed our socket: it is done with us
        conn.send(execute(dataset, job))


def main(argv: list[str]) -> int:
    if argv == ["--check-isolation"]:
        why = isolate(0)
        if why is not None:
            print(NOT_ISOLATED.format(why=why), file=sys.stderr)
        return EXIT_NETWORK if why is not None else 0
    fd, folder, base, memory_mb = int(argv[0]), Path(argv[1]), argv[2], int(argv[3])
    why = isolate(memory_mb)
    if why is not None and not network_allowed():
        print(NOT_ISOLATED.format(why=why), file=sys.stderr)
        return EXIT_NETWORK
    threading.stack_size(STACK_BYTES)
    worker = threading.Thread(target=serve_jobs, args=(Connection(fd), folder, base), name="medkg-query")
    worker.start()
    worker.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
