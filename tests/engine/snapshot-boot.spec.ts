/**
 * bootRuntime on the real Pyodide (Node): a plain load makes a snapshot, a restore from it gives
 * a working engine with fresh randomness, and a bad snapshot falls back to a plain load.
 */
import { loadPyodide } from 'pyodide';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/lib/engine/events';
import { pythonSources } from '../../src/lib/engine/python-sources';
import { bootRuntime, type LoadWithOptions } from '../../src/lib/runner/snapshot/boot';

const load: LoadWithOptions = (extra) =>
	loadPyodide({ ...extra } as Parameters<typeof loadPyodide>[0]);

const PROGRAM = `
import asyncio, random

async def pick(name):
    await asyncio.sleep(0.5)
    print(name, random.random())

async def main():
    await asyncio.gather(pick("a"), pick("b"))

asyncio.run(main())
`;

function output(events: TraceEvent[]): string[] {
	return events.flatMap((e) => (e.kind === 'output' ? [e.text] : []));
}

function finishedAt(events: TraceEvent[]): number {
	const end = events.find((e) => e.kind === 'run_end');
	return end ? end.t : -1;
}

let snapshot: Uint8Array;

describe('bootRuntime', () => {
	beforeAll(async () => {
		const made = await bootRuntime({ load, sources: pythonSources, makeSnapshot: true });
		expect(made.source).toBe('full');
		expect(made.notes).toEqual([]);
		expect(made.snapshot).toBeInstanceOf(Uint8Array);
		snapshot = made.snapshot!;
		// The runtime that made the snapshot runs programs as usual afterwards.
		const events = made.engine.run(PROGRAM);
		expect(output(events)).toHaveLength(2);
	});

	it('restores a working engine from the snapshot, with the running loop cleared', async () => {
		const restored = await bootRuntime({ load, sources: pythonSources, snapshot });
		expect(restored.source).toBe('snapshot');
		expect(restored.snapshot).toBeUndefined();
		expect(
			restored.pyodide.runPython(
				'import asyncio.events; asyncio.events._get_running_loop() is None'
			)
		).toBe(true);
		const events = restored.engine.run(PROGRAM);
		expect(events.filter((e) => e.kind === 'error')).toEqual([]);
		expect(output(events).map((line) => line.split(' ')[0])).toEqual(['a', 'b']);
		expect(finishedAt(events)).toBe(0.5);
		// Tracebacks of the user's code still work (the engine's files are back on disk).
		const failing = restored.engine.run('def f():\n    raise ValueError("boom")\nf()\n');
		const error = failing.find((e) => e.kind === 'error');
		expect(error).toMatchObject({ type: 'ValueError', message: 'boom', line: 2 });
	});

	it('reseeds random after every restore: two restores print different numbers', async () => {
		const one = await bootRuntime({ load, sources: pythonSources, snapshot });
		const two = await bootRuntime({ load, sources: pythonSources, snapshot });
		const a = output(one.engine.run(PROGRAM));
		const b = output(two.engine.run(PROGRAM));
		expect(a).toHaveLength(2);
		expect(a).not.toEqual(b);
	});

	it('falls back to a plain load when the snapshot cannot be restored, and says why', async () => {
		const garbage = snapshot.slice(0, 4096);
		garbage.fill(0, 0, 16); // no magic number
		const booted = await bootRuntime({ load, sources: pythonSources, snapshot: garbage });
		expect(booted.source).toBe('full');
		expect(booted.notes.join()).toMatch(
			/snapshot restore failed \(Snapshot has invalid magic number\)/
		);
		expect(output(booted.engine.run(PROGRAM))).toHaveLength(2);
	});
});
