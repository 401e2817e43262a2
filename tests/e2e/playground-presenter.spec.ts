/**
 * The playground on a workshop's screen, in a real Chromium against the built site: presenter
 * mode makes the chart, the code and the output big enough for the back of a room; at 1280×720,
 * 1366×768 and 1920×1080, light and dark, presenter mode on and off, the header stays on one line
 * and nothing in the header, the pane heads, the chart's toolbar or the summary is cut off or
 * overlaps; and theme and size changes reach every part, Monaco included, without a reload.
 *
 * One page serves the file: sizes, themes and modes change live, as a teacher changes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useE2E, type OpenedPage } from './harness';
import { layoutProblems } from './layout-checks';
import {
	TEST_TIMEOUT,
	button,
	closeOpenedContexts,
	open,
	region,
	totalTime,
	waitForMonaco
} from './playground-helpers';

const e2e = useE2E();
let opened: OpenedPage;
let page: Page;

beforeAll(async () => {
	opened = await open(e2e, '/');
	page = opened.page;
	expect(await totalTime(page)).toBe('3.00 s');
	await waitForMonaco(page);
	// Set once: a reload would lose it, so it shows every change below happened in place.
	await page.evaluate(() => ((window as { sameDocument?: boolean }).sameDocument = true));
}, TEST_TIMEOUT);
afterAll(closeOpenedContexts);

/** Two animation frames: the page has laid out and the chart has redrawn. */
function settled(): Promise<void> {
	return page.evaluate(
		() =>
			new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())))
	);
}

async function setMode(options: { dark: boolean; presenter: boolean }): Promise<void> {
	const pressed = async (name: string) =>
		(await button(page, name).getAttribute('aria-pressed')) === 'true';
	if ((await pressed('Dark theme')) !== options.dark) await button(page, 'Dark theme').click();
	if ((await pressed('Large text')) !== options.presenter) await button(page, 'Large text').click();
	// Clicking left the focus on a toggle; the editor and chart show no focus hints.
	await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
	await settled();
}

function px(value: string): number {
	return Number.parseFloat(value);
}

/** Monaco's background colour and font size, as the learner sees them. */
function monacoLook(): Promise<{ background: string; fontSize: number }> {
	return page.evaluate(() => ({
		background: getComputedStyle(document.querySelector('.monaco-editor-background')!)
			.backgroundColor,
		fontSize: Number.parseFloat(
			getComputedStyle(document.querySelector('.monaco-editor .view-lines')!).fontSize
		)
	}));
}

