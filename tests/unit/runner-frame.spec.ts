/**
 * The sandbox frame's script as the build makes it (inline in /runner/frame.html, from
 * sandbox/frame.ts): a classic script with no imports, that starts a worker for each runtime the
 * page names, hands it `init`, the page's port and the WebAssembly module it compiled once, checks
 * a stored snapshot with the same code the page uses (snapshot/verify.ts), and ends a runtime.
 */
import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	MESSAGE_LIMITS,
	NO_SNAPSHOT,
	type InitCommand,
	type PyodideFiles,
	type SnapshotHandle
} from '$lib/runner/protocol';
import { PYODIDE_FILES } from '$lib/runner/pyodide-files';
import { buildFrameScript, frameDocument } from '$lib/runner/sandbox/frame-script';
import { measureSnapshot, snapshotVerdict } from '$lib/runner/snapshot/verify';

let code: string;

beforeAll(async () => {
	({ code } = await buildFrameScript());
}, 60_000);

/** A worker the frame starts: records what the frame posts to it. */
class FakeWorker {
	static started: FakeWorker[] = [];
	posted: { data: unknown; transfer: Transferable[] }[] = [];
	onerror: ((event: { message: string; preventDefault(): void }) => void) | null = null;
	terminated = false;
	constructor(readonly url: string) {
		FakeWorker.started.push(this);
	}
	postMessage(data: unknown, transfer: Transferable[] = []) {
		if (!this.terminated) this.posted.push({ data, transfer });
	}
	terminate() {
		this.terminated = true;
	}
	/** What the frame sent, by command type. */
	sent(type: string) {
		return this.posted.filter((p) => (p.data as { type: string }).type === type);
	}
}

/** The smallest valid WebAssembly module: what the frame compiles in place of Pyodide's. */
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

function files(wasm: Uint8Array<ArrayBuffer> = WASM): PyodideFiles {
	return Object.fromEntries(
		PYODIDE_FILES.map((name) => [name, new Blob([name === 'pyodide.asm.wasm' ? wasm : name])])
	) as PyodideFiles;
}

/** Runs the built script as the frame would, with the page and the worker stood in for. */
function startFrame(options: { crossOriginIsolated?: boolean } = {}) {
	FakeWorker.started = [];
	const toPage: unknown[] = [];
	const page = { postMessage: (message: unknown) => toPage.push(message) };
	let listener: ((event: { source: unknown; data: unknown }) => void) | null = null;
	const window = {
		parent: page,
		addEventListener: (type: string, fn: typeof listener) => {
			if (type === 'message') listener = fn;
		}
	};
	const self = { crossOriginIsolated: options.crossOriginIsolated ?? false };
	// The script's free names resolve to these stand-ins; everything else is Node's own.
	new Function('window', 'self', 'Worker', code)(window, self, FakeWorker);
	return {
		toPage,
		/** The page (or, with `source`, another window) posts `data` to the frame. */
		post: (data: unknown, source: unknown = page) => listener?.({ source, data }),
		worker: (index = 0) => FakeWorker.started[index]
	};
}

/** The page's boot command for runtime `runtime`, with the port the frame reports on. */
function boot(
	workerSource: string,
	reports: MessagePort = new MessageChannel().port2,
	runtime = 0
) {
	return { type: 'boot', runtime, worker_source: workerSource, reports };
}

function bytes(size = 4096): Uint8Array<ArrayBuffer> {
	return new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
}

function initWith(
	snapshot: SnapshotHandle | null,
	withFiles: PyodideFiles | null = null
): InitCommand {
	return {
		type: 'init',
		plan: { ...NO_SNAPSHOT, snapshot, make_snapshot: true, files: withFiles },
		index_url: 'http://127.0.0.1/pyodide/',
		interrupt_buffer: null,
		port: new MessageChannel().port2,
		alive_url: null,
		module_from_host: false
	};
}

/** The frame's verdict on `snapshot`, as its worker receives it. */
async function frameVerdict(snapshot: SnapshotHandle): Promise<unknown> {
	const frame = startFrame();
	frame.post(boot('self.onmessage = () => {}'));
	frame.post({ type: 'init', runtime: 0, init: initWith(snapshot) });
	await expect.poll(() => frame.worker().posted.length).toBe(2);
	return frame.worker().posted[1].data;
}

