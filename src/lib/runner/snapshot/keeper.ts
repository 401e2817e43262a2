/**
 * The page's side of snapshots: decides, for each new runner, whether it starts from a snapshot
 * or loads in full (and makes one), and keeps the current snapshot's handle in memory so restarts
 * after Stop, crashes and the warm spare never read storage twice.
 *
 *   const keeper = new SnapshotKeeper({ indexUrl, engineSha256 });
 *   const planned = await keeper.plan();           // before starting a runner with planned.plan
 *   ... runner ready: keeper.settle(planned, { source, snapshot, notes })
 *
 * Failures never reach the user as errors: each one turns into a plain load and a sentence in
 * `planned.note` / the returned note, for the status line's details.
 */
import {
	NO_SNAPSHOT,
	type PyodideFiles,
	type ReadyMessage,
	type SnapshotHandle,
	type StartPlan,
	type StartSource
} from '../protocol';
import { fetchPyodideFiles, PYODIDE_FILES } from '../pyodide-files';
import { fetchManifest, sha256Hex, snapshotKey, type PyodideManifest } from './key';
import { openSnapshotStore, type SnapshotStore } from './store';
import { measureSnapshot } from './verify';

/** The keeper's answer for one runner: the plan it starts with, and why it has no snapshot. */
export interface PlannedStart {
	/** Handed unchanged to the runner (StartPlan in protocol.ts says what each field means). */
	plan: StartPlan;
	/** Why no snapshot is used, when none is; empty otherwise. Stays on the page. */
	note: string;
}

/**
 * What a runner said about its start in `ready`: where its Python came from, a snapshot it made
 * during a plain load (before any user code ran), and its own notes (a refused or failed
 * restore, a snapshot it could not make).
 */
export type StartReport = { source: StartSource } & Pick<ReadyMessage, 'snapshot' | 'notes'>;

export interface SnapshotKeeperOptions {
	/** Directory URL of the Pyodide files (holding manifest.json), ending in "/". */
	indexUrl: string;
	/** SHA-256 of the engine's Python package (key.ts hashPythonSources), part of the key. */
	engineSha256: () => Promise<string>;
	/** The store; by default the page's IndexedDB, or none when the browser has none. */
	store?: SnapshotStore | null;
	fetchFn?: typeof fetch;
	/** The Pyodide files to store with a snapshot; by default fetched from `indexUrl`. */
	loadFiles?: () => Promise<PyodideFiles>;
}

type Key = { key: string; manifest: PyodideManifest } | { key: null; reason: string };

