/**
 * FrameHost owns its frame's handshake: the frame says `frame_ready`, the host answers with
 * `boot` and `init` itself, and nothing above the host ever sees the handshake. Every runtime of
 * a page shares one frame, which is replaced only when it stops answering. A page, a frame and
 * the network are stood in for.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	NO_SNAPSHOT,
	type FrameCommand,
	type InitCommand,
	type PyodideFiles,
	type StartPlan
} from '$lib/runner/protocol';
import { PYODIDE_FILES } from '$lib/runner/pyodide-files';

const WORKER_SOURCE = 'self.onmessage = () => {};';
const FRAME_DOCUMENT = '<!doctype html><title>Python runner</title>';

/** The sandbox frame as the host sees it: attributes, and a window that records what it is sent. */
class FakeFrame {
	readonly attributes = new Map<string, string>();
	readonly posted: { command: FrameCommand; transfer: Transferable[] }[] = [];
	readonly contentWindow = {
		postMessage: (command: FrameCommand, _origin: string, transfer: Transferable[] = []) =>
			this.posted.push({ command, transfer })
	};
	title = '';
	style = { cssText: '' };
	connected = false;
	/** Each document the frame was given, in order (setting srcdoc loads it). */
	readonly documents: string[] = [];
	set srcdoc(html: string) {
		this.setAttribute('srcdoc', html);
		this.documents.push(html);
	}
	setAttribute(name: string, value: string) {
		this.attributes.set(name, value);
	}
	getAttribute(name: string) {
		return this.attributes.get(name) ?? null;
	}
	hasAttribute(name: string) {
		return this.attributes.has(name);
	}
	removeAttribute(name: string) {
		this.attributes.delete(name);
	}
	remove() {
		this.connected = false;
	}
	commands() {
		return this.posted.map((p) => p.command);
	}
}

let frames: FakeFrame[];
let prestarted: FakeFrame | null;
let listeners: Set<(event: { source: unknown; data: unknown }) => void>;
let fetched: string[];

function files(): PyodideFiles {
	return Object.fromEntries(PYODIDE_FILES.map((name) => [name, new Blob([name])])) as PyodideFiles;
}

beforeEach(() => {
	// hosts.ts fetches the worker script and the Pyodide files once per page: a fresh page each.
	vi.resetModules();
	frames = [];
	prestarted = null;
	listeners = new Set();
	fetched = [];
	vi.stubGlobal('HTMLIFrameElement', FakeFrame);
	vi.stubGlobal('document', {
		baseURI: 'http://site.test/',
		getElementById: (id: string) => (id === 'runner-frame' ? prestarted : null),
		createElement: () => {
			const frame = new FakeFrame();
			frames.push(frame);
			return frame;
		},
		body: { appendChild: (frame: FakeFrame) => (frame.connected = true) }
	});
	vi.stubGlobal('window', {
		addEventListener: (_type: string, fn: never) => listeners.add(fn),
		removeEventListener: (_type: string, fn: never) => listeners.delete(fn)
	});
	vi.stubGlobal('fetch', async (url: URL | string) => {
		fetched.push(String(url));
		const body = /pyodide\//.test(String(url))
			? `bytes of ${url}`
			: /runner\/frame\.html$/.test(String(url))
				? FRAME_DOCUMENT
				: WORKER_SOURCE;
		return new Response(body, { headers: { 'content-length': String(body.length) } });
	});
});

afterEach(() => {
	vi.unstubAllGlobals();
});

/** `data` arrives on the page's window from `source` (by default the host's frame). */
function fromFrame(data: unknown, source: unknown = frames[0]?.contentWindow) {
	for (const listener of listeners) listener({ source, data });
}

async function startHost(plan: StartPlan) {
	const { FrameHost } = await import('$lib/runner/hosts');
	const host = new FrameHost();
	const received: unknown[] = [];
	host.onmessage = (data) => received.push(data);
	host.start(Promise.resolve(plan));
	return { host, received };
}

