"""A small real SMTP server on a socket that answers as a server RFC 5321 allows but
aiosmtpd never does: it offers PIPELINING and takes DATA with 354 even after refusing the
recipient. Mails it completes (the final "." received) are kept in `completed`."""

from __future__ import annotations

import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    def answer(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server: ScriptedSMTP = self.server.owner
        self.answer("220 scripted ESMTP")
        recipient = None
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.answer("250-scripted")
                self.answer("250 PIPELINING")
            elif verb == "MAIL":
                recipient = None
                self.answer("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>")
                if address in server.refuse:
                    self.answer("550 5.1.1 No such mailbox")
                else:
                    recipient = address
                    self.answer("250 OK")
            elif verb == "DATA":
                self.answer("354 Go ahead")  # even with no recipient accepted
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data)
                if data == b"":
                    server.dropped += 1
                    return
                server.completed.append((recipient, b"".join(body)))
                self.answer("250 Accepted")
            elif verb == "RSET":
                self.answer("250 OK")
            elif verb == "QUIT":
                self.answer("221 Bye")
                return
            else:
                self.answer("502 Not implemented")


class ScriptedSMTP:
    def __init__(self, *, refuse: frozenset[str] = frozenset()):
        self.refuse = refuse
        self.completed: list[tuple[str | None, bytes]] = []
        self.dropped = 0
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
        self.server.daemon_threads = True
        self.server.owner = self
        self.port = self.server.server_address[1]

    def mailer_settings(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }

    def __enter__(self) -> ScriptedSMTP:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
