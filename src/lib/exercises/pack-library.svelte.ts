/**
 * The packs a learner has opened, kept in localStorage so they stay in the Exercises menu after a
 * reload, each with its own progress. A pack is stored as its files' text and parsed again on
 * load, so what is shown always went through today's parser.
 */
import { browserStore, type KeyValueStore } from '$lib/storage/local';
import { parsePack, type ExercisePack, type PackFile } from './pack';
import { ExerciseProgress, packProgressKey } from './progress.svelte';

export const PACKS_KEY = 'asyncio-playground:packs:v1';

interface StoredPack {
	title: string;
	files: PackFile[];
}

function isPackFile(value: unknown): value is PackFile {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as PackFile).name === 'string' &&
		typeof (value as PackFile).text === 'string'
	);
}

/** The stored packs that still parse; anything else in storage is passed over. */
function load(store: KeyValueStore | null): ExercisePack[] {
	if (!store) return [];
	let raw: unknown;
	try {
		raw = JSON.parse(store.getItem(PACKS_KEY) ?? '[]');
	} catch {
		return [];
	}
	if (!Array.isArray(raw)) return [];
	const packs: ExercisePack[] = [];
	for (const item of raw as unknown[]) {
		const stored = item as Partial<StoredPack> | null;
		if (typeof stored?.title !== 'string' || !Array.isArray(stored.files)) continue;
		if (!stored.files.every(isPackFile)) continue;
		try {
			const pack = parsePack(stored.files, stored.title);
			if (!packs.some((other) => other.id === pack.id)) packs.push(pack);
		} catch {
			// Stored by a version whose format this one no longer reads: left out.
		}
	}
	return packs;
}

export class PackLibrary {
	/** In the order they were first opened. */
	packs: readonly ExercisePack[] = $state.raw([]);
	readonly #store: KeyValueStore | null;
	/** Each pack's progress, made once (not reactive itself: its records are). */
	readonly #progress: Record<string, ExerciseProgress> = {};

	constructor(store: KeyValueStore | null = browserStore()) {
		this.#store = store;
		this.packs = load(store);
	}

	find(id: string): ExercisePack | undefined {
		return this.packs.find((pack) => pack.id === id);
	}

	/** The pack's own progress (one localStorage key per pack). */
	progressOf(id: string): ExerciseProgress {
		if (!Object.hasOwn(this.#progress, id)) {
			this.#progress[id] = new ExerciseProgress(this.#store, packProgressKey(id));
		}
		return this.#progress[id];
	}

	/**
	 * Adds a pack, or replaces the one with the same id (a newer version of it, whose progress is
	 * kept). Returns false when it could not be stored: it then lasts for this visit only.
	 */
	add(pack: ExercisePack): { replaced: boolean; stored: boolean } {
		const replaced = this.packs.some((other) => other.id === pack.id);
		this.packs = replaced
			? this.packs.map((other) => (other.id === pack.id ? pack : other))
			: [...this.packs, pack];
		return { replaced, stored: this.#save() };
	}

	/** Removes a pack and its progress. */
	remove(id: string): void {
		this.packs = this.packs.filter((pack) => pack.id !== id);
		this.progressOf(id).clear();
		delete this.#progress[id];
		this.#save();
	}

	#save(): boolean {
		if (!this.#store) return false;
		const stored: StoredPack[] = this.packs.map(({ title, files }) => ({ title, files }));
		try {
			this.#store.setItem(PACKS_KEY, JSON.stringify(stored));
			return true;
		} catch {
			return false; // full or blocked storage
		}
	}
}
