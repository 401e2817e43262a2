# Source: https://docs.python.org/3.14/library/asyncio-eventloop.html#asyncio.Server.serve_forever
# CPython: serves on a free port for ever, with no client (stopped by the test's timeout). In
# the playground nothing can ever connect either: the run ends at once with a deadlock report.
# Expected output: nothing.
# Expected deadlock: Task-1
# Expected duration: 0
import asyncio

async def client_connected(reader, writer):
    # Communicate with the client with
    # reader/writer streams.  For example:
    await reader.readline()

async def main(host, port):
    srv = await asyncio.start_server(
        client_connected, host, port)
    await srv.serve_forever()

asyncio.run(main('127.0.0.1', 0))
