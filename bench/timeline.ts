/**
 * Timeline benchmark (not part of the test suite): render and zoom / pan frame times at 1,000,
 * 10,000 and 50,000 segments, in headless Chromium, with the real TimelineInteraction.
 *
 *   node --import tsx bench/timeline.ts
 *
 * Vite bundles bench/timeline-harness.ts into one script; playwright-core loads it into a blank
 * page in Debian's /usr/bin/chromium. A frame's time is the redraw plus the style and layout it
 * forces (paint runs after, on the compositor); medians over 80 zoom and 60 pan frames.
 */
import { build } from 'vite';
import { chromium, type Page } from 'playwright-core';
import type { BenchResult } from './timeline-harness';

const ONLY = process.env.BENCH_ONLY ? Number(process.env.BENCH_ONLY) : null;
const ALL_CASES: { tasks: number; segmentsPerTask: number }[] = [
	{ tasks: 200, segmentsPerTask: 5 },
	{ tasks: 2_000, segmentsPerTask: 5 },
	{ tasks: 10_000, segmentsPerTask: 5 }
];
/** BENCH_ONLY=10000 runs only the case with that many tasks. */
const CASES = ALL_CASES.filter((c) => ONLY === null || c.tasks === ONLY);

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function p95(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
}

async function bundle(): Promise<string> {
	const output = await build({
		configFile: false,
		logLevel: 'warn',
		build: {
			write: false,
			minify: true,
			lib: {
				entry: new URL('./timeline-harness.ts', import.meta.url).pathname,
				formats: ['iife'],
				name: 'TimelineBench',
				fileName: 'bench'
			}
		}
	});
	const results = Array.isArray(output) ? output : [output];
	for (const result of results) {
		if ('output' in result) return result.output[0].code;
	}
	throw new Error('Vite produced no bundle.');
}

async function main(): Promise<void> {
	const code = await bundle();
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
		await page.setContent('<!doctype html><html><body></body></html>');
		await page.addScriptTag({ content: code });
		const rows: string[] = [];
		rows.push(
			'| segments | tasks | lanes | first render (ms) | zoom frame median / p95 / best-run median (ms) | pan frame median / p95 / best-run median (ms) | of which building the SVG, median (ms) | rAF interval median (ms) | SVG elements |',
			'| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |'
		);
		for (const { tasks, segmentsPerTask } of CASES) {
			for (const expanded of [false, true]) {
				// The machine is shared: three runs per case, frames pooled, and the best run's
				// median shown beside the pooled one.
				const results: BenchResult[] = [];
				for (let repeat = 0; repeat < 3; repeat++) {
					results.push(await runCase(page, tasks, segmentsPerTask, expanded));
				}
				const result = pool(results);
				const best = Math.min(...results.map((r) => median(r.zoomFrameMs)));
				const bestPan = Math.min(...results.map((r) => median(r.panFrameMs)));
				const f = (v: number) => v.toFixed(1);
				rows.push(
					`| ${result.segments.toLocaleString('en-US')} | ${result.tasks.toLocaleString('en-US')} | ${expanded ? 'one per task' : 'collapsed group'} | ${f(median(results.map((r) => r.firstRenderMs)))} | ${f(median(result.zoomFrameMs))} / ${f(p95(result.zoomFrameMs))} / ${f(best)} | ${f(median(result.panFrameMs))} / ${f(p95(result.panFrameMs))} / ${f(bestPan)} | ${f(median(result.scriptFrameMs))} | ${f(median(result.rafIntervalMs))} | ${result.elements} |`
				);
			}
		}
		console.log(rows.join('\n'));
	} finally {
		await browser.close();
	}
}

function pool(results: BenchResult[]): BenchResult {
	return {
		...results[0],
		zoomFrameMs: results.flatMap((r) => r.zoomFrameMs),
		panFrameMs: results.flatMap((r) => r.panFrameMs),
		rafIntervalMs: results.flatMap((r) => r.rafIntervalMs),
		scriptFrameMs: results.flatMap((r) => r.scriptFrameMs)
	};
}

async function runCase(
	page: Page,
	tasks: number,
	segmentsPerTask: number,
	expanded: boolean
): Promise<BenchResult> {
	return (await page.evaluate(
		([t, s, e]) =>
			(
				window as unknown as {
					TimelineBench: { run: (t: number, s: number, e: boolean) => Promise<unknown> };
				}
			).TimelineBench.run(t, s, e),
		[tasks, segmentsPerTask, expanded] as const
	)) as BenchResult;
}

await main();
