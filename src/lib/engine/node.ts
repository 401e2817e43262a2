/**
 * Node-only helpers: read the engine's Python files from disk (plain Node and tsx cannot run
 * Vite's import.meta.glob) and start an engine on the npm package's Pyodide.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from './engine';
import { loadRuntime, type RuntimeOptions } from './pyodide';

const PYTHON_ROOT = fileURLToPath(new URL('./python/', import.meta.url));

/** The engine's Python package: path inside the package root (e.g. "playground/loop.py") → text. */
export function readPythonSources(root: string = PYTHON_ROOT): Record<string, string> {
	const sources: Record<string, string> = {};
	const visit = (dir: string): void => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const full = join(dir, entry.name);
			if (entry.isDirectory()) {
				if (entry.name !== '__pycache__') visit(full);
			} else if (entry.name.endsWith('.py')) {
				sources[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
			}
		}
	};
	visit(root);
	return sources;
}

/** Load Pyodide from the npm package and create an engine on it. */
export async function createNodeEngine(options: RuntimeOptions = {}): Promise<Engine> {
	const pyodide = await loadRuntime(options);
	return Engine.create(pyodide, readPythonSources());
}
