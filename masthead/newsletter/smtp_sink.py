"""A real SMTP server (aiosmtpd) in a process of its own that counts what it accepted: for
the newsletter's crash tests and the delivery benchmark, where the sender is killed and
the count must survive it.

    python -m masthead.newsletter.smtp_sink --port 2525 --record accepted.tsv \\
        [--temporary-share 0.3] [--refuse a@example.org,b@example.org] [--no-pipelining]

Each accepted mail appends "<recipient>\\t<Message-ID>" to the record (one line, written
at once). --temporary-share answers that share of recipients (picked by a hash of the
address, so the same ones every run) with 451 at the end of DATA, on their first two
tries; --refuse answers those recipients 550 at RCPT; --no-pipelining leaves PIPELINING
out of the EHLO answer (as older or smaller servers do). Prints "listening <port>" when ready.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path


class Sink:
    def __init__(
        self,
        record: str,
        *,
        temporary_share: float = 0.0,
        refuse: frozenset[str] = frozenset(),
        pipelining: bool = True,
    ):
        self.pipelining = pipelining
        self.descriptor = os.open(record, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.temporary_share = temporary_share
        self.refuse = refuse
        self.tries: Counter[str] = Counter()

    def _deferred(self, address: str) -> bool:
        if not self.temporary_share:
            return False
        if zlib.crc32(address.encode()) % 1000 >= self.temporary_share * 1000:
            return False
        self.tries[address] += 1
        return self.tries[address] <= 2

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands in order from its stream, so it serves pipelined ones
        # correctly; it just does not say so. Postfix, Exim and the mail providers do.
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        recipient = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        if self._deferred(recipient):
            return "451 4.3.0 Busy, try again later"
        content = envelope.original_content or b""
        start = content.find(b"\r\nMessage-ID: ")
        message_id = content[start + 14 : content.find(b"\r\n", start + 14)].decode() if start >= 0 else ""
        os.write(self.descriptor, f"{recipient}\t{message_id}\n".encode())
        return "250 2.0.0 Accepted"


class SinkProcess:
    """Starts the sink as a child process on a free port; `accepted()` reads its record."""

    def __init__(
        self, folder: Path, *, temporary_share: float = 0.0, refuse: tuple[str, ...] = (), pipelining: bool = True
    ):
        self.record = Path(folder) / "accepted.tsv"
        self.options = ["--temporary-share", str(temporary_share), "--refuse", ",".join(refuse)]
        if not pipelining:
            self.options.append("--no-pipelining")
        self.process: subprocess.Popen | None = None
        self.port = 0
        self._counted_bytes = self._counted_lines = 0

    def start(self) -> SinkProcess:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.record.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "masthead.newsletter.smtp_sink", "--port", str(self.port),
             "--record", str(self.record), *self.options],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        line = self.process.stdout.readline()
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError(f"the SMTP sink did not start: {line!r}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def email_url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def mailer_settings(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 20},
            }
        }

    def accepted(self) -> list[tuple[str, str]]:
        if not self.record.exists():
            return []
        return [tuple(line.split("\t", 1)) for line in self.record.read_text().splitlines() if line]

    def accepted_count(self) -> int:
        """How many mails were accepted so far, reading only what was appended since the
        last call: a poller that re-read the whole record every tenth of a second took a
        good part of a core from the sender and the sink it was timing."""
        if not self.record.exists():
            return 0
        with self.record.open("rb") as record:
            record.seek(self._counted_bytes)
            appended = record.read()
        complete = appended.rfind(b"\n") + 1  # a line still being written is counted next time
        self._counted_lines += appended.count(b"\n", 0, complete)
        self._counted_bytes += complete
        return self._counted_lines

    def __enter__(self) -> SinkProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--temporary-share", type=float, default=0.0)
    parser.add_argument("--refuse", default="")
    parser.add_argument("--no-pipelining", action="store_true", help="do not offer PIPELINING (RFC 2920)")
    arguments = parser.parse_args(argv)
    refuse = frozenset(address.strip().lower() for address in arguments.refuse.split(",") if address.strip())
    sink = Sink(
        arguments.record,
        temporary_share=arguments.temporary_share,
        refuse=refuse,
        pipelining=not arguments.no_pipelining,
    )
    controller = Controller(sink, hostname="127.0.0.1", port=arguments.port, data_size_limit=10_000_000)
    controller.start()
    print(f"listening {controller.port}", flush=True)
    stop = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.append(True))
    while not stop:
        signal.pause()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
