/**
 * Hostile and heavy input on the playground page (issue 13): a share, exercise or pack link never
 * loses the learner's draft (on a fresh load and in an open tab; it waits under "Your code"), and
 * the page holds its main thread for no task over 250 ms (the Long Tasks API) for 20,000 printed
 * lines, a 50,000-task run or a 2 MB address.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeShare, shareFragment } from '../../src/lib/share/codec';
import { exerciseMarkdown } from '../unit/exercise-fixtures';
import { useE2E } from './harness';
import {
	READY_TIMEOUT,
	TEST_TIMEOUT,
	button,
	closeOpenedContexts,
	editorText,
	open,
	pythonReady,
	region,
	setCode,
	waitForMonaco
} from './playground-helpers';
import { withResponsivenessProbe } from './runner-fixtures';

const e2e = useE2E();
afterEach(closeOpenedContexts);

/**
 * The goal is no task over 250 ms. On a quiet machine a run of 50,000 tasks measured 134 ms and
 * 20,000 lines 65 ms (logged as [measure]); a loaded CI machine can double that, so what is
 * asserted is twice the goal, which the 598 ms task the page once had would break.
 */
const NO_LONG_TASK_MS = 500;
/** An address of 2 MB opened afresh: its longest task includes loading the page itself. */
const NOT_FROZEN_MS = 2_000;
const mine = 'print("my unsaved work")\n';
const DRAFT_KEY = 'asyncio-playground:draft:v1';
const OWN_CODE_KEY = 'asyncio-playground:own-code:v1';

function linkFor(text: string, kind: 'code' | 'pack' = 'code'): string {
	const encoded = encodeShare(text, kind);
	if (!encoded.ok) throw new Error(encoded.message);
	return '/' + shareFragment(encoded.payload, kind);
}

const packText = `---\npack: Hostile workshop\n---\n\n${exerciseMarkdown('First')}`;

/** The learner's draft, saved before the page first loads (a returning learner). */
async function withDraft(context: BrowserContext): Promise<void> {
	await context.addInitScript(
		([key, code]) => {
			if (localStorage.getItem(key) === null)
				localStorage.setItem(key, JSON.stringify({ code, example: null, savedAt: 1 }));
		},
		[DRAFT_KEY, mine] as const
	);
}

async function ownCode(page: Page): Promise<string | null> {
	return page.evaluate((key) => {
		const raw = localStorage.getItem(key);
		return raw === null ? null : (JSON.parse(raw) as { code: string }).code;
	}, OWN_CODE_KEY);
}

/** "Your code" in the Examples menu brings the draft back. */
async function restoreOwnCode(page: Page): Promise<void> {
	await waitForMonaco(page);
	await button(page, 'Examples').click();
	await page.getByRole('button', { name: /Your code/ }).click();
	await expect.poll(() => editorText(page)).toBe(mine);
}

describe('a link never loses the draft', () => {
	for (const [kind, path] of [
		['share', () => linkFor('print("shared")\n')],
		['exercise', () => '/?exercise=three-downloads'],
		['pack', () => linkFor(packText, 'pack')]
	] as const) {
		it(
			`a ${kind} link on a fresh load keeps the saved draft under "Your code"`,
			async () => {
				const opened = await e2e.open(path(), { beforeLoad: withDraft });
				await waitForMonaco(opened.page);
				expect(await editorText(opened.page)).not.toBe(mine);
				expect(await ownCode(opened.page)).toBe(mine);
				await restoreOwnCode(opened.page);
				await opened.context.close();
			},
			TEST_TIMEOUT
		);
	}

	it(
		'share and pack links pasted into an open tab, and an exercise link, keep unsaved work',
		async () => {
			const { page } = await open(e2e, '/');
			await setCode(page, mine);
			await page.evaluate((hash) => (location.hash = hash), linkFor('print("shared")\n').slice(1));
			await expect.poll(() => editorText(page)).toBe('print("shared")\n');
			expect(await ownCode(page)).toBe(mine);
			await restoreOwnCode(page);

			await setCode(page, mine);
			await page.evaluate((hash) => (location.hash = hash), linkFor(packText, 'pack').slice(1));
			await expect.poll(() => editorText(page)).toBe('print("start")\n');
			expect(await ownCode(page)).toBe(mine);

			await restoreOwnCode(page);
			await setCode(page, mine);
			// Typed just now (the draft is saved as the page is left), then an exercise link.
			await page.goto(new URL('/?exercise=three-downloads', page.url()).href);
			await waitForMonaco(page);
			expect(await ownCode(page)).toBe(mine);
			await restoreOwnCode(page);
		},
		TEST_TIMEOUT
	);
});

