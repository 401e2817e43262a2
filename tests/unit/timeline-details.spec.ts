/**
 * The details panel's words (details.ts) and the measured range's read-out (range.ts), from a
 * run model: what a click or Enter on the chart, or a Shift+drag, tells the learner.
 */
import { describe, expect, it } from 'vitest';
import type { RunModel } from '../../src/lib/engine/model';
import { rowText, taskDetails, type TaskDetails } from '../../src/lib/timeline/details';
import { rangeReadout } from '../../src/lib/timeline/range';
import { blockingSleep, gatherThree, taskGroupFailure } from './timeline/fixtures';

/** gatherThree, its tasks called as the course writes them: main(), say(1), say(2), say(3). */
function gatherWithCalls(): RunModel {
	const model = gatherThree();
	return {
		...model,
		tasks: model.tasks.map((task) => ({
			...task,
			arguments: task.coro === 'say' ? [String(task.id - 1)] : []
		}))
	};
}

/** The rows as "name: text", the way a reader meets them. */
function read(details: TaskDetails | null): string[] {
	expect(details).not.toBeNull();
	return details!.rows.map((row) => `${row.name}: ${rowText(row)}`);
}

describe('taskDetails', () => {
	it('names the task, its call and parent, and what the chosen segment awaited, when and where', () => {
		const details = taskDetails(gatherWithCalls(), { task: 3, segment: 1 });
		expect(details?.title).toBe('Task-3 say(2)');
		expect(details?.heading).toBe('Waiting on sleep(2)');
		expect(read(details)).toEqual([
			'Call: say(2)',
			'Parent: Task-1 main()',
			'Created: at 0 s, line 9',
			'When: 0 s → 2.00 s (2.00 s)',
			'Where: line 5',
			'Woken by: its timer, at 2.00 s',
			'Ended: returned at 2.00 s',
			'Result: None'
		]);
	});

	it('names the tasks a gather waited on, and who woke it when the wake-ups are known', () => {
		const wakes = [{ from: 4, fromT: 3, to: 1, toT: 3, line: 6 }];
		const details = taskDetails(gatherWithCalls(), { task: 1, segment: 1 }, wakes);
		const rows = read(details);
		expect(rows).toContain('Parent: none: created outside any task');
		expect(rows).toContain('Waited on: Task-2 say(1); Task-3 say(2); Task-4 say(3)');
		expect(rows).toContain('Woken by: Task-4 say(3) at 3.00 s, line 6');
		// The line is a part of its own, which the panel makes a button.
		const woken = details!.rows.find((row) => row.name === 'Woken by');
		expect(woken?.parts).toContainEqual({ line: 6 });
	});

	it('gives a lane (no segment) the task alone, with how it ended', () => {
		const details = taskDetails(gatherWithCalls(), { task: 2, segment: null });
		expect(details?.heading).toBeNull();
		expect(read(details)).toEqual([
			'Call: say(1)',
			'Parent: Task-1 main()',
			'Created: at 0 s, line 9',
			'Ended: returned at 1.00 s',
			'Result: None'
		]);
	});

	it('gives the exception of a task that raised', () => {
		const model = taskGroupFailure();
		const raised = model.tasks.find((task) => task.state === 'raised')!;
		const rows = read(taskDetails(model, { task: raised.id, segment: null }));
		expect(rows.some((row) => /^Ended: raised at /.test(row))).toBe(true);
		expect(rows).toContain(`Exception: ${raised.exception!.type}: ${raised.exception!.message}`);
	});

	it('walks the chain of awaits outermost first, each frame with its line', () => {
		const model = gatherWithCalls();
		model.tasks[2].segments[1] = {
			...model.tasks[2].segments[1],
			chain: [
				{ fn: 'say', line: 5 },
				{ fn: 'pause', line: 2 }
			]
		};
		const details = taskDetails(model, { task: 3, segment: 1 });
		const chain = details!.rows.find((row) => row.name === 'Await chain')!;
		expect(rowText(chain)).toBe('say, line 5 → pause, line 2');
		expect(chain.parts.filter((part) => 'line' in part)).toEqual([{ line: 5 }, { line: 2 }]);
	});

	it('says a blocking segment blocked the loop', () => {
		const model = blockingSleep();
		const task = model.tasks[1];
		const details = taskDetails(model, { task: task.id, segment: 1 });
		expect(details?.heading).toBe('Blocking the loop in time.sleep(2)');
	});

	it('keeps the program’s own strings as text, even one that reads "line 5"', () => {
		const model = gatherWithCalls();
		model.tasks[1] = { ...model.tasks[1], result: "'see line 5'" };
		const result = taskDetails(model, { task: 2, segment: null })!.rows.find(
			(row) => row.name === 'Result'
		)!;
		expect(result.parts).toEqual([{ text: "'see line 5'" }]);
	});

	it('is null for a task or segment the run does not have', () => {
		expect(taskDetails(gatherWithCalls(), { task: 99, segment: null })).toBeNull();
		expect(taskDetails(gatherWithCalls(), { task: 2, segment: 40 })).toBeNull();
	});
});

describe('rangeReadout', () => {
	it('reads the duration and the tasks busy, running or waiting, in the range', () => {
		// gather-three: main waits 0–3 s; say(1), say(2), say(3) sleep and print at 1, 2, 3 s.
		const readout = rangeReadout(gatherThree(), 1, 2.5);
		expect(readout.text).toBe('1.00 s → 2.50 s: 1.50 s, 4 tasks busy (2 running)');
	});

	it('takes the two ends in either order', () => {
		expect(rangeReadout(gatherThree(), 2.5, 1).text).toBe(rangeReadout(gatherThree(), 1, 2.5).text);
	});

	it('does not count a task that ended as the range began, without a step in it', () => {
		// Inside the sleeps: only waiting tasks, none of them running.
		const readout = rangeReadout(gatherThree(), 1.2, 1.8);
		expect(readout).toMatchObject({ busy: 3, running: 0 });
		expect(readout.text).toBe('1.20 s → 1.80 s: 600 ms, 3 tasks busy (0 running)');
	});

	it('counts a task blocking the loop as running', () => {
		const readout = rangeReadout(blockingSleep(), 0.5, 1);
		expect(readout.running).toBeGreaterThanOrEqual(1);
	});
});
