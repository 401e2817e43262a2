import { describe, expect, it } from 'vitest';
import { exampleBySlug, examples, firstExample, parseExample } from '../../src/lib/examples';
import { readExamples } from '../../src/lib/examples/read-examples';

describe('examples', () => {
	it('are all there, in slug order, each with a title, topic and notice', () => {
		expect(examples.length).toBeGreaterThanOrEqual(25);
		const slugs = examples.map((example) => example.slug);
		expect(slugs).toEqual([...slugs].sort());
		for (const example of examples) {
			expect(example.slug).toMatch(/^\d\d-[a-z0-9-]+$/);
			expect(example.title.length, example.slug).toBeGreaterThan(5);
			expect(example.topic.length, example.slug).toBeGreaterThan(3);
			expect(example.notice.length, example.slug).toBeGreaterThan(40);
			expect(example.code, example.slug).toMatch(/\S/);
			expect(example.code.startsWith('#'), `${example.slug} still has its header`).toBe(false);
		}
	});

	it('have unique numbers and titles', () => {
		const numbers = examples.map((example) => example.slug.slice(0, 2));
		expect(new Set(numbers).size).toBe(numbers.length);
		expect(new Set(examples.map((e) => e.title)).size).toBe(examples.length);
	});

	it('open with gather versus one by one', () => {
		expect(firstExample.slug).toBe('01-gather');
		expect(firstExample.code).toContain('asyncio.gather(');
		expect(firstExample.compare).toBe('02-one-by-one');
	});

	it('compare only with examples that exist', () => {
		for (const example of examples) {
			if (example.compare) expect(exampleBySlug(example.compare), example.slug).toBeDefined();
		}
	});

	it('pair up the contrasts both ways', () => {
		const pairs = [
			['01-gather', '02-one-by-one'],
			['10-coroutine-waits', '11-task-starts-now'],
			['12-create-task-loop', '13-gather-results'],
			['22-race-without-lock', '23-lock'],
			['26-blocking-sleep', '27-non-blocking-sleep']
		];
		for (const [a, b] of pairs) {
			expect(exampleBySlug(a)?.compare).toBe(b);
			expect(exampleBySlug(b)?.compare).toBe(a);
		}
	});

	it('read from disk in Node exactly as Vite bundles them', () => {
		expect(readExamples()).toEqual(examples);
	});
});

describe('parseExample', () => {
	const header = ['# ---', '# title: T', '# topic: Top', '# notice: N', '# ---'];

	it('strips the header and the blank lines after it, so line 1 is the first line of code', () => {
		const example = parseExample('./05-x.py', [...header, '', 'import asyncio', ''].join('\n'));
		expect(example).toEqual({
			slug: '05-x',
			title: 'T',
			topic: 'Top',
			notice: 'N',
			code: 'import asyncio\n'
		});
	});

	it('reads an optional compare and Windows line endings', () => {
		const text = [
			'# ---',
			'# title: T',
			'# topic: Top',
			'# notice: N',
			'# compare: 01-a',
			'# ---',
			'pass'
		].join('\r\n');
		expect(parseExample('02-b.py', text).compare).toBe('01-a');
	});

	it('names the file and the problem when the header is wrong', () => {
		expect(() => parseExample('03-c.py', 'import asyncio')).toThrow(/03-c: the file must start/);
		expect(() => parseExample('03-c.py', '# ---\n# title: T\n')).toThrow(/no closing/);
		expect(() => parseExample('03-c.py', '# ---\n# title: T\n# topic: x\n# ---\n')).toThrow(
			/needs a "notice"/
		);
		expect(() =>
			parseExample('03-c.py', [...header.slice(0, 4), '# colour: red', '# ---'].join('\n'))
		).toThrow(/unknown header field "colour"/);
	});
});
