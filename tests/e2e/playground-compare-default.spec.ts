/**
 * Comparison by default, in a real Chromium against the built site: the second run keeps the
 * first as a faint "previous" run under it, on one time axis, the summary says the change in words, the
 * shorter run draws shorter bars, one click hides the previous run, and a stopped run shows what
 * ran before the stop, marked where.
 *
 * The site is served cross-origin isolated here, because only there can Stop interrupt Python in
 * place and keep the partial run (decision 0040); the comparison itself does not depend on it.
 * One page serves the whole file, in order: starting Python is by far the slowest step.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useE2E } from './harness';
import {
	READY_TIMEOUT,
	TEST_TIMEOUT,
	button,
	closeOpenedContexts,
	exportFromChart,
	open,
	pythonReady,
	region,
	runAndWaitForTotal,
	runThenStop,
	setCode,
	totalTime
} from './playground-helpers';

const e2e = useE2E({ crossOriginIsolated: true });
let page: Page;

const program = (body: string) =>
	[
		'import asyncio',
		'',
		'async def say_after(delay, what):',
		'    await asyncio.sleep(delay)',
		'    print(what)',
		'',
		'async def main():',
		body,
		'',
		'asyncio.run(main())',
		''
	].join('\n');
/** The course's two programs: awaited one after the other (3 s), and as two tasks (2 s). */
const sequential = program("    await say_after(1, 'hello')\n    await say_after(2, 'world')");
const tasks = program(
	[
		"    task1 = asyncio.create_task(say_after(1, 'hello'))",
		"    task2 = asyncio.create_task(say_after(2, 'world'))",
		'    await task1',
		'    await task2'
	].join('\n')
);
const stopsAfterSleeping = program(
	"    await asyncio.sleep(2.4)\n    print('slept, now spinning')\n    while True:\n        pass"
);

/** Where the screenshots for the lead go (looked at by a person, not compared). */
const SHOTS = process.env.GHOST_SHOTS_DIR ?? null;

beforeAll(async () => {
	page = (await open(e2e, '/')).page;
	await pythonReady(page);
	await totalTime(page);
}, TEST_TIMEOUT);
afterAll(closeOpenedContexts);

const chart = () => region(page, 'Timeline').locator('[data-timeline-chart] > svg');

/**
 * The horizontal extent of each stacked run's bars, from the bars' bounding boxes: those
 * between this run's header and the previous run's belong to this run, those below to the
 * previous one.
 */
async function barExtents(): Promise<{ previous: number; current: number }> {
	return chart().evaluate((svg) => {
		const headers = [...svg.querySelectorAll('.tl-sections text')];
		const top = (text: string) => {
			const header = headers.find((element) => element.textContent?.startsWith(text));
			if (!header) throw new Error(`no section header "${text}"`);
			return header.getBoundingClientRect().top;
		};
		const previousTop = top('previous:');
		const currentTop = top('this run');
		const spans = { previous: [Infinity, -Infinity], current: [Infinity, -Infinity] };
		// The bars: one path per style, of rectangles "M x,y h width …", in the SVG's own units,
		// brought to the page's through the path's screen matrix.
		for (const path of svg.querySelectorAll<SVGPathElement>('.tl-segments path')) {
			const matrix = path.getScreenCTM();
			if (!matrix) continue;
			for (const [, x, y, width] of (path.getAttribute('d') ?? '').matchAll(
				/M([\d.-]+),([\d.-]+)h([\d.-]+)/g
			)) {
				if (Number(width) <= 0) continue;
				const at = (px: number) => new DOMPoint(px, Number(y)).matrixTransform(matrix);
				const left = at(Number(x));
				const right = at(Number(x) + Number(width));
				const middle = left.y;
				const span =
					middle > previousTop ? spans.previous : middle > currentTop ? spans.current : null;
				if (!span) continue;
				span[0] = Math.min(span[0], left.x);
				span[1] = Math.max(span[1], right.x);
			}
		}
		return {
			previous: spans.previous[1] - spans.previous[0],
			current: spans.current[1] - spans.current[0]
		};
	});
}

async function screenshots(name: string): Promise<void> {
	if (!SHOTS) return;
	mkdirSync(SHOTS, { recursive: true });
	for (const [width, height] of [
		[1440, 900],
		[1024, 768]
	]) {
		await page.setViewportSize({ width, height });
		for (const theme of ['light', 'dark'] as const) {
			// The header's theme toggle, so the chart's own palette follows too.
			const dark = page.getByRole('button', { name: 'Dark theme' });
			if ((await dark.getAttribute('aria-pressed')) !== String(theme === 'dark')) {
				await dark.click();
			}
			await page.waitForTimeout(400);
			await page.screenshot({ path: `${SHOTS}/${name}-${width}x${height}-${theme}.png` });
		}
	}
	await page.getByRole('button', { name: 'Dark theme' }).click();
	await page.setViewportSize({ width: 1280, height: 800 });
}

