/**
 * RunnerClient: the one object on the page that runs Python.
 *
 * Components call `run`, `stop` and read `status`; they never post messages. The client owns
 * the runs: it asks the runtime pool (pool.svelte.ts) for a ready runtime, sends the run, drops
 * results of runs that are no longer current, stops runs that do not answer in time (the
 * watchdog), and on Stop interrupts Python in place where it can, or has the pool replace the
 * runtime, so Run works again at once; the run's increments then make the partial run. Runtimes
 * themselves (start-up, the warm spare, replacement, snapshots) are the pool's.
 */
import { analyzeRunInSlices } from '$lib/engine/analyze';
import { decodeColumns, type TraceColumns } from '$lib/engine/columns';
import { ENGINE_CAPS, TRACE_LIMITS, type RunOptions, type TraceEvent } from '$lib/engine/events';
import type { RunModel } from '$lib/engine/model';
import {
	RuntimePool,
	type ReadyRuntime,
	type RunMessage,
	type RunnerStatus,
	type RuntimePoolOptions
} from './pool.svelte';
import { RunIncrements } from './increments';
import { PROTOCOL_ERROR } from './protocol';

export { PROTOCOL_ERROR } from './protocol';
export type { RunnerPhase, RunnerStartup, RunnerStatus } from './pool.svelte';

export type RunOutcome =
	| {
			kind: 'finished';
			events: TraceEvent[];
			model: RunModel;
			/** Sentences about caps that cut the run short (output, trace size, limits); empty when none. */
			notices: string[];
	  }
	| {
			kind: 'stopped';
			reason: string;
			line: number | null;
			/**
			 * The partial run: where the runner stopped the program itself (interrupt buffer), or
			 * as far as its increments reported it before Stop ended the runtime.
			 */
			model?: RunModel;
			/** Its trace (for the replay of the event loop). */
			events?: TraceEvent[];
	  }
	| { kind: 'failed'; message: string };

export interface RunnerClientOptions extends RuntimePoolOptions {
	/** A run that has not answered after this many ms is stopped. */
	watchdogMs?: number;
	/** After an interrupt, how long to wait for the partial result before terminating. */
	interruptGraceMs?: number;
	/** Defaults merged under every run's options. */
	defaults?: RunOptions;
}

export const DEFAULT_RUN_OPTIONS: Required<Pick<RunOptions, 'max_events' | 'max_output_chars'>> = {
	// The page reads no more than these allow (TRACE_LIMITS.maxEvents), a forged trace included.
	max_events: ENGINE_CAPS.maxTaskEvents,
	max_output_chars: ENGINE_CAPS.maxOutputChars
};

const RUNNING: RunnerStatus = { phase: 'running', detail: 'Running', progress: null };

interface PendingRun {
	id: number;
	resolve: (outcome: RunOutcome | Promise<RunOutcome>) => void;
	/** The runtime the run was sent to; null while it waits for one. */
	runtime: ReadyRuntime | null;
	watchdog: ReturnType<typeof setTimeout> | null;
	grace: ReturnType<typeof setTimeout> | null;
	/** Set when Stop or the watchdog asked the runtime to interrupt: the reason to report. */
	stopReason: string | null;
	/** The trace so far, from the runtime's increments (a runtime Stop cannot interrupt). */
	increments: RunIncrements;
	/** When the run was sent to its runtime (performance.now()). */
	sentAt: number;
}

export class RunnerClient {
	readonly #pool: RuntimePool;
	readonly #watchdogMs: number;
	readonly #interruptGraceMs: number;
	readonly #defaults: RunOptions;
	#current: PendingRun | null = null;
	/** True while the current run is in a runtime: the status then says "running". */
	#running = $state(false);
	/** Run ids start at a random point, so Python that forges results cannot guess the current one. */
	#nextId = Math.floor(Math.random() * 2 ** 30);
	#disposed = false;
	/** See RuntimePool.startupSettled: when the page may load its heavier scripts. */
	readonly startupSettled: Promise<void>;
	/** See RuntimePool.firstStartEnded: when the page may do work that only competes with Python. */
	readonly firstStartEnded: Promise<void>;

