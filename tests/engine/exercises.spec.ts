/**
 * Every exercise can be passed and is worth doing: its reference solution passes every check and
 * its starter fails at least one, on real CPython (Pyodide) through the real analysis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/lib/engine/analyze';
import type { Engine } from '../../src/lib/engine/engine';
import { createNodeEngine } from '../../src/lib/engine/node-engine';
import { evaluateChecks } from '../../src/lib/exercises/checks';
import { readExercises } from '../../src/lib/exercises/read-exercises';

const exercises = readExercises();
let engine: Engine;

beforeAll(async () => {
	engine = await createNodeEngine();
});

function check(source: string, exercise: (typeof exercises)[number]) {
	return evaluateChecks(exercise.checks, analyzeRun(engine.run(source)), source);
}

describe.each(exercises.map((exercise) => [exercise.file, exercise] as const))(
	'exercise %s',
	(_file, exercise) => {
		it('the reference solution passes every check', () => {
			const failed = check(exercise.solution, exercise).filter((result) => !result.passed);
			expect(failed).toEqual([]);
		});

		it('the starter fails at least one check, with a reason', () => {
			const failed = check(exercise.starter, exercise).filter((result) => !result.passed);
			expect(failed.length).toBeGreaterThan(0);
			for (const result of failed) expect(result.why).not.toBe('');
		});
	}
);

describe('what a learner reads', () => {
	it('the sequential downloads fail on time with the numbers from the run', () => {
		const exercise = exercises.find((e) => e.slug === 'three-downloads')!;
		const results = check(exercise.starter, exercise);
		expect(results.find((r) => r.id === 'max-duration')?.why).toBe(
			'took 6.00 s, must be at most 3.05 s'
		);
		expect(results.find((r) => r.id === 'min-overlap')?.why).toBe(
			'1 task awaiting sleep at a time, needs at least 3'
		);
	});

	it('the forgotten await points at the line that created the coroutine', () => {
		const exercise = exercises.find((e) => e.slug === 'forgotten-await')!;
		const line = exercise.starter.split('\n').findIndex((l) => l.trim() === 'fetch_data()') + 1;
		const result = check(exercise.starter, exercise).find((r) => r.id === 'no-never-awaited');
		expect(result?.why).toBe(`coroutine 'fetch_data' was never awaited (line ${line})`);
	});

	it('a comment naming the API does not satisfy "uses"', () => {
		const exercise = exercises.find((e) => e.slug === 'as-completed')!;
		const source = `# asyncio.as_completed would help\n${exercise.starter}`;
		const result = check(source, exercise).find((r) => r.id === 'uses');
		expect(result).toMatchObject({ passed: false, why: 'as_completed not found in the code' });
	});

	it('the time.sleep starter is caught blocking the loop', () => {
		const exercise = exercises.find((e) => e.slug === 'time-sleep-blocks')!;
		const result = check(exercise.starter, exercise).find((r) => r.id === 'no-blocking');
		expect(result?.why).toMatch(/^time\.sleep blocked the loop for 3\.00 s in all \(line \d+\)$/);
	});
});
