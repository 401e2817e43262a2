// Copies the Pyodide runtime from the pinned npm package into static/pyodide/, so the site serves
// it from its own origin (never a CDN) and works offline once loaded.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
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
console.log(`copied Pyodide ${version} to static/pyodide/`);
