/**
 * The runtime pool with stub hosts: start-up, the warm spare, replacement after a Stop, a crash
 * or a protocol error, the snapshot plan handed through to the host unchanged, and its part (none)
 * in the frame's handshake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostFactory } from '$lib/runner/hosts';
import {
	RuntimePool,
	type PoolListener,
	type ReadyRuntime,
	type RuntimePoolOptions
} from '$lib/runner/pool.svelte';
import { NO_SNAPSHOT, PROTOCOL_ERROR, type StartPlan } from '$lib/runner/protocol';
import { SnapshotKeeper, type PlannedStart } from '$lib/runner/snapshot/keeper';
import { MemoryBackend, SnapshotStore } from '$lib/runner/snapshot/store';
import { stubHosts, type StubHost } from './runner-stubs';

let hosts: StubHost[];
let createHost: HostFactory;
let lost: { runtime: ReadyRuntime; message: string }[];
let runMessages: { runtime: ReadyRuntime; message: unknown }[];
let pools: RuntimePool[];

const listener: PoolListener = {
	onRunMessage: (runtime, message) => runMessages.push({ runtime, message }),
	onRuntimeLost: (runtime, message) => lost.push({ runtime, message })
};

function makePool(options: RuntimePoolOptions = {}): RuntimePool {
	const pool = new RuntimePool({ snapshots: null, createHost, ...options }, listener);
	pools.push(pool);
	return pool;
}

/** The pool's ready runtime (the one `acquire` gives a run). */
async function acquired(pool: RuntimePool): Promise<ReadyRuntime> {
	const runtime = await pool.acquire(() => true);
	if (!runtime) throw new Error('no runtime');
	return runtime;
}

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
	vi.useFakeTimers();
	({ hosts, createHost } = stubHosts());
	lost = [];
	runMessages = [];
	pools = [];
});

afterEach(() => {
	pools.forEach((pool) => pool.dispose());
	vi.useRealTimers();
});

describe('RuntimePool start-up', () => {
	it('starts one runtime, then a warm spare once it is ready', async () => {
		const pool = makePool();
		expect(hosts).toHaveLength(1);
		expect(await hosts[0].plan).toBe(NO_SNAPSHOT);
		hosts[0].emit({
			type: 'progress',
			stage: 'python',
			message: 'Starting CPython',
			progress: 0.55
		});
		expect(pool.status).toEqual({ phase: 'loading', detail: 'Starting CPython', progress: 0.55 });
		hosts[0].ready();
		expect(pool.status).toMatchObject({ phase: 'ready', startup: { source: 'full' } });
		expect(pool.status.detail).toMatch(/^Python 3\.14\.2 \(full load in \d+\.\d\d s\) ready$/);
		expect(hosts).toHaveLength(2);
		expect(pool.spareReady).toBe(false);
		hosts[1].ready();
		expect(pool.spareReady).toBe(true);
		expect(pool.startMs).toBe(2000);
	});

	it('gives a run the active runtime once it is ready, and only while it is wanted', async () => {
		const pool = makePool();
		let wanted = true;
		const waiting = pool.acquire(() => wanted);
		const unwanted = pool.acquire(() => !wanted);
		hosts[0].ready();
		const runtime = await waiting;
		expect(runtime).not.toBeNull();
		expect(await unwanted).toBeNull();
		runtime!.send({ type: 'run', id: 1, source: 'print(1)', options: {} });
		expect(hosts[0].sent).toHaveLength(1);
		wanted = false;
	});

	it('says crashed when start-up fails, and gives the next run one fresh attempt', async () => {
		const pool = makePool();
		hosts[0].onfailure?.('no wasm');
		expect(pool.status).toMatchObject({ phase: 'crashed', detail: 'no wasm' });
		expect(hosts[0].destroyed).toBe(true);
		// The next run starts a fresh runtime; when that fails too, the run learns why.
		const waiting = pool.acquire(() => true);
		await settle();
		expect(hosts).toHaveLength(2);
		hosts[1].onfailure?.('still no wasm');
		await expect(waiting).rejects.toThrow('still no wasm');
	});

	it('the fresh attempt after a failed start serves the run', async () => {
		const pool = makePool();
		hosts[0].emit({ type: 'fatal', error: { kind: 'startup', message: 'no wasm', traceback: '' } });
		const waiting = pool.acquire(() => true);
		await settle();
		expect(hosts).toHaveLength(2);
		hosts[1].ready();
		expect(await waiting).not.toBeNull();
	});

	it('gives up on a start-up that makes no progress', () => {
		const pool = makePool({ startTimeoutMs: 5_000 });
		vi.advanceTimersByTime(4_000);
		hosts[0].emit({ type: 'progress', stage: 'python', message: 'x', progress: 0.6 });
		vi.advanceTimersByTime(4_000);
		expect(pool.status.phase).toBe('loading');
		vi.advanceTimersByTime(1_500);
		expect(pool.status).toMatchObject({ phase: 'crashed' });
		expect(pool.status.detail).toMatch(/did not start within 5 s/);
	});
});

