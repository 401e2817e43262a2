/**
 * Helpers for the teaching features' end-to-end tests: find the page's regions by their
 * accessible names, paste code into Monaco, and wait for Python and for runs on a loaded machine.
 */
import type { Locator, Page } from 'playwright-core';

/** Start-up on a loaded machine can take minutes; normally about 3 s. */
export const STARTUP_TIMEOUT = 240_000;
export const READY_TIMEOUT = 240_000;
export const TEST_TIMEOUT = 600_000;

export function region(page: Page, name: 'Editor' | 'Timeline' | 'Output' | 'Summary'): Locator {
	return page.getByRole('region', { name, exact: true });
}

export function button(page: Page, name: string): Locator {
	return page.getByRole('button', { name, exact: true });
}

/** Python is ready once the header says so. */
export async function pythonReady(page: Page): Promise<void> {
	await page
		.locator('header')
		.getByText(/Python [\d.]+ (\(.*\) )?ready/)
		.waitFor({ timeout: STARTUP_TIMEOUT });
}

export async function waitForMonaco(page: Page): Promise<void> {
	await page.locator('[data-editor="monaco"] .view-lines').waitFor({ timeout: READY_TIMEOUT });
}

/**
 * Replace the editor's text as a paste would. Monaco in Chromium edits through a native
 * EditContext (its textarea is a read-only IME helper), and typed text is auto-indented, so the
 * code arrives as one paste event on the focused edit context.
 */
export async function pasteCode(page: Page, code: string): Promise<void> {
	await waitForMonaco(page);
	await page.locator('[data-editor="monaco"] .view-lines').click();
	await page.keyboard.press('ControlOrMeta+A');
	await page.evaluate((text) => {
		const data = new DataTransfer();
		data.setData('text/plain', text);
		document.activeElement?.dispatchEvent(
			new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
		);
	}, code);
}

/** The text Monaco shows (every line is rendered for the short programs used here). */
export async function editorText(page: Page): Promise<string> {
	await waitForMonaco(page);
	return page.evaluate(() => {
		const lines = [...document.querySelectorAll<HTMLElement>('.monaco-editor .view-line')];
		lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
		return lines.map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n');
	});
}

/** Wait for the summary to show a total time, and return it ("3.00 s"). */
export async function totalTime(page: Page): Promise<string> {
	const total = region(page, 'Summary').locator('[data-stat="total"] dd');
	await total.waitFor({ timeout: READY_TIMEOUT });
	return (await total.textContent()) ?? '';
}

/** Press Run and wait until the summary shows `expected` as the total time. */
export async function runAndWaitForTotal(page: Page, expected: string): Promise<void> {
	await button(page, 'Run').click();
	await region(page, 'Summary')
		.locator('[data-stat="total"] dd', { hasText: expected })
		.waitFor({ timeout: READY_TIMEOUT });
}
