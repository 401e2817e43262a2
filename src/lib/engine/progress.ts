/**
 * When a run's progress report is due (the engine's side is playground/progress.py).
 *
 * Pyodide polls its interrupt buffer every 50 of CPython's eval-breaker checks (backward jumps
 * and calls: a few microseconds apart in a busy loop): it reads `Module.Py_EmscriptenSignalBuffer`
 * and takes its `[0]` (signal-check.ts makes that one `Atomics.exchange`), and when that is not
 * zero, raises the signal, whose Python handler runs at the next bytecode. Without cross-origin
 * isolation nothing can write to that buffer while Python runs, so the clock puts a getter on
 * the module's property instead: it hands back a zeroed buffer, and a buffer holding the report
 * signal once `intervalMs` have passed since the last report. A report is so made even while the
 * program never returns to the loop.
 *
 * The property is private to Pyodide (314): a getter on it costs about as little as Pyodide's
 * own interrupt buffer, where a public getter on `[0]` of the buffer made runs about 12% slower
 * (docs/decisions/0113). Should a Pyodide read the property no more, no report is ever due, and
 * Stop shows no partial run: an e2e test says so.
 *
 * The same look also asks `hostAlive`, when given, whether anyone still reads the reports. Once
 * not, the check reads SIGINT instead, and the run ends as a Stop ends it where Python can be
 * interrupted. Chromium ends a worker its page let go of only after two seconds of grace when it
 * is still running script, and a stopped `while True: pass` spent them on a core the next
 * runtime needed (docs/decisions/0119-ending-a-stopped-worker.md).
 */
import type { PyodideAPI } from 'pyodide';

/** Polls between two readings of the time (at a few µs a check, well under a millisecond). */
const POLLS_PER_LOOK = 64;

/** The property Pyodide's signal check reads (pyodide.asm.mjs, _Py_CheckEmscriptenSignals_Helper). */
const BUFFER_PROPERTY = 'Py_EmscriptenSignalBuffer';

/** KeyboardInterrupt in the running Python: what a Stop raises through an interrupt buffer. */
export const SIGINT = 2;

export interface ReportClockOptions {
	/** Wall time between two reports, in ms. */
	intervalMs?: number;
	/**
	 * After a signal no report answered (the engine was halfway through recording), wait this
	 * long before the next one.
	 */
	retryMs?: number;
	/**
	 * Whether the reports still have a reader, asked when a report is due, at most once every
	 * `intervalMs`; once false, the run is interrupted. Absent: always.
	 */
	hostAlive?: () => boolean;
	now?: () => number;
}

export class ReportClock {
	readonly #module: Record<string, unknown>;
	readonly #signal: number;
	readonly #intervalMs: number;
	readonly #retryMs: number;
	readonly #now: () => number;
	readonly #hostAlive: () => boolean;
	/** What the signal check reads between reports: nothing to raise. */
	readonly #idle = new Int32Array(1);
	/** What it reads when a report is due; it clears the signal itself once read. */
	readonly #due = new Int32Array(1);
	#lastReport: number;
	#lastSignal = -Infinity;
	#lastAsked = -Infinity;
	#polls = 0;

	private constructor(
		module: Record<string, unknown>,
		signal: number,
		options: ReportClockOptions
	) {
		this.#module = module;
		this.#signal = signal;
		this.#intervalMs = options.intervalMs ?? 250;
		this.#retryMs = options.retryMs ?? 20;
		this.#now = options.now ?? (() => performance.now());
		this.#hostAlive = options.hostAlive ?? (() => true);
		this.#lastReport = this.#now();
	}

	/**
	 * Starts polling `pyodide` for reports on `signal`; null when this Pyodide has no signal check
	 * to hook (then no report is made). Only for a runtime without an interrupt buffer of its own:
	 * `remove` clears it.
	 */
	static install(
		pyodide: PyodideAPI,
		signal: number,
		options: ReportClockOptions = {}
	): ReportClock | null {
		const module = (pyodide as unknown as { _module?: Record<string, unknown> })._module;
		if (!module) return null;
		const clock = new ReportClock(module, signal, options);
		// Turns the signal check on, and makes the property Pyodide's own, to be replaced.
		pyodide.setInterruptBuffer(clock.#idle);
		const own = Object.getOwnPropertyDescriptor(module, BUFFER_PROPERTY);
		if (own?.value !== clock.#idle || !own.configurable) {
			pyodide.setInterruptBuffer(undefined as unknown as Int32Array);
			return null;
		}
		Object.defineProperty(module, BUFFER_PROPERTY, {
			configurable: true,
			get: () => clock.#poll(),
			set: () => {}
		});
		return clock;
	}

	/** Stops polling: the runtime is left with no interrupt buffer. */
	remove(pyodide: PyodideAPI): void {
		Object.defineProperty(this.#module, BUFFER_PROPERTY, {
			configurable: true,
			enumerable: true,
			writable: true,
			value: undefined
		});
		pyodide.setInterruptBuffer(undefined as unknown as Int32Array);
	}

	/** The engine made a report: the next is due `intervalMs` from now. */
	reported(): void {
		this.#lastReport = this.#now();
	}

	#poll(): Int32Array {
		// Until the check has taken the signal out of the buffer, it stands. (Pyodide's own check,
		// where signal-check.ts could not replace it, reads the property once more to clear it.)
		if (this.#due[0] !== 0) return this.#due;
		if (++this.#polls < POLLS_PER_LOOK) return this.#idle;
		this.#polls = 0;
		const time = this.#now();
		if (time - this.#lastReport < this.#intervalMs || time - this.#lastSignal < this.#retryMs) {
			return this.#idle;
		}
		this.#lastSignal = time;
		this.#due[0] = this.#signal;
		if (time - this.#lastAsked >= this.#intervalMs) {
			this.#lastAsked = time;
			if (!this.#hostAlive()) this.#due[0] = SIGINT;
		}
		return this.#due;
	}
}
