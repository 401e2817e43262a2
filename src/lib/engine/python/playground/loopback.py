"""An in-memory network inside one run, on the virtual clock (docs/decisions/0092-network.md).

For the run, `socket.socket`, `socket.socketpair` and name resolution are replaced by a
simulation: sockets are objects of this module with file descriptors of their own (from 1000),
`select`, `poll` and the selectors that use them see those descriptors, and data moves between
sockets of the same run with no delay, or after the latency `playground.network(latency=...)`
set when the connection was opened. The hosts are `localhost`, `127.0.0.1` and `::1`; every other
host raises OSError(NO_INTERNET). Nothing here opens a real socket: the simulation is plain
Python inside the interpreter, so it cannot reach the page, the network or the sandbox's host.

asyncio's own transports, streams, servers and `sock_*` methods run unchanged on these sockets:
only the operating system below them is simulated.
"""

from __future__ import annotations

import errno
import itertools
import select
import selectors
import socket
import sys
from asyncio import events
from collections import deque
from contextlib import ExitStack
from typing import Any, Callable, Iterable

import _socket

from .kernel import Kernel
from .threads import CANNOT_WAIT_MESSAGE, block_until, cannot_wait
from .threads import current as current_thread

NO_INTERNET = (
    "the playground has no internet: servers you start in this program are reachable at localhost"
)

# How much one direction of a connection holds, sent but not yet read, before send() blocks.
SEND_BUFFER = 256 * 1024
# The first file descriptor and ephemeral port the simulation hands out.
_FIRST_FD = 1000
_FIRST_PORT = 49152

_V4_ANY = ("", "0.0.0.0")
_V6_ANY = ("::",)

_Address = tuple[Any, ...]


class Network:
    """The sockets of one run: descriptors, bound ports, and the latency of new connections."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        # One-way latency, in virtual seconds, of connections and datagrams opened from now on.
        self.latency = 0.0
        self.sockets: dict[int, VirtualSocket] = {}
        self._fds = itertools.count(_FIRST_FD)
        self._ports = itertools.count(_FIRST_PORT)
        # (family, type, port) -> the socket bound there.
        self._bound: dict[tuple[int, int, int], VirtualSocket] = {}

    def open(self, sock: VirtualSocket) -> int:
        """Give a new socket its file descriptor."""
        fd = next(self._fds)
        self.sockets[fd] = sock
        return fd

    def close(self, sock: VirtualSocket, fd: int) -> None:
        """Forget a closed socket and free its port."""
        self.sockets.pop(fd, None)
        for key, bound in list(self._bound.items()):
            if bound is sock:
                del self._bound[key]

    def bind(self, sock: VirtualSocket, address: _Address) -> _Address:
        """Reserve the address's port for `sock`; the address it is now bound to."""
        host, port = _host_port(address)
        family = int(sock.family)
        if not _is_local(host, family, allow_any=True):
            raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")
        if port == 0:
            port = self._free_port(family, int(sock.type))
        key = (family, int(sock.type), port)
        if key in self._bound:
            raise OSError(errno.EADDRINUSE, "Address already in use")
        self._bound[key] = sock
        numeric = _numeric(host, family)
        return (numeric, port, 0, 0) if family == socket.AF_INET6 else (numeric, port)

    def _free_port(self, family: int, kind: int) -> int:
        while True:
            port = next(self._ports)
            if (family, kind, port) not in self._bound:
                return port

    def bound(self, family: int, kind: int, port: int) -> VirtualSocket | None:
        """The socket bound at this port, if any."""
        return self._bound.get((family, kind, port))

    def ready(self, reads: Iterable[int], writes: Iterable[int]) -> tuple[set[int], set[int]]:
        """The descriptors among `reads` and `writes` that are ready now."""
        readable = {fd for fd in reads if self._ready(fd, write=False)}
        writable = {fd for fd in writes if self._ready(fd, write=True)}
        return readable, writable

    def _ready(self, fd: int, *, write: bool) -> bool:
        sock = self.sockets.get(fd)
        if sock is None:
            return _real_fd_ready(fd, write=write)
        return sock.writable() if write else sock.readable()

    def wait(
        self,
        reads: Iterable[int],
        writes: Iterable[int],
        timeout: float | None,
        *,
        loop: Any = None,
        next_timer: float | None = None,
        on_deadlock: Callable[[], None] | None = None,
        on_limit: Callable[[], None] | None = None,
    ) -> tuple[set[int], set[int]]:
        """What select() does: wait, on the virtual clock, until a descriptor is ready.

        The simulated threads waiting to start run first (they may make the loop ready). The
        wait ends at once when `loop` has callbacks ready; otherwise the clock moves to the next
        timed event of the kernel or the end of the timeout (`next_timer`, the loop's own exact
        deadline, when given), whichever comes first, and the wait ends there. With nothing to
        wait for and no timeout, `on_deadlock` is called.
        """
        kernel = self.kernel
        clock = kernel.session.clock
        reads, writes = list(reads), list(writes)
        deadline = None
        if timeout is not None and timeout > 0:
            deadline = next_timer if next_timer is not None else clock.now + timeout
        kernel.start_waiting_threads(loop)
        readable, writable = self.ready(reads, writes)
        if readable or writable:
            return readable, writable
        callbacks_ready = loop is not None and bool(loop._ready)
        if callbacks_ready or (timeout is not None and timeout <= 0):
            if loop is not None and timeout is not None and timeout <= 0:
                kernel.loop_turn(next_timer, on_limit)
            return readable, writable
        if deadline is not None and clock.now >= deadline:
            return readable, writable
        upcoming = kernel.next_time()
        if deadline is not None and (upcoming is None or deadline < upcoming):
            upcoming = deadline
        if upcoming is None:
            if current_thread() is not None:
                # A loop inside a simulated thread: what it waits for could only come from
                # the code that runs after the thread (threads.py).
                raise cannot_wait(CANNOT_WAIT_MESSAGE)
            if on_deadlock is not None:
                on_deadlock()
            kernel.deadlock()
        # Whatever happens then (a timer, a delivery, a thread's result) wakes the wait, as
        # the operating system wakes a real select().
        kernel.advance_checked(upcoming, on_limit)
        return self.ready(reads, writes)


