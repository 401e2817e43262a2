/**
 * Every message between the page, the sandbox frame and the runner worker.
 *
 *   page ──FrameCommand──▶ sandbox frame ──WorkerCommand──▶ runner worker (Pyodide)
 *   page ◀──frame_ready─── sandbox frame (on the window)     │
 *   page ◀──fatal───────── sandbox frame (on a private port) │
 *   page ◀──────────────── RunnerMessage ◀──────────────────┘  (on the page's private port)
 *
 * One sandbox frame hosts every runtime of a page, each in its own worker with private ports of
 * its own, named in the page's commands by a number the page gives it
 * (docs/decisions/0122-one-frame-for-every-runtime.md).
 *
 * The validators below are the definition: every message type is inferred from them, so what
 * the page and the worker accept and what their code expects cannot drift apart.
 *
 * The runner executes someone else's Python, and that Python can post any message, so the page
 * treats every RunnerMessage as untrusted: `parseRunnerMessage` checks every field and builds
 * fresh objects; anything it rejects ends the run with "runner protocol error". Messages about a
 * run carry its id, and the run client drops results whose id is not the current run's.
 */
import { traceColumnsValidator } from '$lib/engine/columns';
import {
	runOptionsValidator,
	TRACE_LIMITS,
	traceValidator,
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
	type Infer,
	type Validator
} from '$lib/validate';
import { PYODIDE_FILES, type PyodideFileName } from './pyodide-files';

/** Named start-up stages, reported to the page in this order. */
const START_STAGES = ['download', 'python', 'engine'] as const;

/** Where a runtime's Python came from: a memory snapshot, or a full load. */
const START_SOURCES = ['snapshot', 'full'] as const;
export type StartSource = (typeof START_SOURCES)[number];

/** What went wrong in the runner itself (not in the user's program, whose errors are events). */
const RUNNER_ERROR_KINDS = ['startup', 'crash', 'internal', 'closed'] as const;

/** What the learner reads when a program closed its own runtime (kind "closed"). */
export const RUNTIME_CLOSED = 'The runtime stopped (your code closed it); starting a fresh one.';

/** How a run ends when its runtime breaks the protocol (the runtime is replaced). */
export const PROTOCOL_ERROR = 'runner protocol error';

export const MESSAGE_LIMITS = {
	...TRACE_LIMITS,
	/** Work units per message: one per value plus one per 16 characters (about 160 MB of text). */
	budget: 10_000_000,
	/** Longest program source accepted by the worker. */
	maxSource: 1_000_000,
	/** Largest Pyodide file accepted by the worker. */
	maxFileBytes: 64 * 1024 * 1024,
	/** Largest memory snapshot, either way (Pyodide's is about 31.5 MB). */
	maxSnapshotBytes: 512 * 1024 * 1024,
	/** Longest runner worker script the frame starts (the build's is about 80 kB). */
	maxWorkerSource: 16 * 1024 * 1024,
	/**
	 * A run's increments cross as chunks of JSON text (`traceChunkList`), each checked for length
	 * before it is parsed, and read one at a time so no chunk holds the page for long. A chunk
	 * holds whole events: one can be a 1,000,000-character line, up to 6 characters a character
	 * in JSON. (A run's result crosses as columns instead: engine/columns.ts.)
	 */
	maxTraceChunkChars: 8 * 1024 * 1024,
	/**
	 * A run at the engine's event cap (200,000 events of 40,000 gathered tasks) was 15.4 million
	 * characters, 31 of the worker's chunks of 512 k.
	 */
	maxTraceChunks: 64,
	/** Longest worker error the frame relays (it cuts longer ones before posting them). */
	maxErrorChars: 2_000,
	/**
	 * Most characters of a run's increments the page keeps (see `increment`): the engine's caps
	 * need about 40 million. Past it the page drops them all, and a Stop shows no partial run.
	 */
	maxIncrementChars: 64 * 1024 * 1024
} as const;

// ---- fields ----------------------------------------------------------------------------------

const shortText = string(TRACE_LIMITS.maxShortString);
const text = string(TRACE_LIMITS.maxString);
const runId = number({ min: 0, integer: true });
const snapshotBytes = blob(MESSAGE_LIMITS.maxSnapshotBytes);
const fileBytes = blob(MESSAGE_LIMITS.maxFileBytes);

/** A value that crosses only by transfer and has nothing to check beyond its class. */
function instanceOf<T>(
	name: string,
	type: (abstract new (...args: never[]) => T) | undefined
): Validator<T> {
	return (value, path) => {
		if (!type || !(value instanceof type)) throw new ValidationError(path, `expected a ${name}`);
		return value;
	};
}

