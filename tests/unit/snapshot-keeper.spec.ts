import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { PYODIDE_FILES, type PyodideFileName } from '../../src/lib/runner/pyodide-files';
import { snapshotKey, type PyodideManifest } from '../../src/lib/runner/snapshot/key';
import { SnapshotKeeper, type PlannedStart } from '../../src/lib/runner/snapshot/keeper';
import {
	MemoryBackend,
	MIN_SNAPSHOT_BYTES,
	SnapshotStore,
	type SnapshotBackend,
	type StoredSnapshot
} from '../../src/lib/runner/snapshot/store';

const INDEX = 'https://example.test/pyodide/';
const ENGINE = createHash('sha256').update('the engine').digest('hex');

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Small stand-ins for the Pyodide files, each with its own contents. */
const FILES = Object.fromEntries(
	PYODIDE_FILES.map((name, i) => [name, new TextEncoder().encode(`${name} `.repeat(10 + i))])
) as Record<PyodideFileName, Uint8Array<ArrayBuffer>>;

function manifestOf(files: Record<string, Uint8Array>): PyodideManifest {
	const entries: PyodideManifest['files'] = {};
	for (const [name, bytes] of Object.entries(files)) {
		entries[name] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
	}
	return { version: '314.0.7', files: entries };
}

const MANIFEST = manifestOf(FILES);

interface Server {
	fetchFn: typeof fetch;
	/** File names requested, in order. */
	requests: string[];
}

/**
 * The Pyodide directory: manifest.json (always listing FILES) and the files themselves, some of
 * which a test may replace (`served`) or make fail (`missing`).
 */
function server(
	options: {
		served?: Partial<Record<PyodideFileName, Uint8Array<ArrayBuffer>>>;
		missing?: string[];
	} = {}
): Server {
	const requests: string[] = [];
	const fetchFn: typeof fetch = async (input) => {
		const url = String(input);
		expect(url.startsWith(INDEX)).toBe(true);
		const name = url.slice(INDEX.length);
		requests.push(name);
		if (options.missing?.includes(name)) return new Response('missing', { status: 404 });
		if (name === 'manifest.json') {
			return new Response(JSON.stringify(MANIFEST), {
				headers: { 'content-type': 'application/json' }
			});
		}
		const bytes = options.served?.[name as PyodideFileName] ?? FILES[name as PyodideFileName];
		if (!bytes) return new Response('missing', { status: 404 });
		return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
	};
	return { fetchFn, requests };
}

function snapshotBytes(fill = 7): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(MIN_SNAPSHOT_BYTES + 16).fill(fill);
	bytes[0] = fill + 1; // not all one value, so a hash over the wrong bytes would differ
	return bytes;
}

function keeper(
	backend: SnapshotBackend | null,
	options: { server?: Server; engineSha256?: () => Promise<string> } = {}
): SnapshotKeeper {
	return new SnapshotKeeper({
		indexUrl: INDEX,
		engineSha256: options.engineSha256 ?? (async () => ENGINE),
		store: backend ? new SnapshotStore(backend) : null,
		fetchFn: (options.server ?? server()).fetchFn
	});
}

async function key(engine = ENGINE): Promise<string> {
	return snapshotKey(MANIFEST, engine);
}

async function text(blob: Blob): Promise<string> {
	return new TextDecoder().decode(await blob.arrayBuffer());
}

/** A backend holding a snapshot stored by an earlier visit; returns its bytes too. */
async function visited(fill = 7): Promise<{ backend: MemoryBackend; bytes: Uint8Array }> {
	const backend = new MemoryBackend();
	const first = keeper(backend);
	const plan = await first.plan();
	const bytes = snapshotBytes(fill);
	first.settle(plan, { source: 'full', snapshot: new Blob([bytes]) });
	expect(await first.saved).toMatch(/^snapshot stored in \d+ ms$/);
	return { backend, bytes };
}

