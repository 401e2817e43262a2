/**
 * Helpers for the runner's end-to-end tests: open the bare runner page (/dev/runner), run
 * Python through its RunnerClient, seed the app's storage, and probe that the page stays
 * responsive while a hostile program runs.
 */
import type { Page } from 'playwright-core';
import type { E2E, OpenedPage } from './harness';

/** The outcome as the dev page hands it back (events and model summarised). */
export type OutcomeSummary =
	| {
			kind: 'finished';
			stdout: string[];
			error: { type: string; message: string } | null;
			limit: { limit: string; message: string } | null;
			notices: string[];
			tasks: number;
	  }
	| {
			kind: 'stopped';
			reason: string;
			line: number | null;
			/** True when the runner interrupted Python in place and returned the partial run. */
			partial: boolean;
	  }
	| { kind: 'failed'; message: string };

/** Python start-up can take a minute on a loaded two-core machine. */
export const READY_TIMEOUT = 120_000;

/**
 * Opens the runner page and waits until Python is ready and the warm spare has loaded too, so
 * a responsiveness probe measures the run under test, not the spare's start-up.
 */
export async function openRunner(e2e: E2E, query = ''): Promise<OpenedPage> {
	const opened = await e2e.open(`/dev/runner${query}`);
	await waitForReady(opened.page);
	await waitForSpare(opened.page);
	return opened;
}

/** Waits until the client holds a loaded warm spare. */
export async function waitForSpare(page: Page): Promise<void> {
	await page.waitForFunction(
		() => (window as unknown as { __runner: { spareReady: boolean } }).__runner.spareReady,
		null,
		{ timeout: READY_TIMEOUT, polling: 250 }
	);
}

export async function waitForReady(page: Page): Promise<void> {
	await page.waitForFunction(
		() => {
			const phase = document.querySelector('[data-phase]')?.getAttribute('data-phase');
			if (phase === 'crashed')
				throw new Error(document.querySelector('[role=status]')?.textContent ?? '');
			return phase === 'ready';
		},
		null,
		{ timeout: READY_TIMEOUT, polling: 200 }
	);
}

/** Runs `code` through the page's RunnerClient and summarises the outcome. */
export async function runPython(page: Page, code: string): Promise<OutcomeSummary> {
	return page.evaluate(async (source) => {
		type Client = import('$lib/runner/client.svelte').RunnerClient;
		const runner = (window as unknown as { __runner: Client }).__runner;
		const outcome = await runner.run(source);
		if (outcome.kind !== 'finished')
			return outcome.kind === 'stopped'
				? {
						kind: outcome.kind,
						reason: outcome.reason,
						line: outcome.line,
						partial: outcome.model !== undefined
					}
				: outcome;
		return {
			kind: outcome.kind,
			stdout: outcome.model.stdout.map((l) => l.text),
			error: outcome.model.error && {
				type: outcome.model.error.type,
				message: outcome.model.error.message
			},
			limit: outcome.model.limit && {
				limit: outcome.model.limit.limit,
				message: outcome.model.limit.message
			},
			notices: outcome.notices,
			tasks: outcome.model.tasks.length
		};
	}, code);
}

/**
 * Measures how long the page's main thread was blocked while `action` runs: the longest task
 * the Long Tasks API reports (any task over 50 ms on the page's event loop, including a
 * same-process runner frame), or 0 when none. A timer-gap probe was tried first, but on a
 * loaded two-core machine it measures CPU starvation by other processes, not the page's work.
 */
export async function withResponsivenessProbe<T>(
	page: Page,
	action: () => Promise<T>
): Promise<{ result: T; maxGapMs: number }> {
	await page.evaluate(() => {
		const w = window as unknown as { __probe: { max: number; observer: PerformanceObserver } };
		const probe = { max: 0, observer: null as unknown as PerformanceObserver };
		probe.observer = new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) probe.max = Math.max(probe.max, entry.duration);
		});
		probe.observer.observe({ type: 'longtask' });
		w.__probe = probe;
	});
	const result = await action();
	const maxGapMs = await page.evaluate(() => {
		const w = window as unknown as { __probe: { max: number; observer: PerformanceObserver } };
		for (const entry of w.__probe.observer.takeRecords()) {
			w.__probe.max = Math.max(w.__probe.max, entry.duration);
		}
		w.__probe.observer.disconnect();
		return Math.round(w.__probe.max);
	});
	return { result, maxGapMs };
}

export const SEEDED_SNIPPET = 'print("my saved snippet")';

/** Saves snippets in the app's localStorage and an IndexedDB database, as a returning user has. */
export async function seedStorage(page: Page): Promise<void> {
	await page.evaluate(async (code) => {
		localStorage.setItem(
			'asyncio-playground:draft:v1',
			JSON.stringify({ code, example: null, savedAt: 1 })
		);
		localStorage.setItem(
			'asyncio-playground:own-code:v1',
			JSON.stringify({ code, example: null, savedAt: 1 })
		);
		await new Promise<void>((resolve, reject) => {
			const open = indexedDB.open('asyncio-playground-test', 1);
			open.onupgradeneeded = () => open.result.createObjectStore('snippets');
			open.onerror = () => reject(open.error);
			open.onsuccess = () => {
				const tx = open.result.transaction('snippets', 'readwrite');
				tx.objectStore('snippets').put(code, 'saved');
				tx.oncomplete = () => {
					open.result.close();
					resolve();
				};
			};
		});
	}, SEEDED_SNIPPET);
}

/** What the app's storage holds now: compare before and after a hostile run. */
export async function readStorage(
	page: Page
): Promise<{ local: Record<string, string>; idb: unknown }> {
	return page.evaluate(async () => {
		const local: Record<string, string> = {};
		for (let i = 0; i < localStorage.length; i++) {
			const key = localStorage.key(i)!;
			local[key] = localStorage.getItem(key)!;
		}
		const idb = await new Promise((resolve) => {
			const open = indexedDB.open('asyncio-playground-test', 1);
			open.onupgradeneeded = () => open.result.createObjectStore('snippets');
			open.onsuccess = () => {
				const get = open.result.transaction('snippets').objectStore('snippets').get('saved');
				get.onsuccess = () => {
					open.result.close();
					resolve(get.result ?? null);
				};
			};
		});
		return { local, idb };
	});
}
