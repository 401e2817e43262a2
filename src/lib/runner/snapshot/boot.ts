/**
 * Starting Python in a runner: from a memory snapshot when the page hands one in, otherwise a
 * plain load, which can also make a snapshot for next time.
 *
 * A snapshot holds the whole wasm memory of an interpreter booted with the engine imported and
 * no user code run. Restoring one skips CPython's start-up and the engine import (about 0.25 s
 * instead of 2 s). Pyodide's snapshot options (`_makeSnapshot`, `_loadSnapshot`) are private and
 * pinned with the version (314.0.7): any failure to restore falls back to a plain load here, and
 * the caller learns why from `notes`.
 *
 * Works in a browser worker and in Node: `load` is the caller's own `loadPyodide` with its own
 * configuration (index URL, handed-in files, streams), and this adds only the snapshot options.
 */
import type { PyodideAPI } from 'pyodide';
import { Engine } from '$lib/engine/engine';
import { withAtomicSignalCheck } from '$lib/engine/signal-check';
import { SnapshotRejected } from './verify';

/** The caller's loadPyodide, already configured; `extra` holds the snapshot options. */
export type LoadWithOptions = (extra: Record<string, unknown>) => Promise<PyodideAPI>;

export interface BootOptions {
	load: LoadWithOptions;
	/** The engine's Python package (python-sources.ts, or readPythonSources() in Node). */
	sources: Record<string, string>;
	/**
	 * A snapshot to start from. A promise lets the caller check the bytes (verify.ts) while
	 * Pyodide loads its own code; one that rejects with SnapshotRejected means a plain load.
	 */
	snapshot?: Promise<Uint8Array> | Uint8Array | null;
	/**
	 * After a plain load, make a snapshot and return it: always without `snapshot`; with one, only
	 * when its bytes were rejected (a restore that fails on good bytes would fail again).
	 */
	makeSnapshot?: boolean;
	now?: () => number;
}

export interface BootResult {
	pyodide: PyodideAPI;
	engine: Engine;
	/** Where Python came from. */
	source: 'snapshot' | 'full';
	/** Milliseconds from the call to a usable engine. */
	ms: number;
	/** A snapshot made during this boot, before any user code ran. */
	snapshot?: Uint8Array;
	/** Why a snapshot was not used or not made, for the status line's details. */
	notes: string[];
}

/**
 * Standard-library modules most snippets import, loaded before the snapshot is taken so that a
 * restored runner does not pay for them on the first Run.
 */
export const PRELOADED_MODULES = [
	'random',
	'time',
	'collections',
	'contextlib',
	'dataclasses',
	'functools',
	'itertools',
	'math',
	'typing'
];

/**
 * Runs once after a restore. Every restore from one snapshot starts from the same memory: reseed
 * `random` (from the OS source, as CPython does at start-up) so two runs of a program differ.
 * Pyodide leaves its own webloop marked as running in the snapshot: clear it, or asyncio.run
 * would refuse to start.
 */
const AFTER_RESTORE = `
import asyncio.events as _events, random as _random
_events._set_running_loop(None)
_random.seed()
del _events, _random
`;

/**
 * A tiny program run once after every boot, before the runner says ready. Nothing has executed
 * in a new interpreter yet, so its first run pays for compiling every WebAssembly function it
 * touches (V8 compiles them lazily): on a loaded machine that took the first user run past the
 * 10 s watchdog, and after a full load it put a false "CPU work" note on the first example's
 * first run. After a restore it also proves the engine works, or falls back to a plain load.
 */
const WARM_UP = `import asyncio

async def tick(n):
    await asyncio.sleep(n)
    print(n)

async def main():
    await asyncio.gather(tick(1), tick(2))

asyncio.run(main())
`;

function warmUp(engine: Engine): void {
	const events = engine.run(WARM_UP);
	const printed = events.filter((event) => event.kind === 'output').length;
	if (printed !== 2 || events.some((event) => event.kind === 'error')) {
		throw new Error('the restored engine did not run a test program');
	}
}

function describe(error: unknown): string {
	if (error instanceof Error) return error.message.split('\n')[0] || error.name;
	return String(error);
}

/** Boots Python and the engine; never fails because of the snapshot, only if a plain load fails. */
export async function bootRuntime(options: BootOptions): Promise<BootResult> {
	const now = options.now ?? (() => performance.now());
	const started = now();
	const notes: string[] = [];
	let makeSnapshot = options.makeSnapshot ?? false;
	// So that a Stop from another thread is never lost (signal-check.ts).
	const load = withAtomicSignalCheck(options.load);

	if (options.snapshot) {
		makeSnapshot = false;
		try {
			const pyodide = await load({ _loadSnapshot: options.snapshot });
			pyodide.runPython(AFTER_RESTORE);
			// The package is already imported (that is the point of the snapshot): bind to it.
			const engine = Engine.attach(pyodide, options.sources);
			warmUp(engine);
			return { pyodide, engine, source: 'snapshot', ms: now() - started, notes };
		} catch (error) {
			// The page replaces or forgets these bytes when it hears of this (SnapshotKeeper.settle).
			if (error instanceof SnapshotRejected) {
				notes.push(`stored snapshot rejected: ${error.message}`);
				makeSnapshot = options.makeSnapshot ?? false;
			} else {
				notes.push(`snapshot restore failed (${describe(error)}), loaded in full`);
			}
		}
	}

	const pyodide = await load(makeSnapshot ? { _makeSnapshot: true } : {});
	const engine = await Engine.create(pyodide, options.sources);
	let snapshot: Uint8Array | undefined;
	if (makeSnapshot) {
		try {
			snapshot = makeEngineSnapshot(pyodide);
		} catch (error) {
			notes.push(`could not make a snapshot (${describe(error)})`);
		}
	}
	// After the snapshot, which must hold no run of any program.
	warmUp(engine);
	return { pyodide, engine, source: 'full', ms: now() - started, snapshot, notes };
}

/**
 * Preloads common modules and takes the snapshot. Must run before any user code: the snapshot is
 * what every later runner starts from. Pyodide refuses if Python holds a JavaScript object it
 * created (the engine imports no `js` objects, so nothing is held).
 */
export function makeEngineSnapshot(pyodide: PyodideAPI): Uint8Array {
	pyodide.runPython(PRELOADED_MODULES.map((name) => `import ${name}`).join('\n'));
	return (pyodide as unknown as { makeMemorySnapshot(): Uint8Array }).makeMemorySnapshot();
}
