/**
 * bootRuntime's decisions, with a fake `load` and a fake Engine: which options reach Pyodide,
 * what a rejected snapshot (SnapshotRejected) or a failed restore leads to, and when a new
 * snapshot is made. tests/engine/snapshot-boot.spec.ts boots the real Pyodide.
 */
import type { PyodideAPI } from 'pyodide';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { bootRuntime, PRELOADED_MODULES } from '../../src/lib/runner/snapshot/boot';
import { SnapshotRejected } from '../../src/lib/runner/snapshot/verify';

/** What the fakes did, in order. */
const fake = vi.hoisted(() => ({
	log: [] as string[],
	/** How many lines each coming engine.run prints (2, as the warm-up expects, once these run out). */
	printed: [] as number[]
}));

vi.mock('$lib/engine/engine', () => {
	const engine = {
		run: () => {
			fake.log.push('engine.run');
			return Array.from({ length: fake.printed.shift() ?? 2 }, (_, i) => ({
				kind: 'output',
				t: i + 1,
				stream: 'stdout',
				text: `${i + 1}\n`,
				task: 1
			}));
		}
	};
	return {
		Engine: {
			attach: () => {
				fake.log.push('Engine.attach');
				return engine;
			},
			create: async () => {
				fake.log.push('Engine.create');
				return engine;
			}
		}
	};
});

const MADE = new Uint8Array([1, 2, 3]);

function fakePyodide(): PyodideAPI {
	return {
		runPython: (code: string) => {
			fake.log.push(code.includes('import random') ? 'preload' : 'runPython');
		},
		makeMemorySnapshot: () => {
			fake.log.push('makeMemorySnapshot');
			return MADE;
		}
	} as unknown as PyodideAPI;
}

/** A loadPyodide that awaits `_loadSnapshot` as Pyodide does, and can fail to restore it. */
function loader(restoreError?: Error) {
	const calls: Record<string, unknown>[] = [];
	const load = async (extra: Record<string, unknown>): Promise<PyodideAPI> => {
		calls.push(extra);
		if ('_loadSnapshot' in extra) {
			await extra._loadSnapshot;
			if (restoreError) throw restoreError;
		}
		return fakePyodide();
	};
	return { load, calls };
}

const sources = { 'playground/run.py': 'def run(): ...\n' };

beforeEach(() => {
	fake.log.length = 0;
	fake.printed.length = 0;
});

describe('bootRuntime with a fake Pyodide', () => {
	it('a plain load asked for a snapshot preloads modules, snapshots, then warms up', async () => {
		const { load, calls } = loader();
		const booted = await bootRuntime({ load, sources, makeSnapshot: true });
		expect(calls).toEqual([{ _makeSnapshot: true }]);
		expect(booted).toMatchObject({ source: 'full', snapshot: MADE, notes: [] });
		// The warm-up runs a program, so it must come after the snapshot.
		expect(fake.log).toEqual(['Engine.create', 'preload', 'makeMemorySnapshot', 'engine.run']);
		expect(PRELOADED_MODULES).toContain('random');
	});

	it('restores checked bytes handed in as a promise, and makes no snapshot', async () => {
		const { load, calls } = loader();
		const snapshot = Promise.resolve(new Uint8Array(8));
		const booted = await bootRuntime({ load, sources, snapshot, makeSnapshot: true });
		expect(calls).toEqual([{ _loadSnapshot: snapshot }]);
		expect(booted.source).toBe('snapshot');
		expect(booted.snapshot).toBeUndefined();
		expect(booted.notes).toEqual([]);
		expect(fake.log).toEqual(['runPython', 'Engine.attach', 'engine.run']);
	});

	it('bytes rejected by the host: a plain load that makes a new snapshot when asked', async () => {
		const { load, calls } = loader();
		const snapshot = Promise.reject(new SnapshotRejected('SHA-256 does not match'));
		const booted = await bootRuntime({ load, sources, snapshot, makeSnapshot: true });
		expect(calls).toEqual([{ _loadSnapshot: snapshot }, { _makeSnapshot: true }]);
		expect(booted).toMatchObject({
			source: 'full',
			snapshot: MADE,
			notes: ['stored snapshot rejected: SHA-256 does not match']
		});
	});

	it('bytes rejected by the host: a plain load and no snapshot when none was asked for', async () => {
		const { load, calls } = loader();
		const snapshot = Promise.reject(new SnapshotRejected('length 3 bytes, expected 4'));
		const booted = await bootRuntime({ load, sources, snapshot });
		expect(calls).toEqual([{ _loadSnapshot: snapshot }, {}]);
		expect(booted.snapshot).toBeUndefined();
		expect(booted.notes).toEqual(['stored snapshot rejected: length 3 bytes, expected 4']);
	});

	it('good bytes that fail to restore: a plain load that makes no snapshot (it would fail again)', async () => {
		const { load, calls } = loader(new Error('Snapshot build id mismatch\nat somewhere'));
		const booted = await bootRuntime({
			load,
			sources,
			snapshot: new Uint8Array(8),
			makeSnapshot: true
		});
		expect(calls).toHaveLength(2);
		expect(calls[1]).toEqual({});
		expect(booted).toMatchObject({
			source: 'full',
			notes: ['snapshot restore failed (Snapshot build id mismatch), loaded in full']
		});
		expect(booted.snapshot).toBeUndefined();
	});

	it('a restored engine that fails the warm-up program counts as a failed restore', async () => {
		const { load, calls } = loader();
		fake.printed.push(0); // the restored engine prints nothing
		const booted = await bootRuntime({
			load,
			sources,
			snapshot: new Uint8Array(8),
			makeSnapshot: true
		});
		expect(calls.map((extra) => Object.keys(extra))).toEqual([['_loadSnapshot'], []]);
		expect(booted).toMatchObject({
			source: 'full',
			notes: [
				'snapshot restore failed (the restored engine did not run a test program), loaded in full'
			]
		});
	});
});
