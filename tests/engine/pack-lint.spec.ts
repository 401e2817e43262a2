/**
 * `asyncio-playground lint PACK` and `check PACK [EXERCISE] SOLUTION.py` on a teacher's own
 * files, on the real engine: a sound pack passes, and every mistake a pack can hold is reported
 * as `file:line: what is wrong` (one test per message), the same messages the page shows.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { PACK_LIMITS } from '../../src/lib/exercises/pack-files';

const directory = mkdtempSync(join(tmpdir(), 'pack-lint-'));
const fence = '```';

interface Parts {
	front?: string;
	instructions?: string;
	starter?: string;
	solution?: string;
	checks?: string;
	predict?: string | null;
	extra?: string;
}

const sleeper = (body: string) =>
	[
		'import asyncio',
		'',
		'async def say(word, seconds):',
		'    await asyncio.sleep(seconds)',
		'    print(word)',
		'',
		'async def main():',
		body,
		'',
		'asyncio.run(main())'
	].join('\n');

/** One exercise as a teacher writes it; each part can be replaced to make one mistake. */
function exercise(parts: Parts = {}): string {
	return [
		'---',
		parts.front ?? 'title: Two greetings\ntopic: Tasks',
		'---',
		parts.instructions ?? 'Print `hello` after one second and `world` after two, in 2 s in all.',
		'',
		`${fence}python starter`,
		parts.starter ?? sleeper('    await say("world", 2)\n    await say("hello", 1)'),
		fence,
		'',
		`${fence}python solution`,
		parts.solution ??
			sleeper(
				'    await asyncio.gather(\n' +
					'        asyncio.create_task(say("world", 2), name="world"),\n' +
					'        asyncio.create_task(say("hello", 1), name="hello"),\n' +
					'    )'
			),
		fence,
		'',
		`${fence}checks`,
		parts.checks ?? 'output-equals: "hello" "world"\nmax-duration: 2.05',
		fence,
		...(parts.predict === null
			? []
			: ['', `${fence}predict`, parts.predict ?? 'order: "hello" "world"\ntotal-time: 0.1', fence]),
		parts.extra ?? '',
		''
	].join('\n');
}

const header = (title = 'Workshop day 1') => `---\npack: ${title}\n---\n\n`;

