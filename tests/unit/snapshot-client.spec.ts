/**
 * RunnerClient with a SnapshotKeeper and stub hosts: what each runtime is told at start, what
 * the client keeps from `ready`, and what the status says.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunnerClient } from '$lib/runner/client.svelte';
import type { StartPlan } from '$lib/runner/protocol';
import { PYODIDE_FILES, type PyodideFileName } from '$lib/runner/pyodide-files';
import { SnapshotKeeper } from '$lib/runner/snapshot/keeper';
import {
	MemoryBackend,
	MIN_SNAPSHOT_BYTES,
	SnapshotStore,
	type StoredSnapshot
} from '$lib/runner/snapshot/store';
import { stubHosts, type StubHost } from './runner-stubs';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const INDEX = 'https://example.test/pyodide/';
const FILES = Object.fromEntries(
	PYODIDE_FILES.map((name) => [name, new TextEncoder().encode(`bytes of ${name}`)])
) as Record<PyodideFileName, Uint8Array<ArrayBuffer>>;
const manifest = {
	version: '314.0.7',
	files: Object.fromEntries(
		PYODIDE_FILES.map((name) => [
			name,
			{ bytes: FILES[name].byteLength, sha256: sha256(FILES[name]) }
		])
	)
};

/** manifest.json and the Pyodide files, as the page's static directory serves them. */
const serve: typeof fetch = async (input) => {
	const name = String(input).slice(INDEX.length);
	if (name === 'manifest.json') return new Response(JSON.stringify(manifest));
	const bytes = FILES[name as PyodideFileName];
	return bytes ? new Response(bytes) : new Response('missing', { status: 404 });
};

function keeper(backend: MemoryBackend): SnapshotKeeper {
	return new SnapshotKeeper({
		indexUrl: INDEX,
		engineSha256: async () => sha256('the engine'),
		store: new SnapshotStore(backend),
		fetchFn: serve
	});
}

function snapshotBlob(fill: number): { blob: Blob; bytes: Uint8Array } {
	const bytes = new Uint8Array(MIN_SNAPSHOT_BYTES + 8).fill(fill);
	return { blob: new Blob([bytes]), bytes };
}

/** A page that stored a snapshot on an earlier visit. */
async function visited(fill = 1): Promise<{ backend: MemoryBackend; bytes: Uint8Array }> {
	const backend = new MemoryBackend();
	const first = keeper(backend);
	const plan = await first.plan();
	const { blob, bytes } = snapshotBlob(fill);
	first.settle(plan, { source: 'full', snapshot: blob });
	expect(await first.saved).toMatch(/^snapshot stored/);
	return { backend, bytes };
}

function stored(backend: MemoryBackend): StoredSnapshot {
	expect(backend.records.size).toBe(1);
	return [...backend.records.values()][0] as StoredSnapshot;
}

/** Waits for a host to be told how to start (the keeper's plan is asynchronous). */
async function started(host: () => StubHost | undefined): Promise<StartPlan> {
	const plan = await vi.waitFor(() => {
		const plan = host()?.plan;
		if (!plan) throw new Error('not started yet');
		return plan;
	});
	return plan;
}

let clients: RunnerClient[] = [];
afterEach(() => {
	clients.forEach((client) => client.dispose());
	clients = [];
});

function client(snapshots: SnapshotKeeper): { runner: RunnerClient; hosts: StubHost[] } {
	const { hosts, createHost } = stubHosts();
	const runner = new RunnerClient({ snapshots, createHost });
	clients.push(runner);
	return { runner, hosts };
}