	constructor(options: RunnerClientOptions = {}) {
		this.#watchdogMs = options.watchdogMs ?? 10_000;
		this.#interruptGraceMs = options.interruptGraceMs ?? 3_000;
		this.#defaults = { ...DEFAULT_RUN_OPTIONS, ...options.defaults };
		this.#pool = new RuntimePool(options, {
			onRunMessage: (runtime, message) => this.#onRunMessage(runtime, message),
			onRuntimeLost: (runtime, message) => {
				const pending = this.#current;
				if (pending?.runtime === runtime) this.#finish(pending, { kind: 'failed', message });
			}
		});
		this.startupSettled = this.#pool.startupSettled;
		this.firstStartEnded = this.#pool.firstStartEnded;
	}

	/** Where the runner stands, for the status line: start-up (the pool's), or running. */
	get status(): RunnerStatus {
		return this.#running ? RUNNING : this.#pool.status;
	}

	/** Runs `source`; a run already in progress is stopped first. Never rejects. */
	async run(source: string, options: RunOptions = {}): Promise<RunOutcome> {
		if (this.#disposed) return { kind: 'failed', message: 'The runner was closed.' };
		// Ended at once, not interrupted: the new run must not queue behind the old one in a
		// runtime that may never answer the interrupt (code inside C).
		if (this.#current) this.#terminate(this.#current, 'Replaced by a new run.', false);
		let pending!: PendingRun;
		const outcome = new Promise<RunOutcome>((resolve) => {
			pending = {
				id: ++this.#nextId,
				resolve,
				runtime: null,
				watchdog: null,
				grace: null,
				stopReason: null,
				increments: new RunIncrements(),
				sentAt: 0
			};
		});
		this.#current = pending;
		void this.#dispatch(pending, source, { ...this.#defaults, ...options });
		return outcome;
	}

	/** Stops the current run, if any. Run works again at once (the warm spare takes over). */
	stop(): void {
		if (this.#current) this.#stop(this.#current, 'Stopped.');
	}

	dispose(): void {
		if (this.#disposed) return;
		this.#disposed = true;
		this.#finish(this.#current, { kind: 'stopped', reason: 'The runner was closed.', line: null });
		this.#pool.dispose();
	}

	/** For measurements and diagnostics: start-up time of the active runtime in ms, 0 until ready. */
	get startMs(): number {
		return this.#pool.startMs;
	}

	/** True when a warm spare runtime is loaded (a Stop or crash then costs no start-up). */
	get spareReady(): boolean {
		return this.#pool.spareReady;
	}

	/** True when Stop can interrupt Python in place (the page is cross-origin isolated). */
	get interruptible(): boolean {
		return this.#pool.interruptible;
	}

	// ---- runs ----------------------------------------------------------------------------------

	async #dispatch(pending: PendingRun, source: string, options: RunOptions): Promise<void> {
		const current = () => this.#current === pending;
		let runtime: ReadyRuntime | null;
		try {
			runtime = await this.#pool.acquire(current);
		} catch (error) {
			this.#finish(pending, {
				kind: 'failed',
				message: error instanceof Error ? error.message : String(error)
			});
			return;
		}
		if (!runtime) return; // stopped or replaced while it waited
		pending.runtime = runtime;
		this.#running = true;
		pending.watchdog = setTimeout(() => this.#onWatchdog(pending), this.#watchdogMs);
		pending.sentAt = performance.now();
		runtime.send({ type: 'run', id: pending.id, source, options });
	}

	#onWatchdog(pending: PendingRun): void {
		const seconds = Math.round(this.#watchdogMs / 100) / 10;
		const reason =
			`The program ran for ${seconds} s of real time without finishing (the watchdog limit), so it was stopped. ` +
			'A loop that never awaits, such as `while True: pass`, or a very long computation does this.';
		// A sandbox frame whose process died is silent too: ask it before blaming the program. One
		// that does not answer is given up, and losing it ends this run with the words that fit.
		void (pending.runtime?.answers() ?? Promise.resolve(true)).then((answered) => {
			if (answered) this.#stop(pending, reason);
		});
	}

	#stop(pending: PendingRun, reason: string): void {
		if (this.#current !== pending) return;
		const runtime = pending.runtime;
		if (runtime?.interruptible && pending.stopReason === null) {
			// Ask Python to stop where it is; the partial trace then names the line. If it does not
			// answer in time (code inside C, like sum(range(10**11))), terminate after all.
			pending.stopReason = reason;
			runtime.interrupt();
			pending.grace = setTimeout(() => this.#terminate(pending, reason), this.#interruptGraceMs);
			return;
		}
		this.#terminate(pending, reason);
	}

	/** Ends the run now; with `partial`, its outcome has what the increments reported of it. */
	#terminate(pending: PendingRun, reason: string, partial = true): void {
		if (this.#current !== pending) return;
		const stopped: RunOutcome = { kind: 'stopped', reason, line: null };
		const realMs = performance.now() - pending.sentAt;
		this.#finish(
			pending,
			partial && pending.runtime ? partialOutcome(pending.increments, stopped, realMs) : stopped
		);
		// A run that never reached a runtime leaves it clean; otherwise the runtime is busy or
		// dirty and is replaced by the spare.
		if (pending.runtime) this.#pool.replace(pending.runtime, reason);
	}

	#finish(pending: PendingRun | null, outcome: RunOutcome | Promise<RunOutcome>): void {
		if (!pending) return;
		if (pending.watchdog) clearTimeout(pending.watchdog);
		if (pending.grace) clearTimeout(pending.grace);
		if (this.#current === pending) {
			this.#current = null;
			this.#running = false;
		}
		pending.resolve(outcome);
	}

	#onRunMessage(runtime: ReadyRuntime, message: RunMessage): void {
		const pending = this.#current;
		// A stale message (an older run, or a runtime that is no longer this run's) is dropped.
		if (!pending || pending.id !== message.id || pending.runtime !== runtime) return;
		if (message.type === 'increment') {
			pending.increments.add(message.trace);
			return;
		}
		if (message.type === 'run_failed') {
			this.#finish(pending, {
				kind: 'failed',
				message: `The Python runtime failed: ${message.error.message}. A fresh one is starting; your code is unchanged.`
			});
			this.#pool.replace(runtime, message.error.message);
			return;
		}
		// What the run changed would be seen by the next run: that one gets a fresh runtime.
		if (message.changed.length > 0) this.#pool.replace(runtime, RUNTIME_CHANGED);
		void this.#read(pending, runtime, message.trace);
	}

	/** Reads the trace a slice at a time, so the page stays responsive, then makes the outcome. */
	async #read(
		pending: PendingRun,
		runtime: ReadyRuntime,
		columns: TraceColumns | null
	): Promise<void> {
		// The watchdog stops waiting: the runtime has answered.
		if (pending.watchdog) clearTimeout(pending.watchdog);
		pending.watchdog = null;
		const trace = columns ? await decodeColumns(columns, yieldToPage) : null;
		if (this.#current !== pending) return;
		if (!trace || 'error' in trace) {
			this.#finish(pending, { kind: 'failed', message: PROTOCOL_ERROR });
			this.#pool.replace(runtime, PROTOCOL_ERROR);
			return;
		}
		const outcome = await outcomeOf(trace.events, pending.stopReason);
		if (this.#current !== pending) return;
		if (trace.truncated && outcome.kind === 'finished') outcome.notices.push(TRACE_TRUNCATED);
		this.#finish(pending, outcome);
	}
}

/** Why a runtime is replaced after a run that changed what later runs depend on. */
const RUNTIME_CHANGED = 'The program changed its runtime; the next run gets a fresh one';

/** The notice for a trace the page cut at its event cap. */
export const TRACE_TRUNCATED =
	`Trace truncated: the page reads at most ${TRACE_LIMITS.maxEvents.toLocaleString('en')} events, ` +
	'so the rest of this run is not shown.';

/** Lets the page handle input and paint between two pieces of work. */
function yieldToPage(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A run's outcome from its trace: finished, or stopped where the interrupt landed. */
async function outcomeOf(events: TraceEvent[], stopReason: string | null): Promise<RunOutcome> {
	let model: RunModel;
	try {
		model = await analyzeRunInSlices(events, yieldToPage);
	} catch (error) {
		return { kind: 'failed', message: `Could not read the run's trace: ${String(error)}` };
	}
	if (stopReason === null) return { kind: 'finished', events, model, notices: noticesOf(events) };
	const limit = events.find((e) => e.kind === 'limit' && e.limit === 'interrupt');
	const line = limit && limit.kind === 'limit' ? limit.line : null;
	const reason = line === null ? stopReason : `${stopReason} (at line ${line})`;
	return { kind: 'stopped', reason, line, model, events };
}

/**
 * A run Stop ended without an interrupt, with the partial run its increments make, if they make
 * one (checked and analysed as a final trace is); without, when they do not.
 */
async function partialOutcome(
	increments: RunIncrements,
	stopped: Extract<RunOutcome, { kind: 'stopped' }>,
	realMs: number
): Promise<RunOutcome> {
	try {
		const events = await increments.read(realMs, yieldToPage);
		if (!events) return stopped;
		return { ...stopped, model: await analyzeRunInSlices(events, yieldToPage), events };
	} catch {
		return stopped;
	}
}

/** Engine notes that say a cap cut the run's output or trace short. */
const CAP_NOTES = new Set(['output_truncated', 'events_truncated']);

/** The sentences a user should see about caps and limits that cut a run short. */
export function noticesOf(events: TraceEvent[]): string[] {
	const notices: string[] = [];
	const traceCapped = events.some((e) => e.kind === 'note' && e.code === 'events_truncated');
	for (const event of events) {
		if (event.kind === 'limit' && event.limit !== 'interrupt') notices.push(event.message);
		if (event.kind === 'note' && CAP_NOTES.has(event.code)) notices.push(event.message);
		if (event.kind === 'run_end' && event.dropped_events > 0 && !traceCapped) {
			notices.push(
				`${event.dropped_events.toLocaleString('en')} trace events were dropped to keep the chart fast.`
			);
		}
	}
	return notices;
}
