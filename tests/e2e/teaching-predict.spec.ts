/**
 * Predict, then reveal, in a real Chromium against the built site: on an exercise with a predict
 * block, a run hides its output until the learner answers; a wrong answer is explained; a right
 * one (ordered with the keyboard alone) counts.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useE2E } from './harness';
import { button, pythonReady, READY_TIMEOUT, region, TEST_TIMEOUT } from './playground-helpers';

const e2e = useE2E();

const form = (page: Page) => page.locator('[data-prediction] form');

async function runAndWaitForQuestions(page: Page): Promise<void> {
	await button(page, 'Run').click();
	await form(page).waitFor({ timeout: READY_TIMEOUT });
}

/** The lines to order, top to bottom, as the page shows them. */
async function shownOrder(page: Page): Promise<string[]> {
	return form(page).locator('[data-line]').allTextContents();
}

/** Puts the lines in `target` order with the keyboard alone: focus a line, then ↑. */
async function orderByKeyboard(page: Page, target: string[]): Promise<void> {
	for (let position = 0; position < target.length; position++) {
		const order = await shownOrder(page);
		const from = order.indexOf(target[position]);
		await form(page).locator('[data-line]').nth(from).focus();
		for (let step = from; step > position; step--) await page.keyboard.press('ArrowUp');
	}
}

/** Presses Tab until the element labelled `label` has the focus. */
async function tabTo(page: Page, label: string): Promise<void> {
	for (let presses = 0; presses < 30; presses++) {
		await page.keyboard.press('Tab');
		const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
		if (focused === label) return;
	}
	throw new Error(`Tab never reached "${label}"`);
}

describe('predict, then reveal', () => {
	it(
		'hides the run, explains a wrong prediction, and counts a right one',
		async () => {
			const { page } = await e2e.open('/?exercise=three-downloads');
			const panel = page.getByRole('complementary', { name: 'Exercise' });
			// The exercise asks for predictions, so Predict first is on (once the exercise has loaded).
			await expect
				.poll(() => page.getByRole('checkbox', { name: 'Predict first' }).isChecked())
				.toBe(true);
			await expect(panel.locator('[data-predicted]').textContent()).resolves.toBe(
				'predicted 0 of 7 right'
			);
			await pythonReady(page);

			// A wrong prediction: the order as shown (shuffled) and 3 seconds.
			await runAndWaitForQuestions(page);
			await expect(region(page, 'Output').textContent()).resolves.toContain(
				'Hidden until you reveal your prediction.'
			);
			await expect(panel.textContent()).resolves.toContain(
				'The checks appear once you reveal your prediction.'
			);
			expect(await shownOrder(page)).toEqual([
				'start c.txt',
				'start b.txt',
				'done b.txt',
				'done a.txt'
			]);
			await page.getByLabel('Total time in seconds').fill('3');
			await button(page, 'Reveal').click();
			const order = page.locator('[data-verdict="order"]');
			await order.waitFor();
			await expect(order.textContent()).resolves.toContain(
				'you expected "start c.txt" before "done a.txt": "done a.txt" is printed at 1.00 s by ' +
					'Task-1 (main), after waiting on sleep(1); "start c.txt" at 3.00 s'
			);
			await expect(page.locator('[data-verdict="total-time"]').textContent()).resolves.toContain(
				'you said 3.00 s, it took 6.00 s: 6.00 s of waiting, one wait at a time'
			);
			// Revealed: the run is there, and the checks with it.
			await expect(region(page, 'Output').textContent()).resolves.toContain('done c.txt');
			await expect(panel.textContent()).resolves.toContain('2 of 4 pass');
			await expect(panel.locator('[data-predicted]').textContent()).resolves.toBe(
				'predicted 0 of 7 right'
			);

			// A right prediction, ordered with the keyboard alone.
			await runAndWaitForQuestions(page);
			await orderByKeyboard(page, ['done a.txt', 'start b.txt', 'done b.txt', 'start c.txt']);
			expect(await shownOrder(page)).toEqual([
				'done a.txt',
				'start b.txt',
				'done b.txt',
				'start c.txt'
			]);
			await tabTo(page, 'Total time in seconds');
			await page.keyboard.type('6');
			await page.keyboard.press('Enter');
			await page.locator('[data-verdict]').first().waitFor();
			await expect(page.locator('[data-prediction] h2').textContent()).resolves.toMatch(
				/Your prediction:\s*2 of 2 right/
			);
			await expect(panel.locator('[data-predicted]').textContent()).resolves.toBe(
				'predicted 1 of 7 right'
			);
			await expect(panel.textContent()).resolves.toContain('Right on try 2.');
		},
		TEST_TIMEOUT
	);

	it(
		'asks free play its questions from the run itself, with lines dragged into order',
		async () => {
			const { page } = await e2e.open('/');
			await pythonReady(page);
			await page.getByRole('checkbox', { name: 'Predict first' }).check();
			await runAndWaitForQuestions(page);
			await expect(form(page).textContent()).resolves.toContain(
				'How long does the whole run take?'
			);
			// Lines can be dragged: the last one dropped on the first goes to the top.
			const before = await shownOrder(page);
			const items = form(page).locator('li');
			await items.nth(before.length - 1).dragTo(items.first());
			expect(await shownOrder(page)).toEqual([before.at(-1), ...before.slice(0, -1)]);
			await expect(region(page, 'Summary').textContent()).resolves.not.toContain('Total time');
			await page.getByLabel('Total time in seconds').fill('3');
			await button(page, 'Reveal').click();
			await page.locator('[data-verdict="total-time"]').waitFor();
			await expect(region(page, 'Summary').textContent()).resolves.toContain('Total time');
		},
		TEST_TIMEOUT
	);
});
