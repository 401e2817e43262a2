/**
 * The engine's Python files read from disk, for Node (the command-line tool, tests, and the build
 * itself in vite.config.ts, which cannot use Vite's import.meta.glob as python-sources.ts does).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

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
