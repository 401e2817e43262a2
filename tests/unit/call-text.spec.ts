/**
 * A lane reads like the code that made its task: `Task-3 say_after(2, 'world')`, in at most
 * about 40 characters, long values cut with an ellipsis first, the full call kept for the
 * details panel and the tooltip.
 */
import { describe, expect, it } from 'vitest';
import { LANE_CHARS, callText, fitCall, laneParts, laneText } from '../../src/lib/engine/call-text';
import { renderTimelineSvg } from '../../src/lib/timeline/svg';
import { gatherThree } from './timeline/fixtures';
import { nodeDocument } from './timeline/snapshot';

function task(coro: string, args: string[] | null, name = 'Task-3') {
	return { name, coro, arguments: args };
}

const chars = (text: string) => Array.from(text).length;

describe('callText', () => {
	it('writes the call as the code did', () => {
		expect(callText(task('say_after', ['2', "'world'"]))).toBe("say_after(2, 'world')");
	});

	it('writes a call without arguments with empty parentheses', () => {
		expect(callText(task('main', []))).toBe('main()');
	});

	it('writes only the name of an awaitable that no function call made', () => {
		expect(callText(task('Countdown', null))).toBe('Countdown');
	});
});

describe('laneText', () => {
	it('keeps a short call whole', () => {
		expect(laneText(task('say_after', ['2', "'world'"]))).toBe("Task-3 say_after(2, 'world')");
	});

	it('cuts a long string argument, keeping its closing quote', () => {
		const text = laneText(task('fetch', [`'https://example.com/${'a'.repeat(40)}'`, '3']));
		expect(chars(text)).toBeLessThanOrEqual(LANE_CHARS);
		expect(text).toBe("Task-3 fetch('https://example.com/…', 3)");
	});

	it('cuts nested calls and containers like any argument', () => {
		const text = laneText(
			task('process', ["{'a': [1, 2], 'b': {'c': 3}}", '<coroutine fetch>', '[[1, 2], [3, 4]]'])
		);
		expect(chars(text)).toBeLessThanOrEqual(LANE_CHARS);
		expect(text.startsWith('Task-3 process(')).toBe(true);
		expect(text.endsWith(')')).toBe(true);
		expect(text).toContain('…');
	});

	it('shows a lambda argument by name', () => {
		expect(laneText(task('retry', ['<lambda>', 'tries=3']))).toBe(
			'Task-3 retry(<lambda>, tries=3)'
		);
	});

	it('counts non-ASCII text in characters and never splits an emoji', () => {
		const text = laneText(task('greet', [`'${'👋'.repeat(30)}'`]));
		expect(chars(text)).toBeLessThanOrEqual(LANE_CHARS);
		expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
		expect(text).toMatch(/^Task-3 greet\('(?:👋)+…'\)$/u);
		expect(laneText(task('grüße', ["'héllo'"]))).toBe("Task-3 grüße('héllo')");
	});

	it('gives way to "…" for the last arguments when there are too many', () => {
		const args = Array.from({ length: 12 }, (_, i) => String(1000 + i));
		const text = laneText(task('many', args));
		expect(chars(text)).toBeLessThanOrEqual(LANE_CHARS);
		expect(text).toMatch(/^Task-3 many\(1000, 1001, .*…\)$/);
	});

	it('names a coroutine that is not from a function without parentheses', () => {
		expect(laneText(task('Countdown', null))).toBe('Task-3 Countdown');
	});

	it('cuts a coroutine name over 40 characters', () => {
		const coro = 'Outer.<locals>.a_really_long_coroutine_name_for_a_lane';
		const text = laneText(task(coro, ['1']));
		expect(chars(text)).toBe(LANE_CHARS);
		expect(text.startsWith('Task-3 Outer.<locals>.a_really')).toBe(true);
		expect(text.endsWith('…')).toBe(true);
	});

	it('cuts a task name over 40 characters, and then has no room for the call', () => {
		const name = 'worker-for-the-very-long-queue-of-downloads-number-7';
		const parts = laneParts(task('worker', ['7'], name));
		expect(parts.call).toBe('');
		expect(chars(parts.name)).toBe(LANE_CHARS);
		expect(parts.name.endsWith('…')).toBe(true);
	});
});

describe('fitCall', () => {
	it('cuts every argument to one cap before dropping any', () => {
		expect(fitCall(task('f', ["'abcdefghijklmnopqrstuvwxyz'", '12345']), 24)).toBe(
			"f('abcdefghijk…', 12345)"
		);
	});

	it('keeps a call that fits exactly', () => {
		expect(fitCall(task('f', ['1', '2']), 7)).toBe('f(1, 2)');
	});
});

/** The text of every <text> in the lanes of an SVG, as a reader sees it. */
function laneLabels(svg: string): string[] {
	const lanes = /<g class="tl-lanes">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
	const entities: Record<string, string> = {
		'&amp;': '&',
		'&lt;': '<',
		'&gt;': '>',
		'&quot;': '"',
		'&apos;': "'",
		'&#39;': "'"
	};
	return [...lanes.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((match) =>
		match[1].replace(/<[^>]+>/g, '').replace(/&[#\w]+;/g, (entity) => entities[entity] ?? entity)
	);
}

describe('the chart’s lane labels', () => {
	it('show the whole short call: the label column grows to it', () => {
		const model = gatherThree();
		model.tasks = model.tasks.map((task) =>
			task.coro === 'say'
				? { ...task, coro: 'say_after', arguments: [String(task.id - 1), "'world'"] }
				: task
		);
		const labels = laneLabels(renderTimelineSvg(model, nodeDocument(), { width: 800 }));
		expect(labels).toContain("Task-3 say_after(2, 'world')");
	});

	it('cut a long call to about 40 characters', () => {
		const model = gatherThree();
		model.tasks[2] = { ...model.tasks[2], arguments: [`'${'x'.repeat(80)}'`] };
		const labels = laneLabels(renderTimelineSvg(model, nodeDocument(), { width: 1200 }));
		const label = labels.find((text) => text.startsWith('Task-3'))!;
		expect(chars(label)).toBeLessThanOrEqual(LANE_CHARS);
		expect(label).toMatch(/^Task-3 say\('x+…'\)$/);
	});
});
