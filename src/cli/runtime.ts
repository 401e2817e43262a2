/**
 * The engine for the command-line tool, started from a memory snapshot when one is cached.
 *
 * A plain Pyodide start in Node takes about 2 s; a start from a snapshot made by the same Node,
 * the same Pyodide files and the same engine takes a fraction of that (docs/decisions/0045). The cache
 * and its checks are `bootNodeRuntime`'s (src/lib/runner/snapshot/node-cache.ts), shared with the
 * engine tests: anything odd about the cache falls back to a plain start that writes a new one,
 * so the cache can only make things faster.
 *
 * Set ASYNCIO_PLAYGROUND_NO_SNAPSHOT=1 to always start plain, ASYNCIO_PLAYGROUND_CACHE=DIR to
 * keep the cache somewhere else than node_modules/.cache/asyncio-playground.
 */
import type { Engine } from '../lib/engine/engine';

/** An engine for one command-line run. */
export async function createCliEngine(): Promise<Engine> {
	const { createNodeEngine, readPythonSources } = await import('../lib/engine/node-engine');
	if (process.env.ASYNCIO_PLAYGROUND_NO_SNAPSHOT) return createNodeEngine();
	const { bootNodeRuntime } = await import('../lib/runner/snapshot/node-cache');
	const booted = await bootNodeRuntime({
		sources: readPythonSources(),
		cacheDir: process.env.ASYNCIO_PLAYGROUND_CACHE || undefined
	});
	return booted.engine;
}
