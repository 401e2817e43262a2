/// <reference lib="webworker" />
/**
 * The runner worker: loads Pyodide, creates the engine, runs programs.
 *
 * Start-up happens in named stages, each reported to the page (download with bytes, CPython,
 * engine). Every command waits on one readiness promise. Errors cross the boundary as data
 * (`{kind, message, traceback}`): the user's exceptions are events inside a result, while
 * failures of the runner itself are `run_failed` / `fatal` messages.
 *
 * In the sandbox this script runs as a `blob:` worker inside an opaque-origin frame whose policy
 * allows no network: the page hands in the Pyodide files as Blobs (`init.plan.files`), and
 * Pyodide's own loader is served from them through a temporary `fetch` override.
 */
import type { PyodideAPI } from 'pyodide';
import { columnBuffers, columnsOfJson } from '$lib/engine/columns';
import { Engine } from '$lib/engine/engine';
import { pythonSources } from '$lib/engine/python-sources';
import {
	assertNever,
	parseWorkerCommand,
	RUNTIME_CLOSED,
	traceChunks,
	type InitCommand,
	type ModuleCommand,
	type PyodideFiles,
	type RunCommand,
	type RunnerError,
	type SnapshotCommand,
	type RunnerMessage
} from './protocol';
import {
	compilePyodideModule,
	downloadProgress,
	fetchPyodideFiles,
	PYODIDE_FILES
} from './pyodide-files';
import { bootRuntime } from './snapshot/boot';
import { SnapshotRejected } from './snapshot/verify';
import { guardWorker } from './worker-guard';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// Captured before any user code runs: Python can reassign globals and prototypes on `js`, not
// these bindings.
const postToPage = scope.postMessage.bind(scope);
const importScript = scope.importScripts.bind(scope);
const postOnPort = MessagePort.prototype.postMessage as (
	this: MessagePort,
	message: unknown,
	transfer: Transferable[]
) => void;
const nativeFetch = scope.fetch.bind(scope);
/** The page's private channel (in the sandbox); null in a plain worker. */
let pagePort: MessagePort | null = null;
/** The sandbox frame's `blob:` URL that loads while the frame lives; null in a plain worker. */
let aliveUrl: string | null = null;

/**
 * Whether the page still wants this runtime. When a frame goes away, Chromium gives its workers
 * still running script two seconds of grace before it ends them by force: a stopped
 * `while True: pass` burned a core for those two seconds, beside the runtime starting in its
 * place. Asked once per report interval while a run goes on (a synchronous load of an empty
 * script, about 2 ms); once the frame has revoked the URL (it ends this runtime) or is gone, it
 * no longer loads, and the run is interrupted (engine/progress.ts) so that the worker returns to
 * its event loop and ends.
 */
function hostAlive(): boolean {
	if (aliveUrl === null) return true;
	try {
		importScript(aliveUrl);
		return true;
	} catch {
		return false;
	}
}

function send(message: RunnerMessage, transfer: Transferable[] = []): void {
	if (pagePort) postOnPort.call(pagePort, message, transfer);
	else postToPage(message, transfer);
}

// Before Pyodide loads, so no program can reach the originals it wraps.
const guard = guardWorker(scope, () =>
	send({ type: 'fatal', error: { kind: 'closed', message: RUNTIME_CLOSED, traceback: '' } })
);

function toRunnerError(kind: RunnerError['kind'], error: unknown): RunnerError {
	if (error instanceof Error) {
		return {
			kind,
			message: `${error.name}: ${error.message}`,
			traceback: String(error.stack ?? '')
		};
	}
	return { kind, message: String(error), traceback: '' };
}

const MIME: Record<string, string> = {
	'.wasm': 'application/wasm',
	'.json': 'application/json',
	'.zip': 'application/zip',
	'.mjs': 'text/javascript'
};

/**
 * Serves the handed-in files to Pyodide's loader in place of the network. Our own Response sets
 * the wasm MIME type, so a host that serves .wasm with the wrong type cannot stall the load.
 */
function serveFilesToLoader(files: PyodideFiles, indexUrl: string): () => void {
	const byUrl = new Map<string, Blob>();
	for (const name of PYODIDE_FILES) byUrl.set(new URL(name, indexUrl).href, files[name]);
	scope.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
		const url = new URL(input instanceof Request ? input.url : String(input), indexUrl).href;
		const file = byUrl.get(url);
		if (!file) return nativeFetch(input, init);
		const ext = url.slice(url.lastIndexOf('.'));
		return Promise.resolve(
			new Response(file, { headers: { 'content-type': MIME[ext] ?? 'application/octet-stream' } })
		);
	};
	return () => {
		scope.fetch = nativeFetch;
	};
}

