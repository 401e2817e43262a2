/**
 * RunnerClient with a SnapshotKeeper and stub hosts: what each runtime is told at start, what
 * the client keeps from `ready`, and what the status says.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RunnerClient } from '$lib/runner/client.svelte';
import type { RunnerHost, SnapshotInit } from '$lib/runner/hosts';
import type { WorkerCommand } from '$lib/runner/protocol';
import { SNAPSHOT_PYODIDE_FILES } from '$lib/runner/snapshot/key';
import { SnapshotKeeper } from '$lib/runner/snapshot/keeper';
import { MemoryBackend, MIN_SNAPSHOT_BYTES, SnapshotStore } from '$lib/runner/snapshot/store';

class StubHost implements RunnerHost {
	onmessage: ((data: unknown) => void) | null = null;
	onfailure: ((message: string) => void) | null = null;
	init: SnapshotInit | null = null;
	destroyed = false;
	start(init?: Promise<SnapshotInit>) {
		void init?.then((value) => (this.init = value));
	}
	boot() {}
	send(command: WorkerCommand) {
		void command;
	}
	interrupt() {}
	destroy() {
		this.destroyed = true;
	}
	ready(extra: Record<string, unknown>) {
		this.onmessage?.({
			type: 'ready',
			python: '3.14.2',
			start_ms: 5,
			interruptible: false,
			...extra
		});
	}
}

const manifest = {
	version: '314.0.7',
	files: Object.fromEntries(
		SNAPSHOT_PYODIDE_FILES.map((name) => [
			name,
			{ bytes: 1, sha256: createHash('sha256').update(name).digest('hex') }
		])
	)
};

function keeper(backend: MemoryBackend): SnapshotKeeper {
	return new SnapshotKeeper({
		indexUrl: 'https://example.test/pyodide/',
		loadSources: async () => ({ 'playground/run.py': 'x = 1\n' }),
		store: new SnapshotStore(backend),
		fetchFn: async () => new Response(JSON.stringify(manifest))
	});
}

/** Lets promise chains (key hashing, storage) settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

let clients: RunnerClient[] = [];
afterEach(() => {
	clients.forEach((client) => client.dispose());
	clients = [];
});

function client(snapshots: SnapshotKeeper, hosts: StubHost[]): RunnerClient {
	const made = new RunnerClient({
		snapshots,
		createHost: () => {
			const host = new StubHost();
			hosts.push(host);
			return host;
		}
	});
	clients.push(made);
	return made;
}

describe('RunnerClient with snapshots', () => {
	it('asks the first runtime for a snapshot, stores it, and starts the spare from it', async () => {
		const backend = new MemoryBackend();
		const hosts: StubHost[] = [];
		const runner = client(keeper(backend), hosts);
		await settle();
		expect(hosts[0].init).toEqual({ snapshot: null, make_snapshot: true });

		const made = new Uint8Array(MIN_SNAPSHOT_BYTES + 8).fill(3);
		hosts[0].ready({ source: 'full', snapshot: made.buffer, notes: [] });
		expect(runner.status.phase).toBe('ready');
		expect(runner.status.detail).toMatch(/^Python 3\.14\.2 \(full load in \d+\.\d\d s\) ready$/);
		expect(runner.status.startup).toMatchObject({ source: 'full', note: 'no stored snapshot' });

		await settle();
		expect(backend.records.size).toBe(1);
		// The warm spare starts from its own copy of the bytes.
		expect(hosts).toHaveLength(2);
		expect(hosts[1].init?.make_snapshot).toBe(false);
		expect(hosts[1].init?.snapshot?.byteLength).toBe(made.byteLength);
	});

	it('says "from snapshot" for a restored runtime, and ignores bytes it did not ask for', async () => {
		const backend = new MemoryBackend();
		const first = keeper(backend);
		const plan = await first.plan();
		first.settle(plan, { source: 'full', snapshot: new Uint8Array(MIN_SNAPSHOT_BYTES).fill(1) });
		await first.saved;

		const hosts: StubHost[] = [];
		const runner = client(keeper(backend), hosts);
		await settle();
		expect(hosts[0].init?.snapshot?.byteLength).toBe(MIN_SNAPSHOT_BYTES);
		const stray = new Uint8Array(MIN_SNAPSHOT_BYTES).fill(9);
		hosts[0].ready({ source: 'snapshot', snapshot: stray.buffer });
		expect(runner.status.detail).toMatch(
			/^Python 3\.14\.2 \(from snapshot in \d+\.\d\d s\) ready$/
		);
		await settle();
		const stored = [...backend.records.values()][0] as { bytes: ArrayBuffer };
		expect(new Uint8Array(stored.bytes)[0]).toBe(1);
	});
});
