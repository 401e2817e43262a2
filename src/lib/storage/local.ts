/**
 * The learner's code, kept in localStorage so a reload (or a crash) never loses it.
 *
 * Two slots:
 * - the draft: whatever the editor holds, saved as they type (debounced), restored on reload;
 * - "your code": the learner's own program, set aside whenever the editor is about to show
 *   something else (an example, a shared link), so opening an example never loses their work.
 *
 * Every call tolerates a missing or full storage (private browsing, quota, sandboxed frames):
 * saving is best effort, and reading returns null.
 */

/** The part of the Web Storage API we use, so tests can pass an in-memory one. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const DRAFT_KEY = 'asyncio-playground:draft:v1';
export const OWN_CODE_KEY = 'asyncio-playground:own-code:v1';

export interface SavedCode {
	code: string;
	/** The example the code came from when it was loaded unchanged, else null (the learner's own). */
	example: string | null;
	/** Milliseconds since the epoch. */
	savedAt: number;
}

/** The browser's localStorage, or null where there is none or reading it throws. */
export function browserStore(): KeyValueStore | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		// Reading `localStorage` itself throws in some sandboxed frames.
		return null;
	}
}

/** The browser's sessionStorage (this tab only), or null where there is none or reading it throws. */
export function tabStore(): KeyValueStore | null {
	try {
		return typeof sessionStorage === 'undefined' ? null : sessionStorage;
	} catch {
		return null;
	}
}

function read(store: KeyValueStore | null, key: string): SavedCode | null {
	if (!store) return null;
	try {
		const raw = store.getItem(key);
		if (raw === null) return null;
		const value: unknown = JSON.parse(raw);
		if (
			typeof value === 'object' &&
			value !== null &&
			typeof (value as SavedCode).code === 'string'
		) {
			const saved = value as Partial<SavedCode> & { code: string };
			return {
				code: saved.code,
				example: typeof saved.example === 'string' ? saved.example : null,
				savedAt: typeof saved.savedAt === 'number' ? saved.savedAt : 0
			};
		}
		return null;
	} catch {
		return null;
	}
}

function write(store: KeyValueStore | null, key: string, value: SavedCode): boolean {
	if (!store) return false;
	try {
		store.setItem(key, JSON.stringify(value));
		return true;
	} catch {
		return false;
	}
}

export class CodeStore {
	constructor(private readonly store: KeyValueStore | null = browserStore()) {}

	loadDraft(): SavedCode | null {
		return read(this.store, DRAFT_KEY);
	}

	saveDraft(code: string, example: string | null, now = Date.now()): boolean {
		return write(this.store, DRAFT_KEY, { code, example, savedAt: now });
	}

	loadOwnCode(): SavedCode | null {
		return read(this.store, OWN_CODE_KEY);
	}

	/** Set the learner's own program aside (before the editor shows an example or a shared link). */
	saveOwnCode(code: string, now = Date.now()): boolean {
		return write(this.store, OWN_CODE_KEY, { code, example: null, savedAt: now });
	}
}

/**
 * Call `fn` once input has been quiet for `ms`. `flush` runs a pending call now (on page hide,
 * so the last keystrokes are saved); `cancel` drops it.
 */
export function debounce<A extends unknown[]>(
	fn: (...args: A) => void,
	ms: number
): { (...args: A): void; flush(): void; cancel(): void } {
	let timer: ReturnType<typeof setTimeout> | null = null;
	let pending: A | null = null;
	const run = () => {
		timer = null;
		if (pending) {
			const args = pending;
			pending = null;
			fn(...args);
		}
	};
	const debounced = (...args: A) => {
		pending = args;
		if (timer !== null) clearTimeout(timer);
		timer = setTimeout(run, ms);
	};
	debounced.flush = () => {
		if (timer !== null) clearTimeout(timer);
		run();
	};
	debounced.cancel = () => {
		if (timer !== null) clearTimeout(timer);
		timer = null;
		pending = null;
	};
	return debounced;
}
