"""A real loopback server that accepts connections, reads what it is sent and never answers."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class HangingServer:
    url: str
    accepted: list[socket.socket] = field(default_factory=list)

    def connections(self) -> int:
        return len(self.accepted)


@contextmanager
def hanging_server() -> Iterator[HangingServer]:
    """``HangingServer.url`` accepts every connection and keeps it open, silent, until the end."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)  # so that the accepting thread sees the end
    server = HangingServer(f"http://127.0.0.1:{listener.getsockname()[1]}/rendez-vous")
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed: the end
            server.accepted.append(connection)  # kept open and never answered

    thread = threading.Thread(target=accept, name="hanging-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stopping.set()
        thread.join(timeout=5)
        listener.close()
        for connection in server.accepted:
            connection.close()
