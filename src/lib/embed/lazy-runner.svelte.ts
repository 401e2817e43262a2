/**
 * The runner of an embed, started only when it is needed: a course page of ten embeds must not
 * load ten Pythons (about 50 MB each) when it opens. An embed's RunnerClient (and with it its
 * sandbox frame and Pyodide) is created on its first Run, or earlier for at most one embed per
 * page: the first one the reader scrolls to, so its first Run is quick. The embeds of one page
 * agree on which one that is through a Web Lock, which every same-origin frame of the page shares.
 */
import type { RunOutcome } from '$lib/runner/client.svelte';
import type { RunnerStatus } from '$lib/ui/status';

/** What the embed uses of RunnerClient; tests pass a stub. */
export interface EmbedRunner {
	readonly status: RunnerStatus;
	run(source: string): Promise<RunOutcome>;
	stop(): void;
	dispose(): void;
}

export class LazyRunner {
	#client: EmbedRunner | null = $state.raw(null);
	readonly #create: () => EmbedRunner;

	constructor(create: () => EmbedRunner) {
		this.#create = create;
	}

	/** True once the interpreter was asked for (by a Run, or warming up). */
	get started(): boolean {
		return this.#client !== null;
	}

	/** The runner's status once started; null before. */
	get status(): RunnerStatus | null {
		return this.#client?.status ?? null;
	}

	/** Starts the interpreter now, if it has not started. */
	start(): EmbedRunner {
		this.#client ??= this.#create();
		return this.#client;
	}

	run(source: string): Promise<RunOutcome> {
		return this.start().run(source);
	}

	stop(): void {
		this.#client?.stop();
	}

	dispose(): void {
		this.#client?.dispose();
		this.#client = null;
	}
}

/** The Web Lock the embeds of one page share: its holder is the one embed warmed up early. */
export const WARM_LOCK = 'asyncio-playground:embed-warm';

/**
 * Calls `warm` once `element` is half in view, if no other embed of the page has warmed up yet;
 * the lock is held until the returned function is called (the embed goes away). Where Web Locks
 * or IntersectionObserver are missing (an insecure context, an old browser), nothing warms up:
 * each embed starts on its first Run.
 */
export function warmWhenSeen(element: Element, warm: () => void): () => void {
	const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
	if (!locks || typeof IntersectionObserver === 'undefined') return () => {};
	let release: (() => void) | null = null;
	let ended = false;
	const observer = new IntersectionObserver(
		(entries) => {
			if (!entries.some((entry) => entry.isIntersecting)) return;
			observer.disconnect();
			void locks.request(WARM_LOCK, { ifAvailable: true }, async (lock) => {
				if (!lock || ended) return;
				warm();
				await new Promise<void>((resolve) => (release = resolve));
			});
		},
		{ threshold: 0.5 }
	);
	observer.observe(element);
	return () => {
		ended = true;
		observer.disconnect();
		release?.();
	};
}
