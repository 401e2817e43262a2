# Source: https://docs.python.org/3.14/library/asyncio-stream.html#get-http-headers
# Needs a URL on the command line, and the internet. Run as written, with no argument, CPython
# and the playground both fail on sys.argv[1]; given a URL, the playground says it has no
# internet (tests/engine/engine-network.spec.ts).
# Expected error: IndexError: list index out of range
# Expected duration: 0
import asyncio
import urllib.parse
import sys

async def print_http_headers(url):
    url = urllib.parse.urlsplit(url)
    if url.scheme == 'https':
        reader, writer = await asyncio.open_connection(
            url.hostname, 443, ssl=True)
    else:
        reader, writer = await asyncio.open_connection(
            url.hostname, 80)

    query = (
        f"HEAD {url.path or '/'} HTTP/1.0\r\n"
        f"Host: {url.hostname}\r\n"
        f"\r\n"
    )

    writer.write(query.encode('latin-1'))
    while True:
        line = await reader.readline()
        if not line:
            break

        line = line.decode('latin1').rstrip()
        if line:
            print(f'HTTP header> {line}')

    # Ignore the body, close the socket
    writer.close()
    await writer.wait_closed()

url = sys.argv[1]
asyncio.run(print_http_headers(url))