/** The 1-based line of `where` in `text` (see the table below). */
function lineOf(text: string, where: number | string): number {
	const lines = text.split('\n');
	if (where === -1) return lines.findLastIndex((line) => /^```\S/.test(line)) + 1;
	if (where === -2)
		return lines.indexOf('title: Two greetings', lines.indexOf('title: Two greetings') + 1);
	if (typeof where === 'number') return where;
	return lines.findIndex((line) => line.includes(where)) + 1;
}

let written = 0;
function file(text: string | Uint8Array, name = 'pack.md'): string {
	const dir = join(directory, String(++written));
	mkdirSync(dir);
	const path = join(dir, name);
	writeFileSync(path, text);
	return path;
}

async function cli(...args: string[]) {
	const out: string[] = [];
	const err: string[] = [];
	const status = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
	return { status, out: out.join('\n'), err: err.join('\n') };
}

async function lintMessage(text: string | Uint8Array, name = 'pack.md'): Promise<string> {
	const { status, out, err } = await cli('lint', file(text, name));
	expect(status).toBe(1);
	return `${out}\n${err}`;
}

describe('asyncio-playground lint on a sound pack', () => {
	it('proves every exercise and exits 0', async () => {
		const text =
			header() +
			exercise() +
			'\n' +
			exercise({ front: 'title: Again\ntopic: Tasks\nslug: again', predict: null });
		const { status, out } = await cli('lint', file(text));
		expect(status).toBe(0);
		expect(out).toBe(
			'Workshop day 1: 2 exercises\n  ✓ two-greetings\n  ✓ again\nAll 2 exercises sound.'
		);
	});

	it('reads a zip of exercise files and a folder of them, the course itself included', async () => {
		const zip = zipSync({
			'week-1/01-greetings.md': strToU8(exercise()),
			'week-1/02-again.md': strToU8(exercise({ front: 'title: Again\ntopic: Tasks' })),
			'__MACOSX/week-1/._01-greetings.md': strToU8('resource fork'),
			'week-1/notes.txt': strToU8('not an exercise')
		});
		const zipped = await cli('lint', file(zip, 'week-1.zip'));
		expect(zipped.status).toBe(0);
		expect(zipped.out).toContain('week-1: 2 exercises\n  ✓ greetings\n  ✓ again');

		const course = await cli('lint', 'src/lib/exercises/content');
		expect(course.status).toBe(0);
		expect(course.out).toMatch(/^content: 18 exercises\n/);
		expect(course.out).toContain('All 18 exercises sound.');
	});
});

describe('asyncio-playground lint on a bad pack, one message each', () => {
	/**
	 * [what, the file, where the mistake is, the message]. Where: a line number, the first line
	 * holding a text, -1 for the block added at the end, -2 for the second exercise's front matter.
	 */
	const mistakes: [string, string, number | string, string][] = [
		['no front matter', 'Just some text', 1, 'an exercise starts with a "---" front-matter block'],
		[
			'a front-matter line that is not key: value',
			exercise({ front: 'title: T\ntopic: X\njust words' }),
			'just words',
			'expected "key: value", got "just words"'
		],
		[
			'an unknown front-matter key',
			exercise({ front: 'title: T\ntopic: X\nlevel: 2' }),
			'level: 2',
			'unknown front-matter key "level" (known: title, topic, slug)'
		],
		[
			'front matter never closed',
			'---\ntitle: T\ntopic: X\n',
			1,
			'the front-matter block is never closed with "---"'
		],
		[
			'a pack header without a title',
			'---\npack:\n---\n\n' + exercise(),
			1,
			'the pack header needs a title: "pack: ..."'
		],
		[
			'text after the pack header',
			'---\npack: P\n---\nWelcome!\n' + exercise(),
			'Welcome!',
			'after the pack header comes an exercise: "---", then "title: ..." and "topic: ..."'
		],
		['a pack header and nothing else', header(), 1, 'the pack holds no exercise after its header'],
		['a missing title', exercise({ front: 'topic: X' }), 1, 'the front matter needs "title: ..."'],
		[
			'a slug that is not a slug',
			exercise({ front: 'title: T\ntopic: X\nslug: Two Words' }),
			1,
			'the slug "Two Words" must be lowercase letters, digits and dashes, like "three-downloads"'
		],
		[
			'a block never closed',
			exercise({ predict: null }) + `${fence}hint\nunclosed\n`,
			'```hint',
			'the block opened here with ``` is never closed'
		],
		[
			'two checks blocks',
			exercise({ extra: `${fence}checks\nno-error\n${fence}` }),
			-1,
			'only one ```checks block is allowed'
		],
		[
			'two predict blocks',
			exercise({ extra: `${fence}predict\ntotal-time: 1\n${fence}` }),
			-1,
			'only one ```predict block is allowed'
		],
		[
			'a predict block with no question',
			exercise({ predict: '# nothing yet' }),
			'```predict',
			'the ```predict block asks no question'
		],
		[
			'one question asked twice',
			exercise({ predict: 'total-time: 1\ntotal-time: 2' }),
			'total-time: 2',
			'only one "total-time" question is allowed'
		],
		[
			'two starters',
			exercise({ extra: `${fence}python starter\nprint(1)\n${fence}` }),
			-1,
			'only one ```python starter block is allowed'
		],
		[
			'two solutions',
			exercise({ extra: `${fence}python solution\nprint(1)\n${fence}` }),
			-1,
			'only one ```python solution block is allowed'
		],
		[
			'no starter',
			exercise().replace('```python starter', '```python'),
			1,
			'missing a ```python starter block'
		],
		[
			'no solution',
			exercise().replace('```python solution', '```python'),
			1,
			'missing a ```python solution block'
		],
		['no checks', exercise({ checks: '' }), 1, 'missing a ```checks block'],
		['no instructions', exercise({ instructions: '' }), 1, 'the exercise has no instructions'],
		[
			'two exercises with one slug',
			header() + exercise() + '\n' + exercise(),
			-2,
			'the exercise at line 5 has the slug "two-greetings" too; give one a "slug: ..." line'
		],
		[
			'a checks line that is not name: arguments',
			exercise({ checks: 'Max Duration = 3' }),
			'Max Duration',
			'expected "check-name: arguments", got "Max Duration = 3"'
		],
		[
			'a predict line that is not name: arguments',
			exercise({ predict: 'Order = hello, world' }),
			'Order =',
			'expected "question: arguments", got "Order = hello, world"'
		],
		[
			'an unterminated string',
			exercise({ checks: 'output-equals: "hello' }),
			'output-equals',
			'unterminated string: "hello'
		],
		[
			'a string with a bad escape',
			exercise({ checks: 'output-equals: "a\\qb"' }),
			'output-equals',
			'bad string "a\\qb" (use JSON escapes such as \\" and \\\\)'
		],
		[
			'an unknown check',
			exercise({ checks: 'max-time: 3' }),
			'max-time',
			'unknown check "max-time" (known: max-duration,'
		],
		[
			'arguments to a check that takes none',
			exercise({ checks: 'no-error: please' }),
			'no-error: please',
			'no-error takes no arguments'
		],
		[
			'a check with the wrong arguments',
			exercise({ checks: 'max-duration: soon' }),
			'max-duration: soon',
			'expected "max-duration: SECONDS"'
		],
		[
			'an unknown await kind',
			exercise({ checks: 'min-overlap: 2 nap' }),
			'min-overlap',
			'unknown await kind "nap" (known: sleep,'
		],
		[
			'an unknown question',
			exercise({ predict: 'first-printed: "hello"' }),
			'first-printed',
			'unknown question "first-printed" (known: order, total-time, first-finisher)'
		],
		[
			'an order of one line',
			exercise({ predict: 'order: "hello"' }),
			'order:',
			'expected "order: "LINE" "LINE" ..." with at least two quoted lines'
		],
		[
			'a line listed twice',
			exercise({ predict: 'order: "hello" "hello"' }),
			'order:',
			'"hello" is listed twice'
		],
		[
			'a total time without a tolerance',
			exercise({ predict: 'total-time: soon' }),
			'total-time: soon',
			'expected "total-time: TOLERANCE", a number of seconds such as 0.1'
		],
		[
			'a first finisher with one choice',
			exercise({ predict: 'first-finisher: main' }),
			'first-finisher',
			'expected "first-finisher: NAME NAME ..." with at least two coroutine or task names'
		]
	];

	it.each(mistakes)('%s', async (_what, text, where, message) => {
		expect(await lintMessage(text)).toContain(`pack.md:${lineOf(text, where)}: ${message}`);
	});

	it('a duplicate slug across the files of a zip', async () => {
		const zip = zipSync({ 'a.md': strToU8(exercise()), 'b/a.md': strToU8(exercise()) });
		expect(await lintMessage(zip, 'twice.zip')).toContain(
			'b/a.md:1: the exercise at a.md:1 has the slug "a" too; give one a "slug: ..." line'
		);
	});

	it('a zip without exercise files', async () => {
		const zip = zipSync({ 'notes.txt': strToU8('hello') });
		expect(await lintMessage(zip, 'empty.zip')).toContain('empty.zip holds no exercise file (.md)');
	});

	it('a zip bomb', async () => {
		const zip = zipSync({ 'a.md': new Uint8Array(PACK_LIMITS.textBytes * 40) }, { level: 9 });
		expect(await lintMessage(zip, 'bomb.zip')).toContain(
			'bomb.zip unzips to more than 512 KB of text, so it was not opened'
		);
	});

	it('a file too large to be a pack', async () => {
		expect(await lintMessage('#'.repeat(PACK_LIMITS.inputBytes + 1))).toContain(
			'pack.md is larger than 1024 KB, too large for a pack'
		);
	});

	it('a file that is not UTF-8 text', async () => {
		expect(await lintMessage(new Uint8Array([0x2d, 0x2d, 0x2d, 0xff, 0xfe]))).toContain(
			'pack.md is not UTF-8 text'
		);
	});

	it('a solution that fails a check', async () => {
		const text = exercise({
			solution: sleeper('    await say("hello", 1)\n    await say("world", 2)')
		});
		expect(await lintMessage(text)).toContain(
			`pack.md:${lineOf(text, 'max-duration')}: the solution fails "finishes within 2.05 s": ` +
				'took 3.00 s, must be at most 2.05 s'
		);
	});

	it('a starter that already passes', async () => {
		const text = exercise({
			starter: sleeper('    await asyncio.gather(say("world", 2), say("hello", 1))')
		});
		expect(await lintMessage(text)).toContain(
			`pack.md:${lineOf(text, 'python starter')}: the starter already passes every check, ` +
				'so there is nothing to fix'
		);
	});

	it('a line to order that the starter never prints', async () => {
		const text = exercise({ predict: 'order: "hello" "goodbye"' });
		expect(await lintMessage(text)).toContain(
			`pack.md:${lineOf(text, 'order:')}: "goodbye" is never printed by the starter`
		);
	});

	it('a first finisher that names no task of the starter', async () => {
		const text = exercise({ predict: 'first-finisher: main say' });
		expect(await lintMessage(text)).toContain(
			`pack.md:${lineOf(text, 'first-finisher')}: "say" names no task of the starter's run ` +
				'(its tasks run main)'
		);
	});

	it('first-finisher choices of which none finishes', async () => {
		const starter =
			'import asyncio\n\nasync def wait_forever(event):\n    await event.wait()\n\n' +
			'async def main():\n    event = asyncio.Event()\n' +
			'    await asyncio.gather(wait_forever(event), wait_forever(event))\n\nasyncio.run(main())';
		const text = exercise({ starter, predict: 'first-finisher: main wait_forever' });
		expect(await lintMessage(text)).toContain(
			`pack.md:${lineOf(text, 'first-finisher')}: none of "main", "wait_forever" finishes ` +
				"in the starter's run"
		);
	});
});

