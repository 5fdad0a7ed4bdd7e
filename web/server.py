"""Serving the page: the web app and an address -> an HTTP server that stays up.

Input: the ASGI app from ``web.app.create_app``, a host and a port. Output: ``bind`` gives
the listening sockets (or a one-line ``ListenError``: nothing is announced for an address
that cannot be had); ``build`` a uvicorn server over them; ``run`` serves until stopped;
``serving`` serves in a thread for a block of code (tests, the screenshot script).

What keeps it up when clients misbehave (``Limits``):
- a connection that does not finish its request head in ``request_timeout`` seconds is
  closed, from its first byte on (slowloris), as is one that sends nothing at all; after
  a response, uvicorn's keep-alive timeout closes an idle connection;
- at most ``max_connections`` connections are served at once, well under the file
  descriptors this process may open; a connection beyond them is answered 503 and closed;
- errors of the event loop and of uvicorn (out of file descriptors, a refused connection)
  are one line on the terminal, never a traceback, and the same kind at most once every
  ``quiet_seconds`` (with a count of the ones not shown).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import resource
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from reportsearch.indexer.errors import ListenError
from uvicorn.protocols.http.h11_impl import H11Protocol

# Descriptors kept for the process itself: index files, threads, the terminal.
RESERVED_DESCRIPTORS = 128
BACKLOG = 2048  # uvicorn's
RESOURCE_ERRORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


@dataclass(frozen=True)
class Limits:
    max_connections: int
    request_timeout: float = 10.0  # seconds to send a whole request head
    keep_alive: float = 5.0  # seconds an idle connection is kept after a response
    refused_timeout: float = 1.0  # seconds a refused connection has to say what it wanted
    quiet_seconds: float = 10.0  # the same kind of server error is shown at most this often


def default_limits() -> Limits:
    """Limits for this process: connections up to half the descriptors it may open after
    the reserve (448 under the usual 1,024), and never more than 1,000."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 65536
    return Limits(max_connections=max(8, min(1000, (soft - RESERVED_DESCRIPTORS) // 2)))


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for ``host``:``port`` (one per address the name has), bound before
    anything is announced; a busy port is a ``ListenError``."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)  # fmt: skip
    except (socket.gaierror, UnicodeError) as error:
        raise ListenError(f"cannot listen on {host}:{port}: no such address ({error})") from None
    sockets: list[socket.socket] = []
    seen = set()
    try:
        for family, kind, proto, _, address in addresses:
            # With port 0, every address of the name gets the port the first one was given.
            address = (address[0], port, *address[2:])
            if (family, address[:2]) in seen:
                continue
            seen.add((family, address[:2]))
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(BACKLOG)  # clients that come before the server runs wait in line
            port = sock.getsockname()[1]
    except OSError as error:
        for sock in sockets:
            sock.close()
        reason = (error.strerror or str(error)).lower()
        if error.errno == errno.EADDRINUSE:
            reason += " (another program listens there; give another --port)"
        raise ListenError(f"cannot listen on {host}:{port}: {reason}") from None
    return sockets


class GuardedProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline on every request head and a bound on
    connections. ``limits`` is set on the subclass ``build`` makes."""

    limits: Limits

    def connection_made(self, transport) -> None:
        refused = len(self.connections) >= self.limits.max_connections
        super().connection_made(transport)
        self._head_timer = None
        if refused:
            # uvicorn answers 503 to a request over its concurrency limit; zero makes this
            # connection's request one, and it gets a short while to send it.
            self.limit_concurrency = 0
            self._arm(self.limits.refused_timeout)
        else:
            self._arm(self.limits.request_timeout)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # A new request head started after a response: its deadline runs from its first byte.
        if self._head_timer is None and not self._busy() and not self.transport.is_closing():
            self._arm(self.limits.request_timeout)

    def on_response_complete(self) -> None:
        self._disarm()  # from here uvicorn's keep-alive timeout watches the connection
        super().on_response_complete()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _busy(self) -> bool:
        """A request is being answered: its head came in whole."""
        return self.cycle is not None and not self.cycle.response_complete

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(seconds, self._head_timeout)

    def _disarm(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if not self._busy() and not self.transport.is_closing():
            self.transport.close()


class QuietErrors:
    """One line per server error on ``stream``, the same kind at most once every
    ``seconds``; the traceback only with REPORTSEARCH_DEBUG set. Serves as the event loop's
    exception handler and as a logging handler for uvicorn."""

    def __init__(self, seconds: float, stream=None, clock=time.monotonic):
        self.seconds = seconds
        self.stream = stream
        self.clock = clock
        self._last: dict[str, float] = {}
        self._hidden: dict[str, int] = {}

    def say(self, kind: str, line: str) -> None:
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.seconds:
            self._hidden[kind] = self._hidden.get(kind, 0) + 1
            return
        self._last[kind] = now
        hidden = self._hidden.pop(kind, 0)
        more = f" ({hidden} more like it not shown)" if hidden else ""
        print(f"reportsearch: {line}{more}", file=self.stream or sys.stderr, flush=True)

    def loop_error(self, loop, context: dict) -> None:
        error = context.get("exception")
        message = context.get("message") or "server error"
        if isinstance(error, OSError) and error.errno in RESOURCE_ERRORS:
            self.say(f"resource {error.errno}",
                     f"server: out of resources ({os.strerror(error.errno)}); new connections "
                     f"wait until others close")  # fmt: skip
        elif error is not None:
            self.say(f"loop {type(error).__name__}",
                     f"server: {message}: {type(error).__name__}: {error}")  # fmt: skip
        else:
            self.say(f"loop {message}", f"server: {message}")
        if error is not None and os.environ.get("REPORTSEARCH_DEBUG"):
            loop.default_exception_handler(context)

    def handler(self) -> logging.Handler:
        quiet = self

        class OneLine(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                message = record.getMessage().strip().splitlines()[0:1] or ["server error"]
                error = record.exc_info[1] if record.exc_info else None
                detail = f": {type(error).__name__}: {error}" if error else ""
                if message[0] == "Exceeded concurrency limit.":
                    message = ["too many connections: new ones are answered 503 (busy)"]
                quiet.say(f"log {message[0]}", f"server: {message[0]}{detail}")
                if error is not None and os.environ.get("REPORTSEARCH_DEBUG"):
                    logging.StreamHandler(quiet.stream or sys.stderr).emit(record)

        return OneLine(logging.WARNING)


def build(app, limits: Limits | None = None, quiet: QuietErrors | None = None) -> uvicorn.Server:
    """A uvicorn server for ``app`` with ``limits``; uvicorn's log goes to ``quiet``."""
    limits = limits or default_limits()
    quiet = quiet or QuietErrors(limits.quiet_seconds)
    protocol = type("Guarded", (GuardedProtocol,), {"limits": limits})
    config = uvicorn.Config(app, http=protocol, log_config=None, log_level="warning",
                            access_log=False, timeout_keep_alive=limits.keep_alive,
                            lifespan="on", loop="asyncio")  # fmt: skip
    logger = logging.getLogger("uvicorn")
    for old in [h for h in logger.handlers if getattr(h, "reportsearch", False)]:
        logger.removeHandler(old)
    handler = quiet.handler()
    handler.reportsearch = True
    logger.addHandler(handler)
    logger.propagate = False
    server = uvicorn.Server(config)
    server.quiet = quiet
    return server


def run(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
    """Serve on ``sockets`` until the server is told to stop (Ctrl-C, ``should_exit``)."""

    async def serving():
        asyncio.get_running_loop().set_exception_handler(server.quiet.loop_error)
        await server.serve(sockets=sockets)

    asyncio.run(serving())


@contextmanager
def serving(app, limits: Limits | None = None, quiet: QuietErrors | None = None,
            host: str = "127.0.0.1"):  # fmt: skip
    """``app`` served in a thread on a free port of ``host``, stopped when the block ends:
    for the tests and the screenshot script. Yields the server's address, ``http://…``."""
    sockets = bind(host, 0)
    server = build(app, limits, quiet)
    thread = threading.Thread(target=run, args=(server, sockets), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        yield f"http://{host}:{sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        for sock in sockets:
            sock.close()
    if thread.is_alive():
        raise RuntimeError("the web server did not stop")
