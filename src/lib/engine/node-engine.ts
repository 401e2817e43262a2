/**
 * Node-only helpers: read the engine's Python files from disk (plain Node and tsx cannot run
 * Vite's import.meta.glob) and start an engine on the npm package's Pyodide.
 */
import { Engine } from './engine';
import { loadRuntime, type RuntimeOptions } from './pyodide';
import { readPythonSources } from './python-files';

export { readPythonSources };

/** Load Pyodide from the npm package and create an engine on it. */
export async function createNodeEngine(options: RuntimeOptions = {}): Promise<Engine> {
	const pyodide = await loadRuntime(options);
	return Engine.create(pyodide, readPythonSources());
}
