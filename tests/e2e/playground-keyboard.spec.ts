/**
 * The playground from the keyboard alone, in a real Chromium against the built site: the header's
 * menus open on their current choice and Escape gives the focus back, the code can be replaced and
 * run with Ctrl+Enter, and Tab can leave the editor again (Ctrl+M, Monaco's tab-focus mode).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useE2E } from './harness';
import {
	READY_TIMEOUT,
	TEST_TIMEOUT,
	closeOpenedContexts,
	editorText,
	open,
	region,
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
