/**
 * RunnerClient: the one object on the page that talks to the Python runner.
 *
 * Components call `run`, `stop` and read `status`; they never post messages. The client owns
 * one active runtime (a sandbox frame or worker with Pyodide) and a warm spare, validates every
 * message before use, drops results of runs that are no longer current, stops runs that do not
 * answer in time (the watchdog), and replaces the runtime after a Stop, a crash or a protocol
 * error, so Run works again at once.
 */
import { analyzeRun } from '$lib/engine/analyze';
import type { RunOptions, TraceEvent } from '$lib/engine/events';
import type { RunModel } from '$lib/engine/model';
import {
	defaultHostFactory,
	loadPyodideFiles,
	NO_SNAPSHOT,
	pyodideIndexUrl,
	type HostFactory,
	type RunnerHost,
	type SnapshotInit
} from './hosts';
import { assertNever, parseRunnerMessage, type RunnerMessage } from './protocol';
import { hashPythonSources } from './snapshot/key';
import { SnapshotKeeper, type BootPlan } from './snapshot/keeper';

export type RunnerPhase = 'loading' | 'ready' | 'running' | 'restarting' | 'crashed';

export interface RunnerStatus {
	phase: RunnerPhase;
	/** A sentence for the status line: "Downloading Python 4.1 / 12.3 MB", "Python 3.14.2 ready". */
	detail: string;
	/** 0..1 while loading, null when not meaningful. */
	progress: number | null;
	/** Once ready: where Python came from, how long it took, and why no snapshot was used. */
	startup?: RunnerStartup;
}

export interface RunnerStartup {
	source: 'snapshot' | 'full';
	/** From starting this runtime to Python ready, as the page saw it. */
	ms: number;
	/** Why no snapshot was used or stored, or empty. */
	note: string;
}

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
			/** The partial run, when the runner could stop the program itself (interrupt buffer). */
			model?: RunModel;
	  }
	| { kind: 'failed'; message: string };

export interface RunnerClientOptions {
	/** Creates a runtime host; tests pass a stub. */
	createHost?: HostFactory;
	/** A run that has not answered after this many ms is stopped. */
	watchdogMs?: number;
	/** Start-up fails when no progress arrives for this many ms. */
	startTimeoutMs?: number;
	/** After an interrupt, how long to wait for the partial result before terminating. */
	interruptGraceMs?: number;
	/** Keep a second runtime loaded, so a Stop or crash costs no start-up. */
	keepSpare?: boolean;
	/** Defaults merged under every run's options. */
	defaults?: RunOptions;
	/**
	 * Memory snapshots of a booted Python (snapshot/keeper.ts). By default one keeper per client
	 * in the browser; null turns snapshots off (and in Node, where there is no page to store them).
	 */
	snapshots?: SnapshotKeeper | null;
}

export const DEFAULT_RUN_OPTIONS: Required<Pick<RunOptions, 'max_events' | 'max_output_chars'>> = {
	max_events: 200_000,
	max_output_chars: 200_000
};

export const PROTOCOL_ERROR = 'runner protocol error';

/** One Python runtime: a host plus what the client knows about it. */
class Runtime {
	state: 'loading' | 'ready' | 'failed' = 'loading';
	python = '';
	interruptible = false;
	startMs = 0;
	failure = '';
	readonly ready: Promise<void>;
	resolveReady!: () => void;
	rejectReady!: (error: Error) => void;
	startTimer: ReturnType<typeof setTimeout> | null = null;
	readonly created = performance.now();
	/** How the snapshot keeper said this runtime should start; null until decided, or without one. */
	plan: BootPlan | null = null;
	destroyed = false;
	startup: RunnerStartup | null = null;

	constructor(readonly host: RunnerHost) {
		this.ready = new Promise<void>((resolve, reject) => {
			this.resolveReady = resolve;
			this.rejectReady = reject;
		});
		// A rejection nobody awaits yet is still handled (whoever awaits later sees it).
		this.ready.catch(() => {});
	}
}

interface PendingRun {
	id: number;
	resolve: (outcome: RunOutcome) => void;
	runtime: Runtime | null;
	watchdog: ReturnType<typeof setTimeout> | null;
	grace: ReturnType<typeof setTimeout> | null;
	/** Set when Stop or the watchdog asked the runtime to interrupt: the reason to report. */
	stopReason: string | null;
}

