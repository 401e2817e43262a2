/**
 * The playground on a phone (390×844, touch), in a real Chromium against the built site: Code |
 * Result tabs, Run and Stop at the bottom of the screen on both, no keyboard hints, and the chart
 * answers a pinch and a one-finger drag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { useE2E } from './harness';
import { READY_TIMEOUT, TEST_TIMEOUT, button, region, waitForMonaco } from './playground-helpers';

const e2e = useE2E();
const PHONE = { width: 390, height: 844 };
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
	context = await e2e.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
	page = await context.newPage();
	await page.goto(e2e.site.url('/'));
	// The first example runs by itself; its summary waits, hidden, on the Result tab.
	await page
		.locator('[data-stat="total"] dd', { hasText: '3.00 s' })
		.waitFor({ state: 'attached', timeout: READY_TIMEOUT });
	await waitForMonaco(page);
}, TEST_TIMEOUT);
afterAll(() => context?.close());

/** Whether the element is drawn and wholly inside the screen. */
async function onScreen(selector: ReturnType<Page['locator']>): Promise<boolean> {
	if (!(await selector.isVisible())) return false;
	const box = (await selector.boundingBox())!;
	return (
		box.x >= 0 &&
		box.y >= 0 &&
		box.x + box.width <= PHONE.width &&
		box.y + box.height <= PHONE.height
	);
}

/** The part of the run the chart shows, in seconds, from its accessible name once zoomed. */
async function shown(): Promise<[number, number] | null> {
	const name = await page.locator('[data-timeline-chart] svg').getAttribute('aria-label');
	const match = / Showing (\S+ \S+) to (\S+ \S+)\./.exec(name ?? '');
	return match ? [seconds(match[1]), seconds(match[2])] : null;
}

/** "250 ms" or "1.50 s" in seconds. */
function seconds(text: string): number {
	const [, value, unit] = /(-?[\d.]+) (s|ms|µs|ns)$/.exec(text) ?? [];
	const scale: Record<string, number> = { s: 1, ms: 1e-3, µs: 1e-6, ns: 1e-9 };
	return Number(value) * scale[unit];
}

/** Touches through the DevTools protocol: Chromium turns them into pointer events, as a phone's. */
async function touch(cdp: CDPSession, steps: { x: number; y: number }[][]): Promise<void> {
	const points = (fingers: { x: number; y: number }[]) =>
		fingers.map((finger, id) => ({ ...finger, id }));
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(steps[0]) });
	for (const fingers of steps.slice(1))
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(fingers) });
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

describe('on a phone', () => {
	it(
		'shows Code | Result tabs with Run at the bottom of the screen on both',
		async () => {
			const code = page.getByRole('tab', { name: 'Code' });
			const result = page.getByRole('tab', { name: 'Result' });
			expect(await onScreen(code)).toBe(true);
			expect(await onScreen(result)).toBe(true);
			expect(await code.getAttribute('aria-selected')).toBe('true');
			expect(await region(page, 'Editor').isVisible()).toBe(true);
			expect(await region(page, 'Timeline').isVisible()).toBe(false);
			// No horizontal scrolling: everything fits the phone's width.
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);

			const run = button(page, 'Run');
			expect(await onScreen(run)).toBe(true);
			expect((await run.boundingBox())!.y).toBeGreaterThan(PHONE.height - 90);
			expect(await onScreen(button(page, 'Stop'))).toBe(true);

			// Run shows the result, and stays at the bottom there too.
			await run.click();
			expect(await result.getAttribute('aria-selected')).toBe('true');
			await page.locator('[data-timeline-chart] svg').waitFor();
			expect(await region(page, 'Editor').isVisible()).toBe(false);
			await page.mouse.wheel(0, 2000); // scrolled down the result, Run is still there
			expect(await onScreen(run)).toBe(true);
			await page.evaluate(() => window.scrollTo(0, 0));
		},
		TEST_TIMEOUT
	);

	it('shows no keyboard hints on a touch screen', async () => {
		await page.getByRole('tab', { name: 'Code' }).click();
		expect(await page.locator('.run kbd').first().isVisible()).toBe(false);
		expect(await button(page, 'Keyboard shortcuts').isVisible()).toBe(false);
		await region(page, 'Editor').locator('.monaco-editor .view-lines').tap();
		await page.waitForTimeout(300);
		expect(
			await page
				.getByTestId('editor-hint')
				.isVisible()
				.catch(() => false)
		).toBe(false);
		await page.getByRole('tab', { name: 'Result' }).click();
		const toolbar = region(page, 'Timeline').locator('.toolbar');
		expect(await toolbar.getByText(/wheel/).isVisible()).toBe(false);
		expect(await toolbar.getByText(/^tap a bar: details · pinch: zoom/).isVisible()).toBe(true);
	});

	it(
		'zooms the chart with a pinch and pans it with one finger',
		async () => {
			await page.getByRole('tab', { name: 'Result' }).click();
			const chart = page.locator('[data-timeline-chart] svg');
			await chart.scrollIntoViewIfNeeded();
			const box = (await chart.boundingBox())!;
			// Over the lanes, right of the labels, clear of the axis.
			const y = box.y + box.height * 0.6;
			const middle = box.x + box.width * 0.65;
			const cdp = await context.newCDPSession(page);
			expect(await shown()).toBe(null); // the whole run

			const spread = [20, 35, 50, 65, 80].map((d) => [
				{ x: middle - d, y },
				{ x: middle + d, y }
			]);
			await touch(cdp, spread);
			await expect.poll(shown).not.toBe(null);
			const zoomed = (await shown())!;
			// Fingers four times further apart: about a quarter of the 3 s run, around the middle.
			expect(zoomed[1] - zoomed[0]).toBeLessThan(1.5);
			expect(zoomed[0]).toBeGreaterThan(0.5);

			const drag = [0, 30, 60, 90, 120].map((dx) => [{ x: middle - dx, y }]);
			await touch(cdp, drag);
			await expect.poll(shown).not.toEqual(zoomed);
			// Dragged left: later times come into view, the window the same width.
			const panned = (await shown())!;
			expect(panned[0]).toBeGreaterThan(zoomed[0]);
			expect(panned[1] - panned[0]).toBeCloseTo(zoomed[1] - zoomed[0], 1);
		},
		TEST_TIMEOUT
	);
});
