import { describe, expect, it } from 'vitest';
import { parseExercise } from '../../src/lib/exercises/parse';
import { ExerciseProgress } from '../../src/lib/exercises/progress.svelte';
import { exerciseFromUrl, urlWithExercise } from '../../src/lib/exercises/link';
import { ExerciseCourse } from '../../src/lib/exercises/course.svelte';

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

describe('ExerciseCourse', () => {
	const exercises = [exercise('01-first.md'), exercise('02-second.md')];

	it('opens an exercise with its starter, knows where it is in the course, and closes', () => {
		const course = new ExerciseCourse(exercises, new ExerciseProgress(null));
		expect(course.open('first')).toBe('print("01-first.md starter")\n');
		expect(course.exercise?.slug).toBe('first');
		expect(course.position).toEqual({ index: 0, total: 2 });
		expect(course.next?.slug).toBe('second');
		course.open('second');
		expect(course.next).toBeNull();
		course.close();
		expect(course.exercise).toBeNull();
	});

	it("reopens an exercise with the learner's own code", () => {
		const progress = new ExerciseProgress(null);
		progress.saveCode('second', 'mine', exercises[1].starter);
		expect(new ExerciseCourse(exercises, progress).open('second')).toBe('mine');
	});

	it('ignores an unknown exercise', () => {
		const course = new ExerciseCourse(exercises, new ExerciseProgress(null));
		course.open('first');
		expect(course.open('nope')).toBeNull();
		expect(course.slug).toBe('first');
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
		const course = new ExerciseCourse(undefined, new ExerciseProgress(null));
		expect(course.exercises.length).toBeGreaterThanOrEqual(12);
		expect(course.open('three-downloads')).toContain('await download("a.txt", 1)');
	});
});