export class RunnerClient {
	status = $state<RunnerStatus>({ phase: 'loading', detail: 'Starting Python', progress: 0 });

	readonly #createHost: HostFactory;
	readonly #watchdogMs: number;
	readonly #startTimeoutMs: number;
	readonly #interruptGraceMs: number;
	readonly #keepSpare: boolean;
	readonly #defaults: RunOptions;
	readonly #snapshots: SnapshotKeeper | null;
	#active: Runtime;
	#spare: Runtime | null = null;
	#current: PendingRun | null = null;
	/** Run ids start at a random point, so Python that forges results cannot guess the current one. */
	#nextId = Math.floor(Math.random() * 2 ** 30);
	#disposed = false;
	/** Set after a Stop or crash until the replacement is ready: the status says "restarting". */
	#restarting = false;
	#startupSettled!: () => void;
	/**
	 * Resolves once the first Python no longer needs the machine to itself: when it is ready (or
	 * failed), or at once when it must load in full. Restoring a snapshot takes about a second of
	 * CPU on every core the page has; loading the editor at the same time cost it 0.8 s on two
	 * cores, so the page loads such work after this. A full load takes many seconds: waiting for
	 * it would only delay the editor.
	 */
	readonly startupSettled: Promise<void> = new Promise((resolve) => {
		this.#startupSettled = resolve;
	});

	constructor(options: RunnerClientOptions = {}) {
		this.#createHost = options.createHost ?? defaultHostFactory;
		this.#watchdogMs = options.watchdogMs ?? 10_000;
		// Generous: a loaded two-core laptop can take a minute to start CPython; this guards hangs.
		this.#startTimeoutMs = options.startTimeoutMs ?? 120_000;
		this.#interruptGraceMs = options.interruptGraceMs ?? 3_000;
		this.#keepSpare = options.keepSpare ?? true;
		this.#defaults = { ...DEFAULT_RUN_OPTIONS, ...options.defaults };
		this.#snapshots = options.snapshots === undefined ? defaultSnapshots() : options.snapshots;
		this.#active = this.#startRuntime();
		this.#active.ready.then(this.#startupSettled, this.#startupSettled);
	}