describe('RuntimePool replacement', () => {
	it('promotes the ready spare when a runtime is replaced after Stop, and starts a new spare', async () => {
		const pool = makePool();
		hosts[0].ready();
		hosts[1].ready();
		const runtime = await acquired(pool);
		pool.replace(runtime, 'Stopped.');
		expect(hosts[0].destroyed).toBe(true);
		expect(pool.status.phase).toBe('ready');
		expect(hosts).toHaveLength(3);
		expect(await acquired(pool)).not.toBe(runtime);
		(await acquired(pool)).send({ type: 'run', id: 2, source: 'print(2)', options: {} });
		expect(hosts[1].sent).toHaveLength(1);
	});

	it('says restarting when there is no ready spare, until the new runtime is ready', async () => {
		const pool = makePool({ keepSpare: false });
		hosts[0].ready();
		pool.replace(await acquired(pool), 'Stopped.');
		expect(pool.status).toMatchObject({ phase: 'restarting', detail: 'Starting a fresh Python' });
		hosts[1].emit({
			type: 'progress',
			stage: 'python',
			message: 'Restoring Python',
			progress: 0.55
		});
		expect(pool.status).toMatchObject({ phase: 'restarting', detail: 'Restoring Python' });
		hosts[1].ready();
		expect(pool.status.phase).toBe('ready');
	});

	it('ignores a replace for a runtime it no longer holds', async () => {
		const pool = makePool();
		hosts[0].ready();
		hosts[1].ready();
		const first = await acquired(pool);
		pool.replace(first, 'Stopped.');
		pool.replace(first, 'Stopped.');
		expect(hosts[1].destroyed).toBe(false);
	});

	it('replaces a crashed runtime, telling the run client first', async () => {
		const pool = makePool();
		hosts[0].ready();
		hosts[1].ready();
		const runtime = await acquired(pool);
		hosts[0].onfailure?.('The runner worker failed: out of memory');
		expect(lost).toEqual([
			{
				runtime,
				message:
					'The runner worker failed: out of memory. A fresh Python is starting; your code is unchanged.'
			}
		]);
		expect(hosts[0].destroyed).toBe(true);
		expect(pool.status.phase).toBe('ready');
		expect(await acquired(pool)).not.toBe(runtime);
	});

	it('replaces a runtime that breaks the protocol', async () => {
		const pool = makePool();
		hosts[0].ready();
		const runtime = await acquired(pool);
		hosts[0].emit({ type: 'result', id: 1, trace: [new ArrayBuffer(2)], changed: [] });
		expect(lost).toEqual([{ runtime, message: PROTOCOL_ERROR }]);
		expect(hosts[0].destroyed).toBe(true);
		expect(pool.status.phase).toBe('restarting');
	});

	it('replaces a spare that crashes or breaks the protocol, quietly', async () => {
		const pool = makePool();
		hosts[0].ready();
		hosts[1].ready();
		hosts[1].onfailure?.('gone');
		expect(hosts[1].destroyed).toBe(true);
		expect(hosts).toHaveLength(3);
		hosts[2].emit('not a message');
		expect(hosts[2].destroyed).toBe(true);
		expect(hosts).toHaveLength(4);
		expect(lost).toEqual([]);
		expect(pool.status.phase).toBe('ready');
	});

	it('passes messages about runs to the run client, from the runtime that sent them', async () => {
		const pool = makePool();
		hosts[0].ready();
		const runtime = await acquired(pool);
		const failed = {
			type: 'run_failed',
			id: 3,
			error: { kind: 'crash', message: 'x', traceback: '' }
		};
		hosts[0].emit(failed);
		expect(runMessages).toEqual([{ runtime, message: failed }]);
	});

	it('dispose ends every runtime', () => {
		const pool = makePool();
		hosts[0].ready();
		pool.dispose();
		expect(hosts.every((host) => host.destroyed)).toBe(true);
	});
});

describe('RuntimePool and the frame handshake', () => {
	it('takes no part in it: a frame_ready reaching the pool is a protocol error', () => {
		const pool = makePool();
		hosts[0].emit({ type: 'frame_ready' });
		expect(hosts[0].destroyed).toBe(true);
		expect(pool.status.phase).toBe('restarting');
	});
});

