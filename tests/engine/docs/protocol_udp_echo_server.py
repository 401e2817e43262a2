# Source: https://docs.python.org/3.14/library/asyncio-protocol.html#udp-echo-server
# Serves for an hour of virtual time, with no client. Its protocol is no asyncio.Protocol and has
# no connection_lost(), so closing the transport logs an error: these lines are CPython 3.14's
# own asyncio code reporting it (native python3 prints the first line, then sleeps through the
# hour; 3.11 also shows the callback's argument, "(None)", which 3.14 leaves out).
# Expected output:
#   Starting UDP server
#   Exception in callback _SelectorTransport._call_connection_lost()
#   handle: <Handle _SelectorTransport._call_connection_lost()>
#   Traceback (most recent call last):
#   ~  File ".*asyncio/events\.py", line \d+, in _run
#       self._context.run(self._callback, *self._args)
#       ~~~~~~~~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
#   ~  File ".*asyncio/selector_events\.py", line \d+, in _call_connection_lost
#       self._protocol.connection_lost(exc)
#       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
#   AttributeError: 'EchoServerProtocol' object has no attribute 'connection_lost'. Did you mean: 'connection_made'?
# Expected duration: 3600
import asyncio


class EchoServerProtocol:
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        message = data.decode()
        print('Received %r from %s' % (message, addr))
        print('Send %r to %s' % (message, addr))
        self.transport.sendto(data, addr)


async def main():
    print("Starting UDP server")

    # Get a reference to the event loop as we plan to use
    # low-level APIs.
    loop = asyncio.get_running_loop()

    # One protocol instance will be created to serve all
    # client requests.
    transport, protocol = await loop.create_datagram_endpoint(
        EchoServerProtocol,
        local_addr=('127.0.0.1', 9999))

    try:
        await asyncio.sleep(3600)  # Serve for 1 hour.
    finally:
        transport.close()


asyncio.run(main())
