/**
 * A teacher's own exercises, in a real Chromium against the built site: a pack opened from a file
 * and from a link (never run), solved, kept over a reload with its progress, reported with "Copy
 * my results"; a pack with a mistake shows file:line; a decompression-bomb link loses nothing.
 */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { encodeShare, shareFragment } from '../../src/lib/share/codec';
import { useE2E } from './harness';
import {
	button,
	editorText,
	pythonReady,
	READY_TIMEOUT,
	region,
	setCode,
	TEST_TIMEOUT
} from './playground-helpers';

const e2e = useE2E();
const fence = '```';

const solution = [
	'import asyncio',
	'',
	'async def say(word, seconds):',
	'    await asyncio.sleep(seconds)',
	'    print(word)',
	'',
	'async def main():',
	'    await asyncio.gather(say("world", 2), say("hello", 1))',
	'',
	'asyncio.run(main())'
].join('\n');

function exercise(title: string, checks = 'output-equals: "hello" "world"\nmax-duration: 2.05') {
	return [
		'---',
		`title: ${title}`,
		'topic: Tasks',
		'---',
		'Print `hello` after one second and `world` after two, in **2 s** in all. <b>not bold</b>',
		'',
		`${fence}hint`,
		'`asyncio.gather`',
		fence,
		'',
		`${fence}python starter`,
		solution.replace(
			'    await asyncio.gather(say("world", 2), say("hello", 1))',
			'    await say("world", 2)\n    await say("hello", 1)'
		),
		fence,
		'',
		`${fence}python solution`,
		solution,
		fence,
		'',
		`${fence}checks`,
		checks,
		fence,
		''
	].join('\n');
}

const pack = `---\npack: Workshop day 1\n---\n\n${exercise('Two greetings')}\n${exercise('Greetings again')}`;

async function openMenu(page: Page) {
	await page.getByRole('button', { name: /^Exercises/ }).click();
	return page.getByRole('group', { name: 'Exercises' });
}

async function openPackFile(page: Page, name: string, text: string) {
	await openMenu(page);
	await page.locator('input[type="file"]').setInputFiles({
		name,
		mimeType: 'text/markdown',
		buffer: Buffer.from(text)
	});
}

const banner = (page: Page) => page.locator('.banner');

