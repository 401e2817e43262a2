// The Pyodide files the runner needs, by file name: the one list, in plain JavaScript so that
// scripts/copy-pyodide.js (run by Node before the build) and the TypeScript (pyodide-files.ts)
// both read it.
export const PYODIDE_FILES = /** @type {const} */ ([
	'pyodide.mjs',
	'pyodide.asm.mjs',
	'pyodide.asm.wasm',
	'python_stdlib.zip',
	'pyodide-lock.json'
]);
