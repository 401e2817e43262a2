/**
 * Probe: inside one opaque-origin sandbox frame, how much sooner is a runtime restored from the
 * memory snapshot ready when its worker instantiates a `WebAssembly.Module` the frame compiled
 * once (and V8 has tiered up), against a worker that compiles the module from the bytes afresh,
 * as every runtime did when each had a frame of its own? The measurement behind
 * docs/decisions/0122-one-frame-for-every-runtime.md.
 *
 * The page fetches Pyodide's files once and hands them to a `sandbox="allow-scripts"` frame as
 * Blobs. The frame compiles the module, has one worker load Python in full and make a snapshot,
 * restores once untimed, then starts workers in turn, alternating the two ways, each timed from
 * `new Worker` to the end of a small Python program (compiling, building and encoding objects,
 * about the size of a runner's warm-up). Not part of `npm run bench`: it measures a design, not
 * the playground.
 *
 *     TSX_TSCONFIG_PATH=tsconfig.node.json node --import tsx bench/shared-module.ts
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PYODIDE_FILES } from '../src/lib/runner/pyodide-file-names.js';
import { summarize } from './measure';
import { newProfile } from './page-load';
import { ROOT } from './site';

const PAIRS = Number(process.env.PAIRS ?? 8);

/** The worker: loads Pyodide from the handed-in files, from a snapshot or in full. */
const WORKER = String.raw`
// The runner's frame policy forbids data: scripts, which is how Pyodide tells a module worker.
self.importScripts = () => { throw new Error('no classic scripts'); };
const MIME = { '.wasm': 'application/wasm', '.json': 'application/json', '.zip': 'application/zip' };
onmessage = (event) => main(event).catch((error) => postMessage({ error: String(error && error.stack || error) }));
async function main({ data }) {
	const t = { start: performance.now() };
	const { files, indexUrl, module, snapshot } = data;
	const byUrl = new Map(Object.entries(files).map(([name, blob]) => [indexUrl + name, blob]));
	self.fetch = async (input) => {
		const url = String(input instanceof Request ? input.url : input);
		const ext = url.slice(url.lastIndexOf('.'));
		return new Response(byUrl.get(url), { headers: { 'content-type': MIME[ext] ?? 'application/octet-stream' } });
	};
	const compiled = module
		? Promise.resolve(module)
		: WebAssembly.compileStreaming(new Response(files['pyodide.asm.wasm'], { headers: { 'content-type': 'application/wasm' } }));
	WebAssembly.instantiateStreaming = async (_source, imports) => {
		const m = await compiled;
		return { module: m, instance: await WebAssembly.instantiate(m, imports) };
	};
	const url = (name) => URL.createObjectURL(new Blob([files[name]], { type: 'text/javascript' }));
	const loader = await import(url('pyodide.mjs'));
	const asm = await import(url('pyodide.asm.mjs'));
	t.imported = performance.now();
	const lock = JSON.parse(await files['pyodide-lock.json'].text());
	const pyodide = await loader.loadPyodide({
		indexURL: indexUrl, createPyodideModule: asm.default, lockFileContents: lock,
		stdout: () => {}, stderr: () => {},
		...(snapshot ? { _loadSnapshot: snapshot } : { _makeSnapshot: true })
	});
	t.loaded = performance.now();
	if (!snapshot) {
		pyodide.runPython('import asyncio, random, time, collections, contextlib, dataclasses, functools, itertools, math, typing');
		const bytes = pyodide.makeMemorySnapshot().slice();
		postMessage({ snapshot: bytes }, [bytes.buffer]);
		return;
	}
	// Work of the size of a runner's warm-up: compiling a program, building and encoding objects.
	pyodide.runPython([
		'import json',
		'src = "async def tick(n):\\n    await asyncio.sleep(n)\\n" * 50',
		'compile(src, "program", "exec")',
		'json.dumps([{"n": i, "name": f"Task-{i}"} for i in range(5000)])',
		'sum(i * i for i in range(50000))'
	].join('\n'));
	t.warm = performance.now();
	postMessage({ imports: t.imported - t.start, load: t.loaded - t.imported, warm: t.warm - t.loaded });
}`;