/**
 * Has Pyodide's loader instantiate a module that is compiled already: the sandbox frame's, which
 * it compiled once for all its runtimes (`init.module_from_host`), or else this worker's own,
 * compiled as soon as the bytes are here. Pyodide compiles only once it holds the snapshot,
 * which the frame is still reading and checking: compiling first overlaps the two. A restore
 * that fails and falls back to a plain load instantiates the same module again.
 */
function instantiateFromPrecompiled(compiled: Promise<WebAssembly.Module>): () => void {
	// Unobserved until the loader instantiates; a failure shows there, as the load's error.
	compiled.catch(() => {});
	const native = WebAssembly.instantiateStreaming;
	WebAssembly.instantiateStreaming = async (_source, imports) => {
		const module = await compiled;
		return { module, instance: await WebAssembly.instantiate(module, imports) };
	};
	return () => {
		WebAssembly.instantiateStreaming = native;
	};
}

function moduleUrl(file: Blob): string {
	// A new Blob over the same bytes (no copy), typed so the worker may import it as a module.
	return URL.createObjectURL(new Blob([file], { type: 'text/javascript' }));
}

interface Runtime {
	pyodide: PyodideAPI;
	engine: Engine;
	interrupt: Int32Array | null;
}

async function start(init: InitCommand): Promise<Runtime> {
	const started = performance.now();
	// The host checks the snapshot while Pyodide's own code loads here; Pyodide awaits the bytes
	// just before it instantiates the interpreter.
	const { plan } = init;
	const snapshot = plan.snapshot ? snapshotBytes : null;
	let files = plan.files;
	if (!files) {
		send({ type: 'progress', stage: 'download', message: 'Downloading Python', progress: 0 });
		let lastReport = 0;
		files = await fetchPyodideFiles(init.index_url, (download) => {
			const now = performance.now();
			const message = downloadProgress(download);
			if (!message || now - lastReport < 100) return;
			lastReport = now;
			send(message);
		});
	}

	send({
		type: 'progress',
		stage: 'python',
		message: snapshot ? 'Restoring Python' : 'Starting CPython',
		progress: 0.55
	});
	const restoreInstantiate = instantiateFromPrecompiled(
		init.module_from_host ? hostModule : compilePyodideModule(files['pyodide.asm.wasm'])
	);
	const restoreFetch = serveFilesToLoader(files, init.index_url);
	const loaderUrl = moduleUrl(files['pyodide.mjs']);
	const asmUrl = moduleUrl(files['pyodide.asm.mjs']);
	let booted: Awaited<ReturnType<typeof bootRuntime>>;
	try {
		const loader = (await import(/* @vite-ignore */ loaderUrl)) as typeof import('pyodide');
		const asm = (await import(/* @vite-ignore */ asmUrl)) as { default: unknown };
		const lockFile = JSON.parse(await files['pyodide-lock.json'].text()) as unknown;
		// From the snapshot when there is one (with a plain load as the fallback), else a plain
		// load that makes a snapshot when the page asks for one (snapshot/boot.ts).
		booted = await bootRuntime({
			snapshot,
			makeSnapshot: plan.make_snapshot,
			sources: pythonSources,
			load: (extra) =>
				loader.loadPyodide({
					indexURL: init.index_url,
					// Accepted by loadPyodide but missing from its public config type.
					...({ createPyodideModule: asm.default, lockFileContents: lockFile } as object),
					...extra,
					stdout: () => {},
					stderr: () => {}
				})
		});
	} finally {
		restoreInstantiate();
		restoreFetch();
		URL.revokeObjectURL(loaderUrl);
		URL.revokeObjectURL(asmUrl);
	}
	const { pyodide, engine } = booted;

	let interrupt: Int32Array | null = null;
	if (init.interrupt_buffer) {
		interrupt = new Int32Array(init.interrupt_buffer);
		pyodide.setInterruptBuffer(interrupt);
	}
	send({
		type: 'ready',
		python: engine.python,
		start_ms: Math.round(performance.now() - started),
		interruptible: interrupt !== null,
		source: booted.source,
		// A Blob reaches the page as a handle, not as a 31.5 MB copy through each hop.
		snapshot: booted.snapshot ? new Blob([booted.snapshot as Uint8Array<ArrayBuffer>]) : null,
		notes: booted.notes
	});
	return { pyodide, engine, interrupt };
}

