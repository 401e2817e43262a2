/**
 * Every exercise can be passed and is worth doing: its reference solution passes every check, its
 * starter fails at least one, and its prediction questions can be answered from the starter's
 * run, on real CPython (Pyodide) through the real analysis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/lib/engine/analyze';
import type { Engine } from '../../src/lib/engine/engine';
import { createNodeEngine } from '../../src/lib/engine/node-engine';
import { evaluateChecks } from '../../src/lib/exercises/checks';
import { lintExercise } from '../../src/lib/exercises/lint';
import { judgePredictions, questionsFor, type Answers } from '../../src/lib/exercises/predictions';
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
		it('is sound: the solution passes, the starter fails, its questions can be answered', () => {
			// The same proof `asyncio-playground lint` gives a teacher's pack.
			expect(lintExercise(exercise, (source) => analyzeRun(engine.run(source)))).toEqual([]);
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

describe('what a learner is told on revealing a prediction about a starter', () => {
	function reveal(slug: string, answers: Partial<Answers>) {
		const exercise = exercises.find((e) => e.slug === slug)!;
		const model = analyzeRun(engine.run(exercise.starter));
		const questions = questionsFor(exercise.predict, model);
		return judgePredictions(
			questions,
			{ order: null, seconds: null, finisher: null, ...answers },
			model
		);
	}

	it('a wrong order says which line comes first and why', () => {
		const [order, time] = reveal('three-downloads', {
			order: ['start b.txt', 'start c.txt', 'done a.txt', 'done b.txt'],
			seconds: 3
		});
		expect(order).toMatchObject({ right: false });
		expect(order.why).toBe(
			'you expected "start b.txt" before "done a.txt": both are printed at 1.00 s by ' +
				'Task-1 (main), "done a.txt" first in its code'
		);
		expect(time).toMatchObject({
			right: false,
			why: 'you said 3.00 s, it took 6.00 s: 6.00 s of waiting, one wait at a time'
		});
	});

	it('a right order and time say so, with the run as proof', () => {
		const [order, time] = reveal('time-sleep-blocks', {
			order: ['A starts', 'A done', 'B starts', 'B done'],
			seconds: 3.1
		});
		expect(order).toMatchObject({ right: true });
		expect(order.why).toMatch(/^printed in that order: "A starts" at 0 s, "A done" at 1.00 s/);
		expect(time).toMatchObject({
			right: true,
			why:
				'it took 3.00 s, you said 3.10 s: the loop was blocked for 3.00 s (time.sleep), ' +
				'so nothing else could run'
		});
	});

	it('the first finisher, and why the other never finished', () => {
		const [finisher] = reveal('event-signal', { finisher: 'runner' });
		expect(finisher).toMatchObject({
			right: false,
			why: '"referee" finished first, at 1.00 s; "runner" never finished'
		});
	});
});