	/** Runs `source`; a run already in progress is stopped first. Never rejects. */
	async run(source: string, options: RunOptions = {}): Promise<RunOutcome> {
		if (this.#disposed) return { kind: 'failed', message: 'The runner was closed.' };
		if (this.#current) this.#stopCurrent('Replaced by a new run.');
		const id = ++this.#nextId;
		const outcome = new Promise<RunOutcome>((resolve) => {
			this.#current = { id, resolve, runtime: null, watchdog: null, grace: null, stopReason: null };
		});
		void this.#dispatch(id, source, { ...this.#defaults, ...options });
		return outcome;
	}

	/** Stops the current run, if any. Run works again at once (the warm spare takes over). */
	stop(): void {
		this.#stopCurrent('Stopped.');
	}

	dispose(): void {
		if (this.#disposed) return;
		this.#disposed = true;
		this.#finish(this.#current, { kind: 'stopped', reason: 'The runner was closed.', line: null });
		this.#destroy(this.#active);
		if (this.#spare) this.#destroy(this.#spare);
		this.#spare = null;
	}

	// ---- runs ----------------------------------------------------------------------------------

	async #dispatch(id: number, source: string, options: RunOptions): Promise<void> {
		// Wait for a ready runtime; the active one may be replaced while we wait.
		for (;;) {
			const runtime = this.#active;
			if (runtime.state === 'failed') {
				// A runtime that failed to start gets one fresh attempt per Run.
				this.#replaceActive(null);
				continue;
			}
			try {
				await runtime.ready;
			} catch {
				if (this.#current?.id !== id) return;
				this.#finish(this.#current, { kind: 'failed', message: runtime.failure });
				return;
			}
			if (this.#current?.id !== id) return; // stopped or replaced while waiting
			if (runtime !== this.#active) continue;
			break;
		}
		const pending = this.#current;
		if (!pending) return;
		pending.runtime = this.#active;
		this.#setStatus('running', 'Running', null);
		pending.watchdog = setTimeout(() => this.#onWatchdog(id), this.#watchdogMs);
		this.#active.host.send({ type: 'run', id, source, options });
	}

	#onWatchdog(id: number): void {
		if (this.#current?.id !== id) return;
		const seconds = Math.round(this.#watchdogMs / 100) / 10;
		this.#stopCurrent(
			`The program ran for ${seconds} s of real time without finishing (the watchdog limit), so it was stopped. ` +
				'A loop that never awaits, such as `while True: pass`, or a very long computation does this.'
		);
	}

	#stopCurrent(reason: string): void {
		const pending = this.#current;
		if (!pending) return;
		const runtime = pending.runtime;
		if (
			runtime &&
			runtime === this.#active &&
			runtime.interruptible &&
			pending.stopReason === null
		) {
			// Ask Python to stop where it is; the partial trace then names the line. If it does not
			// answer in time (code inside C, like sum(range(10**11))), terminate after all.
			pending.stopReason = reason;
			runtime.host.interrupt();
			pending.grace = setTimeout(() => this.#terminateCurrent(reason), this.#interruptGraceMs);
			return;
		}
		this.#terminateCurrent(reason);
	}

	#terminateCurrent(reason: string): void {
		const pending = this.#current;
		if (!pending) return;
		const wasSent = pending.runtime !== null;
		this.#finish(pending, { kind: 'stopped', reason, line: null });
		// A run that never reached the runtime leaves it clean; otherwise the runtime is busy or
		// dirty and is replaced by the spare.
		if (wasSent) this.#replaceActive(reason);
		else this.#refreshIdleStatus();
	}

	#finish(pending: PendingRun | null, outcome: RunOutcome): void {
		if (!pending) return;
		if (pending.watchdog) clearTimeout(pending.watchdog);
		if (pending.grace) clearTimeout(pending.grace);
		if (this.#current === pending) this.#current = null;
		pending.resolve(outcome);
	}

	#onResult(runtime: Runtime, id: number, events: TraceEvent[]): void {
		const pending = this.#current;
		// A stale result (an older run, or a runtime that is no longer active) is dropped.
		if (!pending || pending.id !== id || pending.runtime !== runtime) return;
		let model: RunModel;
		try {
			model = analyzeRun(events);
		} catch (error) {
			this.#finish(pending, {
				kind: 'failed',
				message: `Could not read the run's trace: ${String(error)}`
			});
			this.#refreshIdleStatus();
			return;
		}
		if (pending.stopReason !== null) {
			const limit = events.find((e) => e.kind === 'limit' && e.limit === 'interrupt');
			const line = limit && limit.kind === 'limit' ? limit.line : null;
			const reason = line === null ? pending.stopReason : `${pending.stopReason} (at line ${line})`;
			this.#finish(pending, { kind: 'stopped', reason, line, model });
		} else {
			this.#finish(pending, { kind: 'finished', events, model, notices: noticesOf(events) });
		}
		this.#refreshIdleStatus();
	}

	// ---- runtimes ------------------------------------------------------------------------------

	#startRuntime(): Runtime {
		const host = this.#createHost();
		const runtime = new Runtime(host);
		host.onmessage = (data) => this.#onMessage(runtime, data);
		host.onfailure = (message) => this.#onFailure(runtime, message);
		this.#armStartTimer(runtime);
		try {
			host.start(this.#snapshotInit(runtime));
		} catch (error) {
			queueMicrotask(() =>
				this.#onFailure(runtime, `Could not start the runner: ${String(error)}`)
			);
		}
		return runtime;
	}

	/** Asks the snapshot keeper how `runtime` should start. Never rejects. */
	async #snapshotInit(runtime: Runtime): Promise<SnapshotInit> {
		const keeper = this.#snapshots;
		const plan = keeper ? await keeper.plan().catch(() => null) : null;
		if (!plan?.snapshot) this.#startupSettled();
		if (!keeper || !plan) return NO_SNAPSHOT;
		if (runtime.destroyed) {
			keeper.abandon(plan);
			return NO_SNAPSHOT;
		}
		runtime.plan = plan;
		return { snapshot: plan.snapshot, make_snapshot: plan.makeSnapshot, files: plan.files };
	}

	#armStartTimer(runtime: Runtime): void {
		if (runtime.startTimer) clearTimeout(runtime.startTimer);
		runtime.startTimer = setTimeout(() => {
			const seconds = Math.round(this.#startTimeoutMs / 1000);
			this.#onFailure(
				runtime,
				`Python did not start within ${seconds} s. The Pyodide files may be missing or served ` +
					'with the wrong type (.wasm must be application/wasm); reload the page to try again.'
			);
		}, this.#startTimeoutMs);
	}

	#destroy(runtime: Runtime): void {
		if (runtime.startTimer) clearTimeout(runtime.startTimer);
		runtime.destroyed = true;
		if (runtime.state === 'loading' && runtime.plan) this.#snapshots?.abandon(runtime.plan);
		runtime.host.onmessage = null;
		runtime.host.onfailure = null;
		runtime.host.destroy();
		if (runtime.state === 'loading') {
			runtime.state = 'failed';
			runtime.failure = 'The runtime was replaced.';
			runtime.rejectReady(new Error(runtime.failure));
		}
	}

	/** Discards the active runtime and promotes the spare (or starts a new one). */
	#replaceActive(reason: string | null): void {
		this.#destroy(this.#active);
		if (this.#spare && this.#spare.state !== 'failed') {
			this.#active = this.#spare;
		} else {
			if (this.#spare) this.#destroy(this.#spare);
			this.#active = this.#startRuntime();
		}
		this.#spare = null;
		this.#restarting = reason !== null;
		if (this.#active.state === 'ready') {
			this.#restarting = false;
			this.#ensureSpare();
		}
		this.#refreshIdleStatus();
	}

	#ensureSpare(): void {
		if (!this.#keepSpare || this.#disposed || this.#spare) return;
		// Started only once the active runtime is ready, so the two never compete for the CPU.
		if (this.#active.state !== 'ready') return;
		this.#spare = this.#startRuntime();
	}

	#onFailure(runtime: Runtime, message: string): void {
		if (runtime !== this.#active && runtime !== this.#spare) return;
		if (runtime.state === 'loading') {
			if (runtime.startTimer) clearTimeout(runtime.startTimer);
			if (runtime.plan) this.#snapshots?.failed(runtime.plan);
			runtime.state = 'failed';
			runtime.failure = message;
			runtime.rejectReady(new Error(message));
			if (runtime === this.#spare) {
				this.#destroy(runtime);
				this.#spare = null;
				return;
			}
			this.#destroy(runtime);
			this.#restarting = false;
			this.#setStatus('crashed', message, null);
			return;
		}
		// A ready runtime died: whatever it was running failed; the spare takes over.
		if (runtime === this.#spare) {
			this.#destroy(runtime);
			this.#spare = null;
			this.#ensureSpare();
			return;
		}
		const pending = this.#current;
		if (pending && pending.runtime === runtime) {
			this.#finish(pending, {
				kind: 'failed',
				message: `${message}. A fresh Python is starting; your code is unchanged.`
			});
		}
		this.#replaceActive(message);
	}

