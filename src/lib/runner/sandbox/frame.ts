/**
 * The runner sandbox's only script, run in static/runner/frame.html (an opaque-origin frame).
 * Built into the classic script /runner/frame.js by frame-script.ts: no imports at run time.
 *
 * It starts the runner worker from the script text the page hands in, passes it the page's
 * private MessagePort, checks the stored snapshot for it, and relays the page's commands. The
 * worker answers the page on that port only; what arrives on the worker's own `postMessage`
 * (which the user's Python can call) is never read here, so a forged or huge message is dropped
 * unopened. The frame's own report (its worker failed) goes on a second private port, cut to a
 * bounded length first; on the window it says only `frame_ready`. It accepts commands only from
 * the page that embeds it.
 */
import {
	assertNever,
	MESSAGE_LIMITS,
	parseFrameCommand,
	type FrameMessage,
	type FrameReport,
	type InitCommand,
	type WorkerCommand
} from '../protocol';
import { SIGINT } from '../../engine/progress';
import { snapshotVerdict } from '../snapshot/verify';

const page = window.parent;
let worker: Worker | null = null;
let interrupt: Int32Array | null = null;
let initialized = false;
/** The page's private port for this frame's report, from `boot`. */
let reports: MessagePort | null = null;

function toPage(message: FrameMessage): void {
	page.postMessage(message, '*');
}

function fail(message: string): void {
	const report: FrameReport = { type: 'fatal', error: { kind: 'crash', message, traceback: '' } };
	reports?.postMessage(report);
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function toWorker(command: WorkerCommand, transfer: Transferable[] = []): void {
	worker?.postMessage(command, transfer);
}

function boot(workerSource: string, port: MessagePort): void {
	if (worker) return;
	reports = port;
	const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
	try {
		worker = new Worker(url);
	} catch (error) {
		fail(`The runner worker could not start: ${describe(error)}`);
		return;
	}
	worker.onerror = (event) => {
		event.preventDefault();
		// Cut here, in the sandbox: the page must never receive (and structured-clone) a message
		// as long as the program made it (a 128 MB error froze the page for seconds).
		const message = String(event.message || 'unknown error');
		const cut = MESSAGE_LIMITS.maxErrorChars;
		fail(
			`The runner worker failed: ${message.length > cut ? `${message.slice(0, cut)}…` : message}`
		);
	};
}

function init(command: InitCommand): void {
	if (!worker || initialized) return;
	initialized = true;
	// The interrupt buffer needs SharedArrayBuffer, which only a cross-origin isolated frame has.
	if (self.crossOriginIsolated && typeof SharedArrayBuffer === 'function') {
		const buffer = new SharedArrayBuffer(4);
		interrupt = new Int32Array(buffer);
		command.interrupt_buffer = buffer;
	}
	// Revoked with this document: the worker reads its frame's removal from it (runner.worker.ts).
	command.alive_url = URL.createObjectURL(new Blob([''], { type: 'text/javascript' }));
	// The Pyodide files and the snapshot are Blobs: handles, passed on without a copy.
	toWorker(command, command.port ? [command.port] : []);
	// Checked here, not in the worker: this frame has WebCrypto, its blob: worker has none, and
	// the check runs while the worker loads Pyodide.
	const snapshot = command.plan.snapshot;
	if (snapshot) {
		void snapshotVerdict(snapshot).then((verdict) =>
			toWorker(verdict, verdict.bytes ? [verdict.bytes] : [])
		);
	}
}

window.addEventListener('message', (event) => {
	if (event.source !== page) return;
	const command = parseFrameCommand(event.data);
	if (!command) return;
	switch (command.type) {
		case 'boot':
			boot(command.worker_source, command.reports);
			break;
		case 'init':
			init(command.init);
			break;
		case 'hello':
			// The page adopted a frame started before its scripts ran (prestart.js) and may have
			// missed the frame_ready sent on load.
			toPage({ type: 'frame_ready' });
			break;
		case 'interrupt':
			if (interrupt) Atomics.store(interrupt, 0, SIGINT);
			break;
		case 'to_worker':
			toWorker(command.message);
			break;
		default:
			assertNever(command);
	}
});

toPage({ type: 'frame_ready' });
