/**
 * The page's side of snapshots: decides, for each new runner, whether it starts from a snapshot
 * or loads in full (and makes one), and keeps the verified bytes in memory so restarts after
 * Stop, crashes and the warm spare never read storage twice.
 *
 *   const keeper = new SnapshotKeeper({ indexUrl, loadSources });
 *   const plan = await keeper.plan();              // before booting a runner
 *   ... runner ready: keeper.settle(plan, { source, snapshot, notes })
 *
 * Failures never reach the user as errors: each one turns into a plain load and a sentence in
 * `plan.note` / the returned note, for the status line's details.
 */
import { fetchManifest, snapshotKey } from './key';
import { openSnapshotStore, type SnapshotStore } from './store';

export interface BootPlan {
	/** A verified snapshot for this runner (its own copy, safe to transfer), or null. */
	snapshot: Uint8Array | null;
	/** This runner should make a snapshot after its plain load. */
	makeSnapshot: boolean;
	/** Why no snapshot is used, when none is; empty otherwise. */
	note: string;
}

export interface BootReport {
	source: 'snapshot' | 'full';
	/** Bytes the runner made during a plain load, before any user code ran. */
	snapshot?: Uint8Array | null;
	/** The runner's own notes (a failed restore, a snapshot it could not make). */
	notes?: string[];
}

export interface SnapshotKeeperOptions {
	/** Directory URL of the Pyodide files (holding manifest.json), ending in "/". */
	indexUrl: string;
	/** The engine's Python sources; loaded lazily so the page's first script stays small. */
	loadSources: () => Promise<Record<string, string>>;
	/** The store; by default the page's IndexedDB, or none when the browser has none. */
	store?: SnapshotStore | null;
	fetchFn?: typeof fetch;
}

type Key = { key: string } | { key: null; reason: string };

export class SnapshotKeeper {
	readonly #store: SnapshotStore | null;
	readonly #storeProblem: string;
	readonly #key: Promise<Key>;
	/** Verified bytes, once read from storage or accepted from a runner. */
	#bytes: Uint8Array | null = null;
	/** Read from storage once per page; later plans use #bytes. */
	#lookup: Promise<string> | null = null;
	/** A runner is already making a snapshot: others load plainly instead of making another. */
	#making = false;
	/** Set when snapshots cannot work in this page (a restore failed): plain loads from then on. */
	#disabled: string | null = null;
	#saving: Promise<string> = Promise.resolve('');

	constructor(options: SnapshotKeeperOptions) {
		if (options.store !== undefined) {
			this.#store = options.store;
			this.#storeProblem = options.store ? '' : 'no snapshot storage';
		} else {
			const opened = openSnapshotStore();
			this.#store = opened.store;
			this.#storeProblem = opened.store ? '' : opened.reason;
		}
		const fetchFn = options.fetchFn ?? ((input, init) => fetch(input, init));
		this.#key = (async (): Promise<Key> => {
			try {
				const [manifest, sources] = await Promise.all([
					fetchManifest(options.indexUrl, fetchFn),
					options.loadSources()
				]);
				return { key: await snapshotKey(manifest, sources) };
			} catch (error) {
				return { key: null, reason: error instanceof Error ? error.message : String(error) };
			}
		})();
		// Start reading storage at once, in parallel with the Pyodide download.
		if (this.#store) this.#lookup = this.#readStore();
	}

	/** How the next runner should start. Never rejects. */
	async plan(): Promise<BootPlan> {
		if (this.#disabled) return { snapshot: null, makeSnapshot: false, note: this.#disabled };
		const key = await this.#key;
		if (key.key === null) {
			return { snapshot: null, makeSnapshot: false, note: `no snapshot: ${key.reason}` };
		}
		let note = this.#storeProblem ? `no snapshot: ${this.#storeProblem}` : '';
		if (!this.#bytes && this.#lookup) note = await this.#lookup;
		if (this.#bytes) return { snapshot: this.#bytes.slice(), makeSnapshot: false, note: '' };
		// Without storage a snapshot still helps this page's restarts, so it is made all the same.
		if (this.#making) return { snapshot: null, makeSnapshot: false, note };
		this.#making = true;
		return { snapshot: null, makeSnapshot: true, note };
	}

	/**
	 * A runner is ready: keep the snapshot it made, or forget one that failed to restore.
	 * Returns a sentence for the status line's details (empty when there is nothing to say).
	 */
	settle(plan: BootPlan, report: BootReport): string {
		const notes = [...(report.notes ?? [])];
		if (plan.note) notes.unshift(plan.note);
		if (plan.snapshot && report.source !== 'snapshot') {
			// The runner could not restore verified bytes: this browser or build cannot use them.
			this.#bytes = null;
			this.#disabled = 'snapshots disabled for this page after a failed restore';
			void this.#keyed((key) => this.#store?.delete(key));
		}
		if (plan.makeSnapshot) this.#making = false;
		if (plan.makeSnapshot && report.snapshot && report.snapshot.byteLength > 0 && !this.#disabled) {
			this.#bytes = report.snapshot;
			this.#saving = this.#save(report.snapshot);
		}
		return notes.join('; ');
	}

	/** A runner was discarded before it was ready: another may make the snapshot instead. */
	abandon(plan: BootPlan): void {
		if (plan.makeSnapshot) this.#making = false;
	}

	/** Resolves when the last snapshot handed to `settle` is stored, with what happened. */
	get saved(): Promise<string> {
		return this.#saving;
	}

	async #keyed<T>(fn: (key: string) => T): Promise<T | undefined> {
		const key = await this.#key;
		return key.key === null ? undefined : fn(key.key);
	}

	async #readStore(): Promise<string> {
		const key = await this.#key;
		if (key.key === null || !this.#store) return '';
		const loaded = await this.#store.load(key.key);
		if (!loaded.ok) return loaded.reason;
		this.#bytes = loaded.bytes;
		return '';
	}

	async #save(bytes: Uint8Array): Promise<string> {
		const key = await this.#key;
		if (key.key === null) return '';
		if (!this.#store) return `snapshot kept for this page only: ${this.#storeProblem}`;
		const saved = await this.#store.save(key.key, bytes);
		return saved.ok ? `snapshot stored in ${Math.round(saved.ms)} ms` : saved.reason;
	}
}