	#onProtocolError(runtime: Runtime): void {
		if (runtime !== this.#active && runtime !== this.#spare) return;
		if (runtime === this.#spare) {
			this.#destroy(runtime);
			this.#spare = null;
			this.#ensureSpare();
			return;
		}
		const pending = this.#current;
		if (pending && pending.runtime === runtime)
			this.#finish(pending, { kind: 'failed', message: PROTOCOL_ERROR });
		this.#replaceActive(PROTOCOL_ERROR);
	}

	#onMessage(runtime: Runtime, data: unknown): void {
		if (this.#disposed || (runtime !== this.#active && runtime !== this.#spare)) return;
		const message = parseRunnerMessage(data);
		if (!message) {
			this.#onProtocolError(runtime);
			return;
		}
		this.#handle(runtime, message);
	}

	#handle(runtime: Runtime, message: RunnerMessage): void {
		switch (message.type) {
			case 'frame_ready':
				runtime.host.boot();
				break;
			case 'progress':
				if (runtime.state !== 'loading') return;
				this.#armStartTimer(runtime);
				if (runtime === this.#active) {
					this.#setStatus(
						this.#restarting ? 'restarting' : 'loading',
						message.message,
						message.progress
					);
				}
				break;
			case 'ready':
				if (runtime.state !== 'loading') return;
				if (runtime.startTimer) clearTimeout(runtime.startTimer);
				runtime.state = 'ready';
				runtime.python = message.python;
				runtime.interruptible = message.interruptible;
				runtime.startMs = message.start_ms;
				runtime.startup = this.#settleStartup(runtime, message);
				runtime.resolveReady();
				if (runtime === this.#active) {
					this.#restarting = false;
					this.#refreshIdleStatus();
					this.#ensureSpare();
				}
				break;
			case 'result':
				this.#onResult(runtime, message.id, message.events);
				break;
			case 'run_failed': {
				const pending = this.#current;
				if (!pending || pending.id !== message.id || pending.runtime !== runtime) return;
				this.#finish(pending, {
					kind: 'failed',
					message: `The Python runtime failed: ${message.error.message}. A fresh one is starting; your code is unchanged.`
				});
				this.#replaceActive(message.error.message);
				break;
			}
			case 'fatal':
				this.#onFailure(runtime, message.error.message);
				break;
			default:
				assertNever(message);
		}
	}

	/** Hands a snapshot the runtime made to the keeper; says where this runtime's Python came from. */
	#settleStartup(
		runtime: Runtime,
		ready: Extract<RunnerMessage, { type: 'ready' }>
	): RunnerStartup {
		const source = ready.source ?? 'full';
		const ms = Math.round(performance.now() - runtime.created);
		const notes = ready.notes ?? [];
		if (!this.#snapshots || !runtime.plan) return { source, ms, note: notes.join('; ') };
		const note = this.#snapshots.settle(runtime.plan, {
			source,
			// Only a runtime asked to make one is listened to, and only in `ready`, which is sent
			// once, before any user code runs there; the keeper hashes the bytes itself.
			snapshot: ready.snapshot ?? null,
			notes
		});
		return { source, ms, note };
	}

	// ---- status --------------------------------------------------------------------------------

	#setStatus(
		phase: RunnerPhase,
		detail: string,
		progress: number | null,
		startup?: RunnerStartup
	): void {
		if (this.#disposed) return;
		this.status = startup ? { phase, detail, progress, startup } : { phase, detail, progress };
	}

	/** The status when nothing is running: follows the active runtime. */
	#refreshIdleStatus(): void {
		if (this.#current?.runtime) return; // still running
		const runtime = this.#active;
		if (runtime.state === 'ready') {
			const startup = runtime.startup ?? undefined;
			this.#setStatus(
				'ready',
				`Python ${runtime.python}${describeStartup(startup)} ready`,
				null,
				startup
			);
		} else if (runtime.state === 'failed') this.#setStatus('crashed', runtime.failure, null);
		else if (this.#restarting) this.#setStatus('restarting', 'Starting a fresh Python', null);
		else this.#setStatus('loading', 'Starting Python', this.status.progress);
	}

	/** For measurements and diagnostics: start-up time of the active runtime in ms, 0 until ready. */
	get startMs(): number {
		return this.#active.startMs;
	}

	/** True when a warm spare runtime is loaded (a Stop or crash then costs no start-up). */
	get spareReady(): boolean {
		return this.#spare?.state === 'ready';
	}

	/** True when Stop can interrupt Python in place (the page is cross-origin isolated). */
	get interruptible(): boolean {
		return this.#active.interruptible;
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

/**
 * " (from snapshot in 0.31 s)" or " (full load in 2.40 s)": where Python came from and how long
 * it took. The sentence still ends in "ready", which the page and its benchmarks look for.
 */
function describeStartup(startup: RunnerStartup | undefined): string {
	if (!startup) return '';
	const seconds = (startup.ms / 1000).toFixed(2);
	return startup.source === 'snapshot'
		? ` (from snapshot in ${seconds} s)`
		: ` (full load in ${seconds} s)`;
}

/** The page's snapshot keeper, or null outside a browser page. */
function defaultSnapshots(): SnapshotKeeper | null {
	if (typeof document === 'undefined' || typeof crypto === 'undefined' || !crypto.subtle) {
		return null;
	}
	return new SnapshotKeeper({
		indexUrl: pyodideIndexUrl(),
		// The files the sandbox was handed (fetched once per page), not a second download.
		loadFiles: loadPyodideFiles,
		// Computed by the build (vite.config.ts); under `vite dev` the files may have changed since
		// the server started, so they are hashed here (a separate chunk, loaded only then).
		engineSha256: import.meta.env.DEV
			? () => import('$lib/engine/python-sources').then((m) => hashPythonSources(m.pythonSources))
			: () => Promise.resolve(ENGINE_SOURCES_SHA256)
	});
}