describe('the sandbox frame script', () => {
	it('is one classic script: no import or export, static or dynamic', () => {
		expect(() => new Script(code)).not.toThrow();
		expect(code).not.toMatch(/^\s*(import|export)\b/m);
		expect(code).not.toMatch(/\bimport\s*\(/);
	});

	it('is inline in frame.html, under a policy that allows only it, by its hash, and blob:', () => {
		const html = frameDocument(code);
		const inline = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
		expect(inline).toBe(code);
		const sha256 = createHash('sha256').update(code).digest('base64');
		const policy = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
		expect(policy?.split('; ')).toEqual([
			"default-src 'none'",
			`script-src 'sha256-${sha256}' blob: 'wasm-unsafe-eval'`,
			'worker-src blob:',
			"connect-src 'none'",
			"base-uri 'none'",
			"form-action 'none'"
		]);
		// The policy comes before the script, so it holds before anything runs.
		expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script>'));
	});

	it('refuses a script with text that would end its <script> element early', () => {
		expect(() => frameDocument('const a = "</script><script>alert(1)";')).toThrow(/early/);
		expect(() => frameDocument('x = 1 <!-- 2')).toThrow(/early/);
	});

	it('says frame_ready on load, and again when the page says hello', () => {
		const frame = startFrame();
		expect(frame.toPage).toEqual([{ type: 'frame_ready' }]);
		frame.post({ type: 'hello' });
		expect(frame.toPage).toEqual([{ type: 'frame_ready' }, { type: 'frame_ready' }]);
	});

	it('starts the worker from the page’s script, hands it init and the port, and relays runs', async () => {
		const frame = startFrame();
		frame.post(boot('self.onmessage = () => {}'));
		expect(frame.worker().url).toMatch(/^blob:/);
		const init = initWith(null);
		frame.post({ type: 'init', runtime: 0, init });
		// With a URL of the frame's own, an empty script, for the worker to load while it computes:
		// once the runtime is ended, the URL no longer loads and the worker stops its run.
		const aliveUrl = (frame.worker().posted[0].data as InitCommand).alive_url;
		expect(frame.worker().posted).toEqual([
			{ data: { ...init, alive_url: aliveUrl }, transfer: [init.port] }
		]);
		expect(aliveUrl).toMatch(/^blob:/);
		const script = await fetch(aliveUrl!);
		expect(await script.text()).toBe('');
		const run = { type: 'run', id: 7, source: 'print(1)', options: {} };
		frame.post({ type: 'to_worker', runtime: 0, message: run });
		expect(frame.worker().posted[1]).toEqual({ data: run, transfer: [] });
	});

	it('hosts several runtimes, each command going to the runtime it names', () => {
		const frame = startFrame({ crossOriginIsolated: true });
		frame.post(boot('a', undefined, 3));
		frame.post(boot('b', undefined, 4));
		frame.post(boot('again', undefined, 3)); // a runtime boots once
		expect(FakeWorker.started).toHaveLength(2);
		frame.post({ type: 'init', runtime: 4, init: initWith(null) });
		frame.post({ type: 'init', runtime: 3, init: initWith(null) });
		const run = { type: 'run', id: 1, source: 'x', options: {} };
		frame.post({ type: 'to_worker', runtime: 4, message: run });
		frame.post({ type: 'to_worker', runtime: 9, message: run }); // no such runtime
		frame.post({ type: 'interrupt', runtime: 4 });
		const [three, four] = [frame.worker(0), frame.worker(1)];
		expect(three.sent('run')).toEqual([]);
		expect(four.sent('run')).toEqual([{ data: run, transfer: [] }]);
		const buffer = (runtime: FakeWorker) =>
			new Int32Array((runtime.sent('init')[0].data as InitCommand).interrupt_buffer!);
		expect(buffer(four)[0]).toBe(2); // SIGINT
		expect(buffer(three)[0]).toBe(0);
		// Each has its own liveness URL.
		const alive = (runtime: FakeWorker) => (runtime.sent('init')[0].data as InitCommand).alive_url;
		expect(alive(three)).not.toBe(alive(four));
	});

	it('compiles Pyodide’s WebAssembly once and hands every runtime that same module', async () => {
		const frame = startFrame();
		for (const runtime of [0, 1]) {
			frame.post(boot('x', undefined, runtime));
			frame.post({ type: 'init', runtime, init: initWith(null, files()) });
		}
		const [first, second] = [frame.worker(0), frame.worker(1)];
		// Told at init, so the worker waits for the module instead of compiling its own.
		for (const runtime of [first, second]) {
			expect(runtime.sent('init')[0].data).toMatchObject({ module_from_host: true });
		}
		await expect.poll(() => second.sent('module').length).toBe(1);
		await expect.poll(() => first.sent('module').length).toBe(1);
		const module = (runtime: FakeWorker) =>
			(runtime.sent('module')[0].data as { module: WebAssembly.Module }).module;
		expect(module(first)).toBeInstanceOf(WebAssembly.Module);
		expect(module(second)).toBe(module(first));
	});

	it('tells the runtime why its module did not compile, and compiles afresh for the next', async () => {
		const frame = startFrame();
		frame.post(boot('x', undefined, 0));
		frame.post({ type: 'init', runtime: 0, init: initWith(null, files(new Uint8Array([1, 2]))) });
		await expect.poll(() => frame.worker(0).sent('module').length).toBe(1);
		expect(frame.worker(0).sent('module')[0].data).toEqual({
			type: 'module',
			problem: expect.any(String)
		});
		frame.post(boot('x', undefined, 1));
		frame.post({ type: 'init', runtime: 1, init: initWith(null, files()) });
		await expect.poll(() => frame.worker(1).sent('module').length).toBe(1);
		expect(frame.worker(1).sent('module')[0].data).toEqual({
			type: 'module',
			module: expect.any(WebAssembly.Module)
		});
	});

	it('ends a runtime: its worker terminated, its liveness URL revoked, later commands dropped', async () => {
		const frame = startFrame();
		frame.post(boot('a', undefined, 0));
		frame.post(boot('b', undefined, 1));
		frame.post({ type: 'init', runtime: 0, init: initWith(null) });
		const aliveUrl = (frame.worker(0).sent('init')[0].data as InitCommand).alive_url!;
		frame.post({ type: 'end', runtime: 0 });
		expect(frame.worker(0).terminated).toBe(true);
		expect(frame.worker(1).terminated).toBe(false);
		// A worker still computing loads this URL to learn it was ended (runner.worker.ts).
		await expect(fetch(aliveUrl)).rejects.toThrow();
		frame.post({
			type: 'to_worker',
			runtime: 0,
			message: { type: 'run', id: 1, source: 'x', options: {} }
		});
		expect(frame.worker(0).posted).toHaveLength(1);
		// Runtime 1 lives on: booting it again starts nothing.
		frame.post(boot('c', undefined, 1));
		expect(FakeWorker.started).toHaveLength(2);
	});

	it('reports its worker’s failure on the page’s private port, cut short, and never on the window', async () => {
		const frame = startFrame();
		const channel = new MessageChannel();
		const reports: unknown[] = [];
		channel.port1.onmessage = (event) => reports.push(event.data);
		frame.post(boot('x', channel.port2));
		frame.worker().onerror?.({ message: 'E'.repeat(1_000_000), preventDefault() {} });
		await expect.poll(() => reports.length).toBe(1);
		const [report] = reports as { type: string; error: { message: string } }[];
		expect(report.type).toBe('fatal');
		expect(report.error.message.length).toBeLessThan(MESSAGE_LIMITS.maxErrorChars + 100);
		expect(report.error.message.endsWith('…')).toBe(true);
		// The window heard only the handshake.
		expect(frame.toPage).toEqual([{ type: 'frame_ready' }]);
		channel.port1.close();
	});

	it('ignores other windows and commands it cannot read', () => {
		const frame = startFrame();
		frame.post(boot('x'), { postMessage() {} });
		frame.post({ ...boot('x'), worker_source: 42 });
		frame.post({ type: 'navigate', url: 'https://example.test/' });
		expect(FakeWorker.started).toEqual([]);
	});

	it('gives the worker an interrupt buffer when cross-origin isolated', () => {
		const frame = startFrame({ crossOriginIsolated: true });
		frame.post(boot('x'));
		frame.post({ type: 'init', runtime: 0, init: initWith(null) });
		const sent = frame.worker().posted[0].data as InitCommand;
		expect(sent.interrupt_buffer).toBeInstanceOf(SharedArrayBuffer);
		frame.post({ type: 'interrupt', runtime: 0 });
		expect(new Int32Array(sent.interrupt_buffer!)[0]).toBe(2); // SIGINT
	});

	it('passes a snapshot that matches the page’s record, handing over its bytes', async () => {
		const data = bytes();
		const verdict = (await frameVerdict(await measureSnapshot(new Blob([data])))) as {
			bytes: ArrayBuffer;
		};
		expect(Buffer.from(verdict.bytes).equals(Buffer.from(data))).toBe(true);
	});

	it.each([
		['one bit flipped', (h: SnapshotHandle, d: Uint8Array) => ({ ...h, blob: flip(d) })],
		['another length', (h: SnapshotHandle) => ({ ...h, length: h.length + 1 })],
		['another hash', (h: SnapshotHandle) => ({ ...h, sha256: '0'.repeat(64) })]
	])(
		'refuses a snapshot with %s, in the same words as the page’s own check',
		async (_name, damage) => {
			const data = bytes();
			const handle = damage(await measureSnapshot(new Blob([data])), data);
			const verdict = await frameVerdict(handle);
			expect(verdict).toMatchObject({ type: 'snapshot', problem: expect.any(String) });
			expect(verdict).toEqual(await snapshotVerdict(handle));
		}
	);
});

function flip(data: Uint8Array): Blob {
	const copy = data.slice();
	copy[100] ^= 1;
	return new Blob([copy]);
}
