import { describe, expect, it } from 'vitest';
import type { PyodideFiles, SnapshotHandle } from '../../src/lib/runner/protocol';
import { PYODIDE_FILES } from '../../src/lib/runner/pyodide-files';
import {
	MemoryBackend,
	MIN_SNAPSHOT_BYTES,
	SnapshotStore,
	type SnapshotBackend,
	type StoredSnapshot
} from '../../src/lib/runner/snapshot/store';
import { checkSnapshot, measureSnapshot } from '../../src/lib/runner/snapshot/verify';

const KEY = 'pyodide-314.0.7-abc';

function fakeSnapshot(size = MIN_SNAPSHOT_BYTES + 4096): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(size);
	for (let i = 0; i < size; i += 997) bytes[i] = (i / 997) & 0xff;
	return bytes;
}

function fakeFiles(): PyodideFiles {
	return Object.fromEntries(
		PYODIDE_FILES.map((name) => [name, new Blob([`contents of ${name}`])])
	) as PyodideFiles;
}

async function saved(): Promise<{
	store: SnapshotStore;
	backend: MemoryBackend;
	handle: SnapshotHandle;
	files: PyodideFiles;
}> {
	const backend = new MemoryBackend();
	const store = new SnapshotStore(backend);
	const handle = await measureSnapshot(new Blob([fakeSnapshot()]));
	const files = fakeFiles();
	const result = await store.save(KEY, handle, files);
	expect(result.ok).toBe(true);
	return { store, backend, handle, files };
}

function record(backend: MemoryBackend): StoredSnapshot {
	return backend.records.get(KEY) as StoredSnapshot;
}

