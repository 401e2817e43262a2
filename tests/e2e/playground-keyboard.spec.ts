/**
 * The playground from the keyboard alone, in a real Chromium against the built site: "Skip to
 * timeline" is the first Tab stop and lands on the chart; the header's menus open on their current
 * choice and Escape gives the focus back; the code can be replaced and run with Ctrl+Enter; Tab
 * indents in the editor, and Escape then Tab (or Ctrl+M, Monaco's tab-focus mode) leaves it with
 * the code unchanged, while a hint says so; the chart follows Run in the Tab order and shows what
 * the arrow keys reach; `?` lists every shortcut and F switches to the focus layout.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useE2E } from './harness';
import {
	READY_TIMEOUT,
	TEST_TIMEOUT,
	button,
	closeOpenedContexts,
	editorText,
	open,
	region,
	savedDraft,
	totalTime,
	waitForMonaco
} from './playground-helpers';

const e2e = useE2E();
afterAll(closeOpenedContexts);

/** The focused element's accessible name, as a short description. */
function focused(page: Page): Promise<string> {
	return page.evaluate(() => {
		const element = document.activeElement as HTMLElement | null;
		if (!element || element === document.body) return 'nothing';
		const name = element.getAttribute('aria-label') ?? element.textContent ?? '';
		return name.replace(/\s+/g, ' ').trim();
	});
}

function focusInEditor(page: Page): Promise<boolean> {
	return page.evaluate(() => document.activeElement?.closest('.monaco-editor') !== null);
}

describe('the playground from the keyboard', () => {
	it(
		'opens the menus, replaces the code, runs it with Ctrl+Enter and tabs out of the editor',
		async () => {
			const { page } = await open(e2e, '/');
			expect(await totalTime(page)).toBe('3.00 s');
			await waitForMonaco(page);

			await page.keyboard.press('Tab');
			expect(await focused(page)).toBe('Skip to timeline');
			await page.keyboard.press('Tab');
			expect(await focused(page)).toBe('Examples ▾');
			await page.keyboard.press('Enter');
			// The menu opens on the example on show.
			await expect.poll(() => focused(page)).toBe('Gather: three waits at once');
			await page.keyboard.press('Escape');
			await page.getByRole('group', { name: 'Examples' }).waitFor({ state: 'detached' });
			expect(await focused(page)).toBe('Examples ▾');

			await page.keyboard.press('Tab');
			expect(await focused(page)).toMatch(/^Exercises \d+\/\d+ ▾$/);
			await page.keyboard.press('Enter');
			await expect.poll(() => focused(page)).toMatch(/^Start the event loop/);
			await page.keyboard.press('Escape');
			expect(await focused(page)).toMatch(/^Exercises/);

			// On through the header to Run, then into the code.
			for (let step = 0; step < 10 && (await focused(page)) !== 'Run'; step++) {
				await page.keyboard.press('Tab');
			}
			expect(await focused(page)).toBe('Run');
			await page.keyboard.press('Tab');
			expect(await focusInEditor(page)).toBe(true);

			await page.keyboard.press('ControlOrMeta+A');
			await page.keyboard.type('import asyncio\nasyncio.run(asyncio.sleep(2))\n');
			await page.keyboard.press('ControlOrMeta+Enter');
			await region(page, 'Summary')
				.locator('[data-stat="total"] dd', { hasText: '2.00 s' })
				.waitFor({ timeout: READY_TIMEOUT });

			// Tab indents in the editor until Ctrl+M makes it move the focus instead.
			await page.keyboard.press('Control+M');
			await page.keyboard.press('Tab');
			expect(await focusInEditor(page)).toBe(false);
			expect(await focused(page)).toBe('Resize the editor and the output');
			expect(await editorText(page)).toBe('import asyncio\nasyncio.run(asyncio.sleep(2))\n');

			// Ctrl+Enter runs from anywhere on the page, not only in the editor.
			await page.keyboard.press('Shift+Tab');
			await page.keyboard.press('ControlOrMeta+A');
			await page.keyboard.type('import asyncio\nasyncio.run(asyncio.sleep(4))\n');
			await page.keyboard.press('Tab');
			expect(await focusInEditor(page)).toBe(false);
			await page.keyboard.press('ControlOrMeta+Enter');
			await region(page, 'Summary')
				.locator('[data-stat="total"] dd', { hasText: '4.00 s' })
				.waitFor({ timeout: READY_TIMEOUT });
		},
		TEST_TIMEOUT
	);
});

/** Whether the focus is on the chart itself. */
function focusOnChart(page: Page): Promise<boolean> {
	return page.evaluate(() => document.activeElement?.matches('[data-timeline-chart]') ?? false);
}

