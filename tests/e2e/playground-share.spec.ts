/**
 * Sharing and saving: a share link carries the code to a fresh browser and does not run it; a
 * broken link says so and leaves the learner's saved code alone; the draft survives a reload;
 * opening an example keeps the learner's code; markup in a link is shown as code.
 *
 * Links are made with the page's own codec (the Share button itself is tested in
 * playground-run.spec.ts), so only the test that must see Python ready waits for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useE2E } from './harness';
import { encodeShare, shareFragment } from '../../src/lib/share/codec';
import {
	READY_TIMEOUT,
	TEST_TIMEOUT,
	button,
	closeOpenedContexts,
	editorText,
	open,
	region,
	runAndWaitForTotal,
	savedDraft,
	setCode,
	waitForMonaco
} from './playground-helpers';

const e2e = useE2E();
// Each page keeps Python (and a warm spare) loaded; close them so the next test has the CPU.
afterEach(closeOpenedContexts);

const mine = 'import asyncio\n\n# my own program\nasyncio.run(asyncio.sleep(4))\n';

function linkFor(code: string): string {
	const encoded = encodeShare(code);
	if (!encoded.ok) throw new Error(encoded.message);
	return '/' + shareFragment(encoded.payload);
}

describe('sharing and saving code', () => {
	it(
		'a share link reproduces the code in a fresh browser, without running it',
		async () => {
			const { page } = await open(e2e, linkFor(mine));
			await waitForMonaco(page);
			expect(await editorText(page)).toBe(mine);
			await expect(page.textContent('body')).resolves.toMatch(/has not been run/);
			// Shown, not run: no total time appears even once Python is ready.
			await page
				.getByTestId('status')
				.filter({ hasText: /ready/i })
				.waitFor({ timeout: READY_TIMEOUT });
			await page.waitForTimeout(1000);
			await expect(region(page, 'Summary').locator('[data-stat="total"]').count()).resolves.toBe(0);
			await expect(region(page, 'Output').locator('li').count()).resolves.toBe(0);
			// The link is consumed: a reload shows the (now saved) shared code, not the link again.
			expect(page.url()).not.toContain('#code=');
			expect(await savedDraft(page)).toBe(mine);
			// Once it has run, the banner saying it has not is gone.
			await runAndWaitForTotal(page, '4.00 s');
			await expect(page.textContent('body')).resolves.not.toMatch(/has not been run/);
		},
		TEST_TIMEOUT
	);

	it(
		'restores the draft on reload, and a broken link leaves it intact',
		async () => {
			const { page } = await open(e2e, '/');
			await setCode(page, mine);
			await expect.poll(() => savedDraft(page)).toBe(mine);

			await page.reload();
			await waitForMonaco(page);
			expect(await editorText(page)).toBe(mine);

			const bad = ['#code=v1.@@@broken', '#code=v7.abc', '#code=v1.' + 'A'.repeat(40_000)];
			for (const hash of bad) {
				await page.goto('about:blank');
				await page.goto(e2e.site.url('/') + hash);
				const alert = page.getByRole('alert').filter({ hasText: /share link/i });
				await alert.waitFor();
				await expect(alert.textContent()).resolves.toMatch(/unchanged/);
				await waitForMonaco(page);
				expect(await editorText(page)).toBe(mine);
				expect(await savedDraft(page)).toBe(mine);
			}
		},
		TEST_TIMEOUT
	);

	it(
		'opening an example keeps the learner’s code under "Your code"',
		async () => {
			const { page } = await open(e2e, '/');
			await setCode(page, mine);
			await button(page, 'Examples').click();
			await page.getByRole('button', { name: /Forgetting await/ }).click();
			await expect.poll(() => editorText(page)).toMatch(/fetch_data\(\)/);
			await button(page, 'Examples').click();
			await page.getByRole('button', { name: /Your code/ }).click();
			await expect.poll(() => editorText(page)).toBe(mine);
		},
		TEST_TIMEOUT
	);

	it(
		'a share link holding markup shows it as code',
		async () => {
			const code =
				'# <img src=x onerror="window.__pwned=3">\nprint("</textarea><b id=evil>x</b>")\n';
			const { page } = await open(e2e, linkFor(code));
			await waitForMonaco(page);
			expect(await editorText(page)).toBe(code);
			await expect(page.locator('#evil').count()).resolves.toBe(0);
			await expect(
				page.evaluate(() => (window as { __pwned?: number }).__pwned)
			).resolves.toBeUndefined();
		},
		TEST_TIMEOUT
	);
});