/** A promise and its resolver, to hold a key back while the read runs. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
	let resolve: (value: T) => void = () => {};
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

describe('SnapshotStore', () => {
	it('stores the page’s handle and the Pyodide files, and gives back the same Blobs', async () => {
		const { store, backend, handle, files } = await saved();
		const stored = record(backend);
		expect(stored).toMatchObject({ key: KEY, length: handle.length, sha256: handle.sha256 });
		expect(stored.blob).toBe(handle.blob);
		expect(typeof stored.created).toBe('number');
		const loaded = await store.load(KEY);
		if (!loaded.ok) throw new Error(loaded.reason);
		expect(loaded.snapshot).toEqual({
			blob: handle.blob,
			length: handle.length,
			sha256: handle.sha256
		});
		for (const name of PYODIDE_FILES) expect(loaded.files[name]).toBe(files[name]);
	});

	it('takes the key as a promise, and starts reading before the key is known', async () => {
		const { backend } = await saved();
		let reads = 0;
		const counting: SnapshotBackend = {
			read: () => {
				reads += 1;
				return backend.read();
			},
			replaceAll: (r) => backend.replaceAll(r),
			delete: (key) => backend.delete(key)
		};
		const key = deferred<string | null>();
		const loading = new SnapshotStore(counting).load(key.promise);
		// The key is still pending (it waits for manifest.json); the read has begun all the same.
		expect(reads).toBe(1);
		key.resolve(KEY);
		expect((await loading).ok).toBe(true);
	});

	it('looks nothing up for a null key, and leaves the record alone', async () => {
		const { store, backend } = await saved();
		expect(await store.load(null)).toMatchObject({ ok: false, reason: '' });
		expect(await store.load(Promise.resolve(null))).toMatchObject({ ok: false, reason: '' });
		expect(backend.records.has(KEY)).toBe(true);
	});

	it('misses a snapshot of another version, but keeps it until this version stores its own', async () => {
		const { store, backend } = await saved();
		expect(await store.load('pyodide-other')).toMatchObject({
			ok: false,
			reason: 'no stored snapshot for this version'
		});
		expect(backend.records.has(KEY)).toBe(true);
		const handle = await measureSnapshot(new Blob([fakeSnapshot()]));
		expect((await store.save('pyodide-other', handle, fakeFiles())).ok).toBe(true);
		// Only the newest snapshot is kept.
		expect([...backend.records.keys()]).toEqual(['pyodide-other']);
		expect((await store.load('pyodide-other')).ok).toBe(true);
	});

	it('misses when nothing (or not an object) is stored', async () => {
		const backend = new MemoryBackend();
		const store = new SnapshotStore(backend);
		expect(await store.load(KEY)).toMatchObject({ ok: false, reason: 'no stored snapshot' });
		backend.records.set(KEY, 42);
		expect(await store.load(KEY)).toMatchObject({ ok: false, reason: 'no stored snapshot' });
	});

	it.each([
		[
			'without a Blob (a record from an older version)',
			(r: Record<string, unknown>) => {
				delete r.blob;
				r.bytes = new ArrayBuffer(MIN_SNAPSHOT_BYTES + 4096);
			},
			/^stored snapshot rejected: no bytes/
		],
		[
			'without Pyodide files',
			(r: Record<string, unknown>) => delete r.files,
			/^stored snapshot rejected: no Pyodide files/
		],
		[
			'with a Pyodide file that is not a Blob',
			(r: Record<string, unknown>) => {
				r.files = { ...(r.files as PyodideFiles), 'pyodide.asm.wasm': new ArrayBuffer(8) };
			},
			/^stored snapshot rejected: no Pyodide files/
		],
		[
			'without a length',
			(r: Record<string, unknown>) => delete r.length,
			/^stored snapshot rejected: no length or hash$/
		],
		[
			'with a malformed hash',
			(r: Record<string, unknown>) => (r.sha256 = (r.sha256 as string).toUpperCase()),
			/^stored snapshot rejected: no length or hash$/
		],
		[
			'whose Blob is shorter than its recorded length',
			(r: Record<string, unknown>) => (r.blob = (r.blob as Blob).slice(0, 100)),
			new RegExp(
				`^stored snapshot rejected: length 100 bytes, expected ${MIN_SNAPSHOT_BYTES + 4096}$`
			)
		],
		[
			'too small to be a snapshot, though consistent',
			(r: Record<string, unknown>) => {
				r.blob = new Blob([new Uint8Array(100)]);
				r.length = 100;
			},
			/^stored snapshot rejected: too small/
		]
	])('rejects and deletes a record %s', async (_name, damage, reason) => {
		const { store, backend } = await saved();
		damage(record(backend) as unknown as Record<string, unknown>);
		expect(await store.load(KEY)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(reason)
		});
		// Deleted, so that a new snapshot is made rather than the same rejection every visit.
		expect(backend.records.has(KEY)).toBe(false);
		expect(await store.load(KEY)).toMatchObject({ ok: false, reason: 'no stored snapshot' });
	});

	it('does not hash the bytes: changed bytes are left for the runner’s host to reject', async () => {
		const { store, backend, handle } = await saved();
		const changed = fakeSnapshot();
		changed[12_345] ^= 1;
		record(backend).blob = new Blob([changed]);
		const loaded = await store.load(KEY);
		if (!loaded.ok) throw new Error(loaded.reason);
		// The page's own hash comes back unchanged; the check against it is the host's.
		expect(loaded.snapshot.sha256).toBe(handle.sha256);
		expect(await checkSnapshot(loaded.snapshot)).toEqual({ problem: 'SHA-256 does not match' });
	});

	it('refuses to store something too small to be a snapshot', async () => {
		const backend = new MemoryBackend();
		const store = new SnapshotStore(backend);
		const small = await measureSnapshot(new Blob([new Uint8Array(100)]));
		const result = await store.save(KEY, small, fakeFiles());
		expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/too small/) });
		expect(backend.records.size).toBe(0);
	});

	it('deletes the snapshot under a key on request', async () => {
		const { store, backend } = await saved();
		await store.delete('pyodide-other');
		expect(backend.records.has(KEY)).toBe(true);
		await store.delete(KEY);
		expect(backend.records.size).toBe(0);
	});

	it('turns a failing or hanging backend into a miss, never an exception', async () => {
		const failing: SnapshotBackend = {
			read: () => Promise.reject(new Error('disk on fire')),
			replaceAll: () => Promise.reject(new Error('quota exceeded')),
			delete: () => Promise.reject(new Error('nope'))
		};
		const store = new SnapshotStore(failing);
		expect(await store.load(KEY)).toMatchObject({
			ok: false,
			reason: 'snapshot storage unreadable: disk on fire'
		});
		const handle = await measureSnapshot(new Blob([fakeSnapshot()]));
		expect(await store.save(KEY, handle, fakeFiles())).toMatchObject({
			ok: false,
			reason: 'could not store the snapshot: quota exceeded'
		});
		await expect(store.delete(KEY)).resolves.toBeUndefined();
		// A damaged record whose deletion fails is still a miss.
		const damaged = { key: KEY, blob: 'nope' };
		const undeletable = new SnapshotStore({ ...failing, read: async () => damaged });
		expect(await undeletable.load(KEY)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/^stored snapshot rejected/)
		});

		const hanging: SnapshotBackend = { ...failing, read: () => new Promise(() => {}) };
		const slow = new SnapshotStore(hanging, { timeoutMs: 20 });
		expect(await slow.load(KEY)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/no answer within 20 ms/)
		});
	});

	it('a read that fails while the key is pending is reported once the key is known', async () => {
		const failing: SnapshotBackend = {
			read: () => Promise.reject(new Error('disk on fire')),
			replaceAll: async () => {},
			delete: async () => {}
		};
		const key = deferred<string | null>();
		const loading = new SnapshotStore(failing).load(key.promise);
		// Let the rejection happen before the key resolves: it must not go unhandled.
		await new Promise((resolve) => setTimeout(resolve, 10));
		key.resolve(KEY);
		expect(await loading).toMatchObject({ ok: false, reason: expect.stringMatching(/disk/) });
	});
});
