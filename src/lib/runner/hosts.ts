/**
 * Where a runner lives. The runtime pool starts one `RunnerHost` per Python runtime and replaces
 * it after a Stop or a crash; a host moves raw messages, and the pool validates them.
 *
 * - `FrameHost` (production): a worker in the page's one `sandbox="allow-scripts"` iframe (an
 *   opaque origin holding none of our data, with a strict Content Security Policy), started from
 *   a `blob:` URL. The page downloads the frame's document, the worker script and the Pyodide
 *   files once and hands them in (the document as `srcdoc`, the files as Blobs every runtime
 *   shares), so the frame loads nothing itself. The frame's handshake (`frame_ready` → `boot`,
 *   `init`) is the host's own: nothing above it sees the frame.
 * - `WorkerHost` (development, and a fallback): a plain worker on our own origin.
 */
import { asset } from '$app/paths';
import { SIGINT } from '$lib/engine/progress';
import workerUrl from './runner.worker.ts?worker&url';
import {
	parseFrameReady,
	type FrameCommand,
	type InitCommand,
	type RunCommand,
	type StartPlan
} from './protocol';
import { downloadProgress, fetchPyodideFiles, type DownloadProgress } from './pyodide-files';
import { snapshotVerdict } from './snapshot/verify';
import { FRAME_DOCUMENT } from './sandbox/frame-document';

export interface RunnerHost {
	/** Every message from the runner, raw and unvalidated. */
	onmessage: ((data: unknown) => void) | null;
	/** The host failed outside the protocol (the worker or frame could not start or died). */
	onfailure: ((message: string) => void) | null;
	/**
	 * The runtime went away with the container it shared with others (the sandbox frame stopped
	 * answering): neither its program nor its start plan is to blame.
	 */
	onlost: ((message: string) => void) | null;
	/**
	 * Begin loading; progress arrives as messages. Python starts once `plan` resolves (the host
	 * loads what it can meanwhile) and the host has completed its own handshake.
	 */
	start(plan: Promise<StartPlan>): void;
	send(command: RunCommand): void;
	/** Ask the running Python to stop through the interrupt buffer (only when `ready.interruptible`). */
	interrupt(): void;
	/**
	 * Whether the runtime's container still answers: the sandbox frame, asked with `hello`, whose
	 * process may have died without a word. False once it was given up (`onlost` has fired).
	 */
	answers(): Promise<boolean>;
	/** Ends the runtime at once, whatever it is doing. */
	destroy(): void;
}

export type HostFactory = () => RunnerHost;

/** An absolute URL for a file in static/, wherever the site is hosted (sub-paths included). */
function staticUrl(path: string): string {
	return new URL(asset(path as '/'), document.baseURI).href;
}

export function pyodideIndexUrl(): string {
	return staticUrl('/pyodide/');
}

/** `load` once per page, its result shared by every host; after a failure the next call retries. */
function sharedOnce<T>(load: () => Promise<T>): () => Promise<T> {
	let pending: Promise<T> | null = null;
	return () =>
		(pending ??= load().catch((error: unknown) => {
			pending = null;
			throw error;
		}));
}

function downloadText(url: string): Promise<string> {
	return fetch(url).then((response) => {
		if (!response.ok) throw new Error(`Could not download the runner: HTTP ${response.status}`);
		return response.text();
	});
}

const loadWorkerSource = sharedOnce(() => downloadText(new URL(workerUrl, document.baseURI).href));

/**
 * The frame's whole document (its policy and its one inline script), handed in as `srcdoc`: a
 * sandboxed frame's own navigation never reaches the service worker, so a frame that loaded its
 * document from the network would not start offline (docs/decisions/0085-offline.md).
 */
const loadFrameDocument = sharedOnce(() => downloadText(staticUrl(`/${FRAME_DOCUMENT}`)));

const downloadListeners = new Set<(progress: DownloadProgress) => void>();
/** The Pyodide files, fetched once per page (the snapshot keeper stores these same Blobs). */
export const loadPyodideFiles = sharedOnce(() =>
	fetchPyodideFiles(pyodideIndexUrl(), (p) => downloadListeners.forEach((fn) => fn(p)))
);

/**
 * The sandbox frame static/runner/prestart.js started while the page loaded, adopted as the
 * page's first frame. Taken only if it is exactly the frame the page would make: its sandbox and
 * permissions were fixed when it navigated and cannot be tightened now, and it holds nothing but
 * our document (set by prestart.js, or by the page once it has the document).
 */
