"""The sender's local journal: one append-only file per claimed batch, in the data folder.

A line is written with one `write()` on an O_APPEND descriptor (a local file does not cut
a line this short; if one did, the rest goes by another), so a process killed at any
moment leaves whole lines behind it (the kernel keeps what was written; only the machine
losing power could lose the last lines, which is why the file is not the record of what
was sent for longer than one batch: the batch's results go to the database at its end,
and then the file is removed).

    <delivery id> D                 the end of the mail's DATA (the final ".") is next
    <delivery id> <code> <text>     the server's answer to it, or to MAIL/RCPT/DATA

The "D" line is written without giving up the GIL (`Journal.write_dot`): with os.write(),
another thread of the same sender (rendering its next mail) could take it and keep it up
to its whole switch interval between the "D" and the ".", and a kill in that time leaves
a mail counted sent that never left.

A claim is named after its holder: host, process id and the process's start time, so
a claim whose process is gone is recognised on its own host without waiting for the
claim to expire (a process id can be reused; with its start time it cannot).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

try:
    import ctypes
except ImportError:  # a Python built without it
    ctypes = None

DOT = "D"
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]")


def _libc_write():
    """libc's write(2) through ctypes.PyDLL, whose calls keep the GIL; None where ctypes or
    a C library cannot be loaded (the journal then falls back to os.write)."""
    if ctypes is None:
        return None
    try:
        write = ctypes.PyDLL(None, use_errno=True).write
    except (OSError, AttributeError, TypeError):
        return None
    write.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t)
    write.restype = ctypes.c_ssize_t
    return write


_WRITE_KEEPING_THE_GIL = _libc_write()


def _write_keeping_the_gil(descriptor: int, data: bytes) -> None:
    """write(2) without giving up the GIL. os.write() releases it around the system call,
    and taking it back waits until the thread that took it blocks or has run its switch
    interval (5 ms). A thread that has already waited a whole interval for the GIL can
    still take it at the next check after this returns; that is far rarer."""
    if _WRITE_KEEPING_THE_GIL is None:
        os.write(descriptor, data)
        return
    while data:
        written = _WRITE_KEEPING_THE_GIL(descriptor, data, len(data))
        if written < 0:
            number = ctypes.get_errno()
            if number == errno.EINTR:
                continue
            raise OSError(number, os.strerror(number))
        data = data[written:]  # a short write: not seen for a line this short on a local file


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot; None if it is gone (a zombie,
    killed but not yet reaped, is gone too)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _host() -> str:
    return _UNSAFE.sub("-", socket.gethostname())[:60] or "host"


def new_claim() -> str:
    pid = os.getpid()
    return f"{_host()}_{pid}_{_process_start(pid) or 0}_{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    started: str


def holder_of(claim: str) -> Holder | None:
    parts = claim.rsplit("_", 3)
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    return Holder(parts[0], int(parts[1]), parts[2])


def holder_is_gone(claim: str) -> bool | None:
    """True: the claim's process is gone (it was on this host); False: it is alive; None:
    cannot tell (another host, or no /proc here): wait for the claim to expire."""
    holder = holder_of(claim)
    if holder is None or holder.host != _host() or not Path("/proc/self/stat").exists():
        return None
    return _process_start(holder.pid) != holder.started


def folder() -> Path:
    return Path(settings.NEWSLETTER_JOURNAL_DIR)


def path_for(claim: str) -> Path:
    return folder() / f"{_UNSAFE.sub('-', claim)}.log"


class Journal:
    def __init__(self, claim: str):
        self.path = path_for(claim)
        self.descriptor: int | None = None

    def open(self) -> int:
        """The file, made and opened if it is not yet (the sender opens it before its first
        mail: opening it at the first "D" let go of the GIL between that line and its ".")."""
        if self.descriptor is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return self.descriptor

    def write(self, delivery_id: int, entry: str) -> None:
        line = f"{delivery_id} {entry}".replace("\n", " ").replace("\r", " ")[:400] + "\n"
        os.write(self.open(), line.encode("utf-8", "replace"))

    def write_dot(self, delivery_id: int) -> None:
        """The line that says this mail's final "." goes next. The caller sends the "." right
        after; this write does not give up the GIL, so the other sending threads do not
        get to run between the two system calls (the only time a kill loses a mail)."""
        _write_keeping_the_gil(self.open(), f"{delivery_id} {DOT}\n".encode())

    def close(self) -> None:
        if self.descriptor is not None:
            os.close(self.descriptor)
            self.descriptor = None

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def entries(claim: str) -> Iterator[tuple[int, str]]:
    try:
        text = path_for(claim).read_text("utf-8", "replace")
    except FileNotFoundError:
        return
    for line in text.splitlines():
        number, _, entry = line.partition(" ")
        if number.isdigit() and entry:
            yield int(number), entry
