/**
 * The timeline component in a real Chromium, on the built dev gallery (/dev/gallery), which draws
 * the same named fixtures as the SVG snapshot tests: hover explains a segment, a click emits its
 * source line, a highlighted line lights its segments, the keyboard walks lanes and segments with
 * spoken descriptions, zoom changes the axis, and a 10,000-task run stays a few hundred elements.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useE2E } from './harness';

const e2e = useE2E();
let page: Page;

beforeAll(async () => {
	({ page } = await e2e.open('/dev/gallery'));
	await page.waitForSelector('#gather-three .timeline svg');
});

/** The centre of a lane's label, in page coordinates, found by the task's name. */
async function lanePoint(section: Locator, name: string, fraction: number) {
	const label = section.locator('svg tspan', { hasText: new RegExp(`^${name}$`) });
	const labelBox = await label.boundingBox();
	const svgBox = await section.locator('svg').first().boundingBox();
	if (!labelBox || !svgBox) throw new Error(`no lane labelled ${name}`);
	// The plot starts right of the label gutter; aim at a fraction of the plot's width.
	const plotLeft = svgBox.x + svgBox.width * 0.25;
	const plotRight = svgBox.x + svgBox.width - 18;
	return { x: plotLeft + (plotRight - plotLeft) * fraction, y: labelBox.y + labelBox.height / 2 };
}

async function tickLabels(section: Locator): Promise<string[]> {
	return section.locator('svg .tl-axis text').allTextContents();
}

describe('the timeline in the dev gallery', () => {
	it('lists every task in a table named "Tasks"', async () => {
		const table = page.locator('#gather-three table[aria-label="Tasks"]');
		const names = await table.locator('tbody th').allTextContents();
		expect(names).toEqual(['Task-1', 'Task-2', 'Task-3', 'Task-4']);
		const cells = await table.locator('tbody tr').nth(3).locator('td').allTextContents();
		expect(cells).toEqual(['Task-1', 'say()', '0 s', '3.00 s', 'done', 'sleep(3)']);
	});

	it('explains the segment under the pointer and emits its line on click', async () => {
		const section = page.locator('#gather-three');
		const point = await lanePoint(section, 'Task-3', 0.5);
		await page.mouse.move(point.x, point.y);
		const tooltip = section.locator('.tooltip');
		await tooltip.waitFor({ state: 'visible' });
		const text = await tooltip.textContent();
		expect(text).toContain('Task-3');
		expect(text).toContain('sleep(2)');
		expect(text).toContain('Line5');
		await page.mouse.click(point.x, point.y);
		expect(await page.locator('output').textContent()).toBe('5 (gather-three)');
	});

	it('outlines every segment that came from the highlighted line', async () => {
		// Line 5 is `await asyncio.sleep(d)` in say(): each of the three tasks first runs to it,
		// then waits there, so six segments light up.
		const outlined = () => page.locator('#gather-three .tl-highlight rect').count();
		await page.fill('input[type=number]', '5');
		await expect.poll(outlined).toBe(6);
		await page.fill('input[type=number]', '');
		await expect.poll(outlined).toBe(0);
	});

	it('walks lanes and segments with the keyboard and says what it reached', async () => {
		const section = page.locator('#blocking-sleep');
		await section.locator('.chart').focus();
		for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight']) {
			await page.keyboard.press(key);
		}
		await expect
			.poll(() => section.locator('[aria-live]').textContent())
			.toContain('Task-2, blocker(): blocking the loop in time.sleep(2)');
	});

	it('zooms with the buttons and the wheel, and resets', async () => {
		const section = page.locator('#sequential-three');
		const before = await tickLabels(section);
		await section.getByRole('button', { name: 'Zoom in' }).click();
		await expect.poll(() => tickLabels(section)).not.toEqual(before);
		await section.getByRole('button', { name: 'Reset' }).click();
		await expect.poll(() => tickLabels(section)).toEqual(before);
		const point = await lanePoint(section, 'Task-1', 0.5);
		await page.mouse.move(point.x, point.y);
		await page.mouse.wheel(0, -400);
		await expect.poll(() => tickLabels(section)).not.toEqual(before);
	});

	it('draws 10,000 tasks and 50,000 segments with a few hundred elements', async () => {
		await page.getByRole('button', { name: /Draw 10,000 tasks/ }).click();
		const section = page.locator('#large-run');
		await section.locator('svg').first().waitFor();
		const elements = await section.locator('svg *').count();
		expect(elements).toBeLessThan(500);
		expect(await section.locator('.pager').textContent()).toContain('Tasks 1–500 of 10,001');
	});
});