export class SnapshotKeeper {
	readonly #store: SnapshotStore | null;
	readonly #storeProblem: string;
	readonly #key: Promise<Key>;
	/** The current snapshot, once read from storage or measured from a runner's. */
	#snapshot: SnapshotHandle | null = null;
	/** The Pyodide files stored with #snapshot (null until stored or read). */
	#files: PyodideFiles | null = null;
	readonly #loadFiles: () => Promise<PyodideFiles>;
	/** Read from storage once per page; later plans use #snapshot. */
	#lookup: Promise<string> | null = null;
	/** A runner's new snapshot being measured: plans wait for it rather than load in full. */
	#measuring: Promise<void> | null = null;
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
		this.#loadFiles =
			options.loadFiles ?? (() => fetchPyodideFiles(options.indexUrl, () => {}, fetchFn));
		this.#key = (async (): Promise<Key> => {
			try {
				const [manifest, engine] = await Promise.all([
					fetchManifest(options.indexUrl, fetchFn),
					options.engineSha256()
				]);
				return { key: await snapshotKey(manifest, engine), manifest };
			} catch (error) {
				return { key: null, reason: error instanceof Error ? error.message : String(error) };
			}
		})();
		// Start reading storage at once, in parallel with the Pyodide download.
		if (this.#store) this.#lookup = this.#readStore();
	}

	/** How the next runner should start. Never rejects. */
	async plan(): Promise<PlannedStart> {
		if (this.#disabled) return { plan: NO_SNAPSHOT, note: this.#disabled };
		const key = await this.#key;
		if (key.key === null) return { plan: NO_SNAPSHOT, note: `no snapshot: ${key.reason}` };
		let note = this.#storeProblem ? `no snapshot: ${this.#storeProblem}` : '';
		if (!this.#snapshot && this.#lookup) note = await this.#lookup;
		if (this.#measuring) await this.#measuring;
		if (this.#disabled) return { plan: NO_SNAPSHOT, note: this.#disabled };
		if (this.#snapshot) {
			return {
				plan: { snapshot: this.#snapshot, make_snapshot: true, files: this.#files },
				note: ''
			};
		}
		// Without storage a snapshot still helps this page's restarts, so it is made all the same.
		if (this.#making) return { plan: NO_SNAPSHOT, note };
		this.#making = true;
		return { plan: { ...NO_SNAPSHOT, make_snapshot: true }, note };
	}

	/**
	 * A runner is ready: keep the snapshot it made, or forget one that failed to restore.
	 * Returns a sentence for the status line's details (empty when there is nothing to say).
	 */
	settle({ plan, note }: PlannedStart, report: StartReport): string {
		const notes = [...(report.notes ?? [])];
		if (note) notes.unshift(note);
		if (isMaker(plan)) this.#making = false;
		// A snapshot comes only with a full load (a restored runner has no reason to make one).
		const made =
			report.source === 'full' && report.snapshot && report.snapshot.size > 0
				? report.snapshot
				: null;
		if (plan.snapshot && report.source !== 'snapshot' && !made && !this.#disabled) {
			// The bytes passed their check but did not restore: this browser or build cannot use
			// snapshots. (Bytes that failed the check come back replaced by a new snapshot.)
			this.#snapshot = null;
			this.#files = null;
			this.#disabled = 'snapshots disabled for this page after a failed restore';
			void this.#keyed((key) => this.#store?.delete(key));
		}
		if (plan.make_snapshot && made && !this.#disabled) this.#adopt(made);
		return notes.join('; ');
	}

	/**
	 * A runner failed to start at all (not merely to restore): if it was given stored files or a
	 * stored snapshot, they may be what is broken, so they are forgotten and deleted.
	 */
	failed(planned: PlannedStart): void {
		this.abandon(planned);
		const { snapshot, files } = planned.plan;
		if (!snapshot && !files) return;
		this.#snapshot = null;
		this.#files = null;
		this.#disabled = 'snapshots disabled for this page after a runner failed to start';
		void this.#keyed((key) => this.#store?.delete(key));
	}

	/** A runner was discarded before it was ready: another may make the snapshot instead. */
	abandon({ plan }: PlannedStart): void {
		if (isMaker(plan)) this.#making = false;
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
		if (!this.#store) return '';
		// Reads while the key is still being worked out: the store holds one snapshot at most.
		const loaded = await this.#store.load(this.#key.then((key) => key.key));
		if (!loaded.ok) return loaded.reason;
		const key = await this.#key;
		const problem = key.key === null ? 'no key' : lengthProblem(loaded.files, key.manifest);
		if (problem) return `stored snapshot rejected: ${problem}`;
		this.#snapshot = loaded.snapshot;
		this.#files = loaded.files;
		return '';
	}

	/** Measures a runner's new snapshot (the page's own length and hash), then stores it. */
	#adopt(blob: Blob): void {
		const measured = measureSnapshot(blob);
		this.#measuring = measured.then(
			(snapshot) => {
				this.#snapshot = snapshot;
			},
			() => {}
		);
		this.#saving = measured.then(
			(snapshot) => this.#save(snapshot),
			(error: unknown) => `could not measure the snapshot: ${String(error)}`
		);
	}

	/** Stores the snapshot with the Pyodide files it was made from, checked against the manifest. */
	async #save(snapshot: SnapshotHandle): Promise<string> {
		const key = await this.#key;
		if (key.key === null) return '';
		if (!this.#store) return `snapshot kept for this page only: ${this.#storeProblem}`;
		let files: PyodideFiles;
		try {
			files = await this.#loadFiles();
		} catch (error) {
			return `snapshot not stored: ${error instanceof Error ? error.message : String(error)}`;
		}
		const problem = await contentProblem(files, key.manifest);
		if (problem) return `snapshot not stored: ${problem}`;
		const saved = await this.#store.save(key.key, snapshot, files);
		if (!saved.ok) return saved.reason;
		if (this.#snapshot === snapshot) this.#files = files;
		return `snapshot stored in ${Math.round(saved.ms)} ms`;
	}
}

/** True for the plan of the one runner that makes the page's first snapshot. */
function isMaker(plan: StartPlan): boolean {
	return plan.make_snapshot && !plan.snapshot;
}

/** Which of `files` does not have the length `manifest` lists, or ''. */
function lengthProblem(files: PyodideFiles, manifest: PyodideManifest): string {
	const wrong = PYODIDE_FILES.find((name) => files[name].size !== manifest.files[name]?.bytes);
	return wrong ? `${wrong} has the wrong length` : '';
}

/**
 * Which of `files` does not match `manifest` (length and SHA-256), or ''. Checked once, before
 * they are stored; a return visit then checks lengths only, as it would trust its HTTP cache.
 */
async function contentProblem(files: PyodideFiles, manifest: PyodideManifest): Promise<string> {
	const problem = lengthProblem(files, manifest);
	if (problem) return problem;
	for (const name of PYODIDE_FILES) {
		if ((await sha256Hex(await files[name].arrayBuffer())) !== manifest.files[name].sha256) {
			return `${name} does not match the manifest`;
		}
	}
	return '';
}
