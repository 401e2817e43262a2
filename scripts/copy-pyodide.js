// Copies the Pyodide runtime from the pinned npm package into static/pyodide/, so the site serves
// it from its own origin (never a CDN) and works offline once loaded. Also writes manifest.json
// (each file's length and SHA-256): the page keys its stored Python memory snapshot by it, so a
// changed file never restores an old snapshot (docs/decisions/0045-memory-snapshot.md).
import { createHash } from 'node:crypto';
import { copyFileSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PYODIDE_FILES } from '../src/lib/runner/pyodide-file-names.js';

const require = createRequire(import.meta.url);
/** The npm package's folder: the files are copied from here, and the manifest describes them. */
export const pyodidePackageDir = dirname(require.resolve('pyodide/package.json'));
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'static', 'pyodide');
const files = PYODIDE_FILES;

/**
 * The manifest of the Pyodide files in `dir`: the package's version and each file's length and
 * SHA-256. Exported so tests can check it without this script having run.
 */
export function pyodideManifest(dir = pyodidePackageDir) {
	const { version } = JSON.parse(readFileSync(join(pyodidePackageDir, 'package.json'), 'utf8'));
	/** @type {{ version: string, files: Record<string, { bytes: number, sha256: string }> }} */
	const manifest = { version, files: {} };
	for (const file of files) {
		const bytes = readFileSync(join(dir, file));
		const sha256 = createHash('sha256').update(bytes).digest('hex');
		manifest.files[file] = { bytes: bytes.length, sha256 };
	}
	return manifest;
}

function copyPyodide() {
	mkdirSync(target, { recursive: true });
	for (const file of files) copyFileSync(join(pyodidePackageDir, file), join(target, file));
	const manifest = pyodideManifest(target);
	writeFileSync(join(target, 'manifest.json'), JSON.stringify(manifest, null, '\t') + '\n');
	console.log(`copied Pyodide ${manifest.version} to static/pyodide/`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) copyPyodide();