// Absent where the runner is not cross-origin isolated, or outside a browser.
const sharedBuffer = instanceOf(
	'SharedArrayBuffer',
	typeof SharedArrayBuffer === 'undefined' ? undefined : SharedArrayBuffer
);
const messagePort = instanceOf(
	'MessagePort',
	typeof MessagePort === 'undefined' ? undefined : MessagePort
);
const wasmModule = instanceOf(
	'WebAssembly.Module',
	typeof WebAssembly === 'undefined' ? undefined : WebAssembly.Module
);
/** Which of the frame's runtimes a command is for: a number the page gives each one. */
const runtimeId = number({ min: 0, integer: true });

const runnerError = object({
	kind: literal(...RUNNER_ERROR_KINDS),
	message: text,
	traceback: text
});

/** Every Pyodide file, by name, as a Blob (handed into the sandbox as a handle, not a copy). */
const pyodideFiles = object(
	Object.fromEntries(PYODIDE_FILES.map((name) => [name, fileBytes])) as Record<
		PyodideFileName,
		typeof fileBytes
	>
);

/**
 * A stored memory snapshot, as the page hands it to a runner: the bytes and what the page
 * measured when it stored them. The runner's host checks length and SHA-256 before it restores.
 */
const snapshotHandle = object({
	blob: snapshotBytes,
	length: number({ min: 0, integer: true }),
	/** Lowercase hex SHA-256, computed by the page. */
	sha256: string(64)
});

/**
 * How a runtime starts. The page's SnapshotKeeper decides it; the pool hands it to the host and
 * the host, unchanged but for the files it fetched, to the worker.
 */
const startPlan = object({
	/** A stored snapshot to check and restore instead of a plain load; null for a plain load. */
	snapshot: nullable(snapshotHandle),
	/**
	 * Make a snapshot after a plain load and hand it back in `ready`: without `snapshot`, always;
	 * with one, only when its bytes fail the length or hash check (they replace it).
	 */
	make_snapshot: boolean(),
	/** Every Pyodide file (stored with the snapshot, or fetched by the page), or null to fetch. */
	files: nullable(pyodideFiles)
});

// ---- page → sandbox frame → worker ----------------------------------------------------------

const initCommand = object({
	type: literal('init'),
	plan: startPlan,
	/** Absolute URL of the directory holding the Pyodide files, ending in "/". */
	index_url: string(2_000),
	/** Int32 view target for Pyodide's interrupt buffer, when the runner is cross-origin isolated. */
	interrupt_buffer: nullable(sharedBuffer),
	/**
	 * In the sandbox: the page's private channel. The worker sends every RunnerMessage on it and
	 * never through its global `postMessage`, which the user's Python can also call.
	 */
	port: nullable(messagePort),
	/**
	 * In the sandbox: a `blob:` URL of the frame's, an empty script. It loads until the page ends
	 * this runtime (or the frame goes), so a busy worker can tell that it has been ended
	 * (runner.worker.ts, `hostAlive`).
	 */
	alive_url: nullable(string(200)),
	/**
	 * In the sandbox: the frame compiles Pyodide's WebAssembly once for all its runtimes and hands
	 * this worker the module in a `module` command, which the worker waits for instead of
	 * compiling the bytes itself.
	 */
	module_from_host: boolean()
});

const runCommand = object({
	type: literal('run'),
	id: runId,
	source: string(MESSAGE_LIMITS.maxSource),
	options: runOptionsValidator
});

/** The host's verdict on `plan.snapshot`: the checked bytes, or why they must not be restored. */
const snapshotCommand = object({
	type: literal('snapshot'),
	bytes: optional(arrayBuffer(MESSAGE_LIMITS.maxSnapshotBytes)),
	problem: optional(shortText)
});

/** The compiled `pyodide.asm.wasm` the host promised in `init`, or why there is none. */
const moduleCommand = object({
	type: literal('module'),
	module: optional(wasmModule),
	problem: optional(shortText)
});

const workerCommand = union('type', {
	init: initCommand,
	snapshot: snapshotCommand,
	module: moduleCommand,
	run: runCommand
});

/**
 * What the page tells the sandbox frame. The frame takes commands only from the page that embeds
 * it, and checks them all the same: a command it cannot read is dropped.
 */
const frameCommand = union('type', {
	/**
	 * Start a runtime's worker from this script text. `reports` is the page's private port for
	 * the frame's one report about it, that its worker failed: nothing but `frame_ready` crosses
	 * the window.
	 */
	boot: object({
		type: literal('boot'),
		runtime: runtimeId,
		worker_source: string(MESSAGE_LIMITS.maxWorkerSource),
		reports: messagePort
	}),
	/**
	 * Hand a runtime's worker its `init`; the frame adds the interrupt buffer, its liveness URL
	 * and the compiled module, and checks the snapshot.
	 */
	init: object({ type: literal('init'), runtime: runtimeId, init: initCommand }),
	/**
	 * Ask the frame to say `frame_ready` again: one the page adopted (static/runner/prestart.js)
	 * may have said it before the page listened, and a frame whose process died says nothing, so
	 * the page asks after a runtime ends and when the watchdog fires.
	 */
	hello: object({ type: literal('hello') }),
	/** Stop a runtime's running Python through its interrupt buffer (when `ready.interruptible`). */
	interrupt: object({ type: literal('interrupt'), runtime: runtimeId }),
	to_worker: object({ type: literal('to_worker'), runtime: runtimeId, message: workerCommand }),
	/** End a runtime: its worker and everything it holds, whatever it is doing. */
	end: object({ type: literal('end'), runtime: runtimeId })
});

