import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	SNAPSHOT_PYODIDE_FILES,
	snapshotKey,
	type PyodideManifest
} from '../../src/lib/runner/snapshot/key';
import { SnapshotKeeper } from '../../src/lib/runner/snapshot/keeper';
import {
	MemoryBackend,
	MIN_SNAPSHOT_BYTES,
	SnapshotStore,
	type StoredSnapshot
} from '../../src/lib/runner/snapshot/store';

const INDEX = 'https://example.test/pyodide/';
const sources = { 'playground/run.py': 'def run(): ...\n' };

function manifest(): PyodideManifest {
	const files: PyodideManifest['files'] = {};
	for (const name of SNAPSHOT_PYODIDE_FILES) {
		files[name] = { bytes: 10, sha256: createHash('sha256').update(name).digest('hex') };
	}
	return { version: '314.0.7', files };
}

const serveManifest: typeof fetch = async (input) => {
	expect(String(input)).toBe(`${INDEX}manifest.json`);
	return new Response(JSON.stringify(manifest()), {
		headers: { 'content-type': 'application/json' }
	});
};
const noManifest: typeof fetch = async () => new Response('missing', { status: 404 });

function snapshotBytes(fill = 7): Uint8Array {
	return new Uint8Array(MIN_SNAPSHOT_BYTES + 16).fill(fill);
}

function keeper(backend: MemoryBackend | null, fetchFn = serveManifest): SnapshotKeeper {
	return new SnapshotKeeper({
		indexUrl: INDEX,
		loadSources: async () => sources,
		store: backend ? new SnapshotStore(backend) : null,
		fetchFn
	});
}

describe('SnapshotKeeper', () => {
	it('first visit: one runner makes a snapshot, the page stores it, later runners restore it', async () => {
		const backend = new MemoryBackend();
		const first = keeper(backend);
		const plan = await first.plan();
		expect(plan).toMatchObject({ snapshot: null, makeSnapshot: true, note: 'no stored snapshot' });
		// A second runner starting meanwhile (the spare) does not make a second snapshot.
		expect(await first.plan()).toMatchObject({ snapshot: null, makeSnapshot: false });

		const made = snapshotBytes();
		expect(first.settle(plan, { source: 'full', snapshot: made })).toBe('no stored snapshot');
		expect(await first.saved).toMatch(/^snapshot stored/);
		const key = await snapshotKey(manifest(), sources);
		expect((backend.records.get(key) as StoredSnapshot).length).toBe(made.byteLength);

		// The warm spare and restarts get their own copy, from memory.
		const restart = await first.plan();
		expect(restart.makeSnapshot).toBe(false);
		expect(restart.snapshot === made).toBe(false);
		expect(Buffer.from(restart.snapshot!).equals(Buffer.from(made))).toBe(true);

		// A reload reads the verified bytes from storage.
		const reload = await keeper(backend).plan();
		expect([reload.makeSnapshot, reload.note, reload.snapshot?.byteLength]).toEqual([
			false,
			'',
			made.byteLength
		]);
	});

	it('a corrupted stored snapshot is a miss with a reason, and is made again', async () => {
		const backend = new MemoryBackend();
		const first = keeper(backend);
		const plan = await first.plan();
		first.settle(plan, { source: 'full', snapshot: snapshotBytes() });
		await first.saved;
		const key = await snapshotKey(manifest(), sources);
		new Uint8Array((backend.records.get(key) as StoredSnapshot).bytes)[99] = 0;

		const reload = await keeper(backend).plan();
		expect(reload).toMatchObject({
			snapshot: null,
			makeSnapshot: true,
			note: expect.stringMatching(/rejected: SHA-256/)
		});
	});

	it('a failed restore is reported, the bytes are forgotten and deleted, and later runners load in full', async () => {
		const backend = new MemoryBackend();
		const first = keeper(backend);
		const plan = await first.plan();
		first.settle(plan, { source: 'full', snapshot: snapshotBytes() });
		await first.saved;

		const page = keeper(backend);
		const restore = await page.plan();
		expect(restore.snapshot).not.toBeNull();
		const note = page.settle(restore, {
			source: 'full',
			notes: ['snapshot restore failed (Snapshot build id mismatch), loaded in full']
		});
		expect(note).toMatch(/restore failed/);
		expect(await page.plan()).toMatchObject({ snapshot: null, makeSnapshot: false });
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(backend.records.size).toBe(0);
	});

	it('without storage, the snapshot still serves this page’s restarts', async () => {
		const page = keeper(null);
		const plan = await page.plan();
		expect(plan.makeSnapshot).toBe(true);
		page.settle(plan, { source: 'full', snapshot: snapshotBytes() });
		expect(await page.saved).toMatch(/this page only/);
		expect((await page.plan()).snapshot).not.toBeNull();
	});

	it('without a manifest, every runner loads in full and says why', async () => {
		const page = keeper(new MemoryBackend(), noManifest);
		expect(await page.plan()).toMatchObject({
			snapshot: null,
			makeSnapshot: false,
			note: expect.stringMatching(/manifest \(HTTP 404\)/)
		});
	});

	it('ignores bytes from a runner that was not asked to make a snapshot', async () => {
		const backend = new MemoryBackend();
		const page = keeper(backend);
		const maker = await page.plan();
		const other = await page.plan();
		page.settle(other, { source: 'full', snapshot: snapshotBytes(1) });
		expect(await page.saved).toBe('');
		expect(backend.records.size).toBe(0);
		// A maker discarded before it was ready lets the next runner make the snapshot.
		page.abandon(maker);
		expect((await page.plan()).makeSnapshot).toBe(true);
	});
});