describe('comparison by default', () => {
	it(
		'the 2 s run keeps the 3 s run as a faint previous run, on one scale, and says the change',
		async () => {
			await setCode(page, sequential);
			await runAndWaitForTotal(page, '3.00 s');
			await setCode(page, tasks);
			await runAndWaitForTotal(page, '2.00 s');

			const ghostHeader = chart().locator('.tl-sections text', { hasText: 'previous: 3.00 s' });
			await ghostHeader.waitFor({ timeout: READY_TIMEOUT });
			// The previous run is veiled: it cannot pass for this one.
			expect(await chart().locator('[data-ghost-veil]').count()).toBe(1);
			await expect(region(page, 'Summary').getByTestId('comparison').textContent()).resolves.toBe(
				'1.00 s faster than the previous run (3.00 s → 2.00 s)'
			);

			const { previous, current } = await barExtents();
			console.log(
				`[measure] bar extents: 2 s run ${current.toFixed(1)} px, 3 s previous run ${previous.toFixed(1)} px, ratio ${(current / previous).toFixed(3)}`
			);
			expect(previous).toBeGreaterThan(100);
			expect(current / previous).toBeGreaterThan((2 / 3) * 0.95);
			expect(current / previous).toBeLessThan((2 / 3) * 1.05);
			await screenshots('ghost');
		},
		TEST_TIMEOUT
	);

	it(
		'exports the chart as on screen, zoomed, with both runs, under a title line with the totals',
		async () => {
			await region(page, 'Timeline').getByRole('button', { name: 'Zoom in' }).click();
			const exported = async (item: string) =>
				readFileSync(await (await exportFromChart(page, item)).path());
			const svg = (await exported('Chart as SVG')).toString('utf8');
			expect(svg).toContain(
				'>create_task · 2.00 s · 3 tasks · peak 2 at once · previous run 3.00 s<'
			);
			expect(svg).toContain('>previous: 3.00 s<');
			// Zoomed in around the middle: the axis starts after 0 s and ends before 3 s.
			const ticks = [...svg.matchAll(/>(\d+(?:\.\d+)?) s</g)].map((match) => Number(match[1]));
			expect(Math.min(...ticks)).toBeGreaterThan(0);
			expect(Math.max(...ticks)).toBeLessThan(3);
			const png = await exported('Chart as PNG');
			expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
			await region(page, 'Timeline').getByRole('button', { name: 'Reset' }).click();
		},
		TEST_TIMEOUT
	);

	it(
		'one click hides the previous run, and the toggle says so',
		async () => {
			const toggle = button(page, 'Previous run');
			expect(await toggle.getAttribute('aria-pressed')).toBe('true');
			await toggle.click();
			await chart()
				.locator('.tl-sections text', { hasText: 'previous:' })
				.waitFor({ state: 'detached' });
			expect(await chart().locator('[data-ghost-veil]').count()).toBe(0);
			expect(await toggle.getAttribute('aria-pressed')).toBe('false');
			expect(await region(page, 'Summary').getByTestId('comparison').count()).toBe(0);

			// By keyboard it comes back.
			await toggle.focus();
			await page.keyboard.press('Enter');
			await chart()
				.locator('.tl-sections text', { hasText: 'previous: 3.00 s' })
				.waitFor({ timeout: 5_000 });
			expect(await toggle.getAttribute('aria-pressed')).toBe('true');
		},
		TEST_TIMEOUT
	);

	it(
		'after Stop the partial chart and output stay, marked "stopped at 2.40 s"',
		async () => {
			// The program sleeps 2.4 virtual seconds, then spins: Stop lands in the loop.
			const stopped = await runThenStop(page, stopsAfterSleeping);
			expect(stopped.summary).toMatch(/stopped at 2\.40 s/);
			expect(stopped.flag).toBe('stopped at 2.40 s');
			await expect(region(page, 'Output').textContent()).resolves.toMatch(/slept, now spinning/);
			// A stopped run is compared with nothing: its length is when Stop was pressed.
			expect(await chart().locator('[data-ghost-veil]').count()).toBe(0);
			await screenshots('stopped');
		},
		TEST_TIMEOUT
	);
});
