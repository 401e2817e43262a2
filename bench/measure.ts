/**
 * Samples and their summary: every figure in BENCHMARKS.md is a median with its range over
 * several timed runs taken after untimed warm-up runs.
 */

export interface Summary {
	median: number;
	min: number;
	max: number;
	runs: number;
}

export function summarize(samples: readonly number[]): Summary {
	if (samples.length === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
	const sorted = [...samples].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	const median =
		sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

export interface Repetitions {
	/** Untimed runs first (JIT, caches, lazily built code). */
	warmup: number;
	runs: number;
}

/** Run `measure` warm-up + timed times; `measure` returns one sample (usually milliseconds). */
export async function repeat(
	plan: Repetitions,
	measure: () => number | Promise<number>
): Promise<number[]> {
	for (let i = 0; i < plan.warmup; i++) await measure();
	const samples: number[] = [];
	for (let i = 0; i < plan.runs; i++) samples.push(await measure());
	return samples;
}

/** Wall-clock milliseconds of a synchronous call. */
export function timeSync(call: () => unknown): number {
	const started = performance.now();
	call();
	return performance.now() - started;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
