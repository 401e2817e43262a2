/**
 * Helpers for the playground's end-to-end tests: find the page's regions by their accessible
 * names, put code in the editor the way a learner would, and wait for runs to finish.
 */
import { expect } from 'vitest';
import type { BrowserContext, Download, Locator, Page } from 'playwright-core';
import type { E2E, OpenedPage } from './harness';

/** A full load of Python takes about 8 s on the two-core CI machine; this only guards hangs. */
export const READY_TIMEOUT = 120_000;
/** A test may load Python twice (a share link opened in a fresh browser). */
export const TEST_TIMEOUT = 300_000;

const opened: BrowserContext[] = [];

/** Open `path` in a fresh browser context, closed again by `closeOpenedContexts`. */
export async function open(e2e: E2E, path: string): Promise<OpenedPage> {
	const page = await e2e.open(path);
	opened.push(page.context);
	return page;
}

export async function closeOpenedContexts(): Promise<void> {
	await Promise.allSettled(opened.splice(0).map((context) => context.close()));
}

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
		.waitFor({ timeout: READY_TIMEOUT });
}

/** Wait until Monaco has replaced the plain textarea. */
export async function waitForMonaco(page: Page): Promise<void> {
	await page.locator('[data-editor="monaco"] .view-lines').waitFor({ timeout: READY_TIMEOUT });
}

/** Replace the editor's whole text with `code`, as a paste would. */
export async function setCode(page: Page, code: string): Promise<void> {
	await waitForMonaco(page);
	// Click into the text, as a learner would (Monaco's input element differs between versions).
	await region(page, 'Editor').locator('.monaco-editor .view-lines').click();
	await page.keyboard.press('ControlOrMeta+A');
	await page.keyboard.press('Delete');
	// A paste event, as Ctrl+V would send: typed text would be auto-indented by the editor.
	await page.evaluate((text) => {
		const data = new DataTransfer();
		data.setData('text/plain', text);
		document.activeElement?.dispatchEvent(
			new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
		);
	}, code);
}

/** The text Monaco shows (every line is rendered for the short programs used in tests). */
export async function editorText(page: Page): Promise<string> {
	await waitForMonaco(page);
	return page.evaluate(() => {
		const lines = [...document.querySelectorAll<HTMLElement>('.monaco-editor .view-line')];
		lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
		return lines.map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n');
	});
}

/** The line the editor's cursor is on, as the page reports it. */
export async function cursorLine(page: Page): Promise<number | null> {
	const value = await page.locator('[data-cursor-line]').getAttribute('data-cursor-line');
	return value ? Number(value) : null;
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

export async function savedDraft(page: Page): Promise<string | null> {
	return page.evaluate(() => {
		const raw = localStorage.getItem('asyncio-playground:draft:v1');
		return raw === null ? null : (JSON.parse(raw) as { code: string }).code;
	});
}

/** Choose `item` ("Chart as SVG", "Run for Perfetto" …) from the chart's Export menu. */
export async function exportFromChart(page: Page, item: string): Promise<Download> {
	const timeline = region(page, 'Timeline');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		timeline
			.getByText('Export', { exact: true })
			.click()
			.then(() => timeline.getByRole('button', { name: item, exact: true }).click())
	]);
	return download;
}

/**
 * Runs `code`, lets it go for `ms` of real time, presses Stop, and returns what the summary and
 * the chart's flag say of the stop once the partial run is drawn.
 */
export async function runThenStop(
	page: Page,
	code: string,
	ms = 1_500
): Promise<{ summary: string | null; flag: string | null }> {
	await setCode(page, code);
	await button(page, 'Run').click();
	// Stop is enabled while the run still waits for a runtime (one being replaced on a loaded
	// machine), and a Stop then has no partial run to show: wait until a runtime runs it.
	await expect
		.poll(() => page.getByTestId('status').locator('.status-text').textContent(), {
			timeout: READY_TIMEOUT
		})
		.toBe('Running…');
	await page.waitForTimeout(ms);
	await button(page, 'Stop').click();
	const summary = region(page, 'Summary').getByTestId('stopped-at');
	await summary.waitFor({ timeout: READY_TIMEOUT });
	const flag = region(page, 'Timeline').locator('[data-timeline-chart] > svg [data-stopped-at]');
	return { summary: await summary.textContent(), flag: await flag.textContent() };
}
