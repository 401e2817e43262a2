/**
 * Fetches the Pyodide runtime files as bytes, reporting real download progress.
 *
 * Used by the page (which hands the bytes into the sandboxed runner, whose opaque origin may get
 * no HTTP cache and whose policy allows no network) and by the plain worker in development.
 */
import { PYODIDE_FILES, type PyodideFileName, type PyodideFiles } from './protocol';

export interface DownloadProgress {
	loaded: number;
	/** Total bytes, once every response has said how long it is; null before that. */
	total: number | null;
}

async function readBody(
	response: Response,
	onChunk: (bytes: number) => void
): Promise<ArrayBuffer> {
	if (!response.body) {
		const buffer = await response.arrayBuffer();
		onChunk(buffer.byteLength);
		return buffer;
	}
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		size += value.byteLength;
		onChunk(value.byteLength);
	}
	const out = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return out.buffer;
}

/** Downloads every file in PYODIDE_FILES from `indexUrl` (a directory URL ending in "/"). */
export async function fetchPyodideFiles(
	indexUrl: string,
	onProgress: (progress: DownloadProgress) => void = () => {}
): Promise<PyodideFiles> {
	let loaded = 0;
	const lengths = new Map<PyodideFileName, number | null>();
	const report = () => {
		const known = [...lengths.values()];
		const total =
			known.length === PYODIDE_FILES.length && known.every((n) => n !== null)
				? known.reduce<number>((a, b) => a + (b ?? 0), 0)
				: null;
		onProgress({ loaded, total });
	};
	const entries = await Promise.all(
		PYODIDE_FILES.map(async (name) => {
			const response = await fetch(new URL(name, indexUrl));
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