let receiveSnapshot: (command: SnapshotCommand) => void = () => {};
/** The checked snapshot bytes, once the host's `snapshot` command arrives (only the first counts). */
const snapshotBytes = new Promise<Uint8Array>((resolve, reject) => {
	receiveSnapshot = (command) => {
		receiveSnapshot = () => {};
		if (command.bytes) resolve(new Uint8Array(command.bytes));
		else reject(new SnapshotRejected(command.problem ?? 'no bytes'));
	};
});
snapshotBytes.catch(() => {}); // a rejection is handled by bootRuntime, which awaits it later

let receiveModule: (command: ModuleCommand) => void = () => {};
/** The host's compiled Pyodide module, when `init.module_from_host` promised one. */
const hostModule = new Promise<WebAssembly.Module>((resolve, reject) => {
	receiveModule = (command) => {
		receiveModule = () => {};
		if (command.module) resolve(command.module);
		else
			reject(new Error(`Pyodide's WebAssembly did not compile: ${command.problem ?? 'no module'}`));
	};
});

let runtime: Promise<Runtime> | null = null;
/** Set once the runtime can no longer be trusted to run anything (a fatal Pyodide error). */
let broken = false;

async function run(command: RunCommand): Promise<void> {
	if (!runtime) {
		send({
			type: 'run_failed',
			id: command.id,
			error: { kind: 'internal', message: 'run before init', traceback: '' }
		});
		return;
	}
	const { engine, interrupt } = await runtime;
	if (broken) {
		send({
			type: 'run_failed',
			id: command.id,
			error: { kind: 'crash', message: 'The Python runtime crashed earlier', traceback: '' }
		});
		return;
	}
	if (interrupt) Atomics.store(interrupt, 0, 0);
	guard.runStarted();
	try {
		const json = engine.runJson(
			command.source,
			command.options,
			sendIncrements(command.id, interrupt),
			{ hostAlive }
		);
		const changed = [...engine.interpreterChanges(), ...guard.runEnded()];
		const trace = columnsOfJson(json);
		send({ type: 'result', id: command.id, trace, changed }, trace ? columnBuffers(trace) : []);
	} catch (error) {
		guard.runEnded();
		// An exception out of engine.run is the runner's failure (the engine turns the user's
		// exceptions into events). Out-of-memory and stack overflows in WebAssembly land here and
		// leave Pyodide unusable, so the page replaces this runtime.
		broken = true;
		send({ type: 'run_failed', id: command.id, error: toRunnerError('crash', error) });
	}
}

/**
 * Where a run's increments go: to the page, when Stop must end this worker to stop a run (no
 * interrupt buffer), so the page still has what ran. Where Stop interrupts Python in place, the
 * engine returns the partial trace itself, and the run is not polled.
 */
function sendIncrements(
	id: number,
	interrupt: Int32Array | null
): ((increment: string) => void) | undefined {
	if (interrupt) return undefined;
	return (increment) => {
		const trace = traceChunks(increment);
		send({ type: 'increment', id, trace });
	};
}

scope.onmessage = (event: MessageEvent) => {
	const command = parseWorkerCommand(event.data);
	if (!command) {
		send({
			type: 'fatal',
			error: { kind: 'internal', message: 'invalid command from the page', traceback: '' }
		});
		return;
	}
	switch (command.type) {
		case 'init':
			if (runtime) return;
			pagePort = command.port;
			aliveUrl = command.alive_url;
			// A URL that does not load even now could only ever interrupt every run: not checked.
			if (!hostAlive()) aliveUrl = null;
			runtime = start(command);
			runtime.catch((error: unknown) =>
				send({ type: 'fatal', error: toRunnerError('startup', error) })
			);
			break;
		case 'snapshot':
			receiveSnapshot(command);
			break;
		case 'module':
			receiveModule(command);
			break;
		case 'run':
			void run(command).catch((error: unknown) =>
				send({ type: 'run_failed', id: command.id, error: toRunnerError('internal', error) })
			);
			break;
		default:
			assertNever(command);
	}
};