function adoptPrestartedFrame(): HTMLIFrameElement | null {
	const frame = document.getElementById('runner-frame');
	if (!(frame instanceof HTMLIFrameElement)) return null;
	frame.removeAttribute('id'); // the next runtime makes its own
	if (
		frame.getAttribute('sandbox') === 'allow-scripts' &&
		frame.getAttribute('allow') === 'cross-origin-isolated' &&
		!frame.hasAttribute('src')
	) {
		return frame;
	}
	frame.remove();
	return null;
}

/** What a runtime hears when its frame stopped answering and was given up. */
const FRAME_LOST = 'The Python runner stopped answering';

/** How long the frame may take to answer `hello`, before it is given up. */
const FRAME_ANSWER_MS = 5_000;

/** A runtime in the frame, told when the frame is given up with it inside. */
interface FrameMember {
	lost(message: string): void;
}

/**
 * The page's one sandbox frame, which hosts every runtime in a worker of its own
 * (docs/decisions/0122-one-frame-for-every-runtime.md): the spare and every replacement start
 * without a new frame, from a WebAssembly module the frame compiled once. Made on first use
 * (adopting the one prestart.js started), and replaced only when it is lost: its document would
 * not load, or it did not answer when asked. A frame whose process died says nothing at all, so
 * it is asked after a runtime it held ended, and when the watchdog fires on a run in it.
 */
