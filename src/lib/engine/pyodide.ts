/**
 * Loading Pyodide, in a browser worker or in Node. One function, so that the runner worker, the
 * command-line tool, the tests and the benchmarks all start the runtime the same way.
 */
import type { PyodideAPI } from 'pyodide';
import { withAtomicSignalCheck } from './signal-check';

export type { PyodideAPI };

type LoadPyodide = (config?: Record<string, unknown>) => Promise<PyodideAPI>;

export interface RuntimeOptions {
	/**
	 * Where pyodide.asm.wasm, python_stdlib.zip and pyodide-lock.json are served from, e.g.
	 * "/pyodide/" in the browser. Omitted in Node: the `pyodide` package finds its own files.
	 */
	indexURL?: string;
	/**
	 * The `loadPyodide` function to use. A browser worker passes the one it imported from
	 * `${indexURL}pyodide.mjs` (served from our own origin); by default the npm package's.
	 */
	loadPyodide?: LoadPyodide;
	/** A memory snapshot to start from (Pyodide's private `_loadSnapshot`). */
	snapshot?: Uint8Array | ArrayBuffer;
	/** Make a snapshot possible later (Pyodide's private `_makeSnapshot`). */
	makeSnapshot?: boolean;
	/** Where Pyodide's own stdout/stderr go (the engine captures the user's output itself). */
	stdout?: (line: string) => void;
	stderr?: (line: string) => void;
}

/** Start Pyodide and return its API. */
export async function loadRuntime(options: RuntimeOptions = {}): Promise<PyodideAPI> {
	const load: LoadPyodide =
		options.loadPyodide ?? ((await import('pyodide')).loadPyodide as LoadPyodide);
	const config: Record<string, unknown> = {};
	if (options.indexURL !== undefined) config.indexURL = options.indexURL;
	if (options.snapshot !== undefined) config._loadSnapshot = options.snapshot;
	if (options.makeSnapshot) config._makeSnapshot = true;
	if (options.stdout) config.stdout = options.stdout;
	if (options.stderr) config.stderr = options.stderr;
	return withAtomicSignalCheck(load)(config);
}
