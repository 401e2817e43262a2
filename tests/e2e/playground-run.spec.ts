/**
 * The playground in a real Chromium against the built site: the first example runs by itself and
 * draws its chart, edits re-run, errors and warnings mark the editor, the chart and the editor
 * are linked, user text stays text, Share makes a link, and Stop ends a runaway loop.
 *
 * One page serves the whole file, in order, the way a learner uses it: starting Python is by far
 * the slowest step, and loading it once per test would only measure the machine.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { foreignRequests, useE2E, type OpenedPage } from './harness';
import {
	READY_TIMEOUT,
	TEST_TIMEOUT,
	button,
	closeOpenedContexts,
	cursorLine,
	exportFromChart,
	open,
	region,
	runAndWaitForTotal,
	runThenStop,
	setCode,
	totalTime,
	waitForMonaco
} from './playground-helpers';

const e2e = useE2E();

/** Three tasks sleep 1, 2 and 3 virtual seconds and print, then main spins without awaiting. */
const SLEEPS_THEN_SPINS = [
	'import asyncio',
	'',
	'async def worker(name, delay):',
	'    await asyncio.sleep(delay)',
	"    print(f'{name} woke at {delay}')",
	'',
	'async def main():',
	"    await asyncio.gather(worker('ann', 1), worker('bob', 2), worker('cy', 3))",
	"    print('now spinning')",
	'    while True:',
	'        pass',
	'',
	'asyncio.run(main())',
	''
].join('\n');
let opened: OpenedPage;
let page: Page;

beforeAll(async () => {
	opened = await open(e2e, '/');
	page = opened.page;
}, TEST_TIMEOUT);
afterAll(closeOpenedContexts);

