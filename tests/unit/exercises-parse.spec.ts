import { describe, expect, it } from 'vitest';
import { parseCheckArgs, parseExercise, slugFromFilename } from '../../src/lib/exercises/parse';
import { readExercises, resolveExercise } from '../../src/lib/exercises/read-exercises';

const fence = '```';
const file = (parts: { front?: string; body?: string; checks?: string } = {}) =>
	[
		'---',
		parts.front ?? 'title: Three downloads\ntopic: Several tasks at once',
		'---',
		'',
		parts.body ?? 'Make them *concurrent*.',
		'',
		`${fence}python`,
		'print("an example, part of the instructions")',
		fence,
		'',
		`${fence}hint`,
		'Use `gather`.',
		fence,
		`${fence}hint`,
		'Really, `asyncio.gather`.',
		fence,
		`${fence}python starter`,
		'print(1)',
		fence,
		`${fence}python solution`,
		'print(2)',
		'',
		fence,
		`${fence}checks`,
		parts.checks ?? '# a comment\nmax-duration: 3.1\n\noutput-equals: "a \\"b\\"" "c"\nno-error',
		fence,
		''
	].join('\n');

describe('parseExercise', () => {
	it('reads the front matter, instructions, hints, code and checks', () => {
		const exercise = parseExercise('content/04-three-downloads.md', file());
		expect(exercise.slug).toBe('three-downloads');
		expect(exercise.file).toBe('04-three-downloads.md');
		expect(exercise.title).toBe('Three downloads');
		expect(exercise.topic).toBe('Several tasks at once');
		expect(exercise.instructions).toBe(
			`Make them *concurrent*.\n\n${fence}python\nprint("an example, part of the instructions")\n${fence}`
		);
		expect(exercise.hints).toEqual(['Use `gather`.', 'Really, `asyncio.gather`.']);
		expect(exercise.starter).toBe('print(1)\n');
		expect(exercise.solution).toBe('print(2)\n');
		expect(exercise.checks).toEqual([
			{ id: 'max-duration', args: [{ kind: 'number', value: 3.1 }], line: 27 },
			{
				id: 'output-equals',
				args: [
					{ kind: 'string', value: 'a "b"' },
					{ kind: 'string', value: 'c' }
				],
				line: 29
			},
			{ id: 'no-error', args: [], line: 30 }
		]);
	});

	it('accepts quoted front-matter values and Windows line endings', () => {
		const text = file({ front: 'title: "Timeouts: give up"\ntopic: Timeouts' }).replace(
			/\n/g,
			'\r\n'
		);
		expect(parseExercise('13-timeout.md', text).title).toBe('Timeouts: give up');
	});

	it('names the file and line of a mistake', () => {
		expect(() => parseExercise('x.md', file({ checks: 'max-duration: soon' }))).toThrow(
			'x.md:26: expected "max-duration: SECONDS"'
		);
		expect(() => parseExercise('x.md', file({ checks: 'max-time: 3' }))).toThrow(
			/x\.md:26: unknown check "max-time"/
		);
		expect(() => parseExercise('x.md', file({ front: 'title: T\ntopic: X\nlevel: 1' }))).toThrow(
			'x.md:4: unknown front-matter key "level"'
		);
		expect(() => parseExercise('x.md', file({ front: 'title: T' }))).toThrow(
			'the front matter needs "topic: ..."'
		);
		expect(() => parseExercise('x.md', file().replace('```python solution', '```python'))).toThrow(
			'missing a ```python solution block'
		);
		expect(() => parseExercise('x.md', 'no front matter')).toThrow('x.md:1:');
		expect(() => parseExercise('x.md', file({ checks: 'output-equals: "open' }))).toThrow(
			'x.md:26: unterminated string'
		);
	});

	it('rejects a block that is never closed', () => {
		const text = file().replace(/```\n$/, '');
		expect(() => parseExercise('x.md', text)).toThrow(
			'x.md:25: the block opened here with ``` is never closed'
		);
	});
});

describe('slugs and arguments', () => {
	it('drops the number and extension from the file name', () => {
		expect(slugFromFilename('content/12-semaphore-limit.md')).toBe('semaphore-limit');
		expect(slugFromFilename('semaphore.md')).toBe('semaphore');
	});

	it('splits numbers, words and JSON strings', () => {
		expect(parseCheckArgs('2 sleep "a b" -1.5')).toEqual([
			{ kind: 'number', value: 2 },
			{ kind: 'word', value: 'sleep' },
			{ kind: 'string', value: 'a b' },
			{ kind: 'number', value: -1.5 }
		]);
		expect(parseCheckArgs('"tab\\there"')).toEqual([{ kind: 'string', value: 'tab\there' }]);
	});
});

describe('the exercise content folder', () => {
	const exercises = readExercises();

	it('holds at least twelve exercises with unique slugs, each with hints', () => {
		expect(exercises.length).toBeGreaterThanOrEqual(12);
		expect(new Set(exercises.map((e) => e.slug)).size).toBe(exercises.length);
		for (const exercise of exercises) expect(exercise.hints.length).toBeGreaterThan(0);
	});

	it('resolves an exercise by slug, file name, number or path', () => {
		const first = exercises[0];
		expect(resolveExercise(first.slug)?.file).toBe(first.file);
		expect(resolveExercise(first.file)?.slug).toBe(first.slug);
		expect(resolveExercise('1')?.slug).toBe(first.slug);
		expect(resolveExercise(`src/lib/exercises/content/${first.file}`)?.slug).toBe(first.slug);
		expect(resolveExercise('no-such-exercise')).toBeNull();
	});
});
