/**
 * Fetches the Pyodide runtime files as Blobs, reporting real download progress.
 *
 * Used by the page (which hands the bytes into the sandboxed runner, whose opaque origin may get
 * no HTTP cache and whose policy allows no network) and by the plain worker in development.
 */
import type { PyodideFiles, RunnerMessage } from './protocol';
// The Pyodide files a runner loads, by file name: all it needs, and all a snapshot depends on
// (protocol.ts checks them by this list; snapshot/key.ts hashes them).
import { PYODIDE_FILES } from './pyodide-file-names.js';

export { PYODIDE_FILES };
export type PyodideFileName = (typeof PYODIDE_FILES)[number];

export interface DownloadProgress {
	loaded: number;
	/** Total bytes, once every response has said how long it is; null before that. */
	total: number | null;
	/** Milliseconds since the download began. */
	elapsedMs: number;
}

/** The `progress` message for a download, or null while its total size is not known. */
export function downloadProgress({
	loaded,
	total,
	elapsedMs
}: DownloadProgress): Extract<RunnerMessage, { type: 'progress' }> | null {
	if (total === null) return null;
	const mb = (n: number) => (n / 1e6).toFixed(1);
	// The rate says the download moves (or that the network is slow) when the bar barely does.
	const rate = elapsedMs >= 500 ? ` · ${mb((loaded / elapsedMs) * 1000)} MB/s` : '';
	return {
		type: 'progress',
		stage: 'download',
		message: `Downloading Python ${mb(loaded)} / ${mb(total)} MB${rate}`,
		// The download is the first half of the start-up bar; starting Python is the second.
		progress: Math.min(1, loaded / total) * 0.5
	};
}

/**
 * The body as a Blob, read chunk by chunk for progress. A Blob (not an ArrayBuffer) because it is
 * handed to every runner the page starts: it is immutable, so they share it, and it crosses into
 * the sandbox frame's process as a handle rather than a copy.
 */
async function readBody(response: Response, onChunk: (bytes: number) => void): Promise<Blob> {
	if (!response.body) {
		const blob = await response.blob();
		onChunk(blob.size);
		return blob;
	}
	const reader = response.body.getReader();
	const chunks: Uint8Array<ArrayBuffer>[] = [];
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		onChunk(value.byteLength);
	}
	return new Blob(chunks);
}

/** Downloads every file in PYODIDE_FILES from `indexUrl` (a directory URL ending in "/"). */
export async function fetchPyodideFiles(
	indexUrl: string,
	onProgress: (progress: DownloadProgress) => void = () => {},
	fetchFn: typeof fetch = (input, init) => fetch(input, init)
): Promise<PyodideFiles> {
	let loaded = 0;
	const started = performance.now();
	const lengths = new Map<PyodideFileName, number | null>();
	const report = () => {
		const known = [...lengths.values()];
		const total =
			known.length === PYODIDE_FILES.length && known.every((n) => n !== null)
				? known.reduce<number>((a, b) => a + (b ?? 0), 0)
				: null;
		onProgress({ loaded, total, elapsedMs: performance.now() - started });
	};
	const entries = await Promise.all(
		PYODIDE_FILES.map(async (name) => {
			const response = await fetchFn(new URL(name, indexUrl));
			if (!response.ok) throw new Error(`Could not download ${name}: HTTP ${response.status}`);
			const header = response.headers.get('content-length');
			// A compressed response reports its compressed length; progress is then approximate.
			lengths.set(
				name,
				header && !response.headers.get('content-encoding') ? Number(header) : null
			);
			report();
			const bytes = await readBody(response, (n) => {
				loaded += n;
				report();
			});
			return [name, bytes] as const;
		})
	);
	const files = {} as PyodideFiles;
	for (const [name, bytes] of entries) files[name] = bytes;
	return files;
}

/**
 * Compiles `pyodide.asm.wasm` from the handed-in Blob. Typed by us, so that a host serving .wasm
 * with the wrong MIME type cannot stop the streaming compile.
 */
export function compilePyodideModule(wasm: Blob): Promise<WebAssembly.Module> {
	return WebAssembly.compileStreaming(
		new Response(wasm, { headers: { 'content-type': 'application/wasm' } })
	);
}
