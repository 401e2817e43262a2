# Source: https://docs.python.org/3.14/library/asyncio-stream.html#tcp-echo-client-using-streams
# Run alone, as in CPython with no server started: the connection is refused. (Errno numbers are
# the WebAssembly platform's: 14 here, 111 on Linux.)
# Expected output: nothing.
# Expected error: ConnectionRefusedError: [Errno 14] Connect call failed ('127.0.0.1', 8888)
# Expected duration: 0
import asyncio

async def tcp_echo_client(message):
    reader, writer = await asyncio.open_connection(
        '127.0.0.1', 8888)

    print(f'Send: {message!r}')
    writer.write(message.encode())
    await writer.drain()

    data = await reader.read(100)
    print(f'Received: {data.decode()!r}')

    print('Close the connection')
    writer.close()
    await writer.wait_closed()

asyncio.run(tcp_echo_client('Hello World!'))
