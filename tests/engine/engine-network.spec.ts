/**
 * Engine: the in-memory network (decision 0092). Servers and clients of one run talk over
 * localhost with asyncio's own streams, protocols and transports, with no delay or with the
 * latency the program chose; no other host exists, and no real socket is ever opened.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, duration, ofKind, run, stdout } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

const NO_INTERNET =
	'the playground has no internet: servers you start in this program are reachable at localhost';

/** The documentation's echo server and client (asyncio-stream), in one program. */
const ECHO = `
import asyncio, time
LATENCY

async def handle_echo(reader, writer):
    data = await reader.read(100)
    message = data.decode()
    addr = writer.get_extra_info('peername')
    print(f"Received {message!r} from {addr!r}")
    writer.write(data)
    await writer.drain()
    writer.close()
    await writer.wait_closed()

async def tcp_echo_client(message):
    reader, writer = await asyncio.open_connection('127.0.0.1', 8888)
    start = time.monotonic()
    writer.write(message.encode())
    await writer.drain()
    data = await reader.read(100)
    print(f'Received: {data.decode()!r} after {time.monotonic() - start:.2f} s')
    writer.close()
    await writer.wait_closed()

async def main():
    server = await asyncio.start_server(handle_echo, '127.0.0.1', 8888)
    print('Serving on', ', '.join(str(sock.getsockname()) for sock in server.sockets))
    async with server:
        await tcp_echo_client('Hello World!')

asyncio.run(main())
`;

describe('TCP over the in-memory network', () => {
	it("the documentation's echo server and client, in one program, with no delay", () => {
		const events = run(engine, ECHO.replace('LATENCY', ''));
		expect(stdout(events)).toEqual([
			"Serving on ('127.0.0.1', 8888)",
			"Received 'Hello World!' from ('127.0.0.1', 49152)",
			"Received: 'Hello World!' after 0.00 s"
		]);
		expect(duration(events)).toBe(0);
		expect(ofKind(events, 'error')).toEqual([]);
	});

	it('with a latency: the handshake and each way take it, on the virtual clock', () => {
		const events = run(
			engine,
			ECHO.replace('LATENCY', 'import playground\nplayground.network(latency=0.05)')
		);
		expect(stdout(events)).toEqual([
			"Serving on ('127.0.0.1', 8888)",
			"Received 'Hello World!' from ('127.0.0.1', 49152)",
			"Received: 'Hello World!' after 0.10 s"
		]);
		// Connecting takes a round trip (0.1 s), the message and its echo another (0.1 s).
		expect(duration(events)).toBeCloseTo(0.2, 6);
		const received = ofKind(events, 'output').map((event) => event.t);
		expect(received).toEqual([0, 0.15, 0.2]);
	});

	it('each connection keeps the latency it was opened with', () => {
		const events = run(
			engine,
			`
import asyncio, time, playground

async def echo(reader, writer):
    writer.write(await reader.read(100))
    await writer.drain()
    writer.close()

async def round_trip(reader, writer):
    start = time.monotonic()
    writer.write(b"ping")
    await reader.read(100)
    writer.close()
    return round(time.monotonic() - start, 3)

async def main():
    await asyncio.start_server(echo, 'localhost', 7000)
    playground.network(latency=0.25)
    slow = await asyncio.open_connection('localhost', 7000)
    playground.network(latency=0)
    fast = await asyncio.open_connection('localhost', 7000)
    print(*await asyncio.gather(round_trip(*fast), round_trip(*slow)))

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['0.0 0.5']);
	});

	it('asyncio.start_server and loop.create_connection with protocols, over ::1 too', () => {
		const events = run(
			engine,
			`
import asyncio

class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
    def data_received(self, data):
        self.transport.write(data.upper())

class Client(asyncio.Protocol):
    def __init__(self, done):
        self.done = done
    def connection_made(self, transport):
        transport.write(b"shout")
        print("connected to", transport.get_extra_info("peername")[:2])
    def data_received(self, data):
        self.done.set_result(data)

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, '::1', 9000)
    done = loop.create_future()
    transport, _ = await loop.create_connection(lambda: Client(done), '::1', 9000)
    print(await done)
    transport.close()
    server.close()
    await server.wait_closed()

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(["connected to ('::1', 9000)", "b'SHOUT'"]);
	});

	it('a port nobody listens on refuses; a server holding a port makes a second one fail', () => {
		const events = run(
			engine,
			`
import asyncio

async def main():
    try:
        await asyncio.open_connection('localhost', 1234)
    except ConnectionRefusedError as error:
        print("refused:", error)
    server = await asyncio.start_server(lambda r, w: None, '127.0.0.1', 5000)
    try:
        await asyncio.start_server(lambda r, w: None, '127.0.0.1', 5000)
    except OSError as error:
        print("in use:", error)
    server.close()

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			"refused: [Errno 14] Connect call failed ('127.0.0.1', 1234)",
			// 3.14's message, with the platform's errno (98 on Linux).
			"in use: [Errno 3] error while attempting to bind on address ('127.0.0.1', 5000): [errno 3] address already in use"
		]);
	});

	it('writing faster than the reader reads fills the buffer: drain() waits for the reader', () => {
		const events = run(
			engine,
			`
import asyncio

async def slow_reader(reader, writer):
    total = 0
    while chunk := await reader.read(65536):
        total += len(chunk)
        await asyncio.sleep(0.1)
    print("server read", total)
    writer.close()

async def main():
    server = await asyncio.start_server(slow_reader, 'localhost', 6000)
    reader, writer = await asyncio.open_connection('localhost', 6000)
    for _ in range(16):
        writer.write(bytes(65536))
        await writer.drain()
    writer.close()
    await writer.wait_closed()
    await asyncio.sleep(5)
    server.close()

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['server read 1048576']);
		// The writer could not run ahead of the reader by more than the buffers hold.
		const [line] = ofKind(events, 'output');
		expect(line.t).toBeGreaterThan(0.5);
	});

	it('socket.socketpair() and loop.add_reader / add_writer', () => {
		const events = run(
			engine,
			`
import asyncio, socket

async def main():
    loop = asyncio.get_running_loop()
    a, b = socket.socketpair()
    a.setblocking(False)
    got = loop.create_future()
    loop.add_reader(a, lambda: got.set_result(a.recv(10)))
    writable = loop.create_future()
    loop.add_writer(b, lambda: writable.done() or writable.set_result(True))
    await writable
    loop.remove_writer(b)
    loop.call_later(1, b.send, b"late")
    print(await got, loop.time())
    loop.remove_reader(a)
    a.close()
    b.close()

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(["b'late' 1.0"]);
	});

	it('blocking sockets in plain code: socket.create_connection, accept, recv on the virtual clock', () => {
		const events = run(
			engine,
			`
import socket, time

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]
client = socket.create_connection(("localhost", port))
conn, addr = server.accept()
client.sendall(b"hello")
print(conn.recv(5), addr[0])
conn.settimeout(2)
try:
    conn.recv(5)
except TimeoutError as error:
    print("timed out:", error, time.monotonic())
for sock in (client, conn, server):
    sock.close()
`
		);
		expect(stdout(events)).toEqual(["b'hello' 127.0.0.1", 'timed out: timed out 2.0']);
	});
});

describe('UDP on loopback', () => {
	it("the documentation's UDP echo server and client, in one program", () => {
		const events = run(
			engine,
			`
import asyncio

class EchoServerProtocol:
    def connection_made(self, transport):
        self.transport = transport
    def datagram_received(self, data, addr):
        message = data.decode()
        print('Received %r from %s' % (message, addr))
        self.transport.sendto(data, addr)
    def connection_lost(self, exc):
        print("server closed")

class EchoClientProtocol:
    def __init__(self, message, on_con_lost):
        self.message = message
        self.on_con_lost = on_con_lost
    def connection_made(self, transport):
        self.transport = transport
        print('Send:', self.message)
        self.transport.sendto(self.message.encode())
    def datagram_received(self, data, addr):
        print("Received:", data.decode())
        self.transport.close()
    def error_received(self, exc):
        print('Error received:', exc)
    def connection_lost(self, exc):
        print("Connection closed")
        self.on_con_lost.set_result(True)

async def main():
    loop = asyncio.get_running_loop()
    server, _ = await loop.create_datagram_endpoint(EchoServerProtocol, local_addr=('127.0.0.1', 9999))
    on_con_lost = loop.create_future()
    client, _ = await loop.create_datagram_endpoint(
        lambda: EchoClientProtocol("Hello World!", on_con_lost), remote_addr=('127.0.0.1', 9999))
    try:
        await on_con_lost
    finally:
        client.close()
        server.close()
    await asyncio.sleep(0)

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			'Send: Hello World!',
			"Received 'Hello World!' from ('127.0.0.1', 49152)",
			'Received: Hello World!',
			'Connection closed',
			'server closed'
		]);
	});

	it('plain datagram sockets: sendto, recvfrom, and a datagram to a closed port is lost', () => {
		const events = run(
			engine,
			`
import socket

a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a.bind(("127.0.0.1", 4000))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.sendto(b"one", ("127.0.0.1", 4000))
b.sendto(b"lost", ("127.0.0.1", 4001))
print(a.recvfrom(100))
a.setblocking(False)
try:
    a.recvfrom(100)
except BlockingIOError:
    print("nothing more")
`
		);
		expect(stdout(events)).toEqual(["(b'one', ('127.0.0.1', 49152))", 'nothing more']);
	});
});

