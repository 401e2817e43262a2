/**
 * Restarts in Chromium, on the runner's dev page (/dev/runner exposes `window.__runner`): Stop
 * on a runaway `while True: pass`, then Run, timed from Stop to the next run's result. Used by
 * `npm run bench` (bench/run.ts) and by bench/snapshot.ts.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { sleep, type Repetitions } from './measure';

const TIMEOUT = 240_000;
/** The spare runtime is ready a moment after the active one: give it that moment. */
const SPARE_SETTLE_MS = 3000;

interface RunnerWindow {
	__runner?: {
		status: { phase: string; detail: string; startup?: { source: string; ms: number } };
		run(source: string): Promise<{ kind: string }>;
		stop(): void;
	};
}

/** The runner dev page in a new tab, waiting until its runner (and warm spare) are ready. */
export async function runnerPage(ctx: BrowserContext, url: string): Promise<Page> {
	const page = await ctx.newPage();
	await page.goto(url);
	await page.waitForFunction(
		() => (window as RunnerWindow).__runner?.status.phase === 'ready',
		null,
		{ timeout: TIMEOUT, polling: 20 }
	);
	return page;
}

/**
 * Stop on a runaway loop, then Run: ms from Stop to the next run's result. `backToBack` stops
 * twice in a row and times the second, when the spare promoted by the first Stop has just been
 * replaced by one still starting: that is a restart with nothing warm.
 */
export async function stopToRun(page: Page, backToBack: boolean): Promise<number> {
	// No named functions inside: tsx would wrap them in a helper the page does not have.
	return page.evaluate(async (twice) => {
		const runner = (window as RunnerWindow).__runner!;
		let elapsed = 0;
		// Twice: the first Stop promotes the spare; the second comes before a new one is ready.
		for (let stop = twice ? 2 : 1; stop > 0; stop--) {
			const runaway = runner.run('while True:\n    pass\n');
			await new Promise((resolve) => setTimeout(resolve, 200));
			const started = performance.now();
			runner.stop();
			await runaway;
			if (stop > 1) continue;
			const next = await runner.run('print("hello")\n');
			if (next.kind !== 'finished') throw new Error(`the run after Stop ${next.kind}`);
			elapsed = performance.now() - started;
		}
		return elapsed;
	}, backToBack);
}

export interface RestartSamples {
	/** Stop → next result with the warm spare ready (what a user gets after one Stop). */
	warmSpare: number[];
	/** The second of two Stops in a row: the replacement starts from nothing warm. */
	backToBack: number[];
}

/**
 * Stop → next run on the runner's dev page, `plan.warmup + plan.runs` times, each in a new tab
 * of one context that has made its snapshot on a first, uncounted visit.
 */
export async function measureRestarts(
	ctx: BrowserContext,
	url: string,
	plan: Repetitions
): Promise<RestartSamples> {
	const samples: RestartSamples = { warmSpare: [], backToBack: [] };
	const first = await runnerPage(ctx, url);
	await sleep(SPARE_SETTLE_MS); // the snapshot is stored and the spare started
	await first.close();
	for (let i = 0; i < plan.warmup + plan.runs; i++) {
		const page = await runnerPage(ctx, url);
		await sleep(SPARE_SETTLE_MS);
		const warm = await stopToRun(page, false);
		const cold = await stopToRun(page, true);
		if (i >= plan.warmup) {
			samples.warmSpare.push(warm);
			samples.backToBack.push(cold);
		}
		await page.close();
	}
	return samples;
}
