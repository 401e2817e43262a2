/**
 * The engine's Python package as text, bundled by Vite (and vitest) so the browser worker can
 * write it into Pyodide's file system. Plain Node (tsx) cannot run import.meta.glob: use
 * `readPythonSources()` from python-files.ts there.
 */
const modules = import.meta.glob('./python/**/*.py', {
	query: '?raw',
	import: 'default',
	eager: true
}) as Record<string, string>;

/** Path inside the package root (e.g. "playground/loop.py") → source text. */
export const pythonSources: Record<string, string> = Object.fromEntries(
	Object.entries(modules).map(([path, text]) => [path.replace(/^\.\/python\//, ''), text])
);
