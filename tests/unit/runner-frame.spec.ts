/**
 * The sandbox frame's script as the build makes it (inline in /runner/frame.html, from
 * sandbox/frame.ts): a classic script with no imports, that starts the worker, hands it `init` and
 * the page's port, and checks a stored snapshot with the same code the page uses
 * (snapshot/verify.ts).
 */
import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	MESSAGE_LIMITS,
	NO_SNAPSHOT,
	type InitCommand,
	type SnapshotHandle
} from '$lib/runner/protocol';
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
	constructor(readonly url: string) {
		FakeWorker.started.push(this);
	}
	postMessage(data: unknown, transfer: Transferable[] = []) {
		this.posted.push({ data, transfer });
	}
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
		worker: () => FakeWorker.started[0]
	};
}

/** The page's boot command, with the port the frame reports on. */
function boot(workerSource: string, reports: MessagePort = new MessageChannel().port2) {
	return { type: 'boot', worker_source: workerSource, reports };
}

function bytes(size = 4096): Uint8Array<ArrayBuffer> {
	return new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
}

function initWith(snapshot: SnapshotHandle | null): InitCommand {
	return {
		type: 'init',
		plan: { ...NO_SNAPSHOT, snapshot, make_snapshot: true },
		index_url: 'http://127.0.0.1/pyodide/',
		interrupt_buffer: null,
		port: new MessageChannel().port2,
		alive_url: null
	};
}

/** The frame's verdict on `snapshot`, as its worker receives it. */
async function frameVerdict(snapshot: SnapshotHandle): Promise<unknown> {
	const frame = startFrame();
	frame.post(boot('self.onmessage = () => {}'));
	frame.post({ type: 'init', init: initWith(snapshot) });
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
		frame.post({ type: 'init', init });
		// With a URL of the frame's own, an empty script, for the worker to load while it computes:
		// once the frame is removed, the URL no longer loads and the worker stops its run.
		const aliveUrl = (frame.worker().posted[0].data as InitCommand).alive_url;
		expect(frame.worker().posted).toEqual([
			{ data: { ...init, alive_url: aliveUrl }, transfer: [init.port] }
		]);
		expect(aliveUrl).toMatch(/^blob:/);
		const script = await fetch(aliveUrl!);
		expect(await script.text()).toBe('');
		const run = { type: 'run', id: 7, source: 'print(1)', options: {} };
		frame.post({ type: 'to_worker', message: run });
		expect(frame.worker().posted[1]).toEqual({ data: run, transfer: [] });
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
		frame.post({ type: 'init', init: initWith(null) });
		const sent = frame.worker().posted[0].data as InitCommand;
		expect(sent.interrupt_buffer).toBeInstanceOf(SharedArrayBuffer);
		frame.post({ type: 'interrupt' });
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
