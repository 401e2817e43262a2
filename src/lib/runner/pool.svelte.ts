/**
 * RuntimePool: owns the page's Python runtimes, so the run client only ever asks for a ready one.
 *
 * It starts the active runtime and, once that is ready, a warm spare; replaces the active one
 * after a Stop, a crash or a protocol error by promoting the spare (or starting afresh); asks the
 * snapshot keeper how each runtime starts and tells it how each start went; gives up on a
 * start-up that stops making progress; and says, in `status`, where start-up stands. Every
 * message a runtime sends is validated here: start-up messages are the pool's, messages about a
 * run go to the run client (client.svelte.ts).
 */
import { hashPythonSources } from './snapshot/key';
import { SnapshotKeeper, type PlannedStart } from './snapshot/keeper';
import {
	defaultHostFactory,
	loadPyodideFiles,
	pyodideIndexUrl,
	type HostFactory,
	type RunnerHost
} from './hosts';
import {
	assertNever,
	NO_SNAPSHOT,
	parseRunnerMessage,
	PROTOCOL_ERROR,
	RUNTIME_CLOSED,
	type ReadyMessage,
	type RunCommand,
	type RunnerMessage,
	type StartPlan,
	type StartSource
} from './protocol';

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
	source: StartSource;
	/** From starting this runtime to Python ready, as the page saw it. */
	ms: number;
	/** Why no snapshot was used or stored, or empty. */
	note: string;
}

export interface RuntimePoolOptions {
	/** Creates a runtime host; tests pass a stub. */
	createHost?: HostFactory;
	/** Start-up fails when no progress arrives for this many ms. */
	startTimeoutMs?: number;
	/** Keep a second runtime loaded, so a Stop or crash costs no start-up. */
	keepSpare?: boolean;
	/**
	 * Memory snapshots of a booted Python (snapshot/keeper.ts). By default one keeper per pool in
	 * the browser; null turns snapshots off (and in Node, where there is no page to store them).
	 */
	snapshots?: SnapshotKeeper | null;
}

/** A runtime's message about a run. */
export type RunMessage = Extract<RunnerMessage, { type: 'result' | 'increment' | 'run_failed' }>;

/** A ready runtime, as the run client uses it. */
export interface ReadyRuntime {
	/** Stop can interrupt Python in place (the runtime is cross-origin isolated). */
	readonly interruptible: boolean;
	send(command: RunCommand): void;
	interrupt(): void;
	/** Whether its container still answers (RunnerHost.answers). */
	answers(): Promise<boolean>;
}

/** What the pool tells the run client. */
export interface PoolListener {
	/** A message about a run, validated; from any runtime the pool holds. */
	onRunMessage(runtime: ReadyRuntime, message: RunMessage): void;
	/**
	 * `runtime` is gone (it crashed or broke the protocol) and is being replaced: a run on it
	 * failed, and `message` says so.
	 */
	onRuntimeLost(runtime: ReadyRuntime, message: string): void;
}

/** One Python runtime: a host and what the pool knows about it. */
class Runtime implements ReadyRuntime {
	state: 'loading' | 'ready' | 'failed' = 'loading';
	python = '';
	interruptible = false;
	startMs = 0;
	failure = '';
	startup: RunnerStartup | null = null;
	/** What the snapshot keeper planned for this runtime; null until decided, or without one. */
	planned: PlannedStart | null = null;
	destroyed = false;
	startTimer: ReturnType<typeof setTimeout> | null = null;
	readonly created = performance.now();
	readonly ready: Promise<void>;
	#resolveReady!: () => void;
	#rejectReady!: (error: Error) => void;

	constructor(readonly host: RunnerHost) {
		this.ready = new Promise<void>((resolve, reject) => {
			this.#resolveReady = resolve;
			this.#rejectReady = reject;
		});
		// A rejection nobody awaits yet is still handled (whoever awaits later sees it).
		this.ready.catch(() => {});
	}

	becomeReady(message: ReadyMessage, startup: RunnerStartup): void {
		this.stopStartTimer();
		this.state = 'ready';
		this.python = message.python;
		this.interruptible = message.interruptible;
		this.startMs = message.start_ms;
		this.startup = startup;
		this.#resolveReady();
	}

	fail(message: string): void {
		this.stopStartTimer();
		this.state = 'failed';
		this.failure = message;
		this.#rejectReady(new Error(message));
	}

