/**
 * An exercise from a teacher's link, in a real Chromium against the built site: the starter fails
 * with reasons, the fixed code passes, and a reload keeps the progress, the hints and the code.
 */
import { describe, expect, it } from 'vitest';
import { readExercises } from '../../src/lib/exercises/read-exercises';
import { useE2E } from './harness';
import { layoutProblems } from './layout-checks';
import {
	button,
	editorText,
	pythonReady,
	setCode,
	READY_TIMEOUT,
	region,
	TEST_TIMEOUT,
	waitForMonaco
} from './playground-helpers';

const e2e = useE2E();

const all = readExercises();
const exercise = all.find((item) => item.slug === 'three-downloads')!;

describe('an exercise', () => {
	it(
		'opens by link, fails with reasons, passes once fixed, and keeps progress over a reload',
		async () => {
			const { page } = await e2e.open('/?exercise=three-downloads');
			const panel = page.getByRole('complementary', { name: 'Exercise' });
			await expect(panel.getByRole('heading', { level: 2 }).textContent()).resolves.toBe(
				exercise.title
			);
			await waitForMonaco(page);
			expect(await editorText(page)).toBe(exercise.starter);
			// Nothing has run yet: the checks are listed, waiting.
			await expect(panel.textContent()).resolves.toContain('Run your code to check it.');

			await pythonReady(page);
			// The exercise asks for predictions first (teaching-predict.spec.ts); this test is about
			// its checks, so the run is shown at once.
			await page.getByRole('checkbox', { name: 'Predict first' }).uncheck();
			await button(page, 'Run').click();
			const checks = panel.getByRole('region', { name: 'Checks' });
			const duration = checks.locator('[data-check="max-duration"]');
			await duration.filter({ hasText: 'took 6.00 s' }).waitFor({ timeout: READY_TIMEOUT });
			expect(await duration.getAttribute('class')).toContain('failed');
			await expect(duration.textContent()).resolves.toContain(
				'took 6.00 s, must be at most 3.05 s'
			);
			await expect(checks.textContent()).resolves.toContain('2 of 4 pass');

			await button(page, 'Show a hint (1 of 2)').click();
			await expect(panel.getByRole('region', { name: 'Hints' }).textContent()).resolves.toContain(
				'asyncio.gather'
			);

			await setCode(page, exercise.solution);
			await button(page, 'Run').click();
			await panel.getByRole('status').filter({ hasText: 'All checks pass' }).waitFor({
				timeout: READY_TIMEOUT
			});
			await expect(checks.textContent()).resolves.toContain('4 of 4 pass');
			await expect(region(page, 'Output').textContent()).resolves.toContain("['a.txt: 1 s'");

			// Let the panel save the code (it waits for a pause in typing), then reload.
			await page.waitForTimeout(600);
			await page.reload();
			const reloaded = page.getByRole('complementary', { name: 'Exercise' });
			await reloaded.getByText('✓ Solved').waitFor({ timeout: READY_TIMEOUT });
			await expect(
				reloaded.getByRole('region', { name: 'Hints' }).textContent()
			).resolves.toContain('Hint 1');
			await waitForMonaco(page);
			// The learner's code is back (Monaco's paste may drop the final newline).
			expect((await editorText(page)).trimEnd()).toBe(exercise.solution.trimEnd());
			await expect(page.getByRole('button', { name: /^Exercises 1\/\d+/ }).count()).resolves.toBe(
				1
			);

			await button(page, 'Reset to starter').click();
			expect(await editorText(page)).toBe(exercise.starter);
		},
		TEST_TIMEOUT
	);

	it(
		'opens any exercise from the menu and puts its link in the address bar',
		async () => {
			const { page } = await e2e.open('/');
			await page.getByRole('button', { name: /^Exercises/ }).click();
			await page
				.getByRole('group', { name: 'Exercises' })
				.getByRole('button', { name: /Give up after two seconds/ })
				.click();
			await expect(
				page
					.getByRole('complementary', { name: 'Exercise' })
					.getByRole('heading', { level: 2 })
					.textContent()
			).resolves.toBe('Give up after two seconds');
			expect(new URL(page.url()).searchParams.get('exercise')).toBe('timeout');
			await button(page, 'Close the exercise').click();
			await page.getByRole('complementary', { name: 'Exercise' }).waitFor({ state: 'detached' });
			expect(new URL(page.url()).searchParams.get('exercise')).toBeNull();
		},
		TEST_TIMEOUT
	);

	it(
		'says where the exercise sits in the course, and its topic',
		async () => {
			const { page } = await e2e.open('/?exercise=three-downloads');
			const panel = page.getByRole('complementary', { name: 'Exercise' });
			await expect(panel.locator('header p').textContent()).resolves.toBe(
				`Exercise ${all.indexOf(exercise) + 1} of ${all.length} · ${exercise.topic}`
			);
		},
		TEST_TIMEOUT
	);

	it(
		'leaves the chart its whole toolbar and its lane names beside the exercise, at 1280×720 and 1024×768',
		async () => {
			const { page } = await e2e.open('/?exercise=three-downloads');
			await waitForMonaco(page);
			await pythonReady(page);
			await page.getByRole('checkbox', { name: 'Predict first' }).uncheck();
			await button(page, 'Run').click();
			await region(page, 'Summary').getByText('6.00 s').first().waitFor({ timeout: READY_TIMEOUT });
			const failures: string[] = [];
			for (const [width, height] of [
				[1280, 720],
				[1024, 768]
			]) {
				await page.setViewportSize({ width, height });
				await page.waitForTimeout(300);
				const problems = await layoutProblems(page, {
					rows: ['.exercise footer', '.pane-head'],
					// The chart's toolbar may wrap beside an exercise, but nothing in it may overlap or
					// leave the chart.
					groups: ['.timeline .toolbar'],
					inside: ['.timeline .toolbar > *', '.timeline-pane']
				});
				// Every button of the toolbar is there to press, Export included.
				const toolbar = page.locator('.timeline .toolbar');
				for (const control of [
					toolbar.getByRole('button', { name: 'Zoom in' }),
					toolbar.getByRole('button', { name: 'Reset', exact: true }),
					toolbar.getByRole('button', { name: 'Table' }),
					toolbar.getByRole('button', { name: 'Seconds' }),
					toolbar.locator('.export summary')
				]) {
					const box = await control.boundingBox();
					if (!box || box.x + box.width > width)
						problems.push(`"${await control.textContent()}" is off screen`);
				}
				const lanes = await page.locator('[data-timeline-chart] .tl-lanes text').allTextContents();
				if (!lanes.some((text) => text.includes('Task-1')))
					problems.push(`the lane is not named: ${JSON.stringify(lanes)}`);
				failures.push(...problems.map((problem) => `${width}×${height}: ${problem}`));
			}
			expect(failures).toEqual([]);
		},
		TEST_TIMEOUT
	);
});
