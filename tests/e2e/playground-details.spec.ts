/**
 * Issue 15 on the playground page, in a real Chromium: lanes name the call that made each task;
 * a click on a segment, or Enter on the segment the keyboard rests on, opens a details panel that
 * Escape closes (the focus goes back to the chart); Shift+drag measures a range without panning.
 *
 * With E2E_SCREENSHOTS set to a directory, the panel and a range are saved there at 1440×900 and
 * 390×844, light and dark.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useE2E } from './harness';
import {
	READY_TIMEOUT,
	TEST_TIMEOUT,
	button,
	closeOpenedContexts,
	open,
	region,
	runAndWaitForTotal,
	setCode,
	totalTime
} from './playground-helpers';

const e2e = useE2E();
let page: Page;

const PROGRAM = `import asyncio

async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)

async def main():
    task1 = asyncio.create_task(say_after(1, 'hello'))
    task2 = asyncio.create_task(say_after(2, 'world'))
    await task1
    await task2

asyncio.run(main())
`;

beforeAll(async () => {
	({ page } = await open(e2e, '/'));
	await totalTime(page);
	await setCode(page, PROGRAM);
	await runAndWaitForTotal(page, '2.00 s');
}, TEST_TIMEOUT);
afterAll(closeOpenedContexts);

function chart(): Locator {
	return page.locator('[data-timeline-chart]');
}

function details(): Locator {
	return page.getByTestId('task-details');
}

function focusOnChart(): Promise<boolean> {
	return page.evaluate(() => document.activeElement?.matches('[data-timeline-chart]') ?? false);
}

/** The page x of time `t` (seconds) on the chart, from the axis's labelled ticks. */
async function xAt(t: number): Promise<number> {
	const ticks = chart().locator('svg .tl-axis text');
	const points: { t: number; x: number }[] = [];
	for (let i = 0; i < (await ticks.count()); i++) {
		const text = (await ticks.nth(i).textContent()) ?? '';
		const match = /^([\d.]+) (s|ms)$/.exec(text.trim());
		const box = await ticks.nth(i).boundingBox();
		if (!match || !box) continue;
		points.push({
			t: Number(match[1]) / (match[2] === 'ms' ? 1000 : 1),
			x: box.x + box.width / 2
		});
	}
	const [a, b] = [points[0], points[points.length - 1]];
	if (!a || !b || a.t === b.t) throw new Error('the axis has too few labelled ticks');
	return a.x + ((t - a.t) / (b.t - a.t)) * (b.x - a.x);
}

/** The page y of the middle of the lane labelled with the task `name`. */
async function laneY(name: string): Promise<number> {
	// The current run's lanes come first; a previous run's, faint, below them.
	const label = chart()
		.locator('svg .tl-lanes tspan', { hasText: new RegExp(`^${name}$`) })
		.first();
	// After a resize or a theme change the chart draws its lanes again in a later frame; a label
	// read in between is gone (CI failed twice on "no lane labelled"), so wait for the new one.
	const deadline = Date.now() + 10_000;
	for (;;) {
		const box = await label.boundingBox();
		if (box) return box.y + box.height / 2;
		if (Date.now() > deadline) throw new Error(`no lane labelled ${name}`);
		await page.waitForTimeout(100);
	}
}

/** Waits until the chart has drawn the frames a resize or a theme change asked for. */
function chartSettled(): Promise<void> {
	return page.evaluate(
		() =>
			new Promise<void>((resolve) =>
				requestAnimationFrame(() => requestAnimationFrame(() => resolve()))
			)
	);
}

describe('lanes name the call', () => {
	it('labels each lane with the call that made its task', async () => {
		const labels = await chart().locator('svg .tl-lanes text').allTextContents();
		expect(labels).toEqual(
			expect.arrayContaining([
				'Task-1 main()',
				"Task-2 say_after(1, 'hello')",
				"Task-3 say_after(2, 'world')"
			])
		);
	});
});