	stopStartTimer(): void {
		if (this.startTimer) clearTimeout(this.startTimer);
		this.startTimer = null;
	}

	send(command: RunCommand): void {
		this.host.send(command);
	}

	interrupt(): void {
		this.host.interrupt();
	}

	answers(): Promise<boolean> {
		return this.host.answers();
	}
}

export class RuntimePool {
	/** Start-up as the status line shows it when nothing runs: follows the active runtime. */
	status = $state<RunnerStatus>({ phase: 'loading', detail: 'Starting Python', progress: 0 });

	readonly #createHost: HostFactory;
	readonly #startTimeoutMs: number;
	readonly #keepSpare: boolean;
	readonly #snapshots: SnapshotKeeper | null;
	readonly #listener: PoolListener;
	#active: Runtime;
	#spare: Runtime | null = null;
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
	/**
	 * Resolves once the first runtime is ready or has failed, even when it loads in full: for work
	 * that only competes with Python and that nobody waits for (the service worker's download of
	 * the whole build took 2.3 s of CPU during a first visit's start).
	 */
	readonly firstStartEnded: Promise<void>;

	constructor(options: RuntimePoolOptions, listener: PoolListener) {
		this.#createHost = options.createHost ?? defaultHostFactory;
		// Generous: a loaded two-core laptop can take a minute to start CPython; this guards hangs.
		this.#startTimeoutMs = options.startTimeoutMs ?? 120_000;
		this.#keepSpare = options.keepSpare ?? true;
		this.#snapshots = options.snapshots === undefined ? defaultSnapshots() : options.snapshots;
		this.#listener = listener;
		this.#active = this.#startRuntime();
		this.#active.ready.then(this.#startupSettled, this.#startupSettled);
		this.firstStartEnded = this.#active.ready.catch(() => {});
	}

