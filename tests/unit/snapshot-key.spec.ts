import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPythonSources } from '../../src/lib/engine/python-files';
import { pythonSources } from '../../src/lib/engine/python-sources';
import { pyodideManifest, pyodidePackageDir } from '../../scripts/copy-pyodide.js';
import {
	engineSourcesText,
	hashPythonSources,
	parseManifest,
	SHA256_HEX,
	sha256Hex,
	snapshotKey,
	type PyodideManifest
} from '../../src/lib/runner/snapshot/key';
import { PYODIDE_FILES } from '../../src/lib/runner/pyodide-files';

function manifest(): PyodideManifest {
	const files: PyodideManifest['files'] = {};
	PYODIDE_FILES.forEach((name, i) => {
		files[name] = { bytes: 1000 + i, sha256: createHash('sha256').update(name).digest('hex') };
	});
	return { version: '314.0.7', files };
}

const sources = { 'playground/run.py': 'def run(): ...\n', 'playground/loop.py': 'X = 1\n' };

describe('sha256Hex', () => {
	it('matches Node’s own SHA-256 for bytes, views and strings', async () => {
		const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff);
		const expected = createHash('sha256').update(bytes).digest('hex');
		expect(await sha256Hex(bytes)).toBe(expected);
		expect(await sha256Hex(bytes.buffer)).toBe(expected);
		const view = new Uint8Array(bytes.buffer, 10, 100);
		expect(await sha256Hex(view)).toBe(createHash('sha256').update(view).digest('hex'));
		expect(await sha256Hex('héllo')).toBe(createHash('sha256').update('héllo').digest('hex'));
	});
});

describe('snapshotKey', () => {
	const engine = 'e'.repeat(64);

	it('is stable for the same files and engine, and names the Pyodide version', async () => {
		const a = await snapshotKey(manifest(), engine);
		expect(await snapshotKey(manifest(), engine)).toBe(a);
		expect(a).toMatch(/^pyodide-314\.0\.7-[0-9a-f]{64}$/);
	});

	it('changes when any Pyodide file changes, in hash or in length', async () => {
		const base = await snapshotKey(manifest(), engine);
		const keys = new Set([base]);
		for (const name of PYODIDE_FILES) {
			const m = manifest();
			m.files[name] = { ...m.files[name], sha256: 'f'.repeat(64) };
			keys.add(await snapshotKey(m, engine));
			const n = manifest();
			n.files[name] = { ...n.files[name], bytes: n.files[name].bytes + 1 };
			keys.add(await snapshotKey(n, engine));
		}
		expect(keys.size).toBe(1 + 2 * PYODIDE_FILES.length);
	});

	it('changes with the engine’s hash', async () => {
		const one = await snapshotKey(manifest(), await hashPythonSources(sources));
		const edited = { ...sources, 'playground/loop.py': 'X = 2\n' };
		const two = await snapshotKey(manifest(), await hashPythonSources(edited));
		expect(one).not.toBe(two);
	});

	it('covers the version of Pyodide', async () => {
		const other = { ...manifest(), version: '314.0.8' };
		expect(await snapshotKey(other, engine)).not.toBe(await snapshotKey(manifest(), engine));
	});

	it('refuses a manifest without a file the snapshot depends on', async () => {
		const m = manifest();
		delete m.files['pyodide.asm.wasm'];
		await expect(snapshotKey(m, engine)).rejects.toThrow(/pyodide\.asm\.wasm/);
	});
});

describe('hashPythonSources', () => {
	it('is the SHA-256 of engineSourcesText, as vite.config.ts computes it with node:crypto', async () => {
		const text = engineSourcesText(sources);
		expect(await hashPythonSources(sources)).toBe(createHash('sha256').update(text).digest('hex'));
		expect(await hashPythonSources(sources)).toMatch(SHA256_HEX);
	});

	it('does not depend on the order of the sources', async () => {
		const reordered = {
			'playground/loop.py': sources['playground/loop.py'],
			'playground/run.py': sources['playground/run.py']
		};
		expect(engineSourcesText(reordered)).toBe(engineSourcesText(sources));
		expect(await hashPythonSources(reordered)).toBe(await hashPythonSources(sources));
	});

	it('changes when an engine source changes, is added or is renamed', async () => {
		const base = await hashPythonSources(sources);
		const edited = { ...sources, 'playground/loop.py': 'X = 2\n' };
		const added = { ...sources, 'playground/extra.py': '' };
		const renamed = {
			'playground/run.py': sources['playground/run.py'],
			'playground/loops.py': sources['playground/loop.py']
		};
		const hashes = await Promise.all([edited, added, renamed].map((s) => hashPythonSources(s)));
		expect(new Set([base, ...hashes]).size).toBe(4);
	});

	it('does not confuse a path boundary with text (length-prefixed)', async () => {
		expect(engineSourcesText({ 'a.py': 'b.py' })).not.toBe(engineSourcesText({ 'a.pyb.py': '' }));
		const one = await hashPythonSources({ 'a.py': 'b.py' });
		const two = await hashPythonSources({ 'a.pyb.py': '' });
		expect(one).not.toBe(two);
	});

	it('refuses an empty package', async () => {
		expect(() => engineSourcesText({})).toThrow(/no engine sources/);
		await expect(hashPythonSources({})).rejects.toThrow(/no engine sources/);
	});
});

describe('ENGINE_SOURCES_SHA256', () => {
	// The build's hash keys every stored snapshot; if it drifted from the run-time hash, a
	// production page and `vite dev` would key the same engine differently (or, worse, a changed
	// engine would restore an old snapshot).
	it('is the run-time hash of the engine’s Python files on disk', async () => {
		expect(ENGINE_SOURCES_SHA256).toMatch(SHA256_HEX);
		expect(ENGINE_SOURCES_SHA256).toBe(await hashPythonSources(readPythonSources()));
	});

	it('is also the hash of the sources the browser bundle writes into Pyodide', async () => {
		expect(Object.keys(pythonSources).sort()).toEqual(Object.keys(readPythonSources()).sort());
		expect(ENGINE_SOURCES_SHA256).toBe(await hashPythonSources(pythonSources));
	});
});

describe('parseManifest', () => {
	it('accepts the manifest scripts/copy-pyodide.js writes', () => {
		const written = pyodideManifest();
		const parsed = parseManifest(JSON.parse(JSON.stringify(written)));
		const pkg = JSON.parse(
			readFileSync(new URL('../../node_modules/pyodide/package.json', import.meta.url), 'utf8')
		) as { version: string };
		expect(parsed.version).toBe(pkg.version);
		const wasm = readFileSync(join(pyodidePackageDir, 'pyodide.asm.wasm'));
		expect(parsed.files['pyodide.asm.wasm']).toEqual({
			bytes: wasm.length,
			sha256: createHash('sha256').update(wasm).digest('hex')
		});
	});

	it('rejects a manifest missing a file or with a malformed hash', () => {
		const missing = manifest() as { version: string; files: Record<string, unknown> };
		delete missing.files['python_stdlib.zip'];
		expect(() => parseManifest(missing)).toThrow(/python_stdlib\.zip/);
		const bad = manifest();
		bad.files['pyodide.asm.wasm'].sha256 = 'not-a-hash';
		expect(() => parseManifest(bad)).toThrow(/pyodide\.asm\.wasm/);
		expect(() => parseManifest(null)).toThrow();
		expect(() => parseManifest({ files: manifest().files })).toThrow(/version/);
	});
});
