import { describe, expect, it } from 'vitest';
import { sameProgram } from '../../src/lib/examples/same-program';

const example = [
	'import asyncio',
	'',
	'async def say(n):',
	'    await asyncio.sleep(n)  # wait n seconds',
	'    print("hello", n)',
	'',
	'asyncio.run(say(1))',
	''
].join('\n');

describe('sameProgram', () => {
	it('ignores comments, blank lines and spacing', () => {
		const reflowed = [
			'# my notes',
			'import asyncio',
			'async def say( n ):',
			'    await asyncio.sleep(n)',
			'',
			'',
			'    print("hello",   n)   # prints',
			'asyncio.run(say(1))'
		].join('\n');
		expect(sameProgram(example, reflowed)).toBe(true);
	});

	it('sees a changed value, name or line as a different program', () => {
		expect(sameProgram(example, example.replace('say(1)', 'say(2)'))).toBe(false);
		expect(sameProgram(example, example.replace('print', 'pprint'))).toBe(false);
		expect(sameProgram(example, example + 'print("more")\n')).toBe(false);
		expect(sameProgram(example, 'x = 1\n')).toBe(false);
	});

	it('keeps what is inside strings: their spaces and their #s', () => {
		const a = 'print("a  # b")\n';
		expect(sameProgram(a, 'print("a # b")\n')).toBe(false);
		expect(sameProgram(a, 'print("a  # b")  # c\n')).toBe(true);
		expect(sameProgram("s = '''x\n#y'''\n", "s = '''x\n#z'''\n")).toBe(false);
		expect(sameProgram('s = "a\\"#"\n', 's = "a\\"#" # c\n')).toBe(true);
	});

	it('treats indentation that changes the block structure as a change', () => {
		const nested = 'if x:\n    a()\n    b()\n';
		const dedented = 'if x:\n    a()\nb()\n';
		expect(sameProgram(nested, dedented)).toBe(false);
	});
});
