/**
 * The learner's progress through the exercises, kept in localStorage so a reload keeps it: which
 * exercises pass, how many hints are open, and the code last written for each one. Reactive, so
 * the exercises menu ticks an exercise off the moment its checks pass.
 *
 * Like the code store, every call tolerates missing or full storage: progress is then kept for
 * this visit only.
 */
import type { KeyValueStore } from '$lib/storage/local';

export const PROGRESS_KEY = 'asyncio-playground:exercises:v1';

export interface ExerciseRecord {
	/** True once every check passed on some run (it stays true if the code is edited later). */
	passed: boolean;
	/** How many hints the learner has opened. */
	hintsShown: number;
	/** The learner's code for this exercise, or null when it is still the starter. */
	code: string | null;
}

const EMPTY: ExerciseRecord = { passed: false, hintsShown: 0, code: null };

function browserStore(): KeyValueStore | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null; // reading `localStorage` throws in some sandboxed frames
	}
}

/** Keeps only well-formed records, so a hand-edited or old entry cannot break the page. */
function load(store: KeyValueStore | null): Record<string, ExerciseRecord> {
	if (!store) return {};
	try {
		const raw: unknown = JSON.parse(store.getItem(PROGRESS_KEY) ?? '{}');
		if (typeof raw !== 'object' || raw === null) return {};
		const records: Record<string, ExerciseRecord> = {};
		for (const [slug, value] of Object.entries(raw as Record<string, unknown>)) {
			if (typeof value !== 'object' || value === null) continue;
			const record = value as Partial<ExerciseRecord>;
			records[slug] = {
				passed: record.passed === true,
				hintsShown:
					typeof record.hintsShown === 'number' && record.hintsShown >= 0
						? Math.floor(record.hintsShown)
						: 0,
				code: typeof record.code === 'string' ? record.code : null
			};
		}
		return records;
	} catch {
		return {};
	}
}

export class ExerciseProgress {
	#records: Record<string, ExerciseRecord> = $state({});
	readonly #store: KeyValueStore | null;

	constructor(store: KeyValueStore | null = browserStore()) {
		this.#store = store;
		this.#records = load(store);
	}

	get(slug: string): ExerciseRecord {
		return this.#records[slug] ?? EMPTY;
	}

	passed(slug: string): boolean {
		return this.get(slug).passed;
	}

	/** How many of `slugs` pass. */
	countPassed(slugs: readonly string[]): number {
		return slugs.filter((slug) => this.passed(slug)).length;
	}

	markPassed(slug: string): void {
		if (!this.passed(slug)) this.#update(slug, { passed: true });
	}

	showHint(slug: string, total: number): void {
		const shown = Math.min(this.get(slug).hintsShown + 1, total);
		this.#update(slug, { hintsShown: shown });
	}

	/** Remembers the learner's code; the starter itself is stored as null (nothing to restore). */
	saveCode(slug: string, code: string, starter: string): void {
		const next = code === starter ? null : code;
		if (this.get(slug).code !== next) this.#update(slug, { code: next });
	}

	/** The code to open an exercise with: the learner's own if any, else the starter. */
	codeFor(slug: string, starter: string): string {
		return this.get(slug).code ?? starter;
	}

	#update(slug: string, change: Partial<ExerciseRecord>): void {
		this.#records = { ...this.#records, [slug]: { ...this.get(slug), ...change } };
		if (!this.#store) return;
		try {
			this.#store.setItem(PROGRESS_KEY, JSON.stringify(this.#records));
		} catch {
			// A full or blocked storage: progress lasts for this visit only.
		}
	}
}