describe('RunnerClient with snapshots', () => {
	it('asks the first runtime for a snapshot, stores the Blob it sends, and starts the spare from it', async () => {
		const backend = new MemoryBackend();
		const snapshots = keeper(backend);
		const { runner, hosts } = client(snapshots);
		expect(await started(() => hosts[0])).toEqual({
			snapshot: null,
			make_snapshot: true,
			files: null
		});

		const { blob, bytes } = snapshotBlob(3);
		hosts[0].ready({ source: 'full', snapshot: blob, notes: [] });
		expect(runner.status.phase).toBe('ready');
		expect(runner.status.detail).toMatch(/^Python 3\.14\.2 \(full load in \d+\.\d\d s\) ready$/);
		expect(runner.status.startup).toMatchObject({ source: 'full', note: 'no stored snapshot' });

		expect(await snapshots.saved).toMatch(/^snapshot stored/);
		// The Blob itself is kept (a handle, not a copy), with the page's own measurement.
		expect(stored(backend)).toMatchObject({ length: bytes.byteLength, sha256: sha256(bytes) });
		expect(stored(backend).blob).toBe(blob);
		// The warm spare restores it (and would make a new one only if the bytes fail their check).
		expect(await started(() => hosts[1])).toMatchObject({
			make_snapshot: true,
			snapshot: { blob, length: bytes.byteLength, sha256: sha256(bytes) }
		});
		expect(hosts).toHaveLength(2);
	});

	it('hands a return visit’s runtime the stored snapshot and files, and says "from snapshot"', async () => {
		const { backend, bytes } = await visited();
		const before = stored(backend);

		const snapshots = keeper(backend);
		const { runner, hosts } = client(snapshots);
		expect(await started(() => hosts[0])).toEqual({
			snapshot: { blob: before.blob, length: bytes.byteLength, sha256: sha256(bytes) },
			make_snapshot: true,
			files: before.files
		});
		hosts[0].ready({ source: 'snapshot', notes: [] });
		expect(runner.status.detail).toMatch(
			/^Python 3\.14\.2 \(from snapshot in \d+\.\d\d s\) ready$/
		);
		expect(runner.status.startup).toMatchObject({ source: 'snapshot', note: '' });
		expect(await snapshots.saved).toBe('');
		expect(stored(backend)).toBe(before);
	});

	it('replaces a stored snapshot whose bytes the runner rejected with the one it made', async () => {
		const { backend } = await visited();
		const snapshots = keeper(backend);
		const { runner, hosts } = client(snapshots);
		await started(() => hosts[0]);
		const { blob, bytes } = snapshotBlob(5);
		hosts[0].ready({
			source: 'full',
			snapshot: blob,
			notes: ['stored snapshot rejected: SHA-256 does not match']
		});
		expect(runner.status.startup).toMatchObject({
			source: 'full',
			note: 'stored snapshot rejected: SHA-256 does not match'
		});
		expect(await snapshots.saved).toMatch(/^snapshot stored/);
		expect(stored(backend)).toMatchObject({ blob, sha256: sha256(bytes) });
	});

	it('after a failed restore, deletes the snapshot and ignores one it did not ask for', async () => {
		const { backend } = await visited();
		const snapshots = keeper(backend);
		const { runner, hosts } = client(snapshots);
		await started(() => hosts[0]);
		hosts[0].ready({
			source: 'full',
			notes: ['snapshot restore failed (Snapshot build id mismatch), loaded in full']
		});
		expect(runner.status.startup?.note).toMatch(/restore failed/);
		await vi.waitFor(() => expect(backend.records.size).toBe(0));
		// The spare loads in full and is not asked for a snapshot: one it sends anyway is dropped.
		expect(await started(() => hosts[1])).toEqual({
			snapshot: null,
			make_snapshot: false,
			files: null
		});
		hosts[1].ready({ source: 'full', snapshot: snapshotBlob(9).blob });
		expect(await snapshots.saved).toBe('');
		expect(backend.records.size).toBe(0);
	});

	it('forgets the stored snapshot when a runtime given it fails to start', async () => {
		const { backend } = await visited();
		const { runner, hosts } = client(keeper(backend));
		expect((await started(() => hosts[0])).snapshot).not.toBeNull();
		hosts[0].onfailure?.('The runner worker failed: out of memory');
		expect(runner.status.phase).toBe('crashed');
		await vi.waitFor(() => expect(backend.records.size).toBe(0));
	});
});

/** Whether `promise` has settled once every pending promise (the keeper's plan) has run. */
async function settledNow(promise: Promise<unknown>): Promise<boolean> {
	let settled = false;
	void promise.then(() => (settled = true));
	await new Promise((resolve) => setTimeout(resolve, 20));
	return settled;
}

describe('RunnerClient.startupSettled (when the page may load its editor)', () => {
	it('waits while Python restores from a snapshot, and settles when it is ready', async () => {
		const { backend } = await visited();
		const { runner, hosts } = client(keeper(backend));
		expect((await started(() => hosts[0])).snapshot).not.toBeNull();
		expect(await settledNow(runner.startupSettled)).toBe(false);
		hosts[0].ready({ source: 'snapshot', notes: [] });
		expect(await settledNow(runner.startupSettled)).toBe(true);
	});

	it('settles at once when Python must load in full (no snapshot yet)', async () => {
		const { runner, hosts } = client(keeper(new MemoryBackend()));
		expect((await started(() => hosts[0])).snapshot).toBeNull();
		expect(await settledNow(runner.startupSettled)).toBe(true);
		expect(runner.status.phase).toBe('loading');
	});

	it('settles when the first runtime fails to start', async () => {
		const { backend } = await visited();
		const { runner, hosts } = client(keeper(backend));
		await started(() => hosts[0]);
		hosts[0].onfailure?.('the worker could not start');
		expect(await settledNow(runner.startupSettled)).toBe(true);
	});
});

describe('RunnerClient.firstStartEnded (when the page may register its service worker)', () => {
	it("waits for a first visit's full load, not only for the plan", async () => {
		const { runner, hosts } = client(keeper(new MemoryBackend()));
		expect((await started(() => hosts[0])).snapshot).toBeNull();
		expect(await settledNow(runner.startupSettled)).toBe(true);
		expect(await settledNow(runner.firstStartEnded)).toBe(false);
		hosts[0].ready({ source: 'full', snapshot: snapshotBlob(7).blob });
		expect(await settledNow(runner.firstStartEnded)).toBe(true);
	});

	it('ends when the first runtime fails to start', async () => {
		const { runner, hosts } = client(keeper(new MemoryBackend()));
		await started(() => hosts[0]);
		hosts[0].onfailure?.('the worker could not start');
		expect(await settledNow(runner.firstStartEnded)).toBe(true);
	});
});
