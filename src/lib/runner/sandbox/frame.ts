/**
 * The runner sandbox's only script, run in static/runner/frame.html (an opaque-origin frame).
 * Built into the classic script /runner/frame.js by frame-script.ts: no imports at run time.
 *
 * One frame hosts every runtime of its page, each a worker started from the script text the page
 * hands in and named by the number the page gives it. For each, the frame passes on the page's
 * private MessagePort, checks the stored snapshot, and relays the page's commands; it compiles
 * Pyodide's WebAssembly once and hands every worker that module, so a runtime after the first
 * neither compiles nor tiers it up again (docs/decisions/0122-one-frame-for-every-runtime.md).
 * A worker answers the page on its port only; what arrives on the worker's own `postMessage`
 * (which the user's Python can call) is never read here, so a forged or huge message is dropped
 * unopened. The frame's own report (a worker failed) goes on a second private port of that
 * runtime's, cut to a bounded length first; on the window it says only `frame_ready`. It accepts
 * commands only from the page that embeds it.
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
import { compilePyodideModule } from '../pyodide-files';
import { snapshotVerdict } from '../snapshot/verify';

interface Runtime {
	worker: Worker;
	/** The worker's script, revoked when the runtime ends. */
	scriptUrl: string;
	/** The page's private port for this runtime's report, from `boot`. */
	reports: MessagePort;
	interrupt: Int32Array | null;
	/** The URL the worker loads to learn it is still wanted (`init.alive_url`). */
	aliveUrl: string | null;
	initialized: boolean;
}

const page = window.parent;
const runtimes = new Map<number, Runtime>();
/** Pyodide's module, compiled from the first runtime's files: every runtime has the same ones. */
let compiled: Promise<WebAssembly.Module> | null = null;

function toPage(message: FrameMessage): void {
	page.postMessage(message, '*');
}

function fail(reports: MessagePort, message: string): void {
	const report: FrameReport = { type: 'fatal', error: { kind: 'crash', message, traceback: '' } };
	reports.postMessage(report);
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function boot(id: number, workerSource: string, reports: MessagePort): void {
	if (runtimes.has(id)) return;
	const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
	let worker: Worker;
	try {
		worker = new Worker(url);
	} catch (error) {
		URL.revokeObjectURL(url);
		fail(reports, `The runner worker could not start: ${describe(error)}`);
		return;
	}
	worker.onerror = (event) => {
		event.preventDefault();
		// Cut here, in the sandbox: the page must never receive (and structured-clone) a message
		// as long as the program made it (a 128 MB error froze the page for seconds).
		const message = String(event.message || 'unknown error');
		const cut = MESSAGE_LIMITS.maxErrorChars;
		fail(
			reports,
			`The runner worker failed: ${message.length > cut ? `${message.slice(0, cut)}…` : message}`
		);
	};
	runtimes.set(id, {
		worker,
		scriptUrl: url,
		reports,
		interrupt: null,
		aliveUrl: null,
		initialized: false
	});
}

/** The module for `init`'s files, compiled by the first runtime that brings them. */
function compiledModule(command: InitCommand): Promise<WebAssembly.Module> | null {
	const wasm = command.plan.files?.['pyodide.asm.wasm'];
	if (!wasm) return compiled;
	if (!compiled) {
		const pending = compilePyodideModule(wasm);
		// A module that would not compile is reported to that runtime, and the next one tries again.
		pending.catch(() => {
			if (compiled === pending) compiled = null;
		});
		compiled = pending;
	}
	return compiled;
}

function init(id: number, command: InitCommand): void {
	const runtime = runtimes.get(id);
	if (!runtime || runtime.initialized) return;
	runtime.initialized = true;
	const { worker } = runtime;
	// The interrupt buffer needs SharedArrayBuffer, which only a cross-origin isolated frame has.
	if (self.crossOriginIsolated && typeof SharedArrayBuffer === 'function') {
		const buffer = new SharedArrayBuffer(4);
		runtime.interrupt = new Int32Array(buffer);
		command.interrupt_buffer = buffer;
	}
	// Revoked when the page ends this runtime, or with this document: the worker reads that it
	// was ended from it (runner.worker.ts).
	runtime.aliveUrl = URL.createObjectURL(new Blob([''], { type: 'text/javascript' }));
	command.alive_url = runtime.aliveUrl;
	const module = compiledModule(command);
	command.module_from_host = module !== null;
	// The Pyodide files and the snapshot are Blobs: handles, passed on without a copy.
	worker.postMessage(command, command.port ? [command.port] : []);
	if (module) {
		module.then(
			(ready) => toRuntime(id, { type: 'module', module: ready }),
			(error: unknown) => toRuntime(id, { type: 'module', problem: describe(error).slice(0, 200) })
		);
	}
	// Checked here, not in the worker: this frame has WebCrypto, its blob: worker has none, and
	// the check runs while the worker loads Pyodide.
	const snapshot = command.plan.snapshot;
	if (snapshot) {
		void snapshotVerdict(snapshot).then((verdict) =>
			toRuntime(id, verdict, verdict.bytes ? [verdict.bytes] : [])
		);
	}
}

/** To a runtime's worker, if the page has not ended it meanwhile. */
function toRuntime(id: number, command: WorkerCommand, transfer: Transferable[] = []): void {
	runtimes.get(id)?.worker.postMessage(command, transfer);
}

/**
 * Ends a runtime. `terminate()` alone stopped a busy worker at once (the e2e runaway test measured
 * 0 ms of its CPU 1.0-1.9 s after Stop without the revocation), unlike removing its frame, which
 * left it 2 s (docs/decisions/0119-ending-a-stopped-worker.md); the URL is revoked first all the
 * same, so a running program stops itself at its next report whatever the browser does.
 */
function end(id: number): void {
	const runtime = runtimes.get(id);
	if (!runtime) return;
	runtimes.delete(id);
	if (runtime.aliveUrl) URL.revokeObjectURL(runtime.aliveUrl);
	URL.revokeObjectURL(runtime.scriptUrl);
	runtime.worker.onerror = null;
	runtime.worker.terminate();
	runtime.reports.close();
}

window.addEventListener('message', (event) => {
	if (event.source !== page) return;
	const command = parseFrameCommand(event.data);
	if (!command) return;
	switch (command.type) {
		case 'boot':
			boot(command.runtime, command.worker_source, command.reports);
			break;
		case 'init':
			init(command.runtime, command.init);
			break;
		case 'hello':
			// The page adopted a frame started before its scripts ran (prestart.js) and may have
			// missed the frame_ready sent on load, or it ended a runtime and asks whether the frame
			// still answers.
			toPage({ type: 'frame_ready' });
			break;
		case 'interrupt': {
			const interrupt = runtimes.get(command.runtime)?.interrupt;
			if (interrupt) Atomics.store(interrupt, 0, SIGINT);
			break;
		}
		case 'to_worker':
			toRuntime(command.runtime, command.message);
			break;
		case 'end':
			end(command.runtime);
			break;
		default:
			assertNever(command);
	}
});

toPage({ type: 'frame_ready' });