def _real_fd_ready(fd: int, *, write: bool) -> bool:
    """Whether a real descriptor (a pipe, stdin) is ready, asked without waiting."""
    try:
        readable, writable, _ = _real_select([] if write else [fd], [fd] if write else [], [], 0)
    except (OSError, ValueError):
        return False
    return bool(writable if write else readable)


_real_select = select.select
_active: Network | None = None


def _network() -> Network:
    if _active is None:
        raise OSError(errno.ENOSYS, "the in-memory network exists only during a playground run")
    return _active


def active() -> Network:
    """The network of the run in progress (an event loop of the run waits through it)."""
    return _network()


def activate(network: Network | None) -> None:
    """Make `network` the run's network (None when the run ends)."""
    global _active
    _active = network


def network(*, latency: float = 0.0) -> None:
    """Set the one-way latency, in seconds, of the connections and datagrams opened from now on.

    `playground.network(latency=0.05)`: each connection keeps the latency it was opened with,
    so a program can give its connections different ones (docs/decisions/0092-network.md).
    """
    latency = float(latency)
    if not latency >= 0:
        raise ValueError("latency must be a number of seconds, 0 or more")
    _network().latency = latency


# ---- addresses -----------------------------------------------------------------------------------


def _host_port(address: Any) -> tuple[str, int]:
    """(host, port) from a socket address, with CPython's errors for a malformed one."""
    if not isinstance(address, tuple):
        raise TypeError(
            f"getsockaddrarg: AF_INET address must be tuple, not {type(address).__name__}"
        )
    parts: tuple[Any, ...] = address  # pyright: ignore[reportUnknownVariableType]
    if len(parts) < 2:
        raise TypeError("AF_INET address must be a pair (host, port)")
    host, port = parts[0], parts[1]
    if host is None:
        host = ""
    if not isinstance(host, str):
        raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
    if not isinstance(port, int):
        raise TypeError(f"'{type(port).__name__}' object cannot be interpreted as an integer")
    if not 0 <= port <= 65535:
        raise OverflowError("bind(): port must be 0-65535.")
    return host, port


