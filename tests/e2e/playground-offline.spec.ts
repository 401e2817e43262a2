/**
 * Offline after one visit, in a real Chromium against the built site, served by a server this file
 * owns so that it can redeploy the site and then stop answering altogether:
 *
 * - the service worker caches one build per version; a new deploy installs beside it, waits for
 *   the learner, then replaces it: the page reloads into the new build and the old cache is gone;
 * - with the browser offline and the server closed, a reload restores Python, runs the default
 *   example and draws its chart, and a share link and an exercise link open, run and chart too;
 * - a snippet can neither read the cache nor register a worker of its own.
 *
 * http://127.0.0.1 is a secure context, so service workers work on the test server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BUILD_DIR, launchBrowser, startStaticServer, type StaticServer } from './harness';
import { encodeShare, shareFragment } from '../../src/lib/share/codec';
import {
	READY_TIMEOUT,
	TEST_TIMEOUT,
	button,
	editorText,
	pythonReady,
	region,
	setCode,
	totalTime,
	waitForMonaco
} from './playground-helpers';

const VERSION = (
	JSON.parse(readFileSync(join(BUILD_DIR, '_app/version.json'), 'utf8')) as { version: string }
).version;
/** The build's service worker names its cache after VERSION; a "deploy" renames it. */
let deployed = VERSION;

let site: StaticServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
	site = await startStaticServer({
		rewrite: (path, body) =>
			path === '/service-worker.js' && deployed !== VERSION
				? Buffer.from(body.toString('utf8').replaceAll(VERSION, deployed))
				: body
	});
	browser = await launchBrowser();
	context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
}, TEST_TIMEOUT);

afterAll(async () => {
	await context?.close();
	await browser?.close();
	await site?.close();
});

/** The cache names of the page's origin and how many files each holds. */
function caches(target: Page = page): Promise<Record<string, number>> {
	return target.evaluate(async () => {
		const names = await globalThis.caches.keys();
		const counts: Record<string, number> = {};
		for (const name of names)
			counts[name] = (await (await globalThis.caches.open(name)).keys()).length;
		return counts;
	});
}

/** Resolves once a service worker controls or will control the page, with the build cached. */
function serviceWorkerActive(target: Page): Promise<string | undefined> {
	// `ready` gives the worker as soon as it is activating; its activation (old caches deleted)
	// may still be under way.
	return target.evaluate(async () => {
		const worker = (await navigator.serviceWorker.ready).active;
		if (worker?.state === 'activating') {
			await new Promise((resolve) =>
				worker.addEventListener('statechange', resolve, { once: true })
			);
		}
		return worker?.state;
	});
}

/** Run the code on show and wait for the chart's lanes. */
async function runAndChart(target: Page, total: string, lanes: number): Promise<void> {
	await button(target, 'Run').click();
	await region(target, 'Summary')
		.locator('[data-stat="total"] dd', { hasText: total })
		.waitFor({ timeout: READY_TIMEOUT });
	const labels = target.locator('[data-timeline-chart] svg .tl-lanes text');
	await expect.poll(() => labels.count(), { timeout: READY_TIMEOUT }).toBe(lanes);
}

describe('offline', () => {
	it(
		'caches one build per version; a new deploy waits for the learner, then replaces it',
		async () => {
			await page.goto(site.url('/'));
			expect(await totalTime(page)).toBe('3.00 s');
			// Registered once Python has started, and active only once the whole build is cached.
			expect(await serviceWorkerActive(page)).toBe('activated');
			const first = await caches();
			expect(Object.keys(first)).toEqual([`asyncio-playground-${VERSION}`]);
			const files = Object.values(first)[0];
			// The app, its chunks and workers, the Pyodide files, the frame's document, the pages.
			expect(files).toBeGreaterThan(90);
			// A first visit is not taken over mid-page; the next page load is the worker's.
			await page.reload();
			await pythonReady(page);
			expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

			deployed = `${VERSION}-next`;
			await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.update()));
			const banner = page.getByRole('status').filter({ hasText: 'A new version' });
			await banner.waitFor({ timeout: READY_TIMEOUT });
			// Installed beside the old build, which still serves this page until the learner says.
			expect(Object.keys(await caches()).sort()).toEqual([
				`asyncio-playground-${VERSION}`,
				`asyncio-playground-${deployed}`
			]);
			await Promise.all([
				page.waitForEvent('load', { timeout: READY_TIMEOUT }),
				button(page, 'Reload now').click()
			]);
			await pythonReady(page);
			await expect.poll(() => caches()).toEqual({ [`asyncio-playground-${deployed}`]: files });
			expect(await banner.count()).toBe(0);
		},
		TEST_TIMEOUT
	);

	it(
		'reloads offline: Python restores, the default example runs and charts, and so do links',
		async () => {
			await context.setOffline(true);
			await site.close();
			const served = site.requests.length;

			await page.reload();
			await pythonReady(page);
			await waitForMonaco(page);
			await runAndChart(page, '3.00 s', 4);

			const shared =
				'import asyncio\n\nasync def main():\n    await asyncio.sleep(2)\n\nasyncio.run(main())\n';
			const encoded = encodeShare(shared);
			if (!encoded.ok) throw new Error(encoded.message);
			const link = await context.newPage();
			await link.goto(site.url('/' + shareFragment(encoded.payload)));
			await waitForMonaco(link);
			expect(await editorText(link)).toBe(shared);
			await pythonReady(link);
			await runAndChart(link, '2.00 s', 1);
			await link.close();

			const exercise = await context.newPage();
			await exercise.goto(site.url('/?exercise=three-downloads'));
			await exercise.getByRole('complementary', { name: 'Exercise' }).waitFor();
			await pythonReady(exercise);
			// This exercise asks for predictions first; the run itself is what is tested here.
			await exercise.getByRole('checkbox', { name: 'Predict first' }).uncheck();
			await button(exercise, 'Run').click();
			await region(exercise, 'Summary')
				.locator('[data-stat="total"] dd')
				.waitFor({ timeout: READY_TIMEOUT });
			await exercise.locator('[data-timeline-chart] svg .tl-lanes text').first().waitFor();
			await exercise.close();

			// Nothing reached the server: it was closed, and the browser offline.
			expect(site.requests.length).toBe(served);
		},
		TEST_TIMEOUT
	);

	it(
		'keeps the cache out of the snippet’s reach: no reading it, no worker of its own',
		async () => {
			const before = await caches();
			await setCode(
				page,
				[
					'import js',
					'def attempt(name, action):',
					'    try:',
					'        action()',
					'        print(name, "ran")',
					'    except BaseException as error:',
					'        print(name, "failed:", type(error).__name__)',
					'attempt("read caches", lambda: js.caches.keys())',
					'attempt("open cache", lambda: js.caches.open("asyncio-playground-x"))',
					'attempt("register", lambda: js.navigator.serviceWorker.register("/evil.js"))',
					'print("done")',
					''
				].join('\n')
			);
			await button(page, 'Run').click();
			const output = region(page, 'Output');
			await output.locator('li', { hasText: 'done' }).waitFor({ timeout: READY_TIMEOUT });
			const lines = await output.locator('li .text').allTextContents();
			expect(lines.filter((line) => line.endsWith(' ran'))).toEqual([]);
			expect(lines.filter((line) => line.includes('failed'))).toHaveLength(3);
			expect(await caches()).toEqual(before);
			expect(
				await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)
			).toBe(1);
		},
		TEST_TIMEOUT
	);
});