const FRAME = String.raw`<!doctype html><script>
const WORKER = ${JSON.stringify(WORKER).replace(/</g, '\\u003c')};
const workerUrl = URL.createObjectURL(new Blob([WORKER], { type: 'text/javascript' }));
function runtime(message, transfer = []) {
	const started = performance.now();
	const worker = new Worker(workerUrl);
	return new Promise((resolve, reject) => {
		worker.onmessage = ({ data }) => {
			worker.terminate();
			if (data.error) reject(new Error(data.error));
			else resolve({ ...data, total: performance.now() - started });
		};
		worker.onerror = (e) => reject(new Error(e.message));
		worker.postMessage(message, transfer);
	});
}
onmessage = async ({ data: { files, indexUrl, pairs } }) => {
	try {
		const module = await WebAssembly.compileStreaming(new Response(files['pyodide.asm.wasm'], { headers: { 'content-type': 'application/wasm' } }));
		const { snapshot } = await runtime({ files, indexUrl, module });
		await runtime({ files, indexUrl, module, snapshot: snapshot.slice() });
		const results = { fresh: [], shared: [] };
		for (let i = 0; i < pairs; i++) {
			const order = i % 2 ? ['shared', 'fresh'] : ['fresh', 'shared'];
			for (const way of order) {
				const copy = snapshot.slice();
				results[way].push(await runtime({ files, indexUrl, module: way === 'shared' ? module : null, snapshot: copy }, [copy.buffer]));
			}
		}
		parent.postMessage({ results }, '*');
	} catch (error) {
		parent.postMessage({ error: String(error && error.stack || error) }, '*');
	}
};
parent.postMessage('ready', '*');
</script>`;

const PAGE = `<!doctype html><body><script type="module">
const names = ${JSON.stringify(PYODIDE_FILES)};
const files = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await (await fetch('/pyodide/' + n)).blob()])));
const frame = document.createElement('iframe');
frame.setAttribute('sandbox', 'allow-scripts');
frame.srcdoc = ${JSON.stringify(FRAME).replace(/</g, '\\u003c')};
onmessage = (e) => {
	if (e.data === 'ready') frame.contentWindow.postMessage({ files, indexUrl: location.origin + '/pyodide/', pairs: ${PAIRS} }, '*');
	else window.done = e.data;
};
document.body.appendChild(frame);
</script>`;

const PYODIDE = join(ROOT, 'static', 'pyodide');
const server = createServer((req, res) => {
	const path = new URL(req.url ?? '/', 'http://localhost').pathname;
	const name = path.replace(/^\/pyodide\//, '');
	if (path.startsWith('/pyodide/') && (PYODIDE_FILES as readonly string[]).includes(name)) {
		res.writeHead(200, { 'content-type': 'application/octet-stream' });
		res.end(readFileSync(join(PYODIDE, name)));
		return;
	}
	res.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/html' });
	res.end(path === '/' ? PAGE : '');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

interface Timing {
	imports: number;
	load: number;
	warm: number;
	total: number;
}
const profile = await newProfile();
let outcome: { results?: Record<'fresh' | 'shared', Timing[]>; error?: string };
try {
	const page = await profile.newPage();
	page.on('console', (message) => console.log('console:', message.text()));
	page.on('pageerror', (error) => console.log('pageerror:', error.message));
	await page.goto(`${origin}/`);
	await page.waitForFunction(() => (window as unknown as { done?: unknown }).done, null, {
		timeout: Number(process.env.TIMEOUT_MS ?? 600_000)
	});
	outcome = await page.evaluate(() => (window as unknown as { done: typeof outcome }).done);
} finally {
	await profile.close();
	server.close();
}
if (!outcome.results) throw new Error(outcome.error ?? 'no results');
console.log(`${PAIRS} interleaved pairs, one sandbox frame, ms (median):`);
for (const way of ['fresh', 'shared'] as const) {
	const runs = outcome.results[way];
	const row = (key: keyof Timing) =>
		summarize(runs.map((run) => run[key]))
			.median.toFixed(0)
			.padStart(5);
	console.log(
		`  ${way === 'fresh' ? 'compiled afresh ' : 'module shared   '} total ${row('total')}  ` +
			`imports ${row('imports')}  restore ${row('load')}  program ${row('warm')}`
	);
	console.log(`    totals: ${runs.map((run) => run.total.toFixed(0)).join(', ')}`);
}