// ---- runner → page ---------------------------------------------------------------------------

const readyMessage = object({
	type: literal('ready'),
	python: shortText,
	start_ms: number({ min: 0 }),
	interruptible: boolean(),
	source: optional(literal(...START_SOURCES)),
	/** A snapshot made before any user code ran, when `plan.make_snapshot` asked for one. */
	snapshot: optional(nullable(snapshotBytes)),
	/** Why no snapshot was used or made (for the status line's details). */
	notes: optional(array(shortText, 10))
});

/** Part of a trace: JSON arrays of events as text, read by `readTrace`. */
const traceChunkList = array(
	string(MESSAGE_LIMITS.maxTraceChunkChars),
	MESSAGE_LIMITS.maxTraceChunks
);

const runnerMessage = union('type', {
	progress: object({
		type: literal('progress'),
		stage: literal(...START_STAGES),
		message: shortText,
		progress: nullable(number({ min: 0, max: 1 }))
	}),
	ready: readyMessage,
	result: object({
		type: literal('result'),
		id: runId,
		/**
		 * The trace as columns (engine/columns.ts), their buffers moved, not copied, read by
		 * `decodeColumns`; null when the engine's output was not a trace (a program replaced the
		 * engine's own code), which the page refuses as it refuses a malformed trace.
		 */
		trace: nullable(traceColumnsValidator),
		/** What the run changed that later runs would see; the runtime is then replaced. */
		changed: array(shortText, 200)
	}),
	/**
	 * While run `id` goes on, on a runtime Stop cannot interrupt in place: the events recorded
	 * since the last increment. Joined, a run's increments are the start of its trace, which is
	 * all a Stop that ends the worker leaves to show.
	 */
	increment: object({ type: literal('increment'), id: runId, trace: traceChunkList }),
	/** The runner failed during run `id` (the user's exceptions are events in a result instead). */
	run_failed: object({ type: literal('run_failed'), id: runId, error: runnerError }),
	/** The runner cannot continue (start-up failed, the runtime or worker crashed). */
	fatal: object({ type: literal('fatal'), error: runnerError })
});

/** The sandbox frame has loaded and waits for `boot`: said to the frame's own host only. */
const frameReady = object({ type: literal('frame_ready') });

// ---- the types, inferred ---------------------------------------------------------------------

export type PyodideFiles = Infer<typeof pyodideFiles>;
export type SnapshotHandle = Infer<typeof snapshotHandle>;
export type StartPlan = Infer<typeof startPlan>;
export type InitCommand = Infer<typeof initCommand>;
export type RunCommand = Infer<typeof runCommand>;
export type SnapshotCommand = Infer<typeof snapshotCommand>;
export type ModuleCommand = Infer<typeof moduleCommand>;
export type WorkerCommand = Infer<typeof workerCommand>;
export type RunnerError = Infer<typeof runnerError>;
export type ReadyMessage = Infer<typeof readyMessage>;
export type RunnerMessage = Infer<typeof runnerMessage>;
export type FrameCommand = Infer<typeof frameCommand>;

/** What the frame itself says on the page's window: its handshake, and nothing else. */
export type FrameMessage = Infer<typeof frameReady>;
/** What the frame says on a runtime's `reports` port (from `boot`): that its worker failed. */
export type FrameReport = Extract<RunnerMessage, { type: 'fatal' }>;

/** A plain load that makes no snapshot: without a keeper, or when the keeper has no answer. */
export const NO_SNAPSHOT: StartPlan = Object.freeze({
	snapshot: null,
	make_snapshot: false,
	files: null
});

// ---- parsing ---------------------------------------------------------------------------------

function parseWith<T>(validator: Validator<T>, data: unknown): { value: T } | { error: string } {
	try {
		return { value: validator(data, '$', new Budget(MESSAGE_LIMITS.budget)) };
	} catch (error) {
		if (error instanceof ValidationError) return { error: error.message };
		// A hostile getter or proxy could throw anything; it is a rejection all the same.
		return { error: `$: ${error instanceof Error ? error.name : 'invalid value'}` };
	}
}