describe('RuntimePool and the snapshot keeper', () => {
	function keeper(): SnapshotKeeper {
		return new SnapshotKeeper({
			indexUrl: 'https://example.test/pyodide/',
			engineSha256: async () => 'e'.repeat(64),
			store: new SnapshotStore(new MemoryBackend()),
			fetchFn: async () => new Response('', { status: 404 })
		});
	}
	const snapshotPlan: StartPlan = {
		snapshot: { blob: new Blob(['snapshot']), length: 8, sha256: 'a'.repeat(64) },
		make_snapshot: true,
		files: null
	};

	/** A keeper that plans `snapshotPlan` for every runtime. */
	function planning(): { snapshots: SnapshotKeeper; planned: PlannedStart } {
		const snapshots = keeper();
		const planned: PlannedStart = { plan: snapshotPlan, note: '' };
		vi.spyOn(snapshots, 'plan').mockResolvedValue(planned);
		return { snapshots, planned };
	}

	it('hands the keeper’s plan to the host unchanged, and reports the start back to the keeper', async () => {
		const { snapshots, planned } = planning();
		const settle = vi.spyOn(snapshots, 'settle').mockReturnValue('');
		const pool = makePool({ snapshots });
		expect(await hosts[0].plan).toBe(snapshotPlan);
		hosts[0].ready({ source: 'snapshot', notes: [] });
		expect(settle).toHaveBeenCalledWith(planned, { source: 'snapshot', snapshot: null, notes: [] });
		expect(pool.status.startup).toMatchObject({ source: 'snapshot', note: '' });
	});

	it('tells the keeper when a runtime given its plan fails to start, or is discarded first', async () => {
		const { snapshots, planned } = planning();
		const failed = vi.spyOn(snapshots, 'failed');
		const abandon = vi.spyOn(snapshots, 'abandon');
		makePool({ snapshots });
		await hosts[0].plan;
		hosts[0].onfailure?.('the worker could not start');
		expect(failed).toHaveBeenCalledWith(planned);

		const other = makePool({ snapshots });
		await hosts[1].plan;
		other.dispose();
		expect(abandon).toHaveBeenCalledWith(planned);
	});

	it('keeps the snapshot when runtimes go with a lost frame: the loading one starts again', async () => {
		const { snapshots, planned } = planning();
		const failed = vi.spyOn(snapshots, 'failed');
		const abandon = vi.spyOn(snapshots, 'abandon');
		const pool = makePool({ snapshots });
		await hosts[0].plan;
		hosts[0].ready({ source: 'snapshot', notes: [] });
		await settle();
		expect(hosts).toHaveLength(2); // the spare, still loading
		await hosts[1].plan;
		// The frame stopped answering: the spare goes first, then the active runtime.
		hosts[1].onlost?.('The Python runner stopped answering');
		expect(hosts).toHaveLength(3);
		hosts[0].onlost?.('The Python runner stopped answering');
		expect(lost.map((l) => l.message)).toEqual([
			'The Python runner stopped answering. A fresh Python is starting; your code is unchanged.'
		]);
		expect(failed).not.toHaveBeenCalled();
		expect(abandon).toHaveBeenCalledWith(planned);
		// The replacement spare became the active runtime; it starts from the snapshot.
		expect(await hosts[2].plan).toBe(snapshotPlan);
		expect(pool.status.phase).toBe('restarting');
		hosts[2].ready({ source: 'snapshot', notes: [] });
		expect(pool.status.phase).toBe('ready');
		expect(hosts).toHaveLength(4); // and a new spare
	});

	it('starts a first runtime lost with its frame again, not as a crash', async () => {
		const { snapshots } = planning();
		const failed = vi.spyOn(snapshots, 'failed');
		const pool = makePool({ snapshots });
		await hosts[0].plan;
		hosts[0].onlost?.('The Python runner stopped answering');
		expect(hosts[0].destroyed).toBe(true);
		expect(hosts).toHaveLength(2);
		expect(pool.status.phase).toBe('restarting');
		expect(failed).not.toHaveBeenCalled();
		hosts[1].ready({ source: 'snapshot', notes: [] });
		expect(pool.status.phase).toBe('ready');
	});

	it('starts a plain load when the keeper has no answer', async () => {
		const snapshots = keeper();
		vi.spyOn(snapshots, 'plan').mockRejectedValue(new Error('storage broke'));
		makePool({ snapshots });
		expect(await hosts[0].plan).toBe(NO_SNAPSHOT);
	});
});
