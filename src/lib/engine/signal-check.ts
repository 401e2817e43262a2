/**
 * Pyodide's signal check, made atomic.
 *
 * CPython under Emscripten polls for a Stop every 50 eval-breaker checks with a JavaScript
 * helper (`_Py_CheckEmscriptenSignals_Helper`, Python/emscripten_signal.c): it reads `[0]` of
 * the interrupt buffer, then writes 0 there, in two steps. When another thread (the sandbox frame
 * on Stop) writes SIGINT between them, the 0 wipes it out unread, and `while True: pass` runs on.
 * Measured in Node: 13 and 14 of 301 interrupts of a busy loop were lost so, and an engine
 * test that waited for one hung CI (docs/decisions/0123-atomic-signal-check.md). This has Pyodide instantiate the interpreter with a helper that
 * takes the signal in one `Atomics.exchange`.
 *
 * The helper is a WebAssembly import, bound when the module is instantiated, so it can only be
 * swapped then: `WebAssembly.instantiate` and `instantiateStreaming` are wrapped for the length
 * of one load, and loads in one realm wait for each other so that each interpreter gets a helper
 * bound to its own module. A Pyodide whose imports no longer name the helper keeps its own, and
 * `hasAtomicSignalCheck` says so (an engine test checks it).
 */
import type { PyodideAPI } from 'pyodide';

/** The import's name in Pyodide 314's `env` (pyodide.asm.mjs). */
const HELPER = '_Py_CheckEmscriptenSignals_Helper';

/** The Emscripten module's property the check reads: a typed array, or a getter's (progress.ts). */
interface SignalModule {
	Py_EmscriptenSignalBuffer?: Int32Array;
}

const atomicallyChecked = new WeakSet<PyodideAPI>();
let loading: Promise<unknown> = Promise.resolve();

/** Whether this interpreter takes signals with `Atomics.exchange` (loaded through the wrapper). */
export function hasAtomicSignalCheck(pyodide: PyodideAPI): boolean {
	return atomicallyChecked.has(pyodide);
}

/**
 * `load`, with every interpreter it starts taking signals atomically. Never call a load so wrapped
 * from inside another: it would wait for the outer one, which waits for it.
 */
export function withAtomicSignalCheck<A extends unknown[]>(
	load: (...args: A) => Promise<PyodideAPI>
): (...args: A) => Promise<PyodideAPI> {
	return (...args) => {
		const loaded = loading.then(() => loadWithAtomicCheck(() => load(...args)));
		loading = loaded.catch(() => {});
		return loaded;
	};
}

async function loadWithAtomicCheck(load: () => Promise<PyodideAPI>): Promise<PyodideAPI> {
	let module: SignalModule | undefined;
	let swapped = false;
	const check = (): number => {
		const buffer = module?.Py_EmscriptenSignalBuffer;
		if (!buffer) return 0;
		try {
			return Atomics.exchange(buffer, 0, 0);
		} catch {
			return 0; // not an integer array: as Pyodide's own helper, no signal
		}
	};
	const swap = (imports: WebAssembly.Imports | undefined): void => {
		const env = imports?.env;
		if (env && Object.prototype.hasOwnProperty.call(env, HELPER)) {
			env[HELPER] = check;
			swapped = true;
		}
	};
	const { instantiate, instantiateStreaming } = WebAssembly;
	WebAssembly.instantiate = ((
		source: BufferSource | WebAssembly.Module,
		imports?: WebAssembly.Imports
	) => {
		swap(imports);
		return instantiate(source as BufferSource, imports);
	}) as typeof WebAssembly.instantiate;
	WebAssembly.instantiateStreaming = (source, imports) => {
		swap(imports);
		return instantiateStreaming(source, imports);
	};
	try {
		const pyodide = await load();
		if (swapped) {
			module = (pyodide as unknown as { _module: SignalModule })._module;
			atomicallyChecked.add(pyodide);
		}
		return pyodide;
	} finally {
		WebAssembly.instantiate = instantiate;
		WebAssembly.instantiateStreaming = instantiateStreaming;
	}
}