/** A function that validates `data`, returning a fresh value or null when it is invalid. */
function parserOf<T>(validator: Validator<T>): (data: unknown) => T | null {
	return (data) => {
		const parsed = parseWith(validator, data);
		return 'value' in parsed ? parsed.value : null;
	};
}

/** Validates a message from the runner; null when it breaks the protocol in any way. */
export const parseRunnerMessage = parserOf(runnerMessage);

/** Like parseRunnerMessage, but says why a message was rejected (for diagnostics and tests). */
export function explainRunnerMessage(data: unknown): string | null {
	const parsed = parseWith(runnerMessage, data);
	return 'error' in parsed ? parsed.error : null;
}

/** Validates a command arriving in the sandbox frame. */
export const parseFrameCommand = parserOf(frameCommand);

/** Validates a command arriving in the worker. */
export const parseWorkerCommand = parserOf(workerCommand);

/** Validates the events of a trace on their own (used by tests and tools). */
export const parseTraceEvents = parserOf(traceValidator);

/** A trace as the page read it: at most TRACE_LIMITS.maxEvents events, and whether it was cut. */
export interface ReadTrace {
	events: TraceEvent[];
	truncated: boolean;
}

/** Events checked between two pauses of `readTrace` (a few tens of milliseconds on a slow machine). */
const READ_SLICE = 5_000;

/**
 * Reads a trace's chunks (see `maxTraceChunkChars`): parses one chunk at a time and checks its
 * events a slice at a time, yielding to the page between slices, and stops at the page's event
 * cap. Null when a chunk is not a valid list of events.
 */
export async function readTrace(
	chunks: readonly string[],
	yieldToPage: () => Promise<void>
): Promise<ReadTrace | null> {
	const events: TraceEvent[] = [];
	for (const chunk of chunks) {
		if (events.length > 0) await yieldToPage();
		let data: unknown;
		try {
			data = JSON.parse(chunk);
		} catch {
			return null;
		}
		if (!Array.isArray(data)) return null;
		for (let start = 0; start < data.length; start += READ_SLICE) {
			if (start > 0) await yieldToPage();
			const room = TRACE_LIMITS.maxEvents - events.length;
			const checked = parseTraceEvents(data.slice(start, start + Math.min(READ_SLICE, room)));
			if (!checked) return null;
			for (const event of checked) events.push(event);
			// Past the cap: whatever is left of this chunk, and the chunks after it, is not read.
			if (room < READ_SLICE && data.length - start > room) return { events, truncated: true };
		}
	}
	return { events, truncated: false };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_LIST = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_LIST = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * The worker's side of `readTrace`: the engine's JSON list (a whole trace, or an increment) as
 * chunks of whole events, each at most `target` characters unless one event is longer (it is then
 * a chunk of its own), ending one event past the page's cap. The chunks are cut from the engine's
 * own text where its commas separate events, found in one scan, not by parsing and re-encoding
 * every event (a quarter of the time at 10,000 tasks). Text that is not a JSON list crosses as it
 * is, and the page refuses it.
 */
export function traceChunks(json: string, target = 512 * 1024): string[] {
	const chunks: string[] = [];
	const cut = (from: number, to: number) => {
		chunks.push(`[${json.slice(from, to)}]`);
	};
	const open = json.indexOf('[');
	if (open === -1 || json.slice(0, open).trim() !== '') return [json];
	let start = open + 1;
	let lastComma = -1;
	let events = 1;
	let depth = 1;
	let end = json.length;
	let inString = false;
	for (let i = start; i < json.length; i++) {
		const c = json.charCodeAt(i);
		if (inString) {
			if (c === BACKSLASH) i++;
			else if (c === QUOTE) inString = false;
		} else if (c === QUOTE) {
			inString = true;
		} else if (c === OPEN_LIST || c === OPEN_OBJECT) {
			depth++;
		} else if (c === CLOSE_LIST || c === CLOSE_OBJECT) {
			if (--depth === 0) {
				end = i;
				break;
			}
		} else if (c === COMMA && depth === 1) {
			if (i - start > target && lastComma >= start) {
				cut(start, lastComma);
				start = lastComma + 1;
			}
			// One event past the page's cap is enough for the page to say the trace was cut.
			if (events > TRACE_LIMITS.maxEvents) {
				cut(start, i);
				return chunks;
			}
			events++;
			lastComma = i;
		}
	}
	if (end - start > target && lastComma >= start) {
		cut(start, lastComma);
		start = lastComma + 1;
	}
	cut(start, end);
	return chunks;
}

/** Validates the frame's `frame_ready`, which its host answers itself. */
export const parseFrameReady = parserOf(frameReady);

/** Compile-time exhaustiveness: a switch over a union ends with `default: assertNever(x)`. */
export function assertNever(value: never): never {
	throw new Error(`unhandled message: ${JSON.stringify(value)}`);
}