def _is_local(host: str, family: int, *, allow_any: bool = False) -> bool:
    """Whether `host` names this machine for `family` (any address too, when binding)."""
    if family == socket.AF_INET6:
        return host in ("::1", "localhost") or (allow_any and host in _V6_ANY)
    return host == "localhost" or host.startswith("127.") or (allow_any and host in _V4_ANY)


def _numeric(host: str, family: int) -> str:
    if host == "localhost":
        return "::1" if family == socket.AF_INET6 else "127.0.0.1"
    if host == "" and family != socket.AF_INET6:
        return "0.0.0.0"
    return host


def _remote(host: str, family: int) -> str:
    """The loopback address a program connects to, or OSError(NO_INTERNET) for any other host."""
    if not _is_local(host, family):
        raise OSError(NO_INTERNET)
    return _numeric(host, family)


def _getaddrinfo(
    host: Any,
    port: Any,
    family: int = 0,
    type: int = 0,
    proto: int = 0,
    flags: int = 0,
) -> list[tuple[Any, ...]]:
    """socket.getaddrinfo for the run: localhost and its addresses resolve; nothing else does."""
    if isinstance(host, bytes):
        host = host.decode("idna")
    if isinstance(port, bytes):
        port = port.decode()
    if port is None:
        port = 0
    elif isinstance(port, str):
        if not port.isdigit():
            raise socket.gaierror(socket.EAI_SERVICE, "Servname not supported for ai_socktype")
        port = int(port)
    if host is None or host == "":
        if not flags & socket.AI_PASSIVE:
            host = "localhost"
    families: list[int]
    if host in ("::1", "::"):
        families = [socket.AF_INET6]
    elif host is None:
        families = [socket.AF_INET]
    elif host == "localhost" or host.startswith("127.") or host == "0.0.0.0":
        families = [socket.AF_INET]
    elif _looks_numeric(host):
        families = [socket.AF_INET6 if ":" in host else socket.AF_INET]
    else:
        raise OSError(NO_INTERNET)
    if family and family not in families:
        raise socket.gaierror(socket.EAI_ADDRFAMILY, "Address family for hostname not supported")
    kinds = [type] if type else [socket.SOCK_STREAM, socket.SOCK_DGRAM]
    results: list[tuple[Any, ...]] = []
    for af in families:
        name = "0.0.0.0" if host is None else _numeric(host, af)
        for kind in kinds:
            default = socket.IPPROTO_TCP if kind == socket.SOCK_STREAM else socket.IPPROTO_UDP
            protocol = proto or default
            address = (name, port, 0, 0) if af == socket.AF_INET6 else (name, port)
            results.append(
                (socket.AddressFamily(af), socket.SocketKind(kind), protocol, "", address)
            )
    return results


