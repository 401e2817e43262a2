// Copies the Pyodide runtime from the pinned npm package into static/pyodide/, so the site serves
// it from its own origin (never a CDN) and works offline once loaded. Also writes manifest.json
// (each file's length and SHA-256): the page keys its stored Python memory snapshot by it, so a
// changed file never restores an old snapshot (docs/decisions/0045-memory-snapshot.md).
import { createHash } from 'node:crypto';
import { copyFileSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const source = dirname(require.resolve('pyodide/package.json'));
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'static', 'pyodide');
const files = [
	'pyodide.mjs',
	'pyodide.asm.mjs',
	'pyodide.asm.wasm',
	'python_stdlib.zip',
	'pyodide-lock.json'
];

mkdirSync(target, { recursive: true });
for (const file of files) copyFileSync(join(source, file), join(target, file));
const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
const manifest = { version, files: {} };
for (const file of files) {
	const bytes = readFileSync(join(target, file));
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	manifest.files[file] = { bytes: bytes.length, sha256 };
}
writeFileSync(join(target, 'manifest.json'), JSON.stringify(manifest, null, '\t') + '\n');
console.log(`copied Pyodide ${version} to static/pyodide/`);
