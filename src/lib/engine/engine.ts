/**
 * The engine as TypeScript sees it: write the Python package into Pyodide, import it, and run
 * snippets. `run` is synchronous: virtual time means a run takes milliseconds of real time.
 */
import type { PyodideAPI } from 'pyodide';
import { TRACE_VERSION, type RunOptions, type TraceEvent } from './events';
import { ReportClock, type ReportClockOptions } from './progress';

/** Where the package is written in Pyodide's file system (it becomes /engine/playground/...). */
export const ENGINE_ROOT = '/engine';

type RunEntry = ((
	source: string,
	optionsJson: string,
	report?: (increment: string) => void
) => string) & { destroy?: () => void };

/**
 * Receives a run's trace so far while the run goes on: each call the events recorded since the
 * last, as the JSON text of a list. Joined, the increments are the start of the final trace.
 */
export type TraceIncrements = (increment: string) => void;

export class Engine {
	readonly #pyodide: PyodideAPI;
	readonly #entry: RunEntry;
	readonly #python: string;
	readonly #changes: () => string;
	/** The signal number the engine reports progress on (playground/progress.py). */
	readonly #reportSignal: number;

	private constructor(
		pyodide: PyodideAPI,
		entry: RunEntry,
		python: string,
		changes: () => string,
		reportSignal: number
	) {
		this.#pyodide = pyodide;
		this.#entry = entry;
		this.#python = python;
		this.#changes = changes;
		this.#reportSignal = reportSignal;
	}

	/** Write `sources` (package path → text) into Pyodide's file system and import the engine. */
	static async create(pyodide: PyodideAPI, sources: Record<string, string>): Promise<Engine> {
		if (!Object.keys(sources).some((path) => path.endsWith('playground/run.py'))) {
			throw new Error('Engine.create: the sources do not contain playground/run.py');
		}
		writeSources(pyodide, sources);
		// A second engine on the same interpreter must import the files just written.
		pyodide.runPython(`
import importlib, sys
for _stale in [n for n in sys.modules if n == "playground" or n.startswith("playground.")]:
    del sys.modules[_stale]
if ${JSON.stringify(ENGINE_ROOT)} not in sys.path:
    sys.path.insert(0, ${JSON.stringify(ENGINE_ROOT)})
importlib.invalidate_caches()
`);
		return Engine.#bind(pyodide);
	}

	/**
	 * The engine of an interpreter restored from a memory snapshot, whose package is already
	 * imported. The files are written back because files written before a snapshot do not
	 * survive it, and tracebacks read them.
	 */
	static attach(pyodide: PyodideAPI, sources: Record<string, string>): Engine {
		writeSources(pyodide, sources);
		const imported = pyodide.runPython('import sys; "playground.run" in sys.modules') as boolean;
		if (!imported) throw new Error('Engine.attach: the engine is not imported in this interpreter');
		return Engine.#bind(pyodide);
	}

	static #bind(pyodide: PyodideAPI): Engine {
		const module = pyodide.pyimport('playground.run');
		const entry = module.run as RunEntry;
		const python = String(module.PYTHON_VERSION);
		const changes = pyodide.pyimport('playground.integrity').last_changes_text as () => string;
		const reportSignal = Number(pyodide.pyimport('playground.progress').REPORT_SIGNAL);
		return new Engine(pyodide, entry, python, changes, reportSignal);
	}

	/** The Python version the engine runs, e.g. "3.14.2". */
	get python(): string {
		return this.#python;
	}

	/** The Pyodide instance this engine runs in. */
	get pyodide(): PyodideAPI {
		return this.#pyodide;
	}

	/**
	 * Run one snippet and return its trace. A KeyboardInterrupt (Pyodide's interrupt buffer)
	 * ends the run with a `limit` event of limit "interrupt" and the partial trace; the engine
	 * turns that into events itself, this only covers an interrupt outside the user's code.
	 */
	run(source: string, options: RunOptions = {}): TraceEvent[] {
		const json = this.runJson(source, options);
		try {
			return JSON.parse(json) as TraceEvent[];
		} catch {
			// Only a program that replaced part of the engine (its json module, its recorder) gets here.
			throw new Error('the trace was not valid JSON: the program changed how the engine writes it');
		}
	}

	/**
	 * `run`, with the trace as the engine's JSON text (the runner hands it to the page as is).
	 *
	 * With `increments`, the trace so far is also handed over while the run goes on, about every
	 * `clockOptions.intervalMs` of wall time (250 ms), for a page that can only stop a run by ending
	 * its worker; the run is interrupted once `clockOptions.hostAlive` says that page is gone. The
	 * engine is then polled through Pyodide's interrupt buffer (progress.ts), which this takes for
	 * the run and clears afterwards: only for a runtime that has no interrupt buffer of its own.
	 * On a Pyodide whose signal check cannot be hooked, the run makes no increments.
	 */
	runJson(
		source: string,
		options: RunOptions = {},
		increments?: TraceIncrements,
		clockOptions?: ReportClockOptions
	): string {
		const optionsJson = JSON.stringify(options);
		try {
			const clock =
				increments && ReportClock.install(this.#pyodide, this.#reportSignal, clockOptions);
			if (!increments || !clock) return this.#entry(source, optionsJson);
			try {
				return this.#entry(source, optionsJson, (increment) => {
					clock.reported();
					if (increment !== '') increments(increment);
				});
			} finally {
				clock.remove(this.#pyodide);
			}
		} catch (error) {
			if (isKeyboardInterrupt(error)) return JSON.stringify(interruptedTrace(this.#python));
			throw error;
		}
	}

	/**
	 * What the last run changed in the interpreter that later runs depend on (engine modules and
	 * classes, sys.modules, trace hooks …), each put back where the engine could; empty when the
	 * run left it as it found it. A runner replaces a runtime whose last run changed anything.
	 */
	interpreterChanges(): string[] {
		const changes = this.#changes();
		return changes === '' ? [] : changes.split('\n');
	}
}

function writeSources(pyodide: PyodideAPI, sources: Record<string, string>): void {
	for (const [path, text] of Object.entries(sources)) {
		const full = `${ENGINE_ROOT}/${path}`;
		pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
		pyodide.FS.writeFile(full, text);
	}
}

function isKeyboardInterrupt(error: unknown): boolean {
	return (
		typeof error === 'object' &&
		error !== null &&
		(error as { type?: unknown }).type === 'KeyboardInterrupt'
	);
}

function interruptedTrace(python: string): TraceEvent[] {
	return [
		{
			kind: 'run_start',
			t: 0,
			version: TRACE_VERSION,
			python,
			limits: { max_virtual_time: 0, max_steps: 0, max_events: 0, max_output_chars: 0 }
		},
		{
			kind: 'limit',
			t: 0,
			limit: 'interrupt',
			message: 'Stopped by the user: the program was interrupted (KeyboardInterrupt).',
			line: null
		},
		{ kind: 'run_end', t: 0, steps: 0, real_ms: 0, dropped_events: 0 }
	];
}
