/**
 * Every message between the page, the sandbox frame and the runner worker.
 *
 *   page ──FrameCommand──▶ sandbox frame ──WorkerCommand──▶ runner worker (Pyodide)
 *   page ◀──────────────── RunnerMessage ◀──────────────────┘  (the frame relays it unchanged)
 *
 * The runner executes someone else's Python, and that Python can post any message, so the page
 * treats every RunnerMessage as untrusted: `parseRunnerMessage` checks every field and builds
 * fresh objects; anything it rejects ends the run with "runner protocol error". Messages about a
 * run carry its id, and the client drops results whose id is not the current run's.
 */
import {
	runOptionsValidator,
	TRACE_LIMITS,
	traceValidator,
	type RunOptions,
	type TraceEvent
} from '$lib/engine/events';
import {
	Budget,
	ValidationError,
	array,
	arrayBuffer,
	blob,
	boolean,
	literal,
	nullable,
	number,
	object,
	optional,
	string,
	union,
	type Validator
} from '$lib/validate';

/** The Pyodide files the runner needs, by file name. Handed in as Blobs in the sandbox. */
export const PYODIDE_FILES = [
	'pyodide.mjs',
	'pyodide.asm.mjs',
	'pyodide.asm.wasm',
	'python_stdlib.zip',
	'pyodide-lock.json'
] as const;
export type PyodideFileName = (typeof PYODIDE_FILES)[number];
export type PyodideFiles = Record<PyodideFileName, Blob>;

/**
 * A stored memory snapshot, as the page hands it to a runner: the bytes and what the page
 * measured when it stored them. The runner checks length and SHA-256 before it restores.
 */
export interface SnapshotHandle {
	blob: Blob;
	length: number;
	/** Lowercase hex SHA-256, computed by the page. */
	sha256: string;
}

/** Named start-up stages, reported to the page in this order. */
export const START_STAGES = ['download', 'python', 'engine'] as const;
export type StartStage = (typeof START_STAGES)[number];

/** What went wrong in the runner itself (not in the user's program, whose errors are events). */
export interface RunnerError {
	kind: 'startup' | 'crash' | 'internal';
	message: string;
	traceback: string;
}

// ---- page → sandbox frame -------------------------------------------------------------------

export type FrameCommand =
	/** Start the worker from this script text. */
	| { type: 'boot'; worker_source: string }
	/** Hand the worker its `init` (files, snapshot, the page's port); the frame checks the snapshot. */
	| { type: 'init'; init: InitCommand }
	/** Ask a frame the page adopted (static/runner/prestart.js) to say `frame_ready` again. */
	| { type: 'hello' }
	/** Stop the running Python through the interrupt buffer (only when `ready.interruptible`). */
	| { type: 'interrupt' }
	| { type: 'to_worker'; message: WorkerCommand };

// ---- page (via frame) → worker --------------------------------------------------------------

export interface InitCommand {
	type: 'init';
	/** Every Pyodide file, or null to fetch them from `index_url` with progress. */
	files: PyodideFiles | null;
	/** Absolute URL of the directory holding the Pyodide files, ending in "/". */
	index_url: string;
	/** Int32 view target for Pyodide's interrupt buffer, when the frame is cross-origin isolated. */
	interrupt_buffer: SharedArrayBuffer | null;
	/**
	 * In the sandbox: the page's private channel. The worker sends every RunnerMessage on it and
	 * never through its global `postMessage`, which the user's Python can also call.
	 */
	port: MessagePort | null;
	/**
	 * A stored memory snapshot to start from instead of a plain load. The worker ignores the Blob:
	 * its host checks the bytes and sends them in a `snapshot` command (snapshot/verify.ts).
	 */
	snapshot?: SnapshotHandle | null;
	/**
	 * Make a snapshot after a plain load and hand it back in `ready`: without `snapshot`, always;
	 * with one, only when its bytes fail the length or hash check (they replace it).
	 */
	make_snapshot?: boolean;
}

export interface RunCommand {
	type: 'run';
	id: number;
	source: string;
	options: RunOptions;
}

/** The host's verdict on `init.snapshot`: the checked bytes, or why they must not be restored. */
export type SnapshotCommand = { type: 'snapshot' } & ({ bytes: ArrayBuffer } | { problem: string });

export type WorkerCommand = InitCommand | SnapshotCommand | RunCommand;

// ---- runner → page --------------------------------------------------------------------------

export type RunnerMessage =
	/** The sandbox frame has loaded and waits for `boot`. */
	| { type: 'frame_ready' }
	| { type: 'progress'; stage: StartStage; message: string; progress: number | null }
	| {
			type: 'ready';
			python: string;
			start_ms: number;
			interruptible: boolean;
			/** Where Python came from: a memory snapshot or a full load. */
			source?: 'snapshot' | 'full';
			/** A snapshot made before any user code ran, when `init.make_snapshot` asked for one. */
			snapshot?: Blob | null;
			/** Why no snapshot was used or made (for the status line's details). */
			notes?: string[];
	  }
	| { type: 'result'; id: number; events: TraceEvent[] }
	/** The runner failed during run `id` (the user's exceptions are events in a result instead). */
	| { type: 'run_failed'; id: number; error: RunnerError }
	/** The runner cannot continue (start-up failed, the runtime or worker crashed). */
	| { type: 'fatal'; error: RunnerError };

export type RunnerMessageType = RunnerMessage['type'];