def _looks_numeric(host: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except (OSError, ValueError):
            continue
        return True
    return False


def _gethostbyname(host: str) -> str:
    return str(_getaddrinfo(host, 0, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])


# ---- sockets ------------------------------------------------------------------------------------


class VirtualSocket:
    """socket.socket for the run: an endpoint of the in-memory network."""

    def __init__(
        self,
        family: int = -1,
        type: int = -1,
        proto: int = -1,
        fileno: int | None = None,
    ) -> None:
        if fileno is not None:
            raise OSError(errno.EBADF, "the playground's sockets cannot be made from a descriptor")
        self._network = _network()
        self._family = socket.AF_INET if family == -1 else family
        self._type = socket.SOCK_STREAM if type == -1 else type
        if self._family not in (socket.AF_INET, socket.AF_INET6):
            raise OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol")
        if self._type not in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            raise OSError(errno.EPROTONOSUPPORT, "Protocol not supported")
        self.proto = 0 if proto == -1 else proto
        self._fd = self._network.open(self)
        self._timeout: float | None = socket.getdefaulttimeout()
        self._local: _Address | None = None
        self._peer_address: _Address | None = None
        self._closed = False
        # A stream: the other end, bytes received, bytes sent and still on the way, the end.
        self._peer: VirtualSocket | None = None
        self._received = bytearray()
        self._in_flight = 0
        self._eof = False
        self._write_closed = False
        self._connecting = False
        self._latency = 0.0
        # A listening stream socket: connections not yet accepted.
        self._listening = False
        self._backlog: deque[VirtualSocket] = deque()
        # A datagram socket: (data, sender) received.
        self._datagrams: deque[tuple[bytes, _Address]] = deque()
        # What getsockopt(SO_ERROR) reports next (a refused connection, an unreachable port).
        self._error = 0

    # -- identity ---------------------------------------------------------------------------------

    @property
    def family(self) -> socket.AddressFamily:
        """The address family (AF_INET or AF_INET6)."""
        return socket.AddressFamily(self._family)

    @property
    def type(self) -> socket.SocketKind:
        """The socket type (SOCK_STREAM or SOCK_DGRAM)."""
        return socket.SocketKind(self._type)

    def fileno(self) -> int:
        """The socket's descriptor in the simulation (-1 once closed)."""
        return -1 if self._closed else self._fd

    def __repr__(self) -> str:
        text = (
            f"<socket.socket fd={self.fileno()}, family={self._family}, type={self._type}, "
            f"proto={self.proto}"
        )
        if self._closed:
            return (
                f"<socket.socket [closed] fd=-1, family={self._family}, type={self._type}, "
                f"proto={self.proto}>"
            )
        if self._local is not None:
            text += f", laddr={self._local}"
        if self._peer_address is not None and not self._connecting:
            text += f", raddr={self._peer_address}"
        return text + ">"

    def __enter__(self) -> VirtualSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- modes -------------------------------------------------------------------------------------

    def setblocking(self, flag: bool) -> None:
        """Blocking (wait on the virtual clock) or not (raise BlockingIOError)."""
        self._timeout = None if flag else 0.0

    def getblocking(self) -> bool:
        """Whether operations wait."""
        return self._timeout != 0.0

    def settimeout(self, value: float | None) -> None:
        """How long blocking operations wait, in virtual seconds (None: for ever)."""
        if value is not None and value < 0:
            raise ValueError("Timeout value out of range")
        self._timeout = None if value is None else float(value)

    def gettimeout(self) -> float | None:
        """The timeout set (0.0: non-blocking)."""
        return self._timeout

    def setsockopt(self, level: int, option: int, value: Any, optlen: int | None = None) -> None:
        """Options are accepted and have no effect in the simulation."""
        self._check_open()

    def getsockopt(self, level: int, option: int, buflen: int | None = None) -> Any:
        """SO_ERROR (the pending error, then 0) and SO_TYPE; every other option reads 0."""
        self._check_open()
        if level == socket.SOL_SOCKET and option == socket.SO_ERROR:
            error, self._error = self._error, 0
            return error
        if level == socket.SOL_SOCKET and option == socket.SO_TYPE:
            return self._type
        return bytes(buflen) if buflen else 0

    def get_inheritable(self) -> bool:
        """Never inherited: no process can start in the playground."""
        return False

    def set_inheritable(self, inheritable: bool) -> None:
        """No process can start in the playground."""

    # -- addresses ----------------------------------------------------------------------------

    def bind(self, address: _Address) -> None:
        """Take a port on localhost (0: any free port)."""
        self._check_open()
        if self._local is not None:
            raise OSError(errno.EINVAL, "Invalid argument")
        self._local = self._network.bind(self, address)

    def getsockname(self) -> _Address:
        """The local address ('0.0.0.0', 0) until bound or connected."""
        self._check_open()
        if self._local is not None:
            return self._local
        return ("::", 0, 0, 0) if self._family == socket.AF_INET6 else ("0.0.0.0", 0)

    def getpeername(self) -> _Address:
        """The connected peer's address."""
        self._check_open()
        if self._peer_address is None or self._connecting:
            raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")
        return self._peer_address

    def _bind_any(self) -> None:
        if self._local is None:
            host = "::1" if self._family == socket.AF_INET6 else "127.0.0.1"
            self._local = self._network.bind(self, (host, 0))

    def _remote_address(self, address: Any) -> _Address:
        host, port = _host_port(address)
        numeric = _remote(host, self._family)
        return (numeric, port, 0, 0) if self._family == socket.AF_INET6 else (numeric, port)

    # -- connections --------------------------------------------------------------------------

    def listen(self, backlog: int = socket.SOMAXCONN) -> None:
        """Accept connections at the bound address."""
        self._check_open()
        if self._type != socket.SOCK_STREAM:
            raise OSError(errno.EOPNOTSUPP, "Operation not supported")
        self._bind_any()
        self._listening = True

    def accept(self) -> tuple[VirtualSocket, _Address]:
        """The next connection waiting at this listening socket, and its peer's address."""
        self._check_open()
        if not self._listening:
            raise OSError(errno.EINVAL, "Invalid argument")
        self._wait(lambda: bool(self._backlog))
        connection = self._backlog.popleft()
        assert connection._peer_address is not None
        return connection, connection._peer_address

    def _accept(self) -> tuple[int, _Address]:
        """What socket.socket.accept() calls in CPython (for code that calls it directly)."""
        connection, address = self.accept()
        return connection.fileno(), address

    def connect(self, address: _Address) -> None:
        """Connect to a socket of this run: a listening one (streams) or a default peer."""
        error = self.connect_ex(address)
        if error == errno.EINPROGRESS and self._timeout != 0.0:
            self._wait(lambda: not self._connecting)
            error = self._error
            self._error = 0
        if error:
            raise OSError(error, _STRERROR.get(error, "Connection failed"))

    def connect_ex(self, address: _Address) -> int:
        """connect() that returns the error number instead of raising it."""
        self._check_open()
        remote = self._remote_address(address)
        if self._type == socket.SOCK_DGRAM:
            self._bind_any()
            self._peer_address = remote
            self._latency = self._network.latency
            return 0
        if self._peer is not None or self._listening:
            return errno.EISCONN
        if self._connecting:
            return errno.EALREADY
        self._bind_any()
        network = self._network
        latency = self._latency = network.latency
        now = network.kernel.session.clock.time()
        server = network.bound(self._family, socket.SOCK_STREAM, remote[1])
        self._peer_address = remote
        self._connecting = True
        if server is None or not server._listening:
            result = errno.ECONNREFUSED
        else:
            result = 0
            accepted = VirtualSocket(self._family, socket.SOCK_STREAM, self.proto)
            accepted._local = server._local
            accepted._peer_address = self._local
            accepted._latency = latency
            accepted._peer, self._peer = self, accepted
            network.kernel.at(now + latency, lambda: server._arrive(accepted))
        # The handshake takes a round trip.
        network.kernel.at(now + 2 * latency, lambda: self._connected(result))
        return errno.EINPROGRESS

    def _arrive(self, connection: VirtualSocket) -> None:
        if self._closed or not self._listening:
            connection._peer_closed()
            connection.close()
            return
        self._backlog.append(connection)

    def _connected(self, result: int) -> None:
        self._connecting = False
        self._error = result
        if result:
            self._peer_address = None
            self._peer = None

    # -- streams --------------------------------------------------------------------------

    def send(self, data: Any, flags: int = 0) -> int:
        """Send what fits in the connection's buffer; the peer receives it after the latency."""
        self._check_open()
        if self._type == socket.SOCK_DGRAM:
            if self._peer_address is None:
                raise OSError(errno.EDESTADDRREQ, "Destination address required")
            return self.sendto(data, flags, self._peer_address)
        if self._write_closed:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")
        peer = self._peer
        if peer is None or self._connecting:
            raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")
        if peer._closed:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")
        view = memoryview(data).cast("B")
        if not len(view):
            return 0
        self._wait(lambda: self._room() > 0 or peer._closed)
        if peer._closed:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")
        chunk = bytes(view[: self._room()])
        self._in_flight += len(chunk)
        when = self._network.kernel.session.clock.time() + self._latency
        self._network.kernel.at(when, lambda: peer._deliver(self, chunk))
        return len(chunk)

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Send everything, waiting for room as needed."""
        view = memoryview(data).cast("B")
        while len(view):
            sent = self.send(view, flags)
            view = view[sent:]

    def sendmsg(
        self, buffers: Iterable[Any], ancdata: Any = (), flags: int = 0, address: Any = None
    ) -> int:
        """send() (or sendto()) of the buffers joined; asyncio's transports write with it."""
        data = b"".join(bytes(memoryview(buffer).cast("B")) for buffer in buffers)
        if address is not None:
            return self.sendto(data, flags, address)
        return self.send(data, flags)

    def _room(self) -> int:
        peer = self._peer
        if peer is None:
            return 0
        return SEND_BUFFER - self._in_flight - len(peer._received)

    def _deliver(self, sender: VirtualSocket, chunk: bytes) -> None:
        sender._in_flight -= len(chunk)
        if not self._closed:
            self._received += chunk

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Up to `bufsize` bytes received (b'' at the end of the stream)."""
        self._check_open()
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        if self._type == socket.SOCK_DGRAM:
            return self.recvfrom(bufsize, flags)[0]
        if self._peer is None and not self._eof and not self._received:
            raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")
        self._wait(lambda: bool(self._received) or self._eof or bool(self._error))
        self._raise_error()
        data = bytes(self._received[:bufsize])
        if not flags & socket.MSG_PEEK:
            del self._received[:bufsize]
        return data

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """recv() into a buffer; the number of bytes written."""
        view = memoryview(buffer).cast("B")
        data = self.recv(nbytes or len(view), flags)
        view[: len(data)] = data
        return len(data)

    def shutdown(self, how: int) -> None:
        """Stop writing (SHUT_WR, SHUT_RDWR): the peer reads the end of the stream."""
        self._check_open()
        if self._peer is None:
            raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")
        if how in (socket.SHUT_WR, socket.SHUT_RDWR) and not self._write_closed:
            self._write_closed = True
            self._send_end()

    def _send_end(self) -> None:
        peer = self._peer
        if peer is None:
            return
        when = self._network.kernel.session.clock.time() + self._latency
        self._network.kernel.at(when, peer._peer_closed)

    def _peer_closed(self) -> None:
        self._eof = True

    # -- datagrams ---------------------------------------------------------------------------------

    def sendto(self, data: Any, flags_or_address: Any, address: Any = None) -> int:
        """Send one datagram to a socket of this run; to a closed port it is lost."""
        self._check_open()
        if address is None:
            address = flags_or_address
        if self._type != socket.SOCK_DGRAM:
            if self._peer is not None:
                raise OSError(errno.EISCONN, "Transport endpoint is already connected")
            raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")
        remote = self._remote_address(address)
        payload = bytes(memoryview(data).cast("B"))
        self._bind_any()
        network = self._network
        when = network.kernel.session.clock.time() + (
            self._latency if self._peer_address is not None else network.latency
        )
        sender = self._local
        assert sender is not None

        def arrive() -> None:
            target = network.bound(self._family, socket.SOCK_DGRAM, remote[1])
            if target is not None and not target._closed:
                target._datagrams.append((payload, sender))
            elif self._peer_address is not None and not self._closed:
                # A connected datagram socket hears that nobody listens there (ICMP).
                self._error = errno.ECONNREFUSED

        network.kernel.at(when, arrive)
        return len(payload)

    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, _Address]:
        """One datagram (cut to `bufsize`) and its sender; a stream socket gives its peer."""
        self._check_open()
        if self._type != socket.SOCK_DGRAM:
            return self.recv(bufsize, flags), self._peer_address or ("0.0.0.0", 0)
        self._wait(lambda: bool(self._datagrams) or bool(self._error))
        self._raise_error()
        data, sender = self._datagrams[0] if flags & socket.MSG_PEEK else self._datagrams.popleft()
        return data[:bufsize], sender

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, _Address]:
        """recvfrom() into a buffer."""
        view = memoryview(buffer).cast("B")
        data, sender = self.recvfrom(nbytes or len(view), flags)
        view[: len(data)] = data
        return len(data), sender

    # -- readiness, waiting, closing ----------------------------------------------------------

    def readable(self) -> bool:
        """What select() reports as readable."""
        if self._closed:
            return False
        if self._error:
            return True
        if self._type == socket.SOCK_DGRAM:
            return bool(self._datagrams)
        if self._listening:
            return bool(self._backlog)
        return bool(self._received) or self._eof

    def writable(self) -> bool:
        """What select() reports as writable."""
        if self._closed:
            return False
        if self._type == socket.SOCK_DGRAM:
            return True
        if self._connecting:
            return False
        if self._error:
            return True
        peer = self._peer
        return peer is not None and (peer._closed or self._room() > 0)

    def _wait(self, ready: Callable[[], bool]) -> None:
        """Wait for `ready()` as the socket's mode says: not at all, for ever, or a timeout."""
        if ready():
            return
        if self._timeout == 0.0:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        if not block_until(ready, self._timeout):
            raise TimeoutError("timed out")

    def _raise_error(self) -> None:
        if self._error and not self._received and not self._datagrams:
            error, self._error = self._error, 0
            raise OSError(error, _STRERROR.get(error, "Connection failed"))

    def _check_open(self) -> None:
        if self._closed:
            raise OSError(errno.EBADF, "Bad file descriptor")

    def close(self) -> None:
        """Close the socket: the peer reads the end of the stream after the latency."""
        if self._closed:
            return
        if self._peer is not None and not self._write_closed:
            self._send_end()
        self._closed = True
        self._listening = False
        for waiting in self._backlog:
            waiting._send_end()
            waiting.close()
        self._backlog.clear()
        self._network.close(self, self._fd)

    def detach(self) -> int:
        """Give up the descriptor (the simulation then forgets the socket)."""
        fd = self._fd
        self.close()
        return fd


_STRERROR = {
    errno.ECONNREFUSED: "Connection refused",
    errno.ECONNRESET: "Connection reset by peer",
    errno.ETIMEDOUT: "Connection timed out",
}


def _socketpair(
    family: int = socket.AF_INET, type: int = socket.SOCK_STREAM, proto: int = 0
) -> tuple[VirtualSocket, VirtualSocket]:
    """socket.socketpair for the run: two connected stream sockets of the simulation."""
    first = VirtualSocket(family, type, proto)
    second = VirtualSocket(family, type, proto)
    first._bind_any()
    second._bind_any()
    first._peer, second._peer = second, first
    first._peer_address, second._peer_address = second._local, first._local
    return first, second


# socket.create_connection's "no timeout given" (undeclared in typeshed).
_DEFAULT_TIMEOUT: object = getattr(socket, "_GLOBAL_DEFAULT_TIMEOUT")


def _create_connection(
    address: Any,
    timeout: Any = _DEFAULT_TIMEOUT,
    source_address: Any = None,
    *,
    all_errors: bool = False,
) -> VirtualSocket:
    """socket.create_connection for the run."""
    host, port = address
    family, kind, proto, _, sockaddr = _getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
    sock = VirtualSocket(family, kind, proto)
    if timeout is not _DEFAULT_TIMEOUT:
        sock.settimeout(timeout)
    if source_address:
        sock.bind(source_address)
    try:
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


# ---- select, poll and the selectors over them -------------------------------------------


def _fd_of(obj: Any) -> int:
    if isinstance(obj, int):
        return obj
    return int(obj.fileno())


def _select(
    rlist: Iterable[Any], wlist: Iterable[Any], xlist: Iterable[Any], timeout: float | None = None
) -> tuple[list[Any], list[Any], list[Any]]:
    """select.select for the run: the simulation's descriptors, on the virtual clock."""
    readers = {_fd_of(obj): obj for obj in rlist}
    writers = {_fd_of(obj): obj for obj in wlist}
    for obj in xlist:
        _fd_of(obj)
    if timeout is not None and timeout < 0:
        raise ValueError("timeout must be non-negative")
    readable, writable = _wait_for_any_loop(readers, writers, timeout)
    return (
        [obj for fd, obj in readers.items() if fd in readable],
        [obj for fd, obj in writers.items() if fd in writable],
        [],
    )


def _wait_for_any_loop(
    readers: Iterable[int], writers: Iterable[int], timeout: float | None
) -> tuple[set[int], set[int]]:
    """Wait as select() does, for an event loop's turn or for a program's own blocking call.

    A hack, labelled as one: the caller three frames up tells which. An event loop's
    `_run_once` calls its selector, which calls select() or poll() here: that wait may end as
    soon as the loop has callbacks ready, and counts as one turn of the loop. A call from the
    program itself blocks (the loop, if any, stands still).
    """
    active = _network()
    loop = events._get_running_loop()
    if loop is not None and sys._getframe(3).f_code.co_name == "_run_once":
        active.kernel.count_loop_turn()
    else:
        loop = None
    return active.wait(readers, writers, timeout, loop=loop)


class VirtualPoll:
    """select.poll for the run: register descriptors, then poll(timeout in milliseconds)."""

    def __init__(self) -> None:
        self._masks: dict[int, int] = {}

    def register(
        self, fd: Any, eventmask: int = select.POLLIN | select.POLLPRI | select.POLLOUT
    ) -> None:
        """Watch `fd` for `eventmask`."""
        self._masks[_fd_of(fd)] = eventmask

    def modify(self, fd: Any, eventmask: int) -> None:
        """Change what `fd` is watched for."""
        key = _fd_of(fd)
        if key not in self._masks:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        self._masks[key] = eventmask

    def unregister(self, fd: Any) -> None:
        """Stop watching `fd`."""
        del self._masks[_fd_of(fd)]

    def poll(self, timeout: float | None = None) -> list[tuple[int, int]]:
        """The ready descriptors and their events, waiting at most `timeout` milliseconds."""
        seconds = None if timeout is None or timeout < 0 else timeout / 1000
        reading = select.POLLIN | select.POLLPRI
        readers = [fd for fd, mask in self._masks.items() if mask & reading]
        writers = [fd for fd, mask in self._masks.items() if mask & select.POLLOUT]
        readable, writable = _wait_for_any_loop(readers, writers, seconds)
        ready: list[tuple[int, int]] = []
        for fd in self._masks:
            events = (select.POLLIN if fd in readable else 0) | (
                select.POLLOUT if fd in writable else 0
            )
            if events:
                ready.append((fd, events))
        return ready


class VirtualSelector(selectors.SelectSelector):
    """A selector over the simulation's descriptors whose select() waits on the virtual clock.

    A subclass serves one event loop: it says when the loop's next timer is due and what to do
    when the loop can never wake again (loop.py).
    """

    # SelectSelector's own state, which typeshed does not declare.
    _readers: set[int]
    _writers: set[int]
    _fd_to_key: dict[int, selectors.SelectorKey]

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        """The keys that are ready, after waiting at most `timeout` virtual seconds."""
        readable, writable = self._wait(self._readers, self._writers, timeout)
        ready: list[tuple[selectors.SelectorKey, int]] = []
        for fd in readable | writable:
            key = self._fd_to_key.get(fd)
            if key:
                events = (selectors.EVENT_READ if fd in readable else 0) | (
                    selectors.EVENT_WRITE if fd in writable else 0
                )
                ready.append((key, events & key.events))
        return ready

    def _wait(
        self, readers: set[int], writers: set[int], timeout: float | None
    ) -> tuple[set[int], set[int]]:
        return _wait_for_any_loop(readers, writers, timeout)


def install(undo: ExitStack, kernel: Kernel) -> Network:
    """Replace the sockets, name resolution and select for the run; `undo` puts them back."""
    active = Network(kernel)
    undo.callback(_close_all, active)
    activate(active)
    undo.callback(activate, None)
    replacements: list[tuple[Any, str, Any]] = [
        (socket, "socket", VirtualSocket),
        (socket, "SocketType", VirtualSocket),
        (_socket, "socket", VirtualSocket),
        (_socket, "SocketType", VirtualSocket),
        (socket, "socketpair", _socketpair),
        (socket, "getaddrinfo", _getaddrinfo),
        (socket, "gethostbyname", _gethostbyname),
        (socket, "create_connection", _create_connection),
        (select, "select", _select),
        (select, "poll", VirtualPoll),
        (selectors.SelectSelector, "_select", staticmethod(_select)),
        (selectors, "DefaultSelector", VirtualSelector),
    ]
    if hasattr(selectors, "PollSelector"):
        replacements.append((selectors.PollSelector, "_selector_cls", VirtualPoll))
    # asyncio's create_server sets SO_REUSEADDR, a constant Pyodide's socket module lacks.
    for name, value in (("SO_REUSEADDR", 2), ("SO_REUSEPORT", 15)):
        if not hasattr(socket, name):
            replacements.append((socket, name, value))
    for owner, name, value in replacements:
        if name in vars(owner):
            undo.callback(setattr, owner, name, vars(owner)[name])
        else:
            undo.callback(delattr, owner, name)
        setattr(owner, name, value)
    return active


def _close_all(active: Network) -> None:
    for sock in list(active.sockets.values()):
        sock.close()

