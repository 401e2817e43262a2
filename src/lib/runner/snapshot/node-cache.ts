/**
 * Snapshots for Node (the command-line tool, the engine tests, benchmarks): the same boot as the
 * browser's runner, with the snapshot kept in a cache file instead of IndexedDB. A snapshot made
 * by Node restores in Node in about 175 ms against about 2.1 s for a plain load.
 *
 * Same rules as the page: the key hashes every Pyodide file the npm package loads and the
 * engine's sources (and Node's version, since a Node snapshot is only for Node); the file's
 * length and SHA-256 are checked before use; any problem is a plain load that writes a fresh
 * snapshot. A browser never reads these files (a Node-made snapshot breaks stack switching in
 * Chromium).
 *
 *   const { engine, source, ms } = await bootNodeRuntime({ sources: readPythonSources() });
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bootRuntime, type BootResult, type LoadWithOptions } from './boot';
import { PYODIDE_FILES } from '../pyodide-files';
import { SNAPSHOT_FORMAT } from './key';
import { MIN_SNAPSHOT_BYTES } from './store';

export interface NodeBootOptions {
	sources: Record<string, string>;
	/** Where snapshot files live; by default node_modules/.cache/asyncio-playground/. */
	cacheDir?: string;
	/** Base loadPyodide options (streams, ...); by default the npm package's loadPyodide. */
	load?: LoadWithOptions;
}

function sha256(data: string | Uint8Array): string {
	return createHash('sha256').update(data).digest('hex');
}

function pyodideDir(): string {
	const require = createRequire(import.meta.url);
	return dirname(require.resolve('pyodide/package.json'));
}

function defaultCacheDir(): string {
	// Beside the package it depends on: `npm ci` wipes both together.
	return join(dirname(pyodideDir()), '.cache', 'asyncio-playground');
}

/** The cache file name for this Pyodide, these sources and this Node. */
export function nodeSnapshotKey(sources: Record<string, string>): string {
	const dir = pyodideDir();
	const files = PYODIDE_FILES.map((name) => [name, sha256(readFileSync(join(dir, name)))]);
	const engine = Object.keys(sources)
		.sort()
		.map((path) => [path, sha256(sources[path])]);
	const identity = JSON.stringify({
		format: SNAPSHOT_FORMAT,
		node: process.version,
		files,
		engine
	});
	return `node-${sha256(identity)}`;
}

/** The verified snapshot in `file` (length and SHA-256 from its sidecar), or why there is none. */
function readSnapshot(file: string): Uint8Array | string {
	let meta: { length?: unknown; sha256?: unknown };
	let bytes: Uint8Array;
	try {
		meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as typeof meta;
		bytes = new Uint8Array(readFileSync(file));
	} catch {
		return 'no cached snapshot';
	}
	if (bytes.byteLength !== meta.length || bytes.byteLength < MIN_SNAPSHOT_BYTES) {
		return 'cached snapshot has the wrong length';
	}
	if (sha256(bytes) !== meta.sha256) return 'cached snapshot SHA-256 does not match';
	return bytes;
}

function writeSnapshot(file: string, bytes: Uint8Array): void {
	mkdirSync(dirname(file), { recursive: true });
	// Written beside and renamed into place: a reader never sees half a file.
	const temp = `${file}.${process.pid}.tmp`;
	writeFileSync(temp, bytes);
	writeFileSync(
		`${temp}.json`,
		JSON.stringify({ length: bytes.byteLength, sha256: sha256(bytes) })
	);
	renameSync(temp, file);
	renameSync(`${temp}.json`, `${file}.json`);
}

/**
 * Boots Pyodide and the engine in Node, from the cached snapshot when there is a valid one;
 * otherwise a plain load that caches a new one. `notes` says why no snapshot was used.
 */
export async function bootNodeRuntime(options: NodeBootOptions): Promise<BootResult> {
	const load: LoadWithOptions =
		options.load ??
		(async (extra) => {
			const { loadPyodide } = await import('pyodide');
			return loadPyodide(extra as Parameters<typeof loadPyodide>[0]);
		});
	const file = join(
		options.cacheDir ?? defaultCacheDir(),
		`${nodeSnapshotKey(options.sources)}.bin`
	);
	const cached = readSnapshot(file);
	const snapshot = typeof cached === 'string' ? null : cached;
	const booted = await bootRuntime({
		load,
		sources: options.sources,
		snapshot,
		makeSnapshot: snapshot === null
	});
	if (typeof cached === 'string') booted.notes.unshift(cached);
	if (booted.snapshot) {
		try {
			writeSnapshot(file, booted.snapshot);
		} catch (error) {
			booted.notes.push(`could not cache the snapshot: ${String(error)}`);
		}
	} else if (snapshot && booted.source !== 'snapshot') {
		// Verified bytes that do not restore: remove them so the next start makes new ones.
		rmSync(file, { force: true });
		rmSync(`${file}.json`, { force: true });
	}
	return booted;
}
