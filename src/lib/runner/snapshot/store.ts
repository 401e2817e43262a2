/**
 * Where the page keeps the memory snapshot: the app's own IndexedDB (the sandboxed runner frame
 * has an opaque origin and no storage at all).
 *
 * The record holds the snapshot as a Blob with the length and SHA-256 the page measured when it
 * received the bytes (it never takes a hash from the runner). Reading a Blob back is a handle,
 * not 31.5 MB of structured clone (about 25 ms against 480 ms in Chromium), and it crosses into
 * the sandbox's process the same way; the runner checks length and hash before it restores
 * (verify.ts). A record of the wrong shape, key or length is deleted and reported as a miss, and
 * the caller falls back to a plain load. Only one snapshot is kept: saving one removes the rest.
 */
import type { PyodideFiles, SnapshotHandle } from '../protocol';
import { PYODIDE_FILES } from '../pyodide-files';
import { SHA256_HEX } from './key';

export interface StoredSnapshot extends SnapshotHandle {
	key: string;
	/**
	 * The Pyodide files the snapshot was made with, kept beside it: a return visit then reads
	 * Blob handles here instead of 13.5 MB from the HTTP cache (about 1 s in Chromium).
	 */
	files: PyodideFiles;
	/** When it was stored (ms since the epoch), for diagnostics. */
	created: number;
}

/** The storage underneath: IndexedDB in the browser, a Map in tests. */
export interface SnapshotBackend {
	/** The stored record (there is at most one), whatever its key; undefined when none. */
	read(): Promise<unknown>;
	/** Stores `record` and removes every other record. */
	replaceAll(record: StoredSnapshot): Promise<void>;
	delete(key: string): Promise<void>;
}

export type SnapshotLoad =
	| { ok: true; snapshot: SnapshotHandle; files: PyodideFiles; ms: number }
	| { ok: false; reason: string; ms: number };

export type SnapshotSave = { ok: true; ms: number } | { ok: false; reason: string; ms: number };

/** Smaller than any real snapshot (Pyodide's initial memory alone is larger): surely broken. */
export const MIN_SNAPSHOT_BYTES = 1024 * 1024;

/**
 * A read that has not answered by then is abandoned for a plain load. Reads take tens of ms; this
 * only guards a storage that never answers, with room for a loaded machine.
 */
export const LOAD_TIMEOUT_MS = 10_000;

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Integrity rules on top of a backend. Never throws: failures are results with a reason. */
export class SnapshotStore {
	readonly #backend: SnapshotBackend;
	readonly #now: () => number;
	readonly #timeoutMs: number;

	constructor(backend: SnapshotBackend, options: { now?: () => number; timeoutMs?: number } = {}) {
		this.#backend = backend;
		this.#now = options.now ?? (() => performance.now());
		this.#timeoutMs = options.timeoutMs ?? LOAD_TIMEOUT_MS;
	}

