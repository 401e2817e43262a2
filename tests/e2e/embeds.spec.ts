/**
 * Embeds for course pages, in a real Chromium against the built site: the example course page
 * (static/course/) holds ten embeds; scrolled through, they start at most one interpreter before
 * the first Run (counted as runner frames and Pyodide downloads); Run in one embed charts there
 * and nowhere else. The Share popover's embed snippet opens the same code.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { useE2E } from './harness';
import { button, pythonReady, READY_TIMEOUT, TEST_TIMEOUT } from './playground-helpers';

const e2e = useE2E();

/**
 * Every embed that starts a runner fetches its sandbox frame's document; every full load fetches
 * Pyodide's WebAssembly.
 */
function countInterpreters(context: BrowserContext) {
	const counts = { frames: 0, wasm: 0 };
	context.on('request', (request) => {
		const path = new URL(request.url()).pathname;
		if (path.endsWith('/runner/frame.html')) counts.frames++;
		if (path.endsWith('/pyodide.asm.wasm')) counts.wasm++;
	});
	return counts;
}

async function scrollThrough(page: Page): Promise<void> {
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	for (let y = 0; y < height; y += 300) {
		await page.mouse.wheel(0, 300);
		await page.waitForTimeout(120);
	}
}

const chartOf = (embed: FrameLocator) =>
	embed.getByRole('region', { name: 'Timeline' }).locator('svg');

describe('embeds on a course page', () => {
	it(
		'ten embeds start at most one interpreter before the first Run; Run charts in its own',
		async () => {
			const { page, context } = await e2e.open('/course/', {
				viewport: { width: 1280, height: 800 }
			});
			const interpreters = countInterpreters(context);
			const embeds = page.locator('iframe');
			await expect(embeds.count()).resolves.toBe(10);
			await scrollThrough(page);
			// Every embed has loaded (they are lazy frames) and drawn its Run button.
			await expect
				.poll(
					async () =>
						(
							await Promise.all(
								page
									.frames()
									.filter((frame) => new URL(frame.url()).pathname.endsWith('/embed'))
									.map((frame) => frame.getByRole('button', { name: 'Run', exact: true }).count())
							)
						).reduce((sum, count) => sum + count, 0),
					{ timeout: READY_TIMEOUT }
				)
				.toBe(10);
			await page.waitForTimeout(2_000);
			expect(interpreters.frames).toBeLessThanOrEqual(1);
			expect(interpreters.wasm).toBeLessThanOrEqual(1);

			// Nothing has run anywhere.
			for (let index = 0; index < 10; index++) {
				await expect(chartOf(page.frameLocator('iframe').nth(index)).count()).resolves.toBe(0);
			}

			// Run the sixth embed (tasks versus coroutines): its chart, and only its chart, appears.
			await embeds.nth(5).scrollIntoViewIfNeeded();
			const sixth = page.frameLocator('iframe').nth(5);
			await sixth.getByRole('button', { name: 'Run', exact: true }).click();
			await chartOf(sixth).first().waitFor({ timeout: READY_TIMEOUT });
			await expect(sixth.getByRole('region', { name: 'Output' }).textContent()).resolves.toContain(
				'a starts'
			);
			for (const index of [0, 1, 4, 9]) {
				await expect(chartOf(page.frameLocator('iframe').nth(index)).count()).resolves.toBe(0);
			}
			expect(interpreters.frames).toBeLessThanOrEqual(2);

			// "Open in the playground" carries the code, to be run there only on Run.
			const link = await sixth
				.getByRole('link', { name: /Open in the playground/ })
				.getAttribute('href');
			expect(link).toMatch(new RegExp(`^${e2e.site.origin}/#code=v1\\.`));
		},
		TEST_TIMEOUT
	);

	it(
		'Share offers an <iframe> snippet whose embed shows the same code and runs it on Run',
		async () => {
			const { page, context } = await e2e.open('/');
			await context.grantPermissions(['clipboard-read', 'clipboard-write']);
			await pythonReady(page);
			await button(page, 'Share').click();
			const snippet = await page.getByRole('textbox', { name: 'Embed' }).inputValue();
			const src = /<iframe src="([^"]+)"/.exec(snippet)?.[1].replace(/&amp;/g, '&');
			expect(src).toBe(`${e2e.site.origin}/embed?example=01-gather`);
			const markdown = await page.getByRole('textbox', { name: 'Markdown' }).inputValue();
			expect(markdown).toMatch(/^```python\nimport asyncio\n/);
			expect(markdown).toContain(
				`[▶ Run it in the asyncio playground](${e2e.site.origin}/#code=v1.`
			);

			const embed = await e2e.open(new URL(src!).pathname + new URL(src!).search);
			const frame = embed.page;
			await frame.getByRole('heading', { name: 'Gather: three waits at once' }).waitFor();
			await expect(frame.getByRole('region', { name: 'Output' }).textContent()).resolves.toContain(
				'The output appears here.'
			);
			await frame.getByRole('button', { name: 'Run', exact: true }).click();
			await frame
				.getByRole('region', { name: 'Timeline' })
				.locator('svg')
				.first()
				.waitFor({ timeout: READY_TIMEOUT });
		},
		TEST_TIMEOUT
	);
});
