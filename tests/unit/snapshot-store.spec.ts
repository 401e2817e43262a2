import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/runner/snapshot/key';
import {
	MemoryBackend,
	MIN_SNAPSHOT_BYTES,
	SnapshotStore,
	type SnapshotBackend,
	type StoredSnapshot
} from '../../src/lib/runner/snapshot/store';

const KEY = 'pyodide-314.0.7-abc';

function fakeSnapshot(size = MIN_SNAPSHOT_BYTES + 4096): Uint8Array {
	const bytes = new Uint8Array(size);
	for (let i = 0; i < size; i += 997) bytes[i] = (i / 997) & 0xff;
	return bytes;
}

async function saved(): Promise<{
	store: SnapshotStore;
	backend: MemoryBackend;
	bytes: Uint8Array;
}> {
	const backend = new MemoryBackend();
	const store = new SnapshotStore(backend);
	const bytes = fakeSnapshot();
	const result = await store.save(KEY, bytes);
	expect(result.ok).toBe(true);
	return { store, backend, bytes };
}

function record(backend: MemoryBackend): StoredSnapshot {
	return backend.records.get(KEY) as StoredSnapshot;
}

describe('SnapshotStore', () => {
	it('stores the page’s own hash and length, and gives back the same bytes', async () => {
		const { store, backend, bytes } = await saved();
		const stored = record(backend);
		expect(stored.length).toBe(bytes.byteLength);
		expect(stored.sha256).toBe(await sha256Hex(bytes));
		const loaded = await store.load(KEY);
		expect(loaded.ok).toBe(true);
		if (loaded.ok) expect(Buffer.from(loaded.bytes).equals(Buffer.from(bytes))).toBe(true);
	});

	it('keeps its own copy: later changes to the caller’s buffer do not reach storage', async () => {
		const { store, bytes } = await saved();
		bytes[0] ^= 0xff;
		const loaded = await store.load(KEY);
		expect(loaded.ok && loaded.bytes[0]).toBe(bytes[0] ^ 0xff);
	});

	it('rejects and deletes a snapshot whose bytes were changed', async () => {
		const { store, backend } = await saved();
		new Uint8Array(record(backend).bytes)[12345] ^= 1;
		const loaded = await store.load(KEY);
		expect(loaded).toMatchObject({ ok: false, reason: expect.stringMatching(/SHA-256/) });
		expect(backend.records.has(KEY)).toBe(false);
		expect(await store.load(KEY)).toMatchObject({ ok: false, reason: 'no stored snapshot' });
	});

	it('rejects a truncated snapshot by its length before hashing', async () => {
		const { store, backend } = await saved();
		const stored = record(backend);
		stored.bytes = stored.bytes.slice(0, stored.length - 1);
		const loaded = await store.load(KEY);
		expect(loaded).toMatchObject({ ok: false, reason: expect.stringMatching(/length/) });
	});

	it('rejects a record stored under another key, or without bytes, or of another shape', async () => {
		const { store, backend } = await saved();
		backend.records.set(KEY, { ...record(backend), key: 'other' });
		expect(await store.load(KEY)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/key/)
		});
		await store.save(KEY, fakeSnapshot());
		backend.records.set(KEY, { ...record(backend), bytes: 'nope' });
		expect(await store.load(KEY)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/bytes/)
		});
		backend.records.set(KEY, 42);
		expect((await store.load(KEY)).ok).toBe(false);
	});

	it('misses a key it does not hold, and keeps only the newest snapshot', async () => {
		const { store, backend } = await saved();
		expect(await store.load('pyodide-other')).toMatchObject({
			ok: false,
			reason: 'no stored snapshot'
		});
		await store.save('pyodide-new', fakeSnapshot());
		expect([...backend.records.keys()]).toEqual(['pyodide-new']);
	});

	it('refuses to store something too small to be a snapshot', async () => {
		const store = new SnapshotStore(new MemoryBackend());
		const result = await store.save(KEY, new Uint8Array(100));
		expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/too small/) });
	});

	it('turns a failing or hanging backend into a miss, never an exception', async () => {
		const failing: SnapshotBackend = {
			get: () => Promise.reject(new Error('disk on fire')),
			replaceAll: () => Promise.reject(new Error('quota exceeded')),
			delete: () => Promise.reject(new Error('nope'))
		};
		const store = new SnapshotStore(failing);
		expect(await store.load(KEY)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/disk on fire/)
		});
		expect(await store.save(KEY, fakeSnapshot())).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/quota exceeded/)
		});
		const hanging: SnapshotBackend = { ...failing, get: () => new Promise(() => {}) };
		const slow = new SnapshotStore(hanging, { timeoutMs: 20 });
		expect(await slow.load(KEY)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/20 ms/)
		});
	});
});