describe('asyncio-playground check on a file path', () => {
	const pack = file(header() + exercise() + '\n' + exercise({ front: 'title: Again\ntopic: T' }));
	const solution = join(directory, 'solution.py');
	writeFileSync(solution, sleeper('    await asyncio.gather(say("world", 2), say("hello", 1))'));

	it('checks a solution against a named exercise of a pack', async () => {
		const { status, out } = await cli('check', pack, 'again', solution);
		expect(status).toBe(0);
		expect(out).toContain('Again (again)');
		expect(out).toContain('All 2 checks passed.');
	});

	it('takes the only exercise of a one-exercise file, and says why a check fails', async () => {
		const single = file(exercise(), '03-greetings.md');
		const starter = join(directory, 'starter.py');
		writeFileSync(starter, sleeper('    await say("world", 2)\n    await say("hello", 1)'));
		const { status, out } = await cli('check', single, starter);
		expect(status).toBe(1);
		expect(out).toContain('Two greetings (greetings)');
		expect(out).toContain('✗ finishes within 2.05 s: took 3.00 s, must be at most 2.05 s');
	});

	it('asks which exercise when the pack holds several, and names them', async () => {
		const { status, err } = await cli('check', pack, solution);
		expect(status).toBe(2);
		expect(err).toContain('holds 2 exercises; name one: two-greetings, again');
	});

	it("shows a pack's mistake as file:line", async () => {
		const text = exercise({ checks: 'max-time: 3' });
		const { status, err } = await cli('check', file(text), solution);
		expect(status).toBe(2);
		expect(err).toContain(`pack.md:${lineOf(text, 'max-time')}: unknown check "max-time"`);
	});
});
