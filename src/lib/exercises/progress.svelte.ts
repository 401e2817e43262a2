/**
 * The learner's progress through the exercises, kept in localStorage so a reload keeps it: which
 * exercises pass, how many hints are open, the code last written for each one, the checks of the
 * last run and the predictions made. Reactive, so the exercises menu ticks an exercise off the
 * moment its checks pass. The course and each teacher's pack keep their own (one key each).
 *
 * Like the code store, every call tolerates missing or full storage: progress is then kept for
 * this visit only.
 */
import { browserStore, type KeyValueStore } from '$lib/storage/local';

export const PROGRESS_KEY = 'asyncio-playground:exercises:v1';

/** Where a teacher's pack keeps its progress. */
export function packProgressKey(packId: string): string {
	return `asyncio-playground:pack-progress:${packId}:v1`;
}

/** The checks as the learner's last run left them, for the results a learner sends back. */
export interface ChecksRecord {
	passed: number;
	total: number;
	/** The labels of the checks that failed ("finishes within 3.05 s"). */
	failing: string[];
}

/** The learner's predictions for an exercise (predict, then reveal). */
export interface PredictionRecord {
	/** How many times the learner revealed a prediction. */
	attempts: number;
	/** The attempt at which every question was answered right, or null (not yet). */
	rightAt: number | null;
}

export interface ExerciseRecord {
	/** True once every check passed on some run (it stays true if the code is edited later). */
	passed: boolean;
	/** How many hints the learner has opened. */
	hintsShown: number;
	/** The learner's code for this exercise, or null when it is still the starter. */
	code: string | null;
	/** The checks of the last run, or null before the first. */
	checks: ChecksRecord | null;
	prediction: PredictionRecord;
}

const NO_PREDICTION: PredictionRecord = { attempts: 0, rightAt: null };
const EMPTY: ExerciseRecord = {
	passed: false,
	hintsShown: 0,
	code: null,
	checks: null,
	prediction: NO_PREDICTION
};

const count = (value: unknown): number =>
	typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;

function checksRecord(value: unknown): ChecksRecord | null {
	if (typeof value !== 'object' || value === null) return null;
	const record = value as Partial<ChecksRecord>;
	return {
		passed: count(record.passed),
		total: count(record.total),
		failing: Array.isArray(record.failing)
			? record.failing.filter((label): label is string => typeof label === 'string')
			: []
	};
}

function predictionRecord(value: unknown): PredictionRecord {
	if (typeof value !== 'object' || value === null) return NO_PREDICTION;
	const record = value as Partial<PredictionRecord>;
	const attempts = count(record.attempts);
	const rightAt = count(record.rightAt);
	return { attempts, rightAt: rightAt >= 1 && rightAt <= attempts ? rightAt : null };
}

/** Keeps only well-formed records, so a hand-edited or old entry cannot break the page. */
function load(store: KeyValueStore | null, key: string): Record<string, ExerciseRecord> {
	if (!store) return {};
	try {
		const raw: unknown = JSON.parse(store.getItem(key) ?? '{}');
		if (typeof raw !== 'object' || raw === null) return {};
		const records: Record<string, ExerciseRecord> = {};
		for (const [slug, value] of Object.entries(raw as Record<string, unknown>)) {
			if (typeof value !== 'object' || value === null) continue;
			const record = value as Partial<ExerciseRecord>;
			records[slug] = {
				passed: record.passed === true,
				hintsShown: count(record.hintsShown),
				code: typeof record.code === 'string' ? record.code : null,
				checks: checksRecord(record.checks),
				prediction: predictionRecord(record.prediction)
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
	readonly #key: string;

	constructor(store: KeyValueStore | null = browserStore(), key = PROGRESS_KEY) {
		this.#store = store;
		this.#key = key;
		this.#records = load(store, key);
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

	/** Keeps what the checks said of the latest run. */
	recordChecks(slug: string, checks: ChecksRecord): void {
		const before = this.get(slug).checks;
		if (JSON.stringify(before) !== JSON.stringify(checks)) this.#update(slug, { checks });
	}

	/** One revealed prediction; once right, it stays right (at the attempt it first was). */
	recordPrediction(slug: string, right: boolean): void {
		const { attempts, rightAt } = this.get(slug).prediction;
		const next = attempts + 1;
		this.#update(slug, {
			prediction: { attempts: next, rightAt: rightAt ?? (right ? next : null) }
		});
	}

	/** How many of `slugs` were predicted right. */
	countPredictedRight(slugs: readonly string[]): number {
		return slugs.filter((slug) => this.get(slug).prediction.rightAt !== null).length;
	}

	/** Forgets everything (the pack it belongs to was removed). */
	clear(): void {
		this.#records = {};
		try {
			this.#store?.removeItem(this.#key);
		} catch {
			// Unavailable storage holds nothing to clear.
		}
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
			this.#store.setItem(this.#key, JSON.stringify(this.#records));
		} catch {
			// A full or blocked storage: progress lasts for this visit only.
		}
	}
}
