# Source: https://docs.python.org/3.14/library/asyncio-stream.html#tcp-echo-server-using-streams
# Run alone: CPython serves for ever (stopped by the test's timeout); in the playground no
# client can ever connect, so the run ends at once with a deadlock report. Run together with
# the client (tests/engine/engine-network.spec.ts), they talk over the in-memory network.
# Expected output (native python3):
#   Serving on ('127.0.0.1', 8888)
# Expected deadlock: Task-1
# Expected duration: 0
import asyncio

async def handle_echo(reader, writer):
    data = await reader.read(100)
    message = data.decode()
    addr = writer.get_extra_info('peername')

    print(f"Received {message!r} from {addr!r}")

    print(f"Send: {message!r}")
    writer.write(data)
    await writer.drain()

    print("Close the connection")
    writer.close()
    await writer.wait_closed()

async def main():
    server = await asyncio.start_server(
        handle_echo, '127.0.0.1', 8888)

    addrs = ', '.join(str(sock.getsockname()) for sock in server.sockets)
    print(f'Serving on {addrs}')

    async with server:
        await server.serve_forever()

asyncio.run(main())
