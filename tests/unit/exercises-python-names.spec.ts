import { describe, expect, it } from 'vitest';
import { dottedReferences, refersTo } from '../../src/lib/exercises/python-names';

describe('dottedReferences', () => {
	it('joins dotted names and skips comments and every kind of string', () => {
		const source = [
			'import asyncio  # asyncio.gather in a comment',
			'x = "asyncio.gather" + \'time.sleep\' + f"{asyncio.wait}" + rb"create_task"',
			'"""asyncio.TaskGroup',
			'still a string"""',
			"y = '''as_completed'''",
			'await asyncio . sleep(1)',
			'loop = asyncio.get_event_loop().run_until_complete(main())',
			'n = 1.5 + obj.attr'
		].join('\n');
		expect(dottedReferences(source)).toEqual([
			'import',
			'asyncio',
			'x',
			'y',
			'await',
			'asyncio.sleep',
			'loop',
			'asyncio.get_event_loop',
			'run_until_complete',
			'main',
			'n',
			'obj.attr'
		]);
	});

	it('treats an escaped quote as part of the string', () => {
		expect(dottedReferences('s = "a \\" gather"; t.x')).toEqual(['s', 't.x']);
	});
});

describe('refersTo', () => {
	const refs = ['asyncio.gather', 'time.sleep', 'Semaphore'];

	it('matches a bare name against any dotted ending', () => {
		expect(refersTo(refs, 'gather')).toBe(true);
		expect(refersTo(refs, 'sleep')).toBe(true);
		expect(refersTo(refs, 'asyncio')).toBe(false);
	});

	it('matches a dotted name only against the same dotted ending', () => {
		expect(refersTo(refs, 'asyncio.gather')).toBe(true);
		expect(refersTo(refs, 'asyncio.sleep')).toBe(false);
		expect(refersTo(refs, 'asyncio.Semaphore')).toBe(false);
	});
});