describe('exercise packs', () => {
	it(
		'opens from a file, is solved, and keeps its progress over a reload',
		async () => {
			const { page, context } = await e2e.open('/');
			await context.grantPermissions(['clipboard-read', 'clipboard-write']);
			await pythonReady(page);
			await openPackFile(page, 'workshop.md', pack);
			await banner(page)
				.filter({ hasText: 'Opened the pack "Workshop day 1" (2 exercises)' })
				.waitFor();
			const panel = page.getByRole('complementary', { name: 'Exercise' });
			await expect(panel.locator('header p').textContent()).resolves.toBe(
				'Workshop day 1 · Exercise 1 of 2 · Tasks'
			);
			// The pack's Markdown is shown as text, never as HTML.
			await expect(panel.locator('.instructions').textContent()).resolves.toContain(
				'<b>not bold</b>'
			);
			await expect(panel.locator('.instructions b').count()).resolves.toBe(0);
			expect(new URL(page.url()).search).toBe('?pack=workshop-day-1&exercise=two-greetings');
			// Nothing ran.
			await expect(region(page, 'Output').textContent()).resolves.toContain('Press Run');

			await setCode(page, solution);
			await button(page, 'Run').click();
			await panel.getByRole('status').filter({ hasText: 'All checks pass' }).waitFor({
				timeout: READY_TIMEOUT
			});
			await button(page, 'Copy my results').click();
			await panel.getByText('Copied: paste it to your teacher.').waitFor();
			const results = await page.evaluate(() => navigator.clipboard.readText());
			expect(results).toContain('My results: Workshop day 1');
			expect(results).toContain(
				'1. Two greetings (two-greetings): solved; 2 of 2 checks passed on the last run'
			);
			expect(results).toContain('2. Greetings again (greetings-again): not run yet');

			await page.waitForTimeout(600); // the panel saves the code after a pause in typing
			await page.reload();
			const reloaded = page.getByRole('complementary', { name: 'Exercise' });
			await reloaded.getByText('✓ Solved').waitFor({ timeout: READY_TIMEOUT });
			expect((await editorText(page)).trimEnd()).toBe(solution);
			const menu = await openMenu(page);
			const section = menu.getByRole('region', { name: 'Workshop day 1' });
			await expect(section.locator('.tally').textContent()).resolves.toBe('solved 1 of 2');
			await expect(section.locator('.tick').first().textContent()).resolves.toBe('✓');
			// The course keeps its own progress.
			await expect(
				menu.locator('section').first().locator('.tally').textContent()
			).resolves.toMatch(/^solved 0 of 18/);
		},
		TEST_TIMEOUT
	);

	it(
		'opens from a link without running anything; a bomb link, or one over the cap, loses nothing',
		async () => {
			const encoded = encodeShare(pack, 'pack');
			if (!encoded.ok) throw new Error(encoded.message);
			const { page } = await e2e.open('/' + shareFragment(encoded.payload, 'pack'));
			await banner(page)
				.filter({ hasText: 'Opened the pack "Workshop day 1" (2 exercises). Nothing has run' })
				.waitFor({ timeout: READY_TIMEOUT });
			await pythonReady(page);
			await expect(region(page, 'Output').textContent()).resolves.toContain('Press Run');
			expect(new URL(page.url()).hash).toBe('');
			const starter = await editorText(page);
			expect(starter).toContain('await say("world", 2)');

			// A decompression bomb in a pack link: a clear message, and nothing lost.
			const bomb = deflateSync(new Uint8Array(8 * 1024 * 1024).fill(0x23), { level: 9 });
			await page.goto(e2e.site.url(`/#pack=v1.${Buffer.from(bomb).toString('base64url')}`));
			await banner(page)
				.filter({ hasText: 'This pack link holds more than 64 KB of text, so it was not opened.' })
				.waitFor({ timeout: READY_TIMEOUT });
			await expect(banner(page).textContent()).resolves.toContain(
				'Your packs, your progress and your code are unchanged.'
			);
			expect(await editorText(page)).toBe(starter);
			const menu = await openMenu(page);
			await menu.getByRole('region', { name: 'Workshop day 1' }).waitFor();
			await page.keyboard.press('Escape');

			// One over the length cap is refused before it is decoded.
			await page.goto(e2e.site.url(`/#pack=v1.${'A'.repeat(40_000)}`));
			await banner(page)
				.filter({ hasText: 'This pack link is too long to open.' })
				.waitFor({ timeout: READY_TIMEOUT });
			const again = await openMenu(page);
			await again.getByRole('region', { name: 'Workshop day 1' }).waitFor();
		},
		TEST_TIMEOUT
	);

	it(
		'shows a mistake as file:line, whether picked or dropped',
		async () => {
			const { page } = await e2e.open('/');
			const broken = `---\npack: Broken\n---\n\n${exercise('Oops', 'output-equals: "hello" "world"\nmax-time: 2')}`;
			const line = broken.split('\n').indexOf('max-time: 2') + 1;
			await openPackFile(page, 'broken.md', broken);
			await banner(page)
				.filter({ hasText: `The pack was not opened: broken.md:${line}: unknown check "max-time"` })
				.waitFor({ timeout: READY_TIMEOUT });
			await page.locator('.banner .dismiss').click();

			// Dropped on the page: the same message, the same file name.
			await page.evaluate((text) => {
				const data = new DataTransfer();
				data.items.add(new File([text], 'dropped.md', { type: 'text/markdown' }));
				for (const type of ['dragenter', 'dragover', 'drop']) {
					window.dispatchEvent(new DragEvent(type, { dataTransfer: data, cancelable: true }));
				}
			}, broken);
			await banner(page)
				.filter({
					hasText: `The pack was not opened: dropped.md:${line}: unknown check "max-time"`
				})
				.waitFor({ timeout: READY_TIMEOUT });
			const menu = await openMenu(page);
			await expect(menu.locator('section[data-pack]').count()).resolves.toBe(0);
		},
		TEST_TIMEOUT
	);
});