/** A plan and its note side by side, as the assertions below read them. */
const flat = ({ plan, note }: PlannedStart) => ({ ...plan, note });

/** Lets fire-and-forget work (a deletion) finish. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('SnapshotKeeper', () => {
	it('first visit: one runner makes a snapshot, the page measures and stores it with the files', async () => {
		const backend = new MemoryBackend();
		const page = keeper(backend);
		const plan = await page.plan();
		expect(flat(plan)).toEqual({
			snapshot: null,
			files: null,
			make_snapshot: true,
			note: 'no stored snapshot'
		});
		// A second runner starting meanwhile (the spare) does not make a second snapshot.
		expect(flat(await page.plan())).toMatchObject({ snapshot: null, make_snapshot: false });

		const made = snapshotBytes();
		const blob = new Blob([made]);
		expect(page.settle(plan, { source: 'full', snapshot: blob })).toBe('no stored snapshot');
		expect(await page.saved).toMatch(/^snapshot stored/);

		const stored = backend.records.get(await key()) as StoredSnapshot;
		// The length and hash are the page's own measurement of the bytes it received.
		expect(stored).toMatchObject({ length: made.byteLength, sha256: sha256(made) });
		expect(stored.blob).toBe(blob);
		for (const name of PYODIDE_FILES) {
			expect(await text(stored.files[name])).toBe(new TextDecoder().decode(FILES[name]));
		}

		// Restarts and the warm spare get the same handle and the files, from memory.
		const restart = await page.plan();
		expect(flat(restart)).toEqual({
			snapshot: { blob, length: made.byteLength, sha256: sha256(made) },
			files: stored.files,
			make_snapshot: true,
			note: ''
		});
	});

	it('return visit: the stored snapshot and files, without downloading the files again', async () => {
		const { backend, bytes } = await visited();
		const pyodide = server();
		const reload = await keeper(backend, { server: pyodide }).plan();
		expect(flat(reload)).toMatchObject({
			snapshot: { length: bytes.byteLength, sha256: sha256(bytes) },
			make_snapshot: true,
			note: ''
		});
		expect(Object.keys(reload.plan.files ?? {}).sort()).toEqual([...PYODIDE_FILES].sort());
		expect(pyodide.requests).toEqual(['manifest.json']);
	});

	it('plans made while a new snapshot is measured wait for it instead of making another', async () => {
		const page = keeper(new MemoryBackend());
		const plan = await page.plan();
		const made = snapshotBytes();
		page.settle(plan, { source: 'full', snapshot: new Blob([made]) });
		// Not awaiting `saved`: the spare asks at once.
		const spare = await page.plan();
		expect(spare.plan.snapshot?.sha256).toBe(sha256(made));
		expect(spare.plan.make_snapshot).toBe(true);
		await page.saved;
	});

	it.each([
		[
			'with the wrong contents',
			{ served: { 'pyodide.asm.wasm': FILES['pyodide.asm.wasm'].map((b) => b ^ 1) } },
			'snapshot not stored: pyodide.asm.wasm does not match the manifest'
		],
		[
			'with the wrong length',
			{ served: { 'python_stdlib.zip': new Uint8Array(3) } },
			'snapshot not stored: python_stdlib.zip has the wrong length'
		],
		[
			'not at all',
			{ missing: ['pyodide-lock.json'] },
			'snapshot not stored: Could not download pyodide-lock.json: HTTP 404'
		]
	])(
		'does not store a snapshot when a Pyodide file arrives %s, but keeps it for this page',
		async (_name, serving, reason) => {
			const backend = new MemoryBackend();
			const page = keeper(backend, { server: server(serving) });
			const plan = await page.plan();
			page.settle(plan, { source: 'full', snapshot: new Blob([snapshotBytes()]) });
			expect(await page.saved).toBe(reason);
			expect(backend.records.size).toBe(0);
			// Restarts still use it; their host fetches the files itself.
			expect(flat(await page.plan())).toMatchObject({
				snapshot: { length: MIN_SNAPSHOT_BYTES + 16 },
				files: null
			});
		}
	);

	it('rejects stored files whose length the manifest does not list, and makes a new snapshot', async () => {
		const { backend } = await visited();
		const stored = backend.records.get(await key()) as StoredSnapshot;
		stored.files = { ...stored.files, 'pyodide.mjs': new Blob(['short']) };

		const page = keeper(backend);
		const plan = await page.plan();
		expect(flat(plan)).toEqual({
			snapshot: null,
			files: null,
			make_snapshot: true,
			note: 'stored snapshot rejected: pyodide.mjs has the wrong length'
		});
		page.settle(plan, { source: 'full', snapshot: new Blob([snapshotBytes(9)]) });
		expect(await page.saved).toMatch(/^snapshot stored/);
		const replaced = backend.records.get(await key()) as StoredSnapshot;
		expect(replaced.sha256).toBe(sha256(snapshotBytes(9)));
		expect(replaced.files['pyodide.mjs'].size).toBe(FILES['pyodide.mjs'].byteLength);
	});

	it('misses a snapshot of another engine, and replaces it with this engine’s own', async () => {
		const { backend } = await visited();
		const other = createHash('sha256').update('an edited engine').digest('hex');
		const page = keeper(backend, { engineSha256: async () => other });
		const plan = await page.plan();
		expect(flat(plan)).toMatchObject({
			snapshot: null,
			make_snapshot: true,
			note: 'no stored snapshot for this version'
		});
		// The old engine's snapshot stays until the new one is stored.
		expect([...backend.records.keys()]).toEqual([await key()]);
		page.settle(plan, { source: 'full', snapshot: new Blob([snapshotBytes()]) });
		await page.saved;
		expect([...backend.records.keys()]).toEqual([await key(other)]);
	});

	it('bytes that fail their check are replaced by the snapshot the runner made instead', async () => {
		const { backend } = await visited();
		const page = keeper(backend);
		const restore = await page.plan();
		expect(restore.plan.snapshot).not.toBeNull();
		const fresh = snapshotBytes(3);
		const note = page.settle(restore, {
			source: 'full',
			snapshot: new Blob([fresh]),
			notes: ['stored snapshot rejected: SHA-256 does not match']
		});
		expect(note).toBe('stored snapshot rejected: SHA-256 does not match');
		expect(await page.saved).toMatch(/^snapshot stored/);
		expect((backend.records.get(await key()) as StoredSnapshot).sha256).toBe(sha256(fresh));
		// Snapshots stay on: the next runner restores the new one.
		expect(flat(await page.plan())).toMatchObject({
			snapshot: { sha256: sha256(fresh) },
			make_snapshot: true,
			note: ''
		});
	});

	it('a failed restore of good bytes disables snapshots for the page and deletes them', async () => {
		const { backend } = await visited();
		const page = keeper(backend);
		const restore = await page.plan();
		expect(restore.plan.snapshot).not.toBeNull();
		const note = page.settle(restore, {
			source: 'full',
			notes: ['snapshot restore failed (Snapshot build id mismatch), loaded in full']
		});
		expect(note).toMatch(/restore failed/);
		const disabled = 'snapshots disabled for this page after a failed restore';
		expect(flat(await page.plan())).toEqual({
			snapshot: null,
			files: null,
			make_snapshot: false,
			note: disabled
		});
		await vi.waitFor(() => expect(backend.records.size).toBe(0));
		// A snapshot arriving later (from a runner planned before) is not adopted.
		page.settle(restore, { source: 'full', snapshot: new Blob([snapshotBytes()]) });
		expect(await page.saved).toBe('');
		expect(backend.records.size).toBe(0);
	});

	it('a restored runner keeps the snapshot as it is', async () => {
		const { backend, bytes } = await visited();
		const page = keeper(backend);
		const restore = await page.plan();
		expect(page.settle(restore, { source: 'snapshot', notes: [] })).toBe('');
		await tick();
		expect(flat(await page.plan())).toMatchObject({
			snapshot: { sha256: sha256(bytes) },
			note: ''
		});
		expect(backend.records.size).toBe(1);
	});

	it('without storage, the snapshot still serves this page’s restarts', async () => {
		const pyodide = server();
		const page = keeper(null, { server: pyodide });
		const plan = await page.plan();
		expect(plan.plan.make_snapshot).toBe(true);
		page.settle(plan, { source: 'full', snapshot: new Blob([snapshotBytes()]) });
		expect(await page.saved).toBe('snapshot kept for this page only: no snapshot storage');
		expect(flat(await page.plan())).toMatchObject({
			snapshot: { length: MIN_SNAPSHOT_BYTES + 16 },
			files: null
		});
		// Nothing to store the files in, so they are not fetched a second time.
		expect(pyodide.requests).toEqual(['manifest.json']);
	});

	it('without a manifest or an engine hash, every runner loads in full and says why', async () => {
		const noManifest = keeper(new MemoryBackend(), {
			server: server({ missing: ['manifest.json'] })
		});
		expect(flat(await noManifest.plan())).toEqual({
			snapshot: null,
			files: null,
			make_snapshot: false,
			note: 'no snapshot: no Pyodide manifest (HTTP 404)'
		});
		const noEngine = keeper(new MemoryBackend(), {
			engineSha256: () => Promise.reject(new Error('engine sources unavailable'))
		});
		expect(flat(await noEngine.plan())).toMatchObject({
			snapshot: null,
			make_snapshot: false,
			note: 'no snapshot: engine sources unavailable'
		});
	});

	it('ignores a snapshot from a runner that was not asked to make one, or an empty one', async () => {
		const backend = new MemoryBackend();
		const page = keeper(backend);
		const maker = await page.plan();
		const other = await page.plan();
		expect(other.plan.make_snapshot).toBe(false);
		page.settle(other, { source: 'full', snapshot: new Blob([snapshotBytes(1)]) });
		expect(await page.saved).toBe('');
		expect(backend.records.size).toBe(0);
		// An empty Blob is no snapshot: the maker's next turn is free again.
		page.settle(maker, { source: 'full', snapshot: new Blob([]) });
		expect(await page.saved).toBe('');
		expect((await page.plan()).plan.make_snapshot).toBe(true);
	});

	it('a runner given the stored snapshot that fails to start disables snapshots and deletes it', async () => {
		const { backend } = await visited();
		const page = keeper(backend);
		const restore = await page.plan();
		expect(restore.plan.files).not.toBeNull();
		page.failed(restore);
		expect(flat(await page.plan())).toEqual({
			snapshot: null,
			files: null,
			make_snapshot: false,
			note: 'snapshots disabled for this page after a runner failed to start'
		});
		await vi.waitFor(() => expect(backend.records.size).toBe(0));
	});

	it('a maker that fails to start frees the next runner to make the snapshot, and deletes nothing', async () => {
		const { backend } = await visited();
		// Another engine: the stored snapshot is not this page's, so this page makes its own.
		const other = createHash('sha256').update('an edited engine').digest('hex');
		const page = keeper(backend, { engineSha256: async () => other });
		const maker = await page.plan();
		expect(flat(maker)).toMatchObject({ snapshot: null, files: null, make_snapshot: true });
		page.failed(maker);
		expect(flat(await page.plan())).toMatchObject({ snapshot: null, make_snapshot: true });
		await tick();
		expect(backend.records.size).toBe(1);
	});

	it('a maker discarded before it was ready lets the next runner make the snapshot', async () => {
		const page = keeper(new MemoryBackend());
		const maker: PlannedStart = await page.plan();
		expect((await page.plan()).plan.make_snapshot).toBe(false);
		page.abandon(maker);
		expect((await page.plan()).plan.make_snapshot).toBe(true);
	});
});
