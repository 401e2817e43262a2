/**
 * Pin and compare, in a real Chromium against the built site: pin a run, change the code, run
 * again, and read the speed-up; swap and unpin; and the examples' "compare with" link.
 */
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness';
import {
	button,
	editorText,
	pythonReady,
	setCode,
	READY_TIMEOUT,
	region,
	runAndWaitForTotal,
	TEST_TIMEOUT,
	totalTime
} from './playground-helpers';

const e2e = useE2E();

const program = (body: string) =>
	[
		'import asyncio',
		'',
		'async def download(n):',
		'    await asyncio.sleep(n)',
		'',
		'async def main():',
		body,
		'',
		'asyncio.run(main())',
		''
	].join('\n');
const sequential = program('    for n in (1, 2, 3):\n        await download(n)');
const gathered = program('    await asyncio.gather(download(1), download(2), download(3))');

describe('pin and compare', () => {
	it(
		'stacks a pinned run and a new one and reads out the speed-up; swap and unpin',
		async () => {
			const { page } = await e2e.open('/');
			await pythonReady(page);
			await totalTime(page);
			await setCode(page, sequential);
			await runAndWaitForTotal(page, '6.00 s');

			await button(page, 'Pin this run').click();
			const comparison = page.getByRole('region', { name: 'Comparison' });
			await expect(comparison.getByTestId('compare-readout').textContent()).resolves.toMatch(
				/Pinned “sequential” \(6\.00 s\)/
			);

			await setCode(page, gathered);
			await runAndWaitForTotal(page, '3.00 s');
			const readout = comparison.getByTestId('compare-readout');
			await readout.filter({ hasText: 'faster' }).waitFor({ timeout: READY_TIMEOUT });
			expect(await readout.textContent()).toBe('sequential 6.00 s → gather 3.00 s, 2.0× faster');
			await expect(comparison.textContent()).resolves.toContain('saved 3.00 s');
			// Both runs' lanes on one chart: the pinned run's main task and this run's four tasks.
			const lanes = region(page, 'Timeline')
				.getByRole('table', { name: 'Tasks' })
				.locator('tbody tr');
			expect(await lanes.count()).toBeGreaterThanOrEqual(5);

			await button(page, '⇅ Swap').click();
			await readout.filter({ hasText: 'slower' }).waitFor({ timeout: READY_TIMEOUT });
			expect(await readout.textContent()).toBe('gather 3.00 s → sequential 6.00 s, 2.0× slower');
			expect(await editorText(page)).toContain('for n in (1, 2, 3):');
			expect(await totalTime(page)).toBe('6.00 s');

			await button(page, 'Unpin').click();
			await comparison.waitFor({ state: 'detached' });
		},
		TEST_TIMEOUT
	);

	it(
		'compares an example with its contrasting version in one click',
		async () => {
			const { page } = await e2e.open('/');
			await pythonReady(page);
			expect(await totalTime(page)).toBe('3.00 s');
			await page.getByRole('button', { name: /Compare with/ }).click();
			const readout = page
				.getByRole('region', { name: 'Comparison' })
				.getByTestId('compare-readout');
			await readout.filter({ hasText: '6.00 s' }).waitFor({ timeout: READY_TIMEOUT });
			expect(await readout.textContent()).toBe('gather 3.00 s → sequential 6.00 s, 2.0× slower');
		},
		TEST_TIMEOUT
	);
});
