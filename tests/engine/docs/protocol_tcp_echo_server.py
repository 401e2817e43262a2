# Source: https://docs.python.org/3.14/library/asyncio-protocol.html#tcp-echo-server
# Run alone: CPython serves for ever (stopped by the test's timeout); in the playground no
# client can ever connect, so the run ends at once with a deadlock report.
# Expected output: nothing.
# Expected deadlock: Task-1
# Expected duration: 0
import asyncio


class EchoServerProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        peername = transport.get_extra_info('peername')
        print('Connection from {}'.format(peername))
        self.transport = transport

    def data_received(self, data):
        message = data.decode()
        print('Data received: {!r}'.format(message))

        print('Send: {!r}'.format(message))
        self.transport.write(data)

        print('Close the client socket')
        self.transport.close()


async def main():
    # Get a reference to the event loop as we plan to use
    # low-level APIs.
    loop = asyncio.get_running_loop()

    server = await loop.create_server(
        EchoServerProtocol,
        '127.0.0.1', 8888)

    async with server:
        await server.serve_forever()


asyncio.run(main())
