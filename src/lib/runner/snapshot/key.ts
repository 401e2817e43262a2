/**
 * The key a memory snapshot is stored under: a SHA-256 of every Pyodide file we serve and of the
 * engine's Python sources. A snapshot is the whole memory of one interpreter build with one
 * engine imported, so a change to any of those files must miss the stored snapshot; Pyodide
 * itself only refuses a different wasm build ("Snapshot build id mismatch"), not a changed
 * python_stdlib.zip.
 *
 * Both are hashed at build time, so the page can look for its snapshot at once: the Pyodide
 * files by scripts/copy-pyodide.js into static/pyodide/manifest.json (hashing 13.5 MB on every
 * visit would cost the page time it is trying to save), the engine's sources by vite.config.ts
 * into ENGINE_SOURCES_SHA256 (loading and hashing them on the page took 0.85 s of a return
 * visit, waiting behind the editor's scripts). Under `vite dev` the sources are hashed at run
 * time instead, so it never restores a snapshot of an engine that has since been edited.
 */

import { PYODIDE_FILES } from '../pyodide-files';

/** Bump when what goes into a snapshot changes (the boot steps in boot.ts), to miss old ones. */
export const SNAPSHOT_FORMAT = 1;

/** static/pyodide/manifest.json, written by scripts/copy-pyodide.js. */
export interface PyodideManifest {
	/** The `pyodide` npm package's version, e.g. "314.0.7". */
	version: string;
	/** File name → its length and lowercase hex SHA-256. */
	files: Record<string, { bytes: number; sha256: string }>;
}

export const MANIFEST_FILE = 'manifest.json';

/** A lowercase hex SHA-256. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Lowercase hex SHA-256 of bytes or of a string's UTF-8 (WebCrypto: browsers and Node 20). */
export async function sha256Hex(data: ArrayBuffer | ArrayBufferView | string): Promise<string> {
	const bytes =
		typeof data === 'string'
			? new TextEncoder().encode(data)
			: data instanceof ArrayBuffer
				? new Uint8Array(data)
				: new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
	let hex = '';
	for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
	return hex;
}

/**
 * Checks a parsed manifest: every file the snapshot depends on, each with a length and a hash.
 * Throws with a reason (shown in the status details) when it is not usable.
 */
export function parseManifest(data: unknown): PyodideManifest {
	if (typeof data !== 'object' || data === null) throw new Error('manifest is not an object');
	const { version, files } = data as { version?: unknown; files?: unknown };
	if (typeof version !== 'string' || version === '') throw new Error('manifest has no version');
	if (typeof files !== 'object' || files === null) throw new Error('manifest has no files');
	const checked: PyodideManifest['files'] = {};
	for (const name of PYODIDE_FILES) {
		const entry = (files as Record<string, unknown>)[name] as
			{ bytes?: unknown; sha256?: unknown } | undefined;
		if (
			!entry ||
			typeof entry.bytes !== 'number' ||
			!Number.isInteger(entry.bytes) ||
			entry.bytes < 0 ||
			typeof entry.sha256 !== 'string' ||
			!SHA256_HEX.test(entry.sha256)
		) {
			throw new Error(`manifest has no valid entry for ${name}`);
		}
		checked[name] = { bytes: entry.bytes, sha256: entry.sha256 };
	}
	return { version, files: checked };
}

/** Downloads and checks `${indexUrl}manifest.json`. */
export async function fetchManifest(
	indexUrl: string,
	fetchFn: typeof fetch = fetch
): Promise<PyodideManifest> {
	const response = await fetchFn(new URL(MANIFEST_FILE, indexUrl), { cache: 'no-cache' });
	if (!response.ok) throw new Error(`no Pyodide manifest (HTTP ${response.status})`);
	return parseManifest(await response.json());
}

/**
 * The engine's Python package as one text: every path and source, in path order, length-prefixed
 * so no two different packages give the same text. Hashed here (WebCrypto) and at build time
 * (vite.config.ts, into ENGINE_SOURCES_SHA256).
 */
export function engineSourcesText(sources: Record<string, string>): string {
	const paths = Object.keys(sources).sort();
	if (paths.length === 0) throw new Error('no engine sources to hash');
	return paths
		.map((path) => `${path.length}:${path}\n${sources[path].length}:${sources[path]}\n`)
		.join('');
}

/** One hash of the engine's Python package. */
export async function hashPythonSources(sources: Record<string, string>): Promise<string> {
	return sha256Hex(engineSourcesText(sources));
}

/** The storage key of a snapshot of this Pyodide build with this engine imported. */
export async function snapshotKey(
	manifest: PyodideManifest,
	engineSha256: string
): Promise<string> {
	const files = PYODIDE_FILES.map((name) => {
		const entry = manifest.files[name];
		if (!entry) throw new Error(`manifest has no entry for ${name}`);
		return [name, entry.bytes, entry.sha256];
	});
	const identity = JSON.stringify({
		format: SNAPSHOT_FORMAT,
		pyodide: manifest.version,
		files,
		engine: engineSha256
	});
	return `pyodide-${manifest.version}-${await sha256Hex(identity)}`;
}
