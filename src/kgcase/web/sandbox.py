"""Confine a query process: no network, a memory limit, a lower CPU priority.

The gate refuses ``SERVICE`` and ``LOAD`` before a query runs; this is the second wall, for the
case where the gate and the engine ever read a text differently. Oxigraph's HTTP client (what
``SERVICE`` and ``LOAD`` use) needs an ``AF_INET``/``AF_INET6`` socket, so a seccomp filter that
answers ``EACCES`` to every ``socket()`` call of another family than ``AF_UNIX`` (the worker's
pipe to the web process is one) leaves the engine no way out: no TCP, no UDP, no DNS, and no raw
or netlink sockets either. ``io_uring_setup`` is refused too, since io_uring can open sockets
without calling ``socket()``.

Why seccomp rather than a network namespace or landlock: it needs no privilege (a namespace needs
root or user namespaces, which containers often deny), it covers DNS and UDP (landlock's network
rules cover TCP ports only), and it is a few lines of BPF with no dependency. It is applied to
every thread of the process (``SECCOMP_FILTER_FLAG_TSYNC``) and inherited by threads started
later, such as RocksDB's. A worker that must reach a remote store, or an allow-listed SERVICE,
is left unconfined (docs/security.md).

The memory limit is ``RLIMIT_DATA``: an allocation past it fails, and the engine aborts; the pool
reads the one line the engine wrote (``memory allocation of N bytes failed``) from the worker's
error file and tells the client why (:mod:`kgcase.web.executor`).
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import struct
from dataclasses import dataclass

# The BPF program's instructions (linux/filter.h, linux/seccomp.h).
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_ALLOW, _DENY = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ERRNO | EACCES
_AF_UNIX = 1
#: machine -> (AUDIT_ARCH_*, socket, io_uring_setup, seccomp) system call numbers.
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425, 317),
    "aarch64": (0xC00000B7, 198, 425, 277),
}
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 1, 1


@dataclass(frozen=True)
class Confinement:
    """What a query process is held to (see :func:`confine`)."""

    no_network: bool = True
    memory_mb: int = 0  # 0: no limit
    nice: int = 0  # added to the process's niceness


def _program(arch: int, socket_nr: int, uring_nr: int) -> list[tuple[int, int, int, int]]:
    """The filter: another architecture, io_uring, or a non-Unix socket -> EACCES; else allow."""
    return [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, _DENY),
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (_JEQ_K, 0, 1, uring_nr),
        (_RET_K, 0, 0, _DENY),
        (_JEQ_K, 0, 3, socket_nr),
        (_LD_W_ABS, 0, 0, 16),  # seccomp_data.args[0], the address family (low 32 bits)
        (_JEQ_K, 1, 0, _AF_UNIX),
        (_RET_K, 0, 0, _DENY),
        (_RET_K, 0, 0, _ALLOW),
    ]


def forbid_network() -> None:
    """Install the seccomp filter on every thread of this process, for good.

    :raises OSError: this kernel or machine does not allow it (the caller decides what then).
    """
    machine = platform.machine()
    if machine not in _ARCHES:
        raise OSError(f"no seccomp filter for the {machine} architecture")
    arch, socket_nr, uring_nr, seccomp_nr = _ARCHES[machine]
    program = _program(arch, socket_nr, uring_nr)
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in program))

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = _Program(len(program), ctypes.addressof(code))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.syscall(seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC,
                    ctypes.byref(fprog)) != 0:
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")


def confine(confinement: Confinement) -> None:
    """Apply ``confinement`` to this process (a query worker, at its start).

    :raises OSError: the network could not be closed although it was asked for; a worker then
        refuses to start rather than run unconfined.
    """
    os.environ["RUST_BACKTRACE"] = "0"  # one line, not a backtrace, when the engine aborts
    if confinement.nice:
        os.nice(confinement.nice)
    if confinement.memory_mb:
        limit = confinement.memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    if confinement.no_network:
        forbid_network()
