import { describe, expect, it } from 'vitest';
import type { RunModel } from '../../src/lib/engine/model';
import { outputItems, splitLineRefs } from '../../src/lib/ui/output-items';
import {
	escapeMarkdown,
	markersFromModel,
	toMonacoDecorations
} from '../../src/lib/editor/decorations';

function model(overrides: Partial<RunModel> = {}): RunModel {
	return {
		version: 1,
		python: '3.14.2',
		duration: 3,
		stdout: [],
		tasks: [],
		links: [],
		blocked: [],
		concurrency: [],
		warnings: [],
		notes: [],
		error: null,
		deadlock: null,
		limit: null,
		summary: {
			duration: 3,
			tasks: 0,
			peakConcurrency: 0,
			blockedTime: 0,
			awaitedTime: 0,
			overlap: 1
		},
		steps: 0,
		realMs: 1,
		droppedEvents: 0,
		...overrides
	};
}

describe('outputItems', () => {
	it('merges prints, warnings and notes in time order, keeping print order at one instant', () => {
		const items = outputItems(
			model({
				stdout: [
					{ t: 1, task: 2, taskName: 'Task-2', stream: 'stdout', text: 'a' },
					{ t: 1, task: 3, taskName: 'Task-3', stream: 'stdout', text: 'b' },
					{ t: 2, task: null, taskName: null, stream: 'stderr', text: 'c' }
				],
				warnings: [{ t: 1.5, category: 'RuntimeWarning', message: 'never awaited', line: 4 }],
				notes: [{ t: 0, code: 'get_event_loop_314', message: 'Python 3.14 changed', line: 9 }]
			})
		);
		expect(items.map((item) => item.kind)).toEqual(['note', 'print', 'print', 'warning', 'print']);
		expect(items[1]).toMatchObject({ text: 'a', task: 'Task-2', t: 1 });
		expect(items[2]).toMatchObject({ text: 'b', task: 'Task-3' });
		expect(items[4]).toMatchObject({ task: null, stream: 'stderr' });
	});

	it('ends with the error, the deadlock and the limit', () => {
		const items = outputItems(
			model({
				stdout: [{ t: 0, task: 1, taskName: 'main', stream: 'stdout', text: 'hi' }],
				error: { type: 'ValueError', message: 'bad', line: 7, traceback: 'Traceback...' },
				deadlock: {
					t: 2,
					stuck: [
						{
							task: 2,
							name: 'Task-2',
							waiting: 'Lock',
							awaiting: { kind: 'lock', label: 'Lock' },
							line: 5
						}
					]
				},
				limit: { limit: 'virtual_time', t: 3, message: 'Stopped at 3 s', line: 8 }
			})
		);
		expect(items.map((item) => item.kind)).toEqual(['print', 'error', 'deadlock', 'limit']);
		const deadlock = items[2];
		if (deadlock.kind !== 'deadlock') throw new Error('expected a deadlock');
		expect(deadlock.lines[0]).toMatch(/Deadlock/);
		expect(deadlock.lines.join('\n')).toMatch(/Task-2 waits on Lock \(line 5\)/);
	});

	it('reports dropped trace events', () => {
		expect(outputItems(model({ droppedEvents: 12 })).at(-1)).toMatchObject({
			kind: 'dropped',
			count: 12
		});
	});
});

describe('splitLineRefs', () => {
	it('turns each "line N" into a reference and keeps the rest as text', () => {
		const parts = splitLineRefs('  File "main.py", line 7, in main\nsee Line 12.');
		expect(parts).toEqual([
			{ text: '  File "main.py", ' },
			{ text: 'line 7', line: 7 },
			{ text: ', in main\nsee ' },
			{ text: 'Line 12', line: 12 },
			{ text: '.' }
		]);
	});

	it('leaves lines beyond the code as text', () => {
		expect(splitLineRefs('line 99', 10)).toEqual([{ text: 'line 99' }]);
	});

	it('returns the text whole when it has no reference', () => {
		expect(splitLineRefs('online 3 pipelines')).toEqual([{ text: 'online 3 pipelines' }]);
	});
});

describe('markersFromModel', () => {
	it('marks the exception line red and the never-awaited line amber', () => {
		const markers = markersFromModel(
			model({
				error: { type: 'ZeroDivisionError', message: 'division by zero', line: 3, traceback: '' },
				warnings: [
					{
						t: 1,
						category: 'RuntimeWarning',
						message: "coroutine 'work' was never awaited",
						line: 6
					}
				]
			})
		);
		expect(markers).toEqual([
			{ line: 3, severity: 'error', message: 'ZeroDivisionError: division by zero' },
			{
				line: 6,
				severity: 'warning',
				message: "RuntimeWarning: coroutine 'work' was never awaited"
			}
		]);
	});

	it('marks nothing without a run', () => {
		expect(markersFromModel(null)).toEqual([]);
	});
});

describe('toMonacoDecorations', () => {
	it('puts one glyph per line, the most severe winning, with every message in the hover', () => {
		const specs = toMonacoDecorations(
			[
				{ line: 2, severity: 'warning', message: 'w' },
				{ line: 2, severity: 'error', message: 'e' }
			],
			[],
			10
		);
		expect(specs).toHaveLength(1);
		expect(specs[0].options.glyphMarginClassName).toBe('pg-glyph pg-glyph-error');
		expect(specs[0].options.glyphMarginHoverMessage?.value).toBe('w\n\ne');
	});

	it('drops marks on lines the code no longer has', () => {
		expect(toMonacoDecorations([{ line: 20, severity: 'error', message: 'x' }], [15], 10)).toEqual(
			[]
		);
	});

	it('adds a highlight for each highlighted line', () => {
		const specs = toMonacoDecorations([], [3, 3, 4], 10);
		expect(specs.map((spec) => [spec.range.startLineNumber, spec.options.className])).toEqual([
			[3, 'pg-line-highlight'],
			[4, 'pg-line-highlight']
		]);
	});
});

describe('escapeMarkdown', () => {
	it('escapes HTML and Markdown so hover text shows literally', () => {
		const escaped = escapeMarkdown('<img src=x onerror=alert(1)> **bold** [a](http://x)');
		expect(escaped).not.toMatch(/(^|[^\\])</);
		expect(escaped).toContain('\\*\\*bold\\*\\*');
		expect(escaped).toContain('\\[a\\]\\(http://x\\)');
	});
});