describe('the playground page', () => {
	it(
		'opens on the gather example, runs it by itself and draws its lanes, all from our origin',
		async () => {
			for (const name of ['Editor', 'Timeline', 'Output', 'Summary'] as const) {
				await region(page, name).waitFor();
			}
			await button(page, 'Run').waitFor();
			await button(page, 'Stop').waitFor();
			await button(page, 'Share').waitFor();

			expect(await totalTime(page)).toBe('3.00 s');
			const tasks = region(page, 'Timeline').getByRole('table', { name: 'Tasks', exact: true });
			const taskNames = await tasks.locator('tbody tr').allTextContents();
			// main plus the three children that gather wraps in tasks.
			expect(taskNames.length).toBe(4);
			expect(taskNames.join(' ')).toMatch(/main/);

			const output = region(page, 'Output');
			await expect(output.locator('li', { hasText: 'hello 1' }).textContent()).resolves.toMatch(
				/1\.00 s/
			);
			await expect(output.textContent()).resolves.toMatch(/took 3\.00 s/);
			await expect(region(page, 'Summary').textContent()).resolves.toMatch(/virtual time/);
			// The example's notice sits beside the chart.
			await expect(
				page.getByRole('complementary', { name: 'About this example' }).textContent()
			).resolves.toMatch(/Gather/);

			await waitForMonaco(page);
			expect(foreignRequests(opened.requests, e2e.site.origin)).toEqual([]);
		},
		TEST_TIMEOUT
	);

	it(
		'opens the task table where it can be read: in the window at 1280×720, without scrolling the page',
		async () => {
			await page.setViewportSize({ width: 1280, height: 720 });
			const toggle = region(page, 'Timeline').getByRole('button', { name: 'Table' });
			await toggle.click();
			try {
				const table = region(page, 'Timeline').getByRole('table', { name: 'Tasks', exact: true });
				const lastRow = (await table.locator('tbody tr').last().boundingBox())!;
				expect(lastRow.y + lastRow.height).toBeLessThanOrEqual(720);
				expect(lastRow.y).toBeGreaterThan(0);
				const pageHeight = await page.evaluate(() => document.scrollingElement!.scrollHeight);
				expect(pageHeight).toBeLessThanOrEqual(721);
			} finally {
				await toggle.click();
				await page.setViewportSize({ width: 1280, height: 800 });
			}
		},
		TEST_TIMEOUT
	);

	it(
		'downloads the run for Perfetto: one track per task, the sleeps in microseconds',
		async () => {
			const download = await exportFromChart(page, 'Run for Perfetto');
			expect(download.suggestedFilename()).toBe('asyncio-run.perfetto.json');
			const path = await download.path();
			const { traceEvents } = JSON.parse(readFileSync(path, 'utf8')) as {
				traceEvents: { ph: string; name: string; args?: { name?: string }; dur?: number }[];
			};
			const tracks = traceEvents.filter((event) => event.name === 'thread_name');
			expect(tracks).toHaveLength(5); // the loop's track and four tasks
			const sleeps = traceEvents.filter((event) => event.ph === 'X' && /^sleep\(/.test(event.name));
			expect(sleeps.map((event) => event.dur).sort()).toEqual([1e6, 2e6, 3e6]);
		},
		TEST_TIMEOUT
	);

	it(
		're-runs edited code with Ctrl+Enter and updates the chart and total',
		async () => {
			await setCode(
				page,
				[
					'import asyncio',
					'',
					'async def say(n):',
					'    await asyncio.sleep(n)',
					'    print("hello", n)',
					'',
					'async def main():',
					'    await asyncio.gather(say(1), say(5))',
					'',
					'asyncio.run(main())',
					''
				].join('\n')
			);
			await page.keyboard.press('ControlOrMeta+Enter');
			await region(page, 'Summary')
				.locator('[data-stat="total"] dd', { hasText: '5.00 s' })
				.waitFor({ timeout: READY_TIMEOUT });
			const rows = region(page, 'Timeline')
				.getByRole('table', { name: 'Tasks', exact: true })
				.locator('tbody tr');
			await expect(rows.count()).resolves.toBe(3);
			// A different program: the example's note no longer applies and folds to one line.
			await expect(
				page.getByRole('complementary', { name: 'About this example' }).count()
			).resolves.toBe(0);
			await expect(page.getByText(/Based on the example “Gather/).isVisible()).resolves.toBe(true);
		},
		TEST_TIMEOUT
	);

	it(
		'links the chart and the editor: hover shows a tooltip, a click moves the editor',
		async () => {
			const chart = region(page, 'Timeline').locator('.chart svg').first();
			const box = await chart.boundingBox();
			if (!box) throw new Error('the chart has no box');
			// Sweep across the lanes until the tooltip describes a segment with a known line.
			const tooltip = region(page, 'Timeline').locator('.tooltip');
			let line: number | null = null;
			for (let fy = 0.1; fy < 0.95 && line === null; fy += 0.04) {
				for (let fx = 0.3; fx < 0.95 && line === null; fx += 0.1) {
					await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
					if (!(await tooltip.isVisible())) continue;
					const text = (await tooltip.textContent()) ?? '';
					const match = /Line\s*(\d+)/.exec(text);
					if (/Task-\d/.test(text) && match) line = Number(match[1]);
				}
			}
			expect(line).not.toBeNull();
			await page.mouse.down();
			await page.mouse.up();
			await expect.poll(() => cursorLine(page)).toBe(line);
		},
		TEST_TIMEOUT
	);

	it(
		'marks the line of an exception and of a coroutine never awaited',
		async () => {
			await setCode(
				page,
				[
					'import asyncio',
					'',
					'async def fetch():',
					'    await asyncio.sleep(1)',
					'',
					'async def main():',
					'    fetch()',
					'    await asyncio.sleep(1)',
					'    raise ValueError("boom")',
					'',
					'asyncio.run(main())',
					''
				].join('\n')
			);
			await runAndWaitForTotal(page, '1.00 s');
			const editor = region(page, 'Editor');
			await editor.locator('.pg-glyph-error').waitFor();
			await editor.locator('.pg-glyph-warning').waitFor();
			const output = region(page, 'Output');
			await expect(output.textContent()).resolves.toMatch(/ValueError: boom/);
			await expect(output.textContent()).resolves.toMatch(/never awaited/);

			// A line reference in the output jumps the editor there.
			await output.getByRole('button', { name: 'line 9', exact: true }).first().click();
			await expect.poll(() => cursorLine(page)).toBe(9);

			// The traceback leads with the program's frames; asyncio's fold to one line that opens.
			const fold = output.getByRole('button', { name: /^… \d+ frames? inside asyncio$/ });
			await expect(fold.getAttribute('aria-expanded')).resolves.toBe('false');
			await expect(output.textContent()).resolves.not.toMatch(/runners\.py/);
			await fold.click();
			await expect(fold.getAttribute('aria-expanded')).resolves.toBe('true');
			await expect(output.textContent()).resolves.toMatch(/asyncio\/runners\.py/);
		},
		TEST_TIMEOUT
	);

	it(
		'shows markup in print output, task names and exception messages as text',
		async () => {
			await setCode(
				page,
				[
					'import asyncio',
					'',
					'async def work():',
					'    print("<img src=x onerror=\\"window.__pwned=1\\">")',
					'    await asyncio.sleep(2)',
					'',
					'async def main():',
					'    await asyncio.create_task(work(), name="<b id=evil>bold</b>")',
					'    raise ValueError("<script>window.__pwned=2</script>")',
					'',
					'asyncio.run(main())',
					''
				].join('\n')
			);
			await runAndWaitForTotal(page, '2.00 s');
			const output = region(page, 'Output');
			const text = await output.textContent();
			expect(text).toContain('<img src=x onerror="window.__pwned=1">');
			expect(text).toContain('<b id=evil>bold</b>');
			expect(text).toContain('<script>window.__pwned=2</script>');
			const table = await region(page, 'Timeline')
				.getByRole('table', { name: 'Tasks', exact: true })
				.textContent();
			expect(table).toContain('<b id=evil>bold</b>');
			await expect(page.locator('#evil').count()).resolves.toBe(0);
			await expect(output.locator('img').count()).resolves.toBe(0);
			await expect(
				page.evaluate(() => (window as { __pwned?: number }).__pwned)
			).resolves.toBeUndefined();
		},
		TEST_TIMEOUT
	);

	it(
		'a big run’s task table comes a frame after its chart; a previous run’s table is one page',
		async () => {
			const program = (seconds: number) =>
				`import asyncio\n\nasync def main():\n    await asyncio.gather(*(asyncio.sleep(${seconds}) for _ in range(600)))\n\nasyncio.run(main())\n`;
			await setCode(page, program(2));
			await runAndWaitForTotal(page, '2.00 s');
			const tables = region(page, 'Timeline');
			const rows = (name: string) =>
				tables.getByRole('table', { name, exact: true }).locator('tbody tr');
			// The hidden table of a run over 100 tasks is made after the chart: it does come.
			await expect.poll(() => rows('Tasks').count(), { timeout: 10_000 }).toBe(500);
			await setCode(page, program(1));
			await runAndWaitForTotal(page, '1.00 s');
			await expect.poll(() => rows('Tasks (previous run)').count(), { timeout: 10_000 }).toBe(500);
			await expect(tables.getByText('The first 500 of 601 tasks.').count()).resolves.toBe(1);
		},
		TEST_TIMEOUT
	);

	it(
		'Share makes a link to this code and says it did',
		async () => {
			await button(page, 'Share').click();
			const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
			expect(link.startsWith(e2e.site.origin + '/#code=v1.')).toBe(true);
			await expect(
				page.getByRole('status').filter({ hasText: /link/i }).first().textContent()
			).resolves.toMatch(/link/i);
			await page.keyboard.press('Escape');
		},
		TEST_TIMEOUT
	);

	it(
		'the last run dims while a new one runs; Stop ends `while True: pass`, and Run works again',
		async () => {
			await setCode(page, 'while True:\n    pass\n');
			await button(page, 'Run').click();
			await expect.poll(() => button(page, 'Stop').isEnabled(), { timeout: 10_000 }).toBe(true);
			// The last run stays on screen while this one runs, dimmed under a "Running…" sign.
			await expect(
				page.locator('.run-result[aria-busy="true"]').getByRole('status').textContent()
			).resolves.toMatch(/Running…/);
			await expect
				.poll(() =>
					page
						.locator('.run-result .timeline')
						.evaluate((element) => Number(getComputedStyle(element).opacity))
				)
				.toBeLessThan(0.5);
			await page.waitForTimeout(300);
			await button(page, 'Stop').click();
			await expect
				.poll(() => page.getByTestId('status').textContent(), { timeout: READY_TIMEOUT })
				.toMatch(/stopped/i);
			await setCode(page, 'import asyncio\nasyncio.run(asyncio.sleep(2))\n');
			await runAndWaitForTotal(page, '2.00 s');
			await expect(region(page, 'Output').textContent()).resolves.not.toMatch(/Traceback/);
		},
		TEST_TIMEOUT
	);

	it(
		'without cross-origin isolation, Stop still leaves the partial chart and output, "stopped at 3.00 s"',
		async () => {
			expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
			// The sleeps take no real time: the program spins from the start, and by the Stop 1.5 s
			// later the runner has reported what came before (a report is due every 250 ms).
			const stopped = await runThenStop(page, SLEEPS_THEN_SPINS);
			expect(stopped.summary).toMatch(/stopped at 3\.00 s/);
			expect(stopped.flag).toBe('stopped at 3.00 s');
			const chart = region(page, 'Timeline').locator('[data-timeline-chart] > svg');
			// main and its three workers, each with its bars.
			const tasks = region(page, 'Timeline').getByRole('table', { name: 'Tasks', exact: true });
			const names = await tasks.locator('tbody tr').allTextContents();
			expect(names.filter((name) => /worker/.test(name))).toHaveLength(3);
			const bars = await chart
				.locator('.tl-segments path')
				.evaluateAll((paths) =>
					paths.reduce(
						(n, path) => n + ((path.getAttribute('d') ?? '').match(/M/g)?.length ?? 0),
						0
					)
				);
			expect(bars).toBeGreaterThanOrEqual(4);
			const output = await region(page, 'Output').textContent();
			for (const line of ['ann woke at 1', 'bob woke at 2', 'cy woke at 3', 'now spinning']) {
				expect(output).toContain(line);
			}
			await expect(page.getByTestId('status').textContent()).resolves.toMatch(/stopped/i);

			await setCode(page, 'import asyncio\nasyncio.run(asyncio.sleep(2))\n');
			await runAndWaitForTotal(page, '2.00 s');
			expect(await region(page, 'Summary').getByTestId('stopped-at').count()).toBe(0);
		},
		TEST_TIMEOUT
	);
});