describe('FrameHost', () => {
	it('answers the frame’s frame_ready itself: boot, then init with the plan and a private port', async () => {
		const plan = { ...NO_SNAPSHOT, make_snapshot: true, files: files() };
		const { host, received } = await startHost(plan);
		const frame = frames[0];
		expect(frame.connected).toBe(true);
		expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
		// The frame loads nothing itself: the host fetches its document and hands it in.
		await vi.waitFor(() => expect(frame.documents).toEqual([FRAME_DOCUMENT]));
		expect(frame.hasAttribute('src')).toBe(false);
		// Beside the worker's script, fetched meanwhile.
		expect(fetched).toHaveLength(2);
		expect(fetched).toContain('http://site.test/runner/frame.html');
		expect(frame.posted).toEqual([]);

		fromFrame({ type: 'frame_ready' });
		await vi.waitFor(() => expect(frame.posted).toHaveLength(2));
		const [boot, init] = frame.posted;
		const bootCommand = boot.command as { type: 'boot'; reports: MessagePort };
		expect(bootCommand).toEqual({
			type: 'boot',
			runtime: 0,
			worker_source: WORKER_SOURCE,
			reports: expect.any(MessagePort)
		});
		expect(boot.transfer).toEqual([bootCommand.reports]);
		const command = init.command as { type: 'init'; runtime: number; init: InitCommand };
		expect(command.runtime).toBe(0);
		// The frame fills in what only it can make: the interrupt buffer, its liveness URL and the
		// compiled module.
		expect(command.init).toMatchObject({
			type: 'init',
			plan,
			interrupt_buffer: null,
			alive_url: null,
			module_from_host: false
		});
		expect(command.init.plan.files).toBe(plan.files);
		expect(init.transfer).toEqual([command.init.port]);

		// The handshake never reaches the pool; what the worker says on the port does.
		expect(received).toEqual([]);
		command.init.port!.postMessage({
			type: 'progress',
			stage: 'python',
			message: 'x',
			progress: 0.5
		});
		await vi.waitFor(() => expect(received).toHaveLength(1));
		host.destroy();
	});

	it('boots once, however often the frame says it is ready, and ignores other windows', async () => {
		const { host } = await startHost({ ...NO_SNAPSHOT, files: files() });
		fromFrame({ type: 'frame_ready' }, { postMessage() {} });
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(frames[0].posted).toEqual([]);
		fromFrame({ type: 'frame_ready' });
		fromFrame({ type: 'frame_ready' });
		await vi.waitFor(() => expect(frames[0].posted).toHaveLength(2));
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(frames[0].commands().map((c) => c.type)).toEqual(['boot', 'init']);
		host.destroy();
	});

	it('hears the frame’s report (its worker failed) on the port boot gave it, never on the window', async () => {
		const { host, received } = await startHost({ ...NO_SNAPSHOT, files: files() });
		const fatal = { type: 'fatal', error: { kind: 'crash', message: 'no worker', traceback: '' } };
		// On the window, even from the frame, anything but frame_ready is dropped unread.
		fromFrame(fatal);
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(received).toEqual([]);
		fromFrame({ type: 'frame_ready' });
		await vi.waitFor(() => expect(frames[0].posted).toHaveLength(2));
		const { reports } = frames[0].posted[0].command as { reports: MessagePort };
		reports.postMessage(fatal);
		await vi.waitFor(() => expect(received).toEqual([fatal]));
		host.destroy();
		reports.postMessage(fatal);
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(received).toHaveLength(1);
	});

	it('fetches the Pyodide files when the plan has none, reporting the download', async () => {
		const { host, received } = await startHost(NO_SNAPSHOT);
		fromFrame({ type: 'frame_ready' });
		await vi.waitFor(() => expect(frames[0].posted).toHaveLength(2));
		const init = (frames[0].posted[1].command as { init: InitCommand }).init;
		expect(Object.keys(init.plan.files ?? {}).sort()).toEqual([...PYODIDE_FILES].sort());
		expect(received.at(-1)).toMatchObject({ type: 'progress', stage: 'download', progress: 0.5 });
		host.destroy();
	});

	it('adopts the frame prestart.js started, and asks it to say frame_ready again', async () => {
		prestarted = new FakeFrame();
		prestarted.setAttribute('sandbox', 'allow-scripts');
		prestarted.setAttribute('allow', 'cross-origin-isolated');
		prestarted.srcdoc = FRAME_DOCUMENT;
		prestarted.connected = true;
		frames.push(prestarted);
		const { host } = await startHost({ ...NO_SNAPSHOT, files: files() });
		expect(frames).toEqual([prestarted]);
		expect(prestarted.commands()).toEqual([{ type: 'hello' }]);
		expect(prestarted.title).toBe('Python runner');
		fromFrame({ type: 'frame_ready' });
		await vi.waitFor(() => expect(prestarted!.posted).toHaveLength(3));
		// It already holds the document: giving it again would load it again.
		expect(prestarted.documents).toEqual([FRAME_DOCUMENT]);
		host.destroy();
	});

	it('refuses a prestarted frame that loads something else, and makes its own', async () => {
		prestarted = new FakeFrame();
		prestarted.setAttribute('sandbox', 'allow-scripts');
		prestarted.setAttribute('allow', 'cross-origin-isolated');
		prestarted.setAttribute('src', 'http://elsewhere.test/');
		prestarted.connected = true;
		await startHost({ ...NO_SNAPSHOT, files: files() });
		expect(prestarted.connected).toBe(false);
		expect(frames).toHaveLength(1);
		await vi.waitFor(() => expect(frames[0].documents).toEqual([FRAME_DOCUMENT]));
	});

	it('starts every runtime of the page in the one frame, each under its own number', async () => {
		const { FrameHost } = await import('$lib/runner/hosts');
		const first = new FrameHost();
		first.start(Promise.resolve({ ...NO_SNAPSHOT, files: files() }));
		fromFrame({ type: 'frame_ready' });
		await vi.waitFor(() => expect(frames[0].posted).toHaveLength(2));
		const second = new FrameHost();
		second.start(Promise.resolve({ ...NO_SNAPSHOT, files: files() }));
		await vi.waitFor(() => expect(frames[0].posted).toHaveLength(4));
		expect(frames).toHaveLength(1);
		expect(frames[0].documents).toHaveLength(1);
		expect(frames[0].commands().map((c) => [c.type, 'runtime' in c ? c.runtime : null])).toEqual([
			['boot', 0],
			['init', 0],
			['boot', 1],
			['init', 1]
		]);
		const run = { type: 'run', id: 3, source: 'x', options: {} } as const;
		second.send(run);
		second.interrupt();
		expect(frames[0].commands().slice(4)).toEqual([
			{ type: 'to_worker', runtime: 1, message: run },
			{ type: 'interrupt', runtime: 1 }
		]);
		first.destroy();
		second.destroy();
	});

	/**
	 * A FrameHost for each name, started in the page's one frame, which has said frame_ready and
	 * been sent every `boot` and `init`; `lost` gathers "name: message" as each is lost.
	 */
	async function runtimesInOneFrame(...names: string[]) {
		const { FrameHost } = await import('$lib/runner/hosts');
		const lost: string[] = [];
		const hosts = names.map((name) => {
			const host = new FrameHost();
			host.start(Promise.resolve({ ...NO_SNAPSHOT, files: files() }));
			host.onlost = (message) => lost.push(`${name}: ${message}`);
			return host;
		});
		fromFrame({ type: 'frame_ready' });
		await vi.waitFor(() => expect(frames[0].posted).toHaveLength(2 * names.length));
		return { FrameHost, hosts, lost };
	}

	it('ends a runtime in the frame, which stays while it answers', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			const {
				FrameHost,
				hosts: [first, second],
				lost
			} = await runtimesInOneFrame('first', 'second');
			first.destroy();
			expect(frames[0].commands().slice(4)).toEqual([
				{ type: 'end', runtime: 0 },
				{ type: 'hello' } // is it still there?
			]);
			fromFrame({ type: 'frame_ready' });
			vi.advanceTimersByTime(10_000);
			expect(frames[0].connected).toBe(true);
			expect(lost).toEqual([]);
			// A later runtime goes into the same frame.
			const third = new FrameHost();
			third.start(Promise.resolve({ ...NO_SNAPSHOT, files: files() }));
			await vi.waitFor(() => expect(frames[0].commands().at(-1)).toMatchObject({ runtime: 2 }));
			expect(frames).toHaveLength(1);
			second.destroy();
			third.destroy();
		} finally {
			vi.useRealTimers();
		}
	});

	it('says whether the frame still answers, asking it once however many ask', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			const {
				hosts: [active, spare],
				lost
			} = await runtimesInOneFrame('active', 'spare');

			const first = active.answers();
			const second = spare.answers();
			expect(frames[0].commands().slice(4)).toEqual([{ type: 'hello' }]);
			fromFrame({ type: 'frame_ready' });
			expect(await Promise.all([first, second])).toEqual([true, true]);

			// Its process died: no answer, so after 5 s it is given up with every runtime in it.
			const unanswered = active.answers();
			vi.advanceTimersByTime(5_000);
			expect(await unanswered).toBe(false);
			expect(lost).toEqual([
				'spare: The Python runner stopped answering',
				'active: The Python runner stopped answering'
			]);
			expect(frames[0].connected).toBe(false);
			expect(await spare.answers()).toBe(false);
		} finally {
			vi.useRealTimers();
		}
	});

	it('gives up a frame that does not answer after a runtime ends: the rest fail, the next gets a new one', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			const {
				FrameHost,
				hosts: [stopped, active, spare],
				lost
			} = await runtimesInOneFrame('stopped', 'active', 'spare');
			stopped.destroy();
			vi.advanceTimersByTime(4_000);
			expect(lost).toEqual([]);
			vi.advanceTimersByTime(1_000);
			expect(frames[0].connected).toBe(false);
			// The newest first, so the pool never promotes a spare that is lost too.
			expect(lost).toEqual([
				'spare: The Python runner stopped answering',
				'active: The Python runner stopped answering'
			]);
			active.destroy();
			// Ending it afterwards changes nothing, and the lost frame is told nothing more.
			spare.destroy();
			expect(frames[0].commands().at(-1)).toEqual({ type: 'hello' });
			const next = new FrameHost();
			next.start(Promise.resolve({ ...NO_SNAPSHOT, files: files() }));
			expect(frames).toHaveLength(2);
			expect(frames[1].connected).toBe(true);
			next.destroy();
		} finally {
			vi.useRealTimers();
		}
	});
});
