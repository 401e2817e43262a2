/**
 * The engine for the command-line tool, started from a memory snapshot when one is cached.
 *
 * A plain Pyodide start in Node takes about 2 s (much more on a busy machine); a start from a
 * memory snapshot made by the same Node and the same Pyodide files takes a fraction of that
 * (DESIGN.md §10). The first run makes the snapshot and caches it; later runs check it and use
 * it. Anything odd about the cache (missing, another Pyodide build, wrong length or hash, a
 * failure while loading) falls back to a plain start, so the cache can only make things faster.
 *
 * Set ASYNCIO_PLAYGROUND_NO_SNAPSHOT=1 to always start plain, ASYNCIO_PLAYGROUND_CACHE=DIR to
 * keep the cache somewhere else than node_modules/.cache/asyncio-playground.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../lib/engine/engine';
import type { PyodideAPI } from '../lib/engine/pyodide';

/** The files that make up a Pyodide build: a snapshot is only valid for the very same ones. */
const PYODIDE_FILES = [
	'pyodide.asm.wasm',
	'pyodide.asm.mjs',
	'python_stdlib.zip',
	'pyodide-lock.json'
];

/** Imported before the snapshot is taken, so a run does not pay for them: what the engine uses. */
const PRELOAD = `import asyncio, ast, collections.abc, gc, heapq, inspect, json, linecache, os, re, signal
import sys, time, traceback, types, typing, warnings, weakref, dataclasses, random`;

/** Run after every start from a snapshot (DESIGN.md §10). */
const AFTER_SNAPSHOT = `import asyncio, random
random.seed()  # every load of one snapshot would otherwise replay the same random numbers
asyncio.events._set_running_loop(None)  # Pyodide's own loop is registered again at load`;

interface SnapshotMeta {
	key: string;
	length: number;
	sha256: string;
}

function sha256(data: Uint8Array | string): string {
	return createHash('sha256').update(data).digest('hex');
}

function pyodideDir(): string {
	return dirname(createRequire(import.meta.url).resolve('pyodide'));
}

function cacheDir(): string {
	if (process.env.ASYNCIO_PLAYGROUND_CACHE) return process.env.ASYNCIO_PLAYGROUND_CACHE;
	const root = fileURLToPath(new URL('../../', import.meta.url));
	return join(root, 'node_modules', '.cache', 'asyncio-playground');
}

/** A hash of every Pyodide file, this Node and the preload: what a cached snapshot must match. */
export function snapshotKey(): string {
	const hash = createHash('sha256');
	const dir = pyodideDir();
	for (const name of PYODIDE_FILES) hash.update(name).update(readFileSync(join(dir, name)));
	hash.update(process.version).update(process.arch).update(PRELOAD);
	return hash.digest('hex');
}

function readCachedSnapshot(dir: string, key: string): Uint8Array | null {
	const metaPath = join(dir, 'snapshot.json');
	const dataPath = join(dir, 'snapshot.bin');
	if (!existsSync(metaPath) || !existsSync(dataPath)) return null;
	const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as SnapshotMeta;
	if (meta.key !== key) return null;
	const data = readFileSync(dataPath);
	// A truncated or damaged snapshot may load and fail later, so check it before use.
	if (data.length !== meta.length || sha256(data) !== meta.sha256) return null;
	return data;
}

function writeCachedSnapshot(dir: string, key: string, data: Uint8Array): void {
	mkdirSync(dir, { recursive: true });
	// Write under temporary names, then rename: a second process never reads half a file.
	const suffix = `${process.pid}.tmp`;
	writeFileSync(join(dir, `snapshot.bin.${suffix}`), data);
	writeFileSync(
		join(dir, `snapshot.json.${suffix}`),
		JSON.stringify({ key, length: data.length, sha256: sha256(data) } satisfies SnapshotMeta)
	);
	renameSync(join(dir, `snapshot.bin.${suffix}`), join(dir, 'snapshot.bin'));
	renameSync(join(dir, `snapshot.json.${suffix}`), join(dir, 'snapshot.json'));
}

async function startRuntime(): Promise<PyodideAPI> {
	const { loadRuntime } = await import('../lib/engine/pyodide');
	if (process.env.ASYNCIO_PLAYGROUND_NO_SNAPSHOT) return loadRuntime();
	let key: string;
	const dir = cacheDir();
	try {
		key = snapshotKey();
		const cached = readCachedSnapshot(dir, key);
		if (cached) {
			const pyodide = await loadRuntime({ snapshot: cached });
			pyodide.runPython(AFTER_SNAPSHOT);
			return pyodide;
		}
	} catch {
		// A bad cache is only a slow start: fall through to a plain one.
		return loadRuntime();
	}
	const pyodide = await loadRuntime({ makeSnapshot: true });
	try {
		pyodide.runPython(PRELOAD);
		writeCachedSnapshot(dir, key, pyodide.makeMemorySnapshot());
	} catch {
		// A read-only install or a refused snapshot: this run goes on, the next starts plain again.
	}
	return pyodide;
}

/** An engine for one command-line run. */
export async function createCliEngine(): Promise<Engine> {
	const [{ Engine }, { readPythonSources }, pyodide] = await Promise.all([
		import('../lib/engine/engine'),
		import('../lib/engine/node'),
		startRuntime()
	]);
	return Engine.create(pyodide, readPythonSources());
}
