import { describe, expect, it } from 'vitest';
import {
	changeLine,
	comparisonLine,
	deadlockLines,
	formatOutputLine,
	formatRatio,
	formatSeconds,
	plural,
	stoppedAtLine,
	summaryLine
} from '../../src/lib/engine/format';
import { MODEL_VERSION, type RunModel, type RunSummary } from '../../src/lib/engine/model';

function modelWith(summary: Partial<RunSummary>): RunModel {
	const full: RunSummary = {
		duration: 0,
		tasks: 0,
		peakConcurrency: 0,
		blockedTime: 0,
		awaitedTime: 0,
		overlap: 1,
		...summary
	};
	return {
		version: MODEL_VERSION,
		python: '3.14.2',
		duration: full.duration,
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
		summary: full,
		steps: 0,
		realMs: 0,
		droppedEvents: 0
	};
}

describe('formatSeconds', () => {
	it('keeps about three significant digits, in the unit that needs no leading zeros', () => {
		expect(formatSeconds(3)).toBe('3.00 s');
		expect(formatSeconds(12.5)).toBe('12.50 s');
		expect(formatSeconds(3600)).toBe('3600 s');
		expect(formatSeconds(0.25)).toBe('250 ms');
		expect(formatSeconds(0.125)).toBe('125 ms');
		expect(formatSeconds(0.0125)).toBe('12.5 ms');
		expect(formatSeconds(0.004)).toBe('4.0 ms');
		expect(formatSeconds(0.0000125)).toBe('12.5 µs');
		expect(formatSeconds(0.1 + 0.2)).toBe('300 ms');
	});

	it('changes unit by the rounded value, so no "1000 ms" or "100.00 s"', () => {
		expect(formatSeconds(0.9996)).toBe('1.00 s');
		expect(formatSeconds(99.996)).toBe('100 s');
		expect(formatSeconds(0.09996)).toBe('100 ms');
		expect(formatSeconds(0.00099996)).toBe('1.0 ms');
	});

	it('writes zero as "0 s", and never a negative zero', () => {
		expect(formatSeconds(0)).toBe('0 s');
		expect(formatSeconds(-0)).toBe('0 s');
		expect(formatSeconds(-1e-12)).toBe('0 s');
		expect(formatSeconds(-0.5)).toBe('-500 ms');
	});
});

describe('formatRatio', () => {
	it('shows one decimal and a times sign', () => {
		expect(formatRatio(2)).toBe('2.0×');
		expect(formatRatio(6 / 3.5)).toBe('1.7×');
	});

	it('shows a dash for a ratio that cannot be computed', () => {
		expect(formatRatio(Infinity)).toBe('–');
		expect(formatRatio(NaN)).toBe('–');
	});
});

describe('summaryLine', () => {
	it('reads the gather of three at a glance', () => {
		const model = modelWith({
			duration: 3,
			tasks: 4,
			peakConcurrency: 3,
			awaitedTime: 6,
			overlap: 2
		});
		expect(summaryLine(model)).toBe(
			'total 3.00 s · 4 tasks · up to 3 at once · slept 6.00 s in all (2.0× overlap) · loop blocked 0 s'
		);
	});

	it('leaves the overlap out when nothing slept, and says one task in the singular', () => {
		const model = modelWith({ duration: 2, tasks: 1, peakConcurrency: 1, blockedTime: 2 });
		expect(summaryLine(model)).toBe(
			'total 2.00 s · 1 task · up to 1 at once · loop blocked 2.00 s'
		);
	});
});

describe('summaryLine without tasks', () => {
	it('leaves out "at once" when no task ran', () => {
		expect(summaryLine(modelWith({ duration: 0 }))).toBe('total 0 s · 0 tasks · loop blocked 0 s');
	});
});

describe('comparisonLine', () => {
	it('says how much faster the second run is', () => {
		const sequential = { name: 'sequential', model: modelWith({ duration: 6 }) };
		const gather = { name: 'gather', model: modelWith({ duration: 3 }) };
		expect(comparisonLine(sequential, gather)).toBe(
			'sequential 6.00 s → gather 3.00 s, 2.0× faster'
		);
		expect(comparisonLine(gather, sequential)).toBe(
			'gather 3.00 s → sequential 6.00 s, 2.0× slower'
		);
		expect(comparisonLine(gather, gather)).toBe('gather 3.00 s → gather 3.00 s');
	});
});

describe('changeLine', () => {
	it('says how much faster the new run is, with both totals', () => {
		expect(changeLine(3, 2)).toBe('1.00 s faster than the previous run (3.00 s → 2.00 s)');
	});
	it('says how much slower', () => {
		expect(changeLine(2, 3)).toBe('1.00 s slower than the previous run (2.00 s → 3.00 s)');
	});
	it('says "same time" when the totals are equal', () => {
		expect(changeLine(2, 2)).toBe('same time as the previous run (2.00 s)');
	});
	it('says "same time" when the totals only differ below what they show', () => {
		expect(changeLine(2, 2.0001)).toBe('same time as the previous run (2.00 s)');
	});
	it('keeps small differences in their own unit', () => {
		expect(changeLine(0.25, 0.1)).toBe('150 ms faster than the previous run (250 ms → 100 ms)');
	});
	it('names the run compared with', () => {
		expect(changeLine(6, 3, 'the pinned run')).toBe(
			'3.00 s faster than the pinned run (6.00 s → 3.00 s)'
		);
	});
	it('reads from a run that took no time', () => {
		expect(changeLine(0, 1)).toBe('1.00 s slower than the previous run (0 s → 1.00 s)');
	});
});

describe('stoppedAtLine', () => {
	it('says where on the virtual clock the run was stopped', () => {
		expect(stoppedAtLine(2.4)).toBe('stopped at 2.40 s');
		expect(stoppedAtLine(0)).toBe('stopped at 0 s');
	});
});

describe('formatOutputLine and deadlockLines', () => {
	it('puts the virtual time and the task before the text', () => {
		expect(
			formatOutputLine({ t: 1, task: 2, taskName: 'Task-2', stream: 'stdout', text: 'hello 1' })
		).toBe('  1.00 s  Task-2    hello 1');
		expect(
			formatOutputLine({ t: 0, task: null, taskName: null, stream: 'stdout', text: 'top' })
		).toBe('     0 s  -         top');
	});

	it('names every stuck task and what it waits on', () => {
		const lines = deadlockLines({
			t: 1,
			stuck: [
				{
					task: 2,
					name: 'consumer',
					waiting: 'Queue.get',
					awaiting: { kind: 'queue_get', label: 'Queue.get' },
					line: 7
				}
			]
		});
		expect(lines).toEqual([
			'Deadlock at 1.00 s: nothing can ever run again, but 1 task never finished.',
			'  consumer waits on Queue.get (line 7)'
		]);
	});

	it('names a stuck task with its call when the tasks are given', () => {
		const deadlock = {
			t: 1,
			stuck: [
				{
					task: 2,
					name: 'Task-2',
					waiting: 'Queue.get',
					awaiting: { kind: 'queue_get' as const, label: 'Queue.get' },
					line: 7
				}
			]
		};
		const task = { id: 2, coro: 'consumer', arguments: ['<Queue>', "'a'"] };
		expect(deadlockLines(deadlock, [task])[1]).toBe(
			"  Task-2 consumer(<Queue>, 'a') waits on Queue.get (line 7)"
		);
	});

	it('pluralises nouns', () => {
		expect(plural(0, 'task')).toBe('0 tasks');
		expect(plural(1, 'task')).toBe('1 task');
	});
});