describe('no page task over 250 ms', () => {
	/** Runs `code` from the editor; `total` is the run's total time, as the summary shows it. */
	async function runMeasured(
		page: Page,
		what: string,
		code: string,
		total: string
	): Promise<number> {
		await pythonReady(page);
		await setCode(page, code);
		const { maxGapMs } = await withResponsivenessProbe(page, async () => {
			await button(page, 'Run').click();
			await region(page, 'Summary')
				.locator('[data-stat="total"] dd', { hasText: total })
				.waitFor({ timeout: READY_TIMEOUT })
				.catch(async (error: unknown) => {
					console.log(
						`[measure] ${what} did not finish: ${await region(page, 'Output').innerText()}`
					);
					throw error;
				});
			// The chart and the panels have drawn.
			await page.waitForTimeout(1_000);
		});
		console.log(`[measure] longest page task, ${what}: ${maxGapMs} ms`);
		return maxGapMs;
	}

	it(
		'20,000 printed lines: the Output panel holds a screenful, and the last line is there',
		async () => {
			const { page } = await open(e2e, '/');
			const longest = await runMeasured(
				page,
				'20,000 printed lines',
				// Short lines: 20,000 of them stay under the engine's 200,000-character output cap.
				'import time\n\nfor i in range(20_000):\n    print(i)\ntime.sleep(7)\n',
				'7.00 s'
			);
			const output = region(page, 'Output');
			expect(await output.locator('li[data-row]').count()).toBeLessThan(500);
			await output.locator('ol').evaluate((list) => (list.scrollTop = list.scrollHeight));
			await output.locator('li .text', { hasText: /^19999$/ }).waitFor({ timeout: 10_000 });
			expect(longest).toBeLessThan(NO_LONG_TASK_MS);
		},
		TEST_TIMEOUT
	);

	it(
		'a run of 50,000 tasks',
		async () => {
			const { page } = await open(e2e, '/');
			const longest = await runMeasured(
				page,
				'50,000 tasks',
				'import asyncio\n\nasync def main():\n    await asyncio.gather(*(asyncio.sleep(2.5) for _ in range(50_000)))\n\nasyncio.run(main())\n',
				'2.50 s'
			);
			expect(longest).toBeLessThan(NO_LONG_TASK_MS);
		},
		TEST_TIMEOUT
	);

	it(
		'a 2 MB address, opened fresh or pasted into an open tab, is refused before any history call',
		async () => {
			const huge = '#code=v1.' + 'A'.repeat(2_000_000);
			/** The longest task of the page that finally shows (the refused address reloads it). */
			const observeLongTasks = async (context: BrowserContext): Promise<void> => {
				await context.addInitScript(() => {
					const w = window as unknown as { __longest: number };
					w.__longest = 0;
					new PerformanceObserver((list) => {
						for (const entry of list.getEntries())
							w.__longest = Math.max(w.__longest, entry.duration);
					}).observe({ type: 'longtask', buffered: true });
				});
			};
			const longest = (page: Page) =>
				page.evaluate(() => Math.round((window as unknown as { __longest: number }).__longest));

			// The guard replaces the page while it loads, so wait for the commit, not the load.
			const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
			await observeLongTasks(context);
			const fresh = await context.newPage();
			await fresh.goto(e2e.site.origin + '/' + huge, { waitUntil: 'commit' });
			await fresh.getByText(/This link is too long to open/).waitFor({ timeout: READY_TIMEOUT });
			expect(fresh.url().length).toBeLessThan(100);
			console.log(
				`[measure] longest page task, 2 MB address opened fresh: ${await longest(fresh)} ms (page load included)`
			);
			await context.close();

			const tab = await e2e.open('/', { beforeLoad: observeLongTasks });
			const page = tab.page;
			await pythonReady(page);
			await setCode(page, mine);
			await page.evaluate((hash) => (location.hash = hash), huge);
			await page.getByText(/This link is too long to open/).waitFor({ timeout: READY_TIMEOUT });
			expect(page.url().length).toBeLessThan(100);
			// The draft was saved as the page reloaded without the address.
			await expect.poll(() => editorText(page), { timeout: READY_TIMEOUT }).toBe(mine);
			console.log(
				`[measure] longest page task, 2 MB address in an open tab: ${await longest(page)} ms (the reload included)`
			);
			expect(await longest(page)).toBeLessThan(NOT_FROZEN_MS);
			await tab.context.close();
		},
		TEST_TIMEOUT
	);
});
