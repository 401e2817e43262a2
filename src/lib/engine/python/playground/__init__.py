"""The asyncio playground engine: real CPython asyncio on a virtual clock, traced.

`playground.run.run(source, options_json)` runs one snippet and returns its trace as JSON
(the contract is src/lib/engine/events.ts).
"""

from .loopback import network

__all__ = ["network"]