class SandboxFrame {
	/** Resolves on the frame's first `frame_ready`; rejects if its document cannot be loaded. */
	readonly ready: Promise<void>;
	readonly #element: HTMLIFrameElement;
	readonly #hosts = new Set<FrameMember>();
	#nextRuntime = 0;
	#answerTimer: ReturnType<typeof setTimeout> | null = null;
	/** Whoever asked whether the frame answers, told at its answer or when it is given up. */
	#asking: ((answered: boolean) => void)[] = [];
	#givenUp = false;
	#markReady: () => void = () => {};
	readonly #listener = (event: MessageEvent) => {
		// Only our frame speaks for the runner; other windows are ignored. On the window it says
		// only frame_ready: anything else is dropped unread.
		if (event.source !== this.#element.contentWindow || !parseFrameReady(event.data)) return;
		this.#markReady();
		if (this.#answerTimer !== null) clearTimeout(this.#answerTimer);
		this.#answerTimer = null;
		this.#tell(true);
	};

	constructor() {
		const adopted = adoptPrestartedFrame();
		const frame = adopted ?? document.createElement('iframe');
		// allow-scripts without allow-same-origin: an opaque origin with no access to our storage,
		// cookies or DOM, that cannot navigate the page or open windows.
		frame.setAttribute('sandbox', 'allow-scripts');
		// Lets the frame be cross-origin isolated when the page is (for the interrupt buffer).
		frame.setAttribute('allow', 'cross-origin-isolated');
		frame.setAttribute('aria-hidden', 'true');
		frame.setAttribute('tabindex', '-1');
		frame.title = 'Python runner';
		frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
		this.#element = frame;
		const loaded = new Promise<void>((resolve) => (this.#markReady = resolve));
		window.addEventListener('message', this.#listener);
		if (adopted) {
			// Its frame_ready may have come before this listener: ask again.
			this.post({ type: 'hello' });
		} else {
			document.body.appendChild(frame);
		}
		const documentSet = loadFrameDocument().then((html) => {
			// prestart.js may have set this very document already; setting it again would reload it.
			if (frame.getAttribute('srcdoc') !== html) frame.srcdoc = html;
		});
		this.ready = Promise.all([documentSet, loaded]).then(() => {});
		this.ready.catch((error: unknown) =>
			this.#lose(error instanceof Error ? error.message : String(error))
		);
	}

	/** Joins a runtime to this frame: its number in the frame's commands. */
	join(host: FrameMember): number {
		this.#hosts.add(host);
		return this.#nextRuntime++;
	}

	/** A runtime has ended: `end` it in the frame, then make sure the frame still answers. */
	leave(host: FrameMember, runtime: number): void {
		if (!this.#hosts.delete(host)) return;
		this.post({ type: 'end', runtime });
		void this.answers();
	}

	/** Asks the frame whether it still answers; one that does not within 5 s is given up. */
	answers(): Promise<boolean> {
		if (this.#givenUp) return Promise.resolve(false);
		const answer = new Promise<boolean>((resolve) => this.#asking.push(resolve));
		if (this.#answerTimer === null) {
			this.#answerTimer = setTimeout(() => this.#lose(FRAME_LOST), FRAME_ANSWER_MS);
			this.post({ type: 'hello' });
		}
		return answer;
	}

	post(command: FrameCommand, transfer: Transferable[] = []): void {
		// The frame's origin is opaque, so no target origin can name it; nothing secret is sent.
		this.#element.contentWindow?.postMessage(command, '*', transfer);
	}

	/** Gives the frame up: the next runtime gets a new one, and those still in it are told. */
	#lose(message: string): void {
		if (currentFrame === this) currentFrame = null;
		this.#givenUp = true;
		// Newest first: the warm spare fails (and its replacement starts in a new frame) before the
		// active runtime does, so the active one is replaced by a live runtime, not the lost spare.
		const hosts = [...this.#hosts].reverse();
		this.#hosts.clear();
		this.#close();
		for (const host of hosts) host.lost(message);
		this.#tell(false);
	}

	#tell(answered: boolean): void {
		const asking = this.#asking;
		this.#asking = [];
		for (const resolve of asking) resolve(answered);
	}

	#close(): void {
		if (this.#answerTimer !== null) clearTimeout(this.#answerTimer);
		this.#answerTimer = null;
		window.removeEventListener('message', this.#listener);
		// Removing the frame ends its document and, with it, every worker and all their memory.
		this.#element.remove();
	}
}

let currentFrame: SandboxFrame | null = null;

export class FrameHost implements RunnerHost {
	onmessage: ((data: unknown) => void) | null = null;
	onfailure: ((message: string) => void) | null = null;
	onlost: ((message: string) => void) | null = null;
	#frame: SandboxFrame | null = null;
	/** This runtime's number in the frame's commands. */
	#runtime = -1;
	/** The plan with every Pyodide file in it, once `start` has it. */
	#plan: Promise<StartPlan> | null = null;
	#channel: MessageChannel | null = null;
	readonly #reportDownload = (download: DownloadProgress) => {
		const message = downloadProgress(download);
		if (message) this.onmessage?.(message);
	};
	/** The frame's report that this runtime's worker failed comes on this, never on the window. */
	#reports: MessageChannel | null = null;
	readonly #member: FrameMember = { lost: (message) => this.#lost(message) };

	start(plan: Promise<StartPlan>): void {
		void loadWorkerSource().catch(() => {}); // fetched while the frame loads; #boot reports
		// The files come with a stored snapshot (handles read from IndexedDB) or are fetched,
		// while the frame loads.
		this.#plan = plan.then(async (plan) => {
			if (plan.files) return plan;
			downloadListeners.add(this.#reportDownload);
			try {
				return { ...plan, files: await loadPyodideFiles() };
			} finally {
				downloadListeners.delete(this.#reportDownload);
			}
		});
		this.#plan.catch(() => {}); // reported once the frame is ready for it, in #boot
		const frame = (currentFrame ??= new SandboxFrame());
		this.#frame = frame;
		this.#runtime = frame.join(this.#member);
		// A frame that cannot load is reported through #lost, by the frame itself.
		frame.ready.then(
			() => this.#boot(),
			() => {}
		);
	}

	/** The frame is ready: start this runtime's worker, and hand it `init` once the plan is here. */
	#boot(): void {
		const frame = this.#frame;
		if (!frame || !this.#plan) return;
		const runtime = this.#runtime;
		const fail = (error: unknown) => {
			if (this.#frame === frame)
				this.onfailure?.(error instanceof Error ? error.message : String(error));
		};
		// The worker starts at once (evaluating its script takes a third of a second), and gets the
		// files and the snapshot when the page has them.
		const started = loadWorkerSource().then((workerSource) => {
			if (this.#frame !== frame) return;
			// Validated with everything else the runner says: it is the runner's `fatal`.
			const reports = new MessageChannel();
			reports.port1.onmessage = (event) => this.onmessage?.(event.data);
			this.#reports = reports;
			frame.post({ type: 'boot', runtime, worker_source: workerSource, reports: reports.port2 }, [
				reports.port2
			]);
		});
		Promise.all([this.#plan, started]).then(([plan]) => {
			if (this.#frame !== frame) return; // ended while downloading
			// The worker answers on this private channel only. What the user's Python posts with
			// `js.postMessage` goes to the frame, which drops it unread, so a forged or huge
			// message never costs the page a structured-clone.
			const channel = new MessageChannel();
			channel.port1.onmessage = (event) => this.onmessage?.(event.data);
			this.#channel = channel;
			const init: InitCommand = {
				type: 'init',
				plan,
				index_url: pyodideIndexUrl(),
				interrupt_buffer: null, // the frame makes its own, when it is cross-origin isolated
				port: channel.port2,
				alive_url: null, // the frame's own
				module_from_host: false // the frame decides
			};
			frame.post({ type: 'init', runtime, init }, [channel.port2]);
		}, fail);
	}

	send(command: RunCommand): void {
		this.#frame?.post({ type: 'to_worker', runtime: this.#runtime, message: command });
	}

	interrupt(): void {
		this.#frame?.post({ type: 'interrupt', runtime: this.#runtime });
	}

	answers(): Promise<boolean> {
		return this.#frame ? this.#frame.answers() : Promise.resolve(false);
	}

	destroy(): void {
		const frame = this.#frame;
		this.#disconnect();
		frame?.leave(this.#member, this.#runtime);
	}

	/** The frame was given up: this runtime went with it. */
	#lost(message: string): void {
		if (!this.#frame) return;
		this.#disconnect();
		this.onlost?.(message);
	}

	#disconnect(): void {
		for (const channel of [this.#channel, this.#reports]) {
			if (!channel) continue;
			channel.port1.onmessage = null;
			channel.port1.close();
		}
		this.#channel = null;
		this.#reports = null;
		this.#frame = null;
	}
}

export class WorkerHost implements RunnerHost {
	onmessage: ((data: unknown) => void) | null = null;
	onfailure: ((message: string) => void) | null = null;
	onlost: ((message: string) => void) | null = null; // a worker of its own is never lost with others
	#worker: Worker | null = null;
	#interrupt: Int32Array | null = null;

	start(plan: Promise<StartPlan>): void {
		document.getElementById('runner-frame')?.remove(); // prestart.js's, for FrameHost only
		// A module worker: Pyodide 314 refuses classic workers (where importScripts works).
		const worker = new Worker(new URL(workerUrl, document.baseURI), { type: 'module' });
		worker.onmessage = (event) => this.onmessage?.(event.data);
		worker.onerror = (event) => {
			event.preventDefault();
			this.onfailure?.(`The runner worker failed: ${event.message || 'unknown error'}`);
		};
		worker.onmessageerror = () =>
			this.onfailure?.('The runner sent a message that could not be read');
		const buffer = globalThis.crossOriginIsolated ? new SharedArrayBuffer(4) : null;
		if (buffer) this.#interrupt = new Int32Array(buffer);
		this.#worker = worker;
		void plan.then((plan) => {
			if (this.#worker !== worker) return;
			// Without files in the plan the worker fetches them itself: it is on our own origin.
			const init: InitCommand = {
				type: 'init',
				plan,
				index_url: pyodideIndexUrl(),
				interrupt_buffer: buffer,
				port: null,
				alive_url: null,
				module_from_host: false
			};
			worker.postMessage(init);
			// The check the sandbox frame makes in production.
			if (!plan.snapshot) return;
			void snapshotVerdict(plan.snapshot).then((verdict) => {
				if (this.#worker === worker)
					worker.postMessage(verdict, verdict.bytes ? [verdict.bytes] : []);
			});
		});
	}

	send(command: RunCommand): void {
		this.#worker?.postMessage(command);
	}

	interrupt(): void {
		// A KeyboardInterrupt in the running Python, which the engine reports as a limit.
		if (this.#interrupt) Atomics.store(this.#interrupt, 0, SIGINT);
	}

	answers(): Promise<boolean> {
		// A worker of the page's own: its death is an `error` event, never silence.
		return Promise.resolve(this.#worker !== null);
	}

	destroy(): void {
		this.#worker?.terminate();
		this.#worker = null;
	}
}

/** The strongest host the current build supports: the sandbox, except under `vite dev`. */
export function defaultHostFactory(): RunnerHost {
	// Under `vite dev` the worker is an ES module importing other dev-server modules, which an
	// opaque-origin blob worker cannot load; development uses the plain worker instead.
	return import.meta.env.DEV ? new WorkerHost() : new FrameHost();
}