describe('presenter mode', () => {
	it(
		'at 1920×1080: chart text at least 20 px, lanes at least 32 px, editor at least 22 px',
		async () => {
			await page.setViewportSize({ width: 1920, height: 1080 });
			await setMode({ dark: false, presenter: true });
			const chart = region(page, 'Timeline').locator('[data-timeline-chart] svg');
			const measured = await chart.evaluate((svg) => {
				const size = (selector: string) =>
					[...svg.querySelectorAll(selector)].map((text) =>
						Number.parseFloat(getComputedStyle(text).fontSize)
					);
				return {
					labels: size('.tl-lanes text'),
					axis: size('.tl-axis text'),
					legend: size('.tl-legend text'),
					lanes: [...svg.querySelectorAll('.tl-lanes rect')].map(
						(rect) => rect.getBoundingClientRect().height
					)
				};
			});
			expect(measured.labels).toHaveLength(4);
			for (const sizes of [measured.labels, measured.axis, measured.legend]) {
				expect(Math.min(...sizes)).toBeGreaterThanOrEqual(20);
			}
			expect(measured.lanes.length).toBeGreaterThan(0);
			expect(Math.min(...measured.lanes)).toBeGreaterThanOrEqual(32);
			expect((await monacoLook()).fontSize).toBeGreaterThanOrEqual(22);
			const output = await region(page, 'Output')
				.locator('li')
				.first()
				.evaluate((line) => getComputedStyle(line).fontSize);
			expect(px(output)).toBeGreaterThanOrEqual(20);

			// The chart's area takes most of the right-hand column and the window's height.
			const chartArea = (await page.locator('[data-timeline-chart]').boundingBox())!;
			const timelinePane = (await page.locator('.timeline-pane').boundingBox())!;
			expect(chartArea.height).toBeGreaterThan(timelinePane.height * 0.6);
			expect(chartArea.height).toBeGreaterThan(1080 * 0.45);
			expect(chartArea.width).toBeGreaterThan(1920 * 0.5);
		},
		TEST_TIMEOUT
	);

	it(
		'at 1280×720, 1366×768 and 1920×1080, light and dark, on and off: one header line, nothing cut off or overlapping',
		async () => {
			const failures: string[] = [];
			for (const [width, height] of [
				[1280, 720],
				[1366, 768],
				[1920, 1080]
			]) {
				await page.setViewportSize({ width, height });
				for (const dark of [false, true]) {
					for (const presenter of [false, true]) {
						await setMode({ dark, presenter });
						const problems = await layoutProblems(page, {
							rows: [
								'header',
								'header .tools',
								'header .toggles',
								'.pane-head',
								'.pane-head .actions',
								'.timeline .toolbar'
							],
							groups: ['.summary .stats', '.summary'],
							inside: ['.summary-pane', '[data-timeline-chart] svg', '.notice .line', '[data-stat]']
						});
						// Every lane of the example is on screen, none scrolled out of the chart.
						const lanes = await page.locator('[data-timeline-chart]').evaluate((chart) => {
							const bottom = chart.getBoundingClientRect().bottom;
							const labels = [...chart.querySelectorAll('.tl-lanes text')];
							return {
								count: labels.length,
								cut: labels.filter((label) => label.getBoundingClientRect().bottom > bottom + 0.5)
									.length
							};
						});
						if (lanes.count !== 4 || lanes.cut > 0)
							problems.push(`${lanes.count - lanes.cut} of 4 lanes on screen`);
						// The folded notes are one line each.
						const notice = (await page.locator('.notice').boundingBox())!;
						const line = (await page.locator('.notice .title').boundingBox())!;
						if (presenter && notice.height > line.height * 1.9)
							problems.push(`the example's note is ${notice.height} px tall, not one line`);
						const label = `${width}×${height} ${dark ? 'dark' : 'light'}${presenter ? ' presenter' : ''}`;
						failures.push(...problems.map((problem) => `${label}: ${problem}`));
					}
				}
			}
			expect(failures).toEqual([]);
		},
		TEST_TIMEOUT
	);
});

describe('theme and size', () => {
	it(
		'reach Monaco at once: its background and font size change, and the page does not reload',
		async () => {
			await page.setViewportSize({ width: 1280, height: 800 });
			await setMode({ dark: false, presenter: false });
			const light = await monacoLook();
			expect(light.fontSize).toBe(15);

			await setMode({ dark: true, presenter: false });
			await expect.poll(async () => (await monacoLook()).background).not.toBe(light.background);
			const dark = await monacoLook();
			// Dark means dark: every channel of the background below a quarter.
			const channels = dark.background.match(/\d+/g)!.slice(0, 3).map(Number);
			expect(Math.max(...channels)).toBeLessThan(64);

			await setMode({ dark: true, presenter: true });
			await expect.poll(async () => (await monacoLook()).fontSize).toBe(22);
			await setMode({ dark: false, presenter: false });
			await expect.poll(monacoLook).toEqual(light);

			// The chart followed too: its text is back to the normal size, in the light palette.
			const chartText = await page
				.locator('[data-timeline-chart] svg')
				.evaluate((svg) => getComputedStyle(svg).fontSize);
			expect(chartText).toBe('11px');
			expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(
				true
			);
		},
		TEST_TIMEOUT
	);
});