	/**
	 * The snapshot stored under `key` with its recorded length and hash, or why there is none. The
	 * read starts at once, before a pending `key` is known; a null key means no lookup (no reason).
	 */
	async load(key: string | null | Promise<string | null>): Promise<SnapshotLoad> {
		const started = this.#now();
		const reading = withTimeout(this.#backend.read(), this.#timeoutMs);
		reading.catch(() => {}); // reported below, once the key is known
		const miss = (reason: string): SnapshotLoad => ({
			ok: false,
			reason,
			ms: this.#now() - started
		});
		let wanted: string | null;
		try {
			wanted = await key;
		} catch {
			wanted = null;
		}
		if (wanted === null) return miss('');
		let record: unknown;
		try {
			record = await reading;
		} catch (error) {
			return miss(`snapshot storage unreadable: ${message(error)}`);
		}
		if (typeof record !== 'object' || record === null) return miss('no stored snapshot');
		// A snapshot of another build stays until this build's own replaces it.
		if ((record as Partial<StoredSnapshot>).key !== wanted) {
			return miss('no stored snapshot for this version');
		}
		const checked = checkRecord(record);
		if (typeof checked === 'string') {
			// A damaged record would fail the same way next time: remove it so a new one is made.
			await this.#backend.delete(wanted).catch(() => {});
			return miss(`stored snapshot rejected: ${checked}`);
		}
		return { ok: true, ...checked, ms: this.#now() - started };
	}

	/** Removes the snapshot under `key` (one that failed to restore). Never rejects. */
	async delete(key: string): Promise<void> {
		await this.#backend.delete(key).catch(() => {});
	}

	/** Stores a measured snapshot and its Pyodide files under `key`, replacing any other. */
	async save(key: string, snapshot: SnapshotHandle, files: PyodideFiles): Promise<SnapshotSave> {
		const started = this.#now();
		try {
			if (snapshot.length < MIN_SNAPSHOT_BYTES) throw new Error('snapshot too small');
			const { blob, length, sha256 } = snapshot;
			await this.#backend.replaceAll({ key, blob, length, sha256, files, created: Date.now() });
			return { ok: true, ms: this.#now() - started };
		} catch (error) {
			return {
				ok: false,
				reason: `could not store the snapshot: ${message(error)}`,
				ms: this.#now() - started
			};
		}
	}
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The record as a handle when its shape and length hold; otherwise what is wrong. The hash is
 * checked by the runner, on the bytes it restores.
 */
function checkRecord(record: object): { snapshot: SnapshotHandle; files: PyodideFiles } | string {
	const { length, sha256, blob, files } = record as Partial<StoredSnapshot>;
	if (!(blob instanceof Blob)) return 'no bytes (a record from an older version)';
	if (
		typeof files !== 'object' ||
		files === null ||
		PYODIDE_FILES.some((name) => !(files[name] instanceof Blob))
	) {
		return 'no Pyodide files (a record from an older version)';
	}
	if (typeof length !== 'number' || typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
		return 'no length or hash';
	}
	if (blob.size !== length) return `length ${blob.size} bytes, expected ${length}`;
	if (length < MIN_SNAPSHOT_BYTES) return 'too small to be a snapshot';
	return { snapshot: { blob, length, sha256 }, files };
}

// ---- backends -------------------------------------------------------------------------------

const DB_NAME = 'asyncio-playground-snapshots';
const DB_VERSION = 1;
const STORE_NAME = 'snapshots';

function request<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
	});
}

function done(tx: IDBTransaction): Promise<void> {
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
		tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
	});
}

/** The page's IndexedDB. Opening is lazy and retried after a failure. */
export class IndexedDbBackend implements SnapshotBackend {
	readonly #factory: IDBFactory;
	#db: Promise<IDBDatabase> | null = null;

	constructor(factory: IDBFactory = indexedDB) {
		this.#factory = factory;
	}

	#open(): Promise<IDBDatabase> {
		this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
			const req = this.#factory.open(DB_NAME, DB_VERSION);
			req.onupgradeneeded = () => {
				if (!req.result.objectStoreNames.contains(STORE_NAME)) {
					req.result.createObjectStore(STORE_NAME, { keyPath: 'key' });
				}
			};
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
			req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
		}).catch((error: unknown) => {
			this.#db = null;
			throw error;
		});
		return this.#db;
	}

	async read(): Promise<unknown> {
		const db = await this.#open();
		const store = db.transaction(STORE_NAME, 'readonly').objectStore(STORE_NAME);
		const [first] = await request(store.getAll(null, 1));
		return first;
	}

	async replaceAll(record: StoredSnapshot): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction(STORE_NAME, 'readwrite');
		const store = tx.objectStore(STORE_NAME);
		store.clear();
		store.put(record);
		await done(tx);
	}

	async delete(key: string): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction(STORE_NAME, 'readwrite');
		tx.objectStore(STORE_NAME).delete(key);
		await done(tx);
	}
}

/** The page's snapshot store, or null with a reason when this browser has no IndexedDB. */
export function openSnapshotStore(): { store: SnapshotStore } | { store: null; reason: string } {
	try {
		if (typeof indexedDB === 'undefined' || indexedDB === null) {
			return { store: null, reason: 'this browser offers no IndexedDB' };
		}
		return { store: new SnapshotStore(new IndexedDbBackend(indexedDB)) };
	} catch (error) {
		// Some browsers throw on merely touching indexedDB (storage disabled).
		return { store: null, reason: `storage unavailable: ${message(error)}` };
	}
}

/** Test and fallback backend: a Map in memory. */
export class MemoryBackend implements SnapshotBackend {
	readonly records = new Map<string, unknown>();

	async read(): Promise<unknown> {
		return this.records.values().next().value;
	}

	async replaceAll(record: StoredSnapshot): Promise<void> {
		this.records.clear();
		this.records.set(record.key, record);
	}

	async delete(key: string): Promise<void> {
		this.records.delete(key);
	}
}
