# Source: https://docs.python.org/3.14/library/asyncio-protocol.html#udp-echo-client
# Run alone, as in CPython with no server started: the port is unreachable, error_received()
# reports it, and the client waits for ever (CPython hangs, stopped by the test's timeout; the
# playground reports the deadlock). (Errno numbers are the platform's: 14 here, 111 on Linux.)
# Expected output:
#   Send: Hello World!
#   Error received: [Errno 14] Connection refused
# Expected deadlock: Task-1
# Expected duration: 0
import asyncio


class EchoClientProtocol:
    def __init__(self, message, on_con_lost):
        self.message = message
        self.on_con_lost = on_con_lost
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        print('Send:', self.message)
        self.transport.sendto(self.message.encode())

    def datagram_received(self, data, addr):
        print("Received:", data.decode())

        print("Close the socket")
        self.transport.close()

    def error_received(self, exc):
        print('Error received:', exc)

    def connection_lost(self, exc):
        print("Connection closed")
        self.on_con_lost.set_result(True)


async def main():
    # Get a reference to the event loop as we plan to use
    # low-level APIs.
    loop = asyncio.get_running_loop()

    on_con_lost = loop.create_future()
    message = "Hello World!"

    transport, protocol = await loop.create_datagram_endpoint(
        lambda: EchoClientProtocol(message, on_con_lost),
        remote_addr=('127.0.0.1', 9999))

    try:
        await on_con_lost
    finally:
        transport.close()


asyncio.run(main())
