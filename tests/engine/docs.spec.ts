/**
 * Engine: every complete program of the official asyncio documentation (tests/engine/docs/*.py,
 * each with its source page) runs unchanged, with CPython's output and virtual timing.
 *
 * Each file starts with a header of comments that says what CPython does with it:
 *   # Expected output ...:        then one "#   line" per line of output, stdout and stderr in
 *                                 order ("#   ~regex" for a line that differs from run to run)
 *   # Expected output: nothing.   no output at all
 *   # Expected duration: 3        the virtual time at the end of the run, in seconds
 *   # Expected error: Type: msg   the uncaught exception's type and the start of its message
 *   # Expected deadlock: Task-1   the run ends with these tasks stuck ("none": no task at all)
 *   # Expected note: code         the run has a note with this code (what the playground says)
 * The header is not part of the program: the program runs from its first line after the header,
 * so its line numbers are the documentation's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, ofKind, type TraceEvent } from './engine-helpers';

const DOCS = fileURLToPath(new URL('./docs/', import.meta.url));

interface DocsProgram {
	file: string;
	source: string;
	url: string;
	output: string[] | null;
	duration: number | null;
	error: { type: string; message: string } | null;
	deadlock: string[] | null;
	notes: string[];
}

function readProgram(file: string): DocsProgram {
	const lines = readFileSync(`${DOCS}${file}`, 'utf8').split('\n');
	const start = lines.findIndex((line) => !line.startsWith('#'));
	const header = lines.slice(0, start);
	const program: DocsProgram = {
		file,
		source: lines.slice(start).join('\n'),
		url: '',
		output: null,
		duration: null,
		error: null,
		deadlock: null,
		notes: []
	};
	header.forEach((line, index) => {
		const [, key, value] = /^# ([A-Z][a-z ]+?)(?: \(.*\))?:\s*(.*)$/.exec(line) ?? [];
		if (key === 'Source') program.url = value;
		else if (key === 'Expected duration') program.duration = Number(value);
		else if (key === 'Expected note') program.notes.push(value);
		else if (key === 'Expected deadlock')
			program.deadlock = value === 'none' ? [] : value.split(/,\s*/);
		else if (key === 'Expected error') {
			const colon = value.indexOf(': ');
			program.error = { type: value.slice(0, colon), message: value.slice(colon + 2) };
		} else if (key === 'Expected output') {
			if (value.startsWith('nothing')) {
				program.output = [];
				return;
			}
			program.output = [];
			for (const next of header.slice(index + 1)) {
				if (!next.startsWith('#   ')) break;
				program.output.push(next.slice(4));
			}
		}
	});
	if (!program.url.startsWith('https://docs.python.org/3.14/')) {
		throw new Error(`${file}: no "# Source:" line with its page on docs.python.org/3.14`);
	}
	return program;
}

const programs = readdirSync(DOCS)
	.filter((file) => file.endsWith('.py'))
	.sort()
	.map(readProgram);

function lineMatches(expected: string, actual: string | undefined): boolean {
	if (actual === undefined) return false;
	if (expected.startsWith('~')) return new RegExp(`^${expected.slice(1)}$`).test(actual);
	return expected === actual;
}

/** The output, with each line that matches its `~regex` replaced by the pattern, to compare. */
function comparable(expected: string[], actual: string[]): string[] {
	return actual.map((line, index) =>
		expected[index]?.startsWith('~') && lineMatches(expected[index], line) ? expected[index] : line
	);
}

let engine: Engine;
const traces = new Map<string, TraceEvent[]>();

beforeAll(async () => {
	engine = await bootEngine();
	for (const program of programs) traces.set(program.file, engine.run(program.source));
});

describe('the documentation programs', () => {
	it('are all here: every page the issue names has its programs', () => {
		const pages = new Set(programs.map((program) => new URL(program.url).pathname));
		for (const page of [
			'asyncio-task',
			'asyncio-stream',
			'asyncio-sync',
			'asyncio-queue',
			'asyncio-eventloop',
			'asyncio-protocol',
			'asyncio-subprocess',
			'asyncio-runner',
			'asyncio-future',
			'asyncio-dev'
		]) {
			expect(pages).toContain(`/3.14/library/${page}.html`);
		}
		expect(pages).toContain('/3.14/howto/a-conceptual-overview-of-asyncio.html');
		expect(programs.length).toBeGreaterThanOrEqual(40);
	});

	for (const program of programs) {
		it(`${program.file}: as CPython runs it`, () => {
			const events = traces.get(program.file)!;
			const output = ofKind(events, 'output').map((event) => event.text);
			if (program.output !== null) {
				expect(comparable(program.output, output), 'output').toEqual(program.output);
			}
			const [error] = ofKind(events, 'error');
			if (program.error) {
				expect(error, 'error').toBeDefined();
				expect(error.type).toBe(program.error.type);
				expect(error.message.startsWith(program.error.message), error.message).toBe(true);
			} else {
				expect(error, 'no error').toBeUndefined();
			}
			const [deadlock] = ofKind(events, 'deadlock');
			if (program.deadlock) {
				expect(deadlock?.stuck.map((task) => task.name)).toEqual(program.deadlock);
			} else {
				expect(deadlock, 'no deadlock').toBeUndefined();
			}
			expect(ofKind(events, 'limit'), 'no limit').toEqual([]);
			const notes = ofKind(events, 'note').map((note) => note.code);
			for (const code of program.notes) expect(notes).toContain(code);
			if (program.duration !== null) expect(events.at(-1)!.t).toBeCloseTo(program.duration, 2);
		});
	}

	it("queue_workers.py: the time the program measures is the run's own virtual time", () => {
		const events = traces.get('queue_workers.py')!;
		const output = ofKind(events, 'output').map((event) => event.text);
		const slept = output
			.filter((line) => line.includes('has slept for'))
			.map((line) => Number(/for (\d+\.\d\d)/.exec(line)![1]));
		const parallel = Number(/for (\d+\.\d\d) seconds/.exec(output.at(-2)!)![1]);
		const total = Number(/time: (\d+\.\d\d) seconds/.exec(output.at(-1)!)![1]);
		expect(events.at(-1)!.t).toBeCloseTo(parallel, 1);
		expect(slept.reduce((sum, seconds) => sum + seconds, 0)).toBeCloseTo(total, 0);
		// Three workers share the twenty sleeps: the run takes at least a third of their sum.
		expect(parallel).toBeGreaterThanOrEqual(total / 3 - 0.01);
	});

	it('howto_custom_async_sleep.py: polling the clock ends within 1% of 3 s', () => {
		const events = traces.get('howto_custom_async_sleep.py')!;
		const end = events.at(-1)!.t;
		expect(end).toBeGreaterThanOrEqual(3);
		expect(end).toBeLessThan(3.03);
	});
});
