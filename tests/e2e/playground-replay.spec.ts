/**
 * Stepping through the event loop, in a real Chromium against the built site: the default example
 * stepped to the turn where its first line prints, with the Event loop panel showing the running
 * task at its print line and the other tasks' timers; the replay bar driven by the keyboard alone
 * (and never taking keys from the editor); a click on a chart segment; and screenshots of the
 * panel at three sizes in both themes (written to E2E_SCREENSHOTS, when set, for a person to
 * look at).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useE2E } from './harness';
import {
	TEST_TIMEOUT,
	button,
	closeOpenedContexts,
	editorText,
	open,
	region,
	totalTime,
	waitForMonaco
} from './playground-helpers';

const e2e = useE2E();
let page: Page;

beforeAll(async () => {
	page = (await open(e2e, '/')).page;
	expect(await totalTime(page)).toBe('3.00 s');
}, TEST_TIMEOUT);
afterAll(closeOpenedContexts);

function panel(): Locator {
	return page.getByRole('region', { name: 'Event loop', exact: true });
}

function slider(): Locator {
	return page.getByRole('slider', { name: 'Loop turn' });
}

/** The section of the panel called `name` ("Ready", "Timers" ...): its entries' text. */
async function entries(name: string): Promise<string[]> {
	const list = panel().getByTestId(`loop-${name.toLowerCase()}`).getByRole('listitem');
	return (await list.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
}

async function runningNow(): Promise<string> {
	return ((await panel().getByTestId('loop-running').textContent()) ?? '').replace(/\s+/g, ' ');
}

/** Whether the output line with `text` is shown dimmed (after the replay's step). */
async function dimmed(text: string): Promise<boolean> {
	// The output's list, shown or not (the Event loop may have its tab).
	const item = page.locator('#output-panel li', { hasText: text });
	return item.evaluate((element) => element.classList.contains('later'));
}

describe('the default example, step by step', () => {
	it('at the turn where "hello 1" prints: Task-2 at its print line, Task-3 and Task-4 on timers', async () => {
		await waitForMonaco(page);
		const lines = (await editorText(page)).split('\n');
		const printLine = lines.findIndex((line) => line.includes('print(f"hello')) + 1;
		expect(printLine).toBeGreaterThan(0);

		// The whole run is shown at first: nothing dimmed, every task done.
		await page.getByRole('tab', { name: 'Event loop' }).click();
		await expect.poll(() => entries('Done')).toHaveLength(4);
		expect(await dimmed('hello 1')).toBe(false);
		await page.getByRole('tab', { name: 'Output' }).click();

		await slider().focus();
		await page.keyboard.press('Home');
		expect(await slider().getAttribute('aria-valuetext')).toMatch(/^turn 0 of \d+, 0 s/);
		expect(await dimmed('hello 1')).toBe(true);
		// Step until "hello 1" is printed.
		for (let i = 0; i < 40 && (await dimmed('hello 1')); i++)
			await page.keyboard.press('ArrowRight');
		expect(await dimmed('hello 1')).toBe(false);
		expect(await dimmed('hello 2')).toBe(true);
		// Stepping opened the Event loop in the pane under the code.
		expect(await page.getByRole('tab', { name: 'Event loop' }).getAttribute('aria-selected')).toBe(
			'true'
		);

		expect(await runningNow()).toContain(`Task-2 runs at line ${printLine}.`);
		expect(await entries('Timers')).toEqual([
			'2.00 s: wake Task-3 (sleep(2)) set by Task-3, line ' + (printLine - 1),
			'3.00 s: wake Task-4 (sleep(3)) set by Task-4, line ' + (printLine - 1)
		]);
		expect((await entries('Waiting')).map((text) => text.split(' ')[0])).toEqual([
			'Task-1',
			'Task-3',
			'Task-4'
		]);
		const readout = await page.getByTestId('replay-readout').textContent();
		expect(readout).toMatch(/^turn \d+ of \d+ · 1\.00 s$/);
		expect(await slider().getAttribute('aria-valuetext')).toMatch(
			new RegExp(`^turn \\d+ of \\d+, 1\\.00 s, Task-2 running line ${printLine}$`)
		);
		// The editor marks the running line, and the suspended tasks' awaits in the gutter.
		await expect.poll(() => region(page, 'Editor').locator('.pg-line-running').count()).toBe(1);
		expect(await region(page, 'Editor').locator('.pg-glyph-await').count()).toBeGreaterThan(0);
		// The chart shows the step's time.
		const cursor = region(page, 'Timeline').locator('.tl-step-cursor');
		expect(await cursor.getAttribute('data-t')).toBe('1');
	});
});

describe('the replay bar by keyboard alone', () => {
	it('Tab reaches it; arrows step, Page keys go by turns, Home/End jump, Space plays', async () => {
		// From the chart, Tab moves on to the bar's controls.
		await page.locator('[data-timeline-chart]').focus();
		let onSlider = false;
		for (let i = 0; i < 30 && !onSlider; i++) {
			await page.keyboard.press('Tab');
			onSlider = await slider().evaluate((element) => element === document.activeElement);
		}
		expect(onSlider).toBe(true);

		const text = () => slider().getAttribute('aria-valuetext');
		const live = page.getByTestId('replay-live');
		await page.keyboard.press('End');
		expect(await text()).toMatch(/^turn (\d+) of \1, 3\.00 s/);
		await page.keyboard.press('Home');
		expect(await text()).toMatch(/^turn 0 of \d+, 0 s, the start$/);
		await page.keyboard.press('PageDown');
		await page.keyboard.press('PageDown');
		expect(await text()).toMatch(/^turn 2 of /);
		// Turn 1 ran main; turn 2 starts gather's children, Task-2 first.
		await page.keyboard.press('ArrowRight');
		expect(await text()).toMatch(/^turn 2 of \d+, 0 s, Task-2 running line \d+$/);
		await expect.poll(() => live.textContent()).toMatch(/^Turn 2, 0 s\. Task-2 runs at line \d+\./);
		await page.keyboard.press('ArrowLeft');
		expect(await text()).toMatch(/^turn 2 of \d+, 0 s, a new turn$/);

		// Space plays: the step moves on by itself; Space again pauses it.
		await page.keyboard.press('Space');
		await expect.poll(() => button(page, 'Pause').count()).toBe(1);
		await expect.poll(text, { timeout: 10_000 }).toMatch(/^turn [3-9]/);
		await page.keyboard.press('Space');
		await expect.poll(() => button(page, 'Play').count()).toBe(1);
		const paused = await text();
		await page.waitForTimeout(1200);
		expect(await text()).toBe(paused);
	});

	it('never takes keys from the editor', async () => {
		await slider().focus();
		await page.keyboard.press('Home');
		const before = await slider().getAttribute('aria-valuetext');
		await region(page, 'Editor').locator('.monaco-editor .view-lines').click();
		for (const key of ['ArrowRight', 'ArrowLeft', 'Home', 'End', 'Space']) {
			await page.keyboard.press(key);
		}
		expect(await slider().getAttribute('aria-valuetext')).toBe(before);
		await page.keyboard.press('ControlOrMeta+Z');
	});
});

describe('the chart and the replay', () => {
	it('a segment chosen on the chart jumps to the step where that task runs', async () => {
		await slider().focus();
		await page.keyboard.press('Home');
		// The chart's own keys: down to Task-2's lane, right to its first segment, Enter.
		await page.locator('[data-timeline-chart]').focus();
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Enter');
		await expect
			.poll(() => slider().getAttribute('aria-valuetext'))
			.toMatch(/, 0 s, Task-2 running line \d+$/);
		const step = region(page, 'Timeline').locator('.tl-step-cursor');
		expect(await step.getAttribute('data-t')).toBe('0');
	});
});

describe('the chart toolbar: wake-ups and the axis', () => {
	it('wake-up arrows are drawn apart from the await arrows, and the toggle hides them', async () => {
		const chart = region(page, 'Timeline');
		const toggle = chart.getByRole('button', { name: 'Wake-ups' });
		expect(await toggle.getAttribute('aria-pressed')).toBe('true');
		// gather wakes main when its children are done: an arrow from Task-4 to Task-1 (the lines
		// in one path, their heads in another).
		await expect.poll(() => chart.locator('.tl-wakes path').count()).toBe(2);
		expect(await chart.locator('.tl-links path').count()).toBeGreaterThan(0);
		await toggle.click();
		expect(await toggle.getAttribute('aria-pressed')).toBe('false');
		await expect.poll(() => chart.locator('.tl-wakes').count()).toBe(0);
		// The await arrows stay.
		expect(await chart.locator('.tl-links path').count()).toBeGreaterThan(0);
		await toggle.click();
		await expect.poll(() => chart.locator('.tl-wakes').count()).toBe(1);
	});

	it('the axis of loop turns: whole turns on the axis, the clock jumps marked, back to seconds', async () => {
		const chart = region(page, 'Timeline');
		const axis = chart.getByRole('group', { name: 'Axis' });
		const labels = () => chart.locator('.tl-axis text').allTextContents();
		expect(await labels()).toContain('virtual time');
		await axis.getByRole('button', { name: 'Turns' }).click();
		await expect.poll(labels).toContain('loop turn');
		expect(await chart.locator('.tl-legend').textContent()).toContain('4 tasks · 17 loop turns');
		// The default example's clock jumps three times: to 1 s, 2 s and 3 s.
		expect(await chart.locator('.tl-axis-gaps text').allTextContents()).toEqual([
			'+1.00 s',
			'+1.00 s',
			'+1.00 s'
		]);
		expect(await axis.getByRole('button', { name: 'Turns' }).getAttribute('aria-pressed')).toBe(
			'true'
		);
		// Wake-ups too: at one instant in seconds, gather's wake-up of main runs forward among the
		// turns, from the turn Task-4 ended to the turn main resumed.
		await expect.poll(() => chart.locator('.tl-wakes path').count()).toBe(2);
		const wake = (await chart.locator('.tl-wakes path').first().boundingBox())!;
		expect(wake.width).toBeGreaterThan(10);
		// The step's line moves with the replay on this axis too.
		await slider().focus();
		await page.keyboard.press('Home');
		await page.keyboard.press('PageDown');
		const step = chart.locator('.tl-step-cursor');
		expect(Number(await step.getAttribute('data-t'))).toBe(0);
		await page.keyboard.press('PageDown');
		expect(Number(await step.getAttribute('data-t'))).toBe(1);
		if (process.env.E2E_SCREENSHOTS) {
			await page.screenshot({
				path: join(process.env.E2E_SCREENSHOTS, 'turn-axis-1440x900-light.png')
			});
		}
		await axis.getByRole('button', { name: 'Seconds' }).click();
		await expect.poll(labels).toContain('virtual time');
		expect(await chart.locator('.tl-axis-gaps').count()).toBe(0);
	});
});

describe('presenter mode on a short screen', () => {
	it('keeps every lane in view: the replay bar opens from the timeline head', async () => {
		await page.setViewportSize({ width: 1280, height: 720 });
		await button(page, 'Large text').click();
		const toggle = button(page, 'Step through');
		await expect.poll(() => slider().isVisible()).toBe(false);
		await toggle.click();
		expect(await toggle.getAttribute('aria-pressed')).toBe('true');
		await expect.poll(() => slider().isVisible()).toBe(true);
		await toggle.click();
		await button(page, 'Large text').click();
		// Taller screens show the bar, and no toggle.
		await page.setViewportSize({ width: 1440, height: 900 });
		await expect.poll(() => slider().isVisible()).toBe(true);
		expect(await toggle.isVisible()).toBe(false);
	});
});

describe('screenshots of the panel', () => {
	const directory = process.env.E2E_SCREENSHOTS;
	const sizes = [
		{ width: 1440, height: 900 },
		{ width: 1280, height: 720 },
		{ width: 1024, height: 768 },
		{ width: 1920, height: 1080 },
		{ width: 390, height: 844 }
	];

	it('the panel fits and reads at every size, light and dark', async () => {
		if (directory) mkdirSync(directory, { recursive: true });
		for (const dark of [false, true]) {
			const pressed = (await button(page, 'Dark theme').getAttribute('aria-pressed')) === 'true';
			if (pressed !== dark) await button(page, 'Dark theme').click();
			for (const size of sizes) {
				await page.setViewportSize(size);
				if (size.width < 700) await page.getByRole('tab', { name: 'Result' }).click();
				await slider().focus();
				await page.keyboard.press('Home');
				for (let i = 0; i < 40 && (await dimmed('hello 1')); i++)
					await page.keyboard.press('ArrowRight');
				const loop = panel();
				await loop.scrollIntoViewIfNeeded();
				const box = (await loop.boundingBox())!;
				// The panel is on screen, as wide as it needs and never wider than the page.
				expect(box.width).toBeGreaterThan(200);
				expect(box.x + box.width).toBeLessThanOrEqual(size.width + 1);
				expect(await runningNow()).toContain('Task-2 runs at line');
				if (directory) {
					const name = `event-loop-${size.width}x${size.height}-${dark ? 'dark' : 'light'}.png`;
					await page.screenshot({ path: join(directory, name) });
				}
				if (size.width < 700) await page.getByRole('tab', { name: 'Code' }).click();
			}
		}
		await page.setViewportSize({ width: 1280, height: 800 });
	});
});
