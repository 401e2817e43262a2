/**
 * Memory snapshots in headless Chromium (docs/decisions/0045-memory-snapshot.md): how long a
 * page open takes to "Python ready" on a first visit and on return visits, with snapshots and
 * with them turned off (manifest.json answered 404, so the page never looks for one: the
 * behaviour before snapshots), how long Stop on `while True: pass` takes to the next successful
 * run, and the bare loadPyodide() floor (bench/pages/bare.html).
 *
 *   npm run build && node --import tsx bench/snapshot.ts        (RUNS=5 by default)
 *
 * Not part of the test suite: prints medians with their range, and the machine's load.
 */
import { loadavg } from 'node:os';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from '../tests/e2e/harness';
import { summarize } from './measure';
import { newContext, openPlayground, waitForQuiet } from './page-load';
import { runnerPage, stopToRun } from './restart';
import { startBenchSite } from './site';

const RUNS = Number(process.env.RUNS) || 5;
const TIMEOUT = 240_000;

type Mode = 'snapshot' | 'off';

async function context(browser: Browser, mode: Mode): Promise<BrowserContext> {
	const ctx = await newContext(browser);
	if (mode === 'off') {
		await ctx.route('**/pyodide/manifest.json', (route) =>
			route.fulfill({ status: 404, body: 'snapshots off for this measurement' })
		);
	}
	return ctx;
}

/** The playground at `url` in a new tab: ms from navigation to the status saying ready. */
async function playgroundReady(ctx: BrowserContext, url: string): Promise<number> {
	const { page, marks } = await openPlayground(ctx, url);
	await page.close();
	if (marks.ready === undefined) throw new Error('the playground never said ready');
	return marks.ready;
}

/** The bare floor page: ms from navigation to its worker's Python ready. */
async function bareReady(ctx: BrowserContext, url: string): Promise<number> {
	const page = await ctx.newPage();
	await page.goto(url, { waitUntil: 'commit' });
	const handle = await page.waitForFunction(
		() => (window as unknown as { __bareReady?: number }).__bareReady,
		null,
		{ timeout: TIMEOUT, polling: 20 }
	);
	const ms = (await handle.jsonValue()) as number;
	await page.close();
	return ms;
}

function line(label: string, samples: number[]): string {
	const s = summarize(samples);
	const f = (ms: number) => `${Math.round(ms)}`;
	return `${label.padEnd(58)} median ${f(s.median).padStart(6)} ms  (${f(s.min)}–${f(s.max)}, n=${s.runs})`;
}

async function main(): Promise<void> {
	const site = await startBenchSite();
	const browser = await launchBrowser();
	const app = site.server.url('/');
	const dev = site.server.url('/dev/runner');
	const bare = site.server.url('/bench/bare.html');
	const load = [loadavg()[0]];
	const results: Record<string, number[]> = {};
	const add = (key: string, value: number) => (results[key] ??= []).push(value);
	try {
		for (let i = 0; i < RUNS; i++) {
			for (const mode of ['snapshot', 'off'] as Mode[]) {
				// First visit: a fresh context (empty cache and storage).
				const fresh = await context(browser, mode);
				add(`first visit, ${mode}`, await playgroundReady(fresh, app));
				// Let the snapshot be stored (and the spare settle) before the return visit.
				await waitForQuiet(site.server, 1500);
				await new Promise((resolve) => setTimeout(resolve, mode === 'snapshot' ? 4000 : 500));
				add(`return visit, ${mode}`, await playgroundReady(fresh, app));
				await waitForQuiet(site.server, 500);
				const page = await runnerPage(fresh, dev);
				// The spare is ready a moment after the active runtime: give it that moment.
				await new Promise((resolve) => setTimeout(resolve, 3000));
				add(`Stop → next run (warm spare), ${mode}`, await stopToRun(page, false));
				add(`Stop → next run (back to back, no warm spare), ${mode}`, await stopToRun(page, true));
				await page.close();
				await fresh.close();
			}
			const floor = await newContext(browser);
			await bareReady(floor, bare); // fills the HTTP cache
			add('bare loadPyodide(), files cached', await bareReady(floor, bare));
			await floor.close();
			load.push(loadavg()[0]);
		}
	} finally {
		await browser.close();
		await site.close();
	}
	console.log('Memory snapshot benchmark (headless Chromium, page open → "Python ready")');
	for (const [key, samples] of Object.entries(results)) console.log(line(key, samples));
	console.log(`load average (1 min) during the runs: ${load.map((l) => l.toFixed(1)).join(', ')}`);
}

await main();