	/**
	 * The active runtime once it is ready. A runtime that failed to start gets one fresh attempt
	 * per call. Rejects with the reason it could not start; null once `wanted()` turns false.
	 */
	async acquire(wanted: () => boolean): Promise<ReadyRuntime | null> {
		for (;;) {
			const runtime = this.#active;
			if (runtime.state === 'failed') {
				this.#replaceActive(null);
				continue;
			}
			try {
				await runtime.ready;
			} catch {
				if (!wanted()) return null;
				throw new Error(runtime.failure);
			}
			if (!wanted()) return null;
			// The active runtime may have been replaced while we waited: wait for the new one.
			if (runtime === this.#active) return runtime;
		}
	}

	/**
	 * `runtime` must not run anything again (it was stopped mid-run, or failed): the spare takes
	 * over, or a fresh runtime starts. `reason` makes the status say "restarting" meanwhile.
	 */
	replace(runtime: ReadyRuntime, reason: string): void {
		if (runtime === this.#active) this.#replaceActive(reason);
	}

	dispose(): void {
		if (this.#disposed) return;
		this.#disposed = true;
		this.#destroy(this.#active);
		if (this.#spare) this.#destroy(this.#spare);
		this.#spare = null;
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

	// ---- runtimes ------------------------------------------------------------------------------

	#startRuntime(): Runtime {
		const host = this.#createHost();
		const runtime = new Runtime(host);
		host.onmessage = (data) => this.#onMessage(runtime, data);
		host.onfailure = (message) => this.#onFailure(runtime, message);
		host.onlost = (message) => this.#onLost(runtime, message);
		this.#armStartTimer(runtime);
		try {
			host.start(this.#plan(runtime));
		} catch (error) {
			queueMicrotask(() =>
				this.#onFailure(runtime, `Could not start the runner: ${String(error)}`)
			);
		}
		return runtime;
	}

	/** Asks the snapshot keeper how `runtime` should start. Never rejects. */
	async #plan(runtime: Runtime): Promise<StartPlan> {
		const keeper = this.#snapshots;
		const planned = keeper ? await keeper.plan().catch(() => null) : null;
		if (!planned?.plan.snapshot) this.#startupSettled();
		if (!keeper || !planned) return NO_SNAPSHOT;
		if (runtime.destroyed) {
			keeper.abandon(planned);
			return NO_SNAPSHOT;
		}
		runtime.planned = planned;
		return planned.plan;
	}

	#armStartTimer(runtime: Runtime): void {
		runtime.stopStartTimer();
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
		runtime.stopStartTimer();
		runtime.destroyed = true;
		if (runtime.state === 'loading' && runtime.planned) this.#snapshots?.abandon(runtime.planned);
		runtime.host.onmessage = null;
		runtime.host.onfailure = null;
		runtime.host.onlost = null;
		runtime.host.destroy();
		if (runtime.state === 'loading') runtime.fail('The runtime was replaced.');
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
		this.#refreshStatus();
	}

	#ensureSpare(): void {
		if (!this.#keepSpare || this.#disposed || this.#spare) return;
		// Started only once the active runtime is ready, so the two never compete for the CPU.
		if (this.#active.state !== 'ready') return;
		this.#spare = this.#startRuntime();
	}

	/** The spare broke: a new one starts in its place. */
	#replaceSpare(): void {
		if (this.#spare) this.#destroy(this.#spare);
		this.#spare = null;
		this.#ensureSpare();
	}

	#holds(runtime: Runtime): boolean {
		return runtime === this.#active || runtime === this.#spare;
	}

	/** `lostSentence` is what a run on the lost runtime ends with (by default, from `message`). */
	#onFailure(
		runtime: Runtime,
		message: string,
		lostSentence = `${message}. A fresh Python is starting; your code is unchanged.`
	): void {
		if (!this.#holds(runtime)) return;
		if (runtime.state === 'loading') {
			if (runtime.planned) this.#snapshots?.failed(runtime.planned);
			runtime.fail(message);
			this.#destroy(runtime);
			if (runtime === this.#spare) {
				this.#spare = null;
				return;
			}
			this.#restarting = false;
			this.#setStatus('crashed', message, null);
			return;
		}
		// A ready runtime died: whatever it was running failed; the spare takes over.
		if (runtime === this.#spare) {
			this.#replaceSpare();
			return;
		}
		this.#listener.onRuntimeLost(runtime, lostSentence);
		this.#replaceActive(message);
	}

	/**
	 * The runtime went with its container (the sandbox frame stopped answering). One still loading
	 * starts again, and its start plan is not blamed: the stored snapshot stays.
	 */
	#onLost(runtime: Runtime, message: string): void {
		if (!this.#holds(runtime)) return;
		if (runtime.state !== 'loading') this.#onFailure(runtime, message);
		else if (runtime === this.#spare) this.#replaceSpare();
		else this.#replaceActive(message);
	}

	#onProtocolError(runtime: Runtime): void {
		if (runtime === this.#spare) {
			this.#replaceSpare();
			return;
		}
		this.#listener.onRuntimeLost(runtime, PROTOCOL_ERROR);
		this.#replaceActive(PROTOCOL_ERROR);
	}

	#onMessage(runtime: Runtime, data: unknown): void {
		if (this.#disposed || !this.#holds(runtime)) return;
		const message = parseRunnerMessage(data);
		if (!message) {
			this.#onProtocolError(runtime);
			return;
		}
		switch (message.type) {
			case 'progress':
				if (runtime.state !== 'loading') return;
				this.#armStartTimer(runtime);
				if (runtime === this.#active) {
					const phase = this.#restarting ? 'restarting' : 'loading';
					this.#setStatus(phase, message.message, message.progress);
				}
				break;
			case 'ready':
				if (runtime.state !== 'loading') return;
				runtime.becomeReady(message, this.#settleStartup(runtime, message));
				if (runtime === this.#active) {
					this.#restarting = false;
					this.#refreshStatus();
					this.#ensureSpare();
				}
				break;
			case 'result':
			case 'increment':
			case 'run_failed':
				this.#listener.onRunMessage(runtime, message);
				break;
			case 'fatal':
				// The program closed its own runtime: said as it is, not as a crash of ours.
				if (message.error.kind === 'closed')
					this.#onFailure(runtime, RUNTIME_CLOSED, RUNTIME_CLOSED);
				else this.#onFailure(runtime, message.error.message);
				break;
			default:
				assertNever(message);
		}
	}

	/** Hands a snapshot the runtime made to the keeper; says where this runtime's Python came from. */
	#settleStartup(runtime: Runtime, ready: ReadyMessage): RunnerStartup {
		const source = ready.source ?? 'full';
		const ms = Math.round(performance.now() - runtime.created);
		const notes = ready.notes ?? [];
		if (!this.#snapshots || !runtime.planned) return { source, ms, note: notes.join('; ') };
		const note = this.#snapshots.settle(runtime.planned, {
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

	#refreshStatus(): void {
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
