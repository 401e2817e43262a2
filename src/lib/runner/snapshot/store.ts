/**
 * Where the page keeps the memory snapshot: the app's own IndexedDB (the sandboxed runner frame
 * has an opaque origin and no storage at all).
 *
 * A snapshot is 31.5 MB of interpreter memory that the next runner will execute, so nothing is
 * trusted on the way back: the page hashes the bytes itself when it stores them (it never takes a
 * hash from the runner) and hashes them again when it reads them back; a record whose key,
 * length or hash does not match is deleted and reported as a miss, and the caller falls back to
 * a plain load. Only one snapshot is kept: saving a new one removes every other.
 */
import { sha256Hex } from './key';

export interface StoredSnapshot {
	key: string;
	/** Length in bytes, as measured by the page when it stored the snapshot. */
	length: number;
	/** Lowercase hex SHA-256 of the bytes, computed by the page when it stored them. */
	sha256: string;
	bytes: ArrayBuffer;
	/** When it was stored (ms since the epoch), for diagnostics. */
	created: number;
}

/** The storage underneath: IndexedDB in the browser, a Map in tests. */
export interface SnapshotBackend {
	get(key: string): Promise<unknown>;
	/** Stores `record` and removes every other record. */
	replaceAll(record: StoredSnapshot): Promise<void>;
	delete(key: string): Promise<void>;
}

export type SnapshotLoad =
	{ ok: true; bytes: Uint8Array; ms: number } | { ok: false; reason: string; ms: number };

export type SnapshotSave = { ok: true; ms: number } | { ok: false; reason: string; ms: number };

/** Smaller than any real snapshot (Pyodide's initial memory alone is larger): surely broken. */
export const MIN_SNAPSHOT_BYTES = 1024 * 1024;

/**
 * A read that has not answered by then is abandoned for a plain load. Reads take tens of ms; this
 * only guards a storage that never answers, with room for a loaded machine (a 31.5 MB read took
 * over 3 s on two cores at a load average of 25).
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

	/** The verified bytes stored under `key`, or why there are none. */
	async load(key: string): Promise<SnapshotLoad> {
		const started = this.#now();
		const miss = (reason: string): SnapshotLoad => ({
			ok: false,
			reason,
			ms: this.#now() - started
		});
		let record: unknown;
		try {
			record = await withTimeout(this.#backend.get(key), this.#timeoutMs);
		} catch (error) {
			return miss(`snapshot storage unreadable: ${message(error)}`);
		}
		if (record === undefined || record === null) return miss('no stored snapshot');
		const problem = await checkRecord(record, key);
		if (typeof problem === 'string') {
			// A damaged record would fail the same way next time: remove it so a new one is made.
			await this.#backend.delete(key).catch(() => {});
			return miss(`stored snapshot rejected: ${problem}`);
		}
		return { ok: true, bytes: problem, ms: this.#now() - started };
	}

	/** Removes the snapshot under `key` (one that failed to restore). Never rejects. */
	async delete(key: string): Promise<void> {
		await this.#backend.delete(key).catch(() => {});
	}

	/** Hashes `bytes` and stores them under `key`, replacing any other snapshot. */
	async save(key: string, bytes: Uint8Array): Promise<SnapshotSave> {
		const started = this.#now();
		try {
			if (bytes.byteLength < MIN_SNAPSHOT_BYTES) throw new Error('snapshot too small');
			// A copy of exactly these bytes: the caller may hand its own buffer to a worker later.
			const copy = bytes.slice().buffer;
			const sha256 = await sha256Hex(copy);
			await this.#backend.replaceAll({
				key,
				length: copy.byteLength,
				sha256,
				bytes: copy,
				created: Date.now()
			});
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

/** The bytes of a stored record when key, length and hash all match; otherwise what is wrong. */
async function checkRecord(record: unknown, key: string): Promise<Uint8Array | string> {
	if (typeof record !== 'object' || record === null) return 'not a snapshot record';
	const { key: storedKey, length, sha256, bytes } = record as Partial<StoredSnapshot>;
	if (storedKey !== key) return 'stored under a different key';
	if (!(bytes instanceof ArrayBuffer)) return 'no bytes';
	if (typeof length !== 'number' || typeof sha256 !== 'string') return 'no length or hash';
	if (bytes.byteLength !== length) {
		return `length ${bytes.byteLength} bytes, expected ${length}`;
	}
	if (length < MIN_SNAPSHOT_BYTES) return 'too small to be a snapshot';
	const actual = await sha256Hex(bytes);
	if (actual !== sha256) return 'SHA-256 does not match';
	return new Uint8Array(bytes);
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

	async get(key: string): Promise<unknown> {
		const db = await this.#open();
		return request(db.transaction(STORE_NAME, 'readonly').objectStore(STORE_NAME).get(key));
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

	async get(key: string): Promise<unknown> {
		return this.records.get(key);
	}

	async replaceAll(record: StoredSnapshot): Promise<void> {
		this.records.clear();
		this.records.set(record.key, record);
	}

	async delete(key: string): Promise<void> {
		this.records.delete(key);
	}
}
