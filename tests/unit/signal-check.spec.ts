import type { PyodideAPI } from 'pyodide';
import { describe, expect, it } from 'vitest';
import { hasAtomicSignalCheck, withAtomicSignalCheck } from '../../src/lib/engine/signal-check';

/** The smallest WebAssembly module: it imports nothing, so any imports object instantiates it. */
const EMPTY_MODULE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);

type Helper = () => number;

/** A stand-in for loadPyodide: instantiates with Pyodide's import and keeps its `env`. */
function fakeLoader(buffer: Int32Array, order: string[] = [], name = 'load') {
	const loaded: { env?: Record<string, Helper> } = {};
	const load = async (fail = false): Promise<PyodideAPI> => {
		order.push(`${name} starts`);
		const env: Record<string, Helper> = {
			_Py_CheckEmscriptenSignals_Helper: () => -1
		};
		loaded.env = env;
		await WebAssembly.instantiate(EMPTY_MODULE, { env });
		await new Promise((resolve) => setTimeout(resolve, 5));
		order.push(`${name} ends`);
		if (fail) throw new Error('load failed');
		return { _module: { Py_EmscriptenSignalBuffer: buffer } } as unknown as PyodideAPI;
	};
	return { load, loaded };
}

describe('withAtomicSignalCheck', () => {
	it('instantiates the interpreter with a check that takes the signal in one exchange', async () => {
		const buffer = new Int32Array(new SharedArrayBuffer(4));
		const { load, loaded } = fakeLoader(buffer);
		const pyodide = await withAtomicSignalCheck(load)();
		const check = loaded.env!._Py_CheckEmscriptenSignals_Helper;
		expect(hasAtomicSignalCheck(pyodide)).toBe(true);
		expect(check()).toBe(0);
		buffer[0] = 2;
		expect(check()).toBe(2);
		expect(buffer[0]).toBe(0);
		expect(check()).toBe(0);
	});

	it('puts WebAssembly back as it was, after a load and after a failed one', async () => {
		const { instantiate, instantiateStreaming } = WebAssembly;
		const { load } = fakeLoader(new Int32Array(1));
		await withAtomicSignalCheck(load)();
		await expect(withAtomicSignalCheck(load)(true)).rejects.toThrow('load failed');
		expect(WebAssembly.instantiate).toBe(instantiate);
		expect(WebAssembly.instantiateStreaming).toBe(instantiateStreaming);
	});

	it('leaves an interpreter whose imports do not name the helper as it is, and says so', async () => {
		const load = async (): Promise<PyodideAPI> => {
			await WebAssembly.instantiate(EMPTY_MODULE, { env: { other: () => 0 } });
			return { _module: {} } as unknown as PyodideAPI;
		};
		expect(hasAtomicSignalCheck(await withAtomicSignalCheck(load)())).toBe(false);
	});

	it('loads one interpreter at a time, so each check reads its own buffer', async () => {
		const order: string[] = [];
		const first = fakeLoader(new Int32Array([2]), order, 'first');
		const second = fakeLoader(new Int32Array([15]), order, 'second');
		await Promise.all([withAtomicSignalCheck(first.load)(), withAtomicSignalCheck(second.load)()]);
		expect(order).toEqual(['first starts', 'first ends', 'second starts', 'second ends']);
		expect(first.loaded.env!._Py_CheckEmscriptenSignals_Helper()).toBe(2);
		expect(second.loaded.env!._Py_CheckEmscriptenSignals_Helper()).toBe(15);
	});
});