describe('the details panel', () => {
	it('opens on a click on a segment with the call and what it awaited; Escape closes it', async () => {
		await page.mouse.click(await xAt(1), await laneY('Task-3'));
		await details().waitFor({ timeout: READY_TIMEOUT });
		const text = (await details().textContent()) ?? '';
		expect(text).toContain("Task-3 say_after(2, 'world')");
		expect(text).toContain('Waiting on sleep(2)');
		expect(text).toContain('0 s → 2.00 s (2.00 s)');
		expect(text).toMatch(/Parent\s*Task-1 main\(\)/);
		// The line of the await is a button that shows it in the editor.
		await expect(
			details().getByRole('button', { name: 'line 4' }).count()
		).resolves.toBeGreaterThan(0);
		// Persistent: moving the pointer away leaves it open.
		await page.mouse.move(5, 5);
		expect(await details().isVisible()).toBe(true);

		await page.keyboard.press('Escape');
		await details().waitFor({ state: 'detached' });
		expect(await focusOnChart()).toBe(true);
	});

	it('opens and closes by keyboard alone: arrows to a segment, Enter, Escape', async () => {
		await chart().focus();
		// From the first lane (the chart remembers where the last test left it): down to Task-3.
		for (const key of ['Home', 'ArrowDown', 'ArrowDown']) await page.keyboard.press(key);
		const live = region(page, 'Timeline').locator('[aria-live]');
		await expect.poll(() => live.textContent()).toMatch(/^Task-3/);
		for (let i = 0; i < 6 && !/waiting on sleep\(2\)/.test((await live.textContent()) ?? ''); i++)
			await page.keyboard.press('ArrowRight');
		expect(await live.textContent()).toMatch(/waiting on sleep\(2\)/);

		await page.keyboard.press('Enter');
		await details().waitFor();
		await expect(details().textContent()).resolves.toContain('Waiting on sleep(2)');
		// The panel has the focus, so a screen reader reads it.
		expect(await page.evaluate(() => !!document.activeElement?.closest('.details-panel'))).toBe(
			true
		);

		await page.keyboard.press('Escape');
		await details().waitFor({ state: 'detached' });
		expect(await focusOnChart()).toBe(true);
	});
});

describe('measuring a range', () => {
	it('Shift+drag reads out the duration and the busy tasks, and does not pan', async () => {
		const axisBefore = await chart().locator('svg .tl-axis text').allTextContents();
		const y = await laneY('Task-2');
		await page.keyboard.down('Shift');
		await page.mouse.move(await xAt(0.5), y);
		await page.mouse.down();
		await page.mouse.move(await xAt(1.5), y, { steps: 6 });
		await page.mouse.up();
		await page.keyboard.up('Shift');

		const readout = page.getByTestId('range-readout');
		await readout.waitFor();
		// About 0.5 s → 1.5 s: a second, pixels aside; main, Task-2 and Task-3 are busy in it, and
		// two run: Task-2 prints at 1 s and ends, and main, which awaited it, goes on.
		expect(await readout.textContent()).toMatch(/(9\d\d ms|1\.0\d s), 3 tasks busy \(2 running\)/);
		expect(await chart().locator('svg .tl-range').count()).toBe(1);
		expect(await chart().locator('svg .tl-axis text').allTextContents()).toEqual(axisBefore);

		await page.keyboard.press('Escape');
		await readout.waitFor({ state: 'detached' });
		expect(await chart().locator('svg .tl-range').count()).toBe(0);
	});
});

describe('screenshots of the panel and a range', () => {
	const directory = process.env.E2E_SCREENSHOTS;
	const sizes = [
		{ width: 1440, height: 900 },
		{ width: 390, height: 844 }
	];

	it(
		'the panel and the read-out fit on screen at every size, light and dark',
		async () => {
			if (directory) mkdirSync(directory, { recursive: true });
			for (const dark of [false, true]) {
				const pressed = (await button(page, 'Dark theme').getAttribute('aria-pressed')) === 'true';
				if (pressed !== dark) await button(page, 'Dark theme').click();
				for (const size of sizes) {
					await page.setViewportSize(size);
					if (size.width < 700) await page.getByRole('tab', { name: 'Result' }).click();
					await chart().scrollIntoViewIfNeeded();
					await chartSettled();
					await page.mouse.click(await xAt(1), await laneY('Task-3'));
					await details().waitFor();
					const y = await laneY('Task-1');
					await page.keyboard.down('Shift');
					await page.mouse.move(await xAt(0.5), y);
					await page.mouse.down();
					await page.mouse.move(await xAt(1.5), y, { steps: 4 });
					await page.mouse.up();
					await page.keyboard.up('Shift');
					const readout = page.getByTestId('range-readout');
					await readout.waitFor();
					await details().scrollIntoViewIfNeeded();
					for (const shown of [details(), readout]) {
						const box = (await shown.boundingBox())!;
						expect(box.width).toBeGreaterThan(200);
						expect(box.x + box.width).toBeLessThanOrEqual(size.width + 1);
					}
					if (directory) {
						const name = `details-${size.width}x${size.height}-${dark ? 'dark' : 'light'}.png`;
						await page.screenshot({ path: join(directory, name) });
					}
					await page.keyboard.press('Escape');
					await page.keyboard.press('Escape');
					if (size.width < 700) await page.getByRole('tab', { name: 'Code' }).click();
				}
			}
			await page.setViewportSize({ width: 1280, height: 800 });
		},
		TEST_TIMEOUT
	);
});