describe('no internet', () => {
	it('connecting to any other host raises OSError saying the playground has no internet', () => {
		const events = run(
			engine,
			`
import asyncio, socket

async def main():
    for host in ("example.com", "93.184.216.34"):
        try:
            await asyncio.open_connection(host, 80)
        except OSError as error:
            print(type(error).__name__, error)
    for call in (lambda: socket.create_connection(("python.org", 443)),
                 lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53))):
        try:
            call()
        except OSError as error:
            print(type(error).__name__, error)

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			`OSError ${NO_INTERNET}`,
			`OSError ${NO_INTERNET}`,
			`OSError ${NO_INTERNET}`,
			`OSError ${NO_INTERNET}`
		]);
	});

	it('a server waiting for clients that never come ends the run at once, as a deadlock', () => {
		const events = run(
			engine,
			`
import asyncio

async def main():
    server = await asyncio.start_server(lambda r, w: None, '0.0.0.0', 8080)
    async with server:
        await server.serve_forever()

asyncio.run(main())
`
		);
		const [deadlock] = ofKind(events, 'deadlock');
		expect(deadlock.stuck.map((task) => task.name)).toEqual(['Task-1']);
		expect(duration(events)).toBe(0);
	});

	it('every socket is the simulation: no real one exists during the run, and all are closed after', () => {
		const events = run(
			engine,
			`
import socket, _socket
a = socket.socket()
b = _socket.socket()
print(type(a).__module__, type(b).__module__, a.fileno() >= 1000, b.fileno() >= 1000)
`
		);
		expect(stdout(events)).toEqual(['playground.loopback playground.loopback True True']);
		const after = engine.pyodide.runPython(
			'import socket, _socket, select\n' +
				'(socket.socket.__module__, _socket.socket.__name__, select.select.__module__)'
		);
		expect(after.toJs()).toEqual(['socket', 'socket', 'select']);
	});
});
