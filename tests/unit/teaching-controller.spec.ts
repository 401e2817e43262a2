import { describe, expect, it } from 'vitest';
import { parseExercise } from '../../src/lib/exercises/parse';
import { ExerciseProgress } from '../../src/lib/teaching/progress.svelte';
import { exerciseFromUrl, urlWithExercise } from '../../src/lib/teaching/link';
import { Teaching } from '../../src/lib/teaching/teaching.svelte';

const fence = '```';
const exercise = (name: string) =>
	parseExercise(
		name,
		[
			'---',
			`title: ${name}`,
			'topic: t',
			'---',
			'Do it.',
			`${fence}python starter`,
			`print("${name} starter")`,
			fence,
			`${fence}python solution`,
			'print(1)',
			fence,
			`${fence}checks`,
			'no-error',
			fence
		].join('\n')
	);

describe('Teaching', () => {
	const exercises = [exercise('01-first.md'), exercise('02-second.md')];

	it('opens an exercise with its starter, knows where it is in the course, and closes', () => {
		const teaching = new Teaching(exercises, new ExerciseProgress(null));
		expect(teaching.open('first')).toBe('print("01-first.md starter")\n');
		expect(teaching.exercise?.slug).toBe('first');
		expect(teaching.position).toEqual({ index: 0, total: 2 });
		expect(teaching.next?.slug).toBe('second');
		teaching.open('second');
		expect(teaching.next).toBeNull();
		teaching.close();
		expect(teaching.exercise).toBeNull();
	});

	it("reopens an exercise with the learner's own code", () => {
		const progress = new ExerciseProgress(null);
		progress.saveCode('second', 'mine', exercises[1].starter);
		expect(new Teaching(exercises, progress).open('second')).toBe('mine');
	});

	it('ignores an unknown exercise', () => {
		const teaching = new Teaching(exercises, new ExerciseProgress(null));
		teaching.open('first');
		expect(teaching.open('nope')).toBeNull();
		expect(teaching.slug).toBe('first');
	});

	it('reads and writes the link that opens an exercise', () => {
		expect(exerciseFromUrl('https://x.org/?exercise=timeout')).toBe('timeout');
		expect(exerciseFromUrl('https://x.org/')).toBeNull();
		expect(exerciseFromUrl('https://x.org/?exercise=')).toBeNull();
		expect(urlWithExercise('https://x.org/?a=1#code=z', 'timeout')).toBe(
			'https://x.org/?a=1&exercise=timeout#code=z'
		);
		expect(urlWithExercise('https://x.org/?exercise=timeout', null)).toBe('https://x.org/');
	});

	it('loads the bundled exercises through Vite by default', () => {
		const teaching = new Teaching(undefined, new ExerciseProgress(null));
		expect(teaching.exercises.length).toBeGreaterThanOrEqual(12);
		expect(teaching.open('three-downloads')).toContain('await download("a.txt", 1)');
	});
});