// ---- limits on what the page accepts ---------------------------------------------------------

export const MESSAGE_LIMITS = {
	...TRACE_LIMITS,
	/** Work units per message: one per value plus one per 16 characters (about 160 MB of text). */
	budget: 10_000_000,
	/** Longest program source accepted by the worker. */
	maxSource: 1_000_000,
	/** Largest Pyodide file accepted by the worker. */
	maxFileBytes: 64 * 1024 * 1024,
	/** Largest memory snapshot, either way (Pyodide's is about 31.5 MB). */
	maxSnapshotBytes: 512 * 1024 * 1024
} as const;

// ---- validators -----------------------------------------------------------------------------

const shortText = string(TRACE_LIMITS.maxShortString);
const text = string(TRACE_LIMITS.maxString);
const runId = number({ min: 0, integer: true });

const runnerError = object({
	kind: literal('startup', 'crash', 'internal'),
	message: text,
	traceback: text
});

const snapshotBytes = blob(MESSAGE_LIMITS.maxSnapshotBytes);

const runnerMessage = union('type', {
	frame_ready: object({ type: literal('frame_ready') }),
	progress: object({
		type: literal('progress'),
		stage: literal(...START_STAGES),
		message: shortText,
		progress: nullable(number({ min: 0, max: 1 }))
	}),
	ready: object({
		type: literal('ready'),
		python: shortText,
		start_ms: number({ min: 0 }),
		interruptible: boolean(),
		source: optional(literal('snapshot', 'full')),
		snapshot: optional(nullable(snapshotBytes)),
		notes: optional(array(shortText, 10))
	}),
	result: object({
		type: literal('result'),
		id: runId,
		events: traceValidator
	}),
	run_failed: object({ type: literal('run_failed'), id: runId, error: runnerError }),
	fatal: object({ type: literal('fatal'), error: runnerError })
}) as Validator<RunnerMessage>;

const fileBytes = blob(MESSAGE_LIMITS.maxFileBytes);
const pyodideFiles = object({
	'pyodide.mjs': fileBytes,
	'pyodide.asm.mjs': fileBytes,
	'pyodide.asm.wasm': fileBytes,
	'python_stdlib.zip': fileBytes,
	'pyodide-lock.json': fileBytes
}) as Validator<PyodideFiles>;

const sharedBuffer: Validator<SharedArrayBuffer> = (value, path) => {
	if (typeof SharedArrayBuffer === 'undefined' || !(value instanceof SharedArrayBuffer)) {
		throw new ValidationError(path, 'expected a SharedArrayBuffer');
	}
	return value;
};

const messagePort: Validator<MessagePort> = (value, path) => {
	if (typeof MessagePort === 'undefined' || !(value instanceof MessagePort)) {
		throw new ValidationError(path, 'expected a MessagePort');
	}
	return value;
};

const initCommand = object({
	type: literal('init'),
	files: nullable(pyodideFiles),
	index_url: string(2_000),
	interrupt_buffer: nullable(sharedBuffer),
	port: optional(nullable(messagePort)),
	snapshot: optional(
		nullable(
			object({
				blob: snapshotBytes,
				length: number({ min: 0, integer: true }),
				sha256: string(64)
			})
		)
	),
	make_snapshot: optional(boolean())
}) as Validator<InitCommand>;

const workerCommand = union('type', {
	init: initCommand,
	snapshot: object({
		type: literal('snapshot'),
		bytes: optional(arrayBuffer(MESSAGE_LIMITS.maxSnapshotBytes)),
		problem: optional(shortText)
	}),
	run: object({
		type: literal('run'),
		id: runId,
		source: string(MESSAGE_LIMITS.maxSource),
		options: runOptionsValidator
	})
}) as Validator<WorkerCommand>;

function parseWith<T>(validator: Validator<T>, data: unknown): { value: T } | { error: string } {
	try {
		return { value: validator(data, '$', new Budget(MESSAGE_LIMITS.budget)) };
	} catch (error) {
		if (error instanceof ValidationError) return { error: error.message };
		// A hostile getter or proxy could throw anything; it is a rejection all the same.
		return { error: `$: ${error instanceof Error ? error.name : 'invalid value'}` };
	}
}

/** Validates a message from the runner; null when it breaks the protocol in any way. */
export function parseRunnerMessage(data: unknown): RunnerMessage | null {
	const parsed = parseWith(runnerMessage, data);
	return 'value' in parsed ? parsed.value : null;
}

/** Like parseRunnerMessage, but says why a message was rejected (for diagnostics and tests). */
export function explainRunnerMessage(data: unknown): string | null {
	const parsed = parseWith(runnerMessage, data);
	return 'error' in parsed ? parsed.error : null;
}

/** Validates a command arriving in the worker. */
export function parseWorkerCommand(data: unknown): WorkerCommand | null {
	const parsed = parseWith(workerCommand, data);
	return 'value' in parsed ? parsed.value : null;
}

/** Validates the events of a trace on their own (used by tests and tools). */
export function parseTraceEvents(data: unknown): TraceEvent[] | null {
	const parsed = parseWith(traceValidator, data);
	return 'value' in parsed ? parsed.value : null;
}

/** Compile-time exhaustiveness: a switch over a union ends with `default: assertNever(x)`. */
export function assertNever(value: never): never {
	throw new Error(`unhandled message: ${JSON.stringify(value)}`);
}