describe('the keyboard is never trapped', () => {
	it(
		'skips to the chart, whose arrow keys show what they reach, and Tab leaves the editor untouched',
		async () => {
			const { page } = await open(e2e, '/');
			expect(await totalTime(page)).toBe('3.00 s');
			await waitForMonaco(page);
			const code = await editorText(page);

			// The first Tab stop is the skip link, shown while it has the focus; it lands on the chart.
			await page.keyboard.press('Tab');
			expect(await focused(page)).toBe('Skip to timeline');
			const skip = await page.getByRole('link', { name: 'Skip to timeline' }).boundingBox();
			expect(skip!.y).toBeGreaterThanOrEqual(0);
			await page.keyboard.press('Enter');
			expect(await focusOnChart(page)).toBe(true);
			await expect.poll(() => page.getByTestId('chart-keys').isVisible()).toBe(true);

			// Arrow keys show, not only say, where they are: Task-2's first segment.
			const tooltip = region(page, 'Timeline').locator('.tooltip');
			for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight']) await page.keyboard.press(key);
			await tooltip.waitFor({ state: 'visible' });
			await expect(tooltip.textContent()).resolves.toMatch(/Task-2/);
			const chartBox = (await page.locator('[data-timeline-chart]').boundingBox())!;
			const tipBox = (await tooltip.boundingBox())!;
			expect(tipBox.width).toBeGreaterThan(40);
			expect(tipBox.y).toBeGreaterThanOrEqual(chartBox.y);
			await page.keyboard.press('ArrowRight');
			await expect(tooltip.textContent()).resolves.toMatch(/sleep\(1\)/);
			await page.keyboard.press('ArrowDown');
			await expect(tooltip.textContent()).resolves.toMatch(/^Task-3[\s\S]*Created/);
			await page.keyboard.press('Escape');
			await tooltip.waitFor({ state: 'hidden' });

			// From Run, Tab goes into the editor (Stop is disabled), where a hint shows the way out.
			await button(page, 'Run').focus();
			await page.keyboard.press('Tab');
			expect(await focusInEditor(page)).toBe(true);
			const hint = page.getByTestId('editor-hint');
			await expect(hint.textContent()).resolves.toMatch(/Esc then Tab leaves the editor/);

			// Tab indents, as programmers expect (and Ctrl+Z takes it back).
			await page.keyboard.press('Tab');
			await expect.poll(() => editorText(page)).toBe('    ' + code);
			await page.keyboard.press('ControlOrMeta+Z');
			await expect.poll(() => editorText(page)).toBe(code);

			// Escape then Tab leaves, and the code is as it was; Escape then Shift+Tab leaves backwards.
			await page.keyboard.press('Escape');
			await expect(hint.textContent()).resolves.toMatch(/Tab now leaves the editor/);
			await page.keyboard.press('Tab');
			expect(await focusInEditor(page)).toBe(false);
			expect(await focused(page)).toBe('Resize the editor and the output');
			expect(await hint.count()).toBe(0);
			await page.keyboard.press('Shift+Tab');
			expect(await focusInEditor(page)).toBe(true);
			await page.keyboard.press('Escape');
			await page.keyboard.press('Shift+Tab');
			expect(await focused(page)).toBe('Run');

			// On from Run to the chart with Tab alone (and Escape in the editor): it is in the order.
			let presses = 0;
			while (!(await focusOnChart(page)) && presses < 30) {
				if (await focusInEditor(page)) await page.keyboard.press('Escape');
				await page.keyboard.press('Tab');
				presses++;
			}
			expect(await focusOnChart(page)).toBe(true);
			expect(await editorText(page)).toBe(code);
			// The draft (saved 400 ms after an edit) holds the code as it was, if anything.
			await page.waitForTimeout(600);
			expect([null, code]).toContain(await savedDraft(page));
		},
		TEST_TIMEOUT
	);

	it(
		'lists every shortcut on ?, and F switches to code and chart only and back',
		async () => {
			const { page } = await open(e2e, '/');
			expect(await totalTime(page)).toBe('3.00 s');
			await waitForMonaco(page);

			// In the editor, ? is a character of the code, not a shortcut.
			await region(page, 'Editor').locator('.monaco-editor .view-lines').click();
			await page.keyboard.press('End');
			await page.keyboard.type('?');
			expect(await page.getByRole('dialog').count()).toBe(0);
			await page.keyboard.press('ControlOrMeta+Z');

			await button(page, 'Run').focus();
			await page.keyboard.press('?');
			const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
			await dialog.waitFor();
			const text = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
			for (const expected of [
				'Run the code',
				'Esc then Tab',
				'Ctrl+M',
				'Focus layout',
				'Skip to timeline',
				'Open the details of the segment',
				'Measure a range of time',
				'Zoom in or out',
				'Resize the panes'
			]) {
				expect(text).toContain(expected);
			}
			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });
			expect(await focused(page)).toBe('Run');

			// F: the code and the chart, side by side, and nothing else; F again brings them back.
			await page.keyboard.press('f');
			await region(page, 'Output').waitFor({ state: 'detached' });
			expect(await region(page, 'Summary').count()).toBe(0);
			const editor = (await region(page, 'Editor').boundingBox())!;
			const chart = (await page.locator('[data-timeline-chart]').boundingBox())!;
			expect(chart.x).toBeGreaterThan(editor.x + editor.width - 1);
			expect(editor.height).toBeGreaterThan(500);
			await expect(button(page, 'Focus layout').getAttribute('aria-pressed')).resolves.toBe('true');
			await page.keyboard.press('F');
			await region(page, 'Output').waitFor();
			await region(page, 'Summary').waitFor();
		},
		TEST_TIMEOUT
	);
});
