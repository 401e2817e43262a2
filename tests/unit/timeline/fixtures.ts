/**
 * Hand-made Run models for the timeline: the snapshot tests, the dev gallery and the benchmark
 * all draw these. They follow the Run model contract (src/lib/engine/model.ts) the way
 * analyzeRun fills it, without depending on it: links, concurrency and summary are derived here
 * from the tasks' segments.
 */
import type { Awaiting } from '../../../src/lib/engine/events';
import type { StackedRun } from '../../../src/lib/timeline/svg';
import type {
	AwaitLink,
	BlockedSpan,
	ConcurrencyPoint,
	RunModel,
	Segment,
	TaskModel,
	TaskState
} from '../../../src/lib/engine/model';

type TaskSpec = Omit<TaskModel, 'depth'>;

function running(t: number, label: string, line: number | null): Segment {
	return { kind: 'running', start: t, end: t, label, line };
}

function waiting(start: number, end: number, awaiting: Awaiting, line: number | null): Segment {
	return { kind: 'waiting', start, end, label: awaiting.label, line, awaiting };
}

function scheduled(start: number, end: number): Segment {
	return { kind: 'waiting', start, end, label: 'scheduled', line: null };
}

function sleep(seconds: number, from: number): Awaiting {
	return { kind: 'sleep', label: `sleep(${seconds})`, until: from + seconds };
}

const IDLE = new Set(['task', 'gather', 'taskgroup', 'lock', 'event', 'queue_get', 'wait']);

function task(
	id: number,
	coro: string,
	parent: number | null,
	line: number | null,
	segments: Segment[],
	state: TaskState,
	extra: Partial<TaskSpec> = {}
): TaskSpec {
	const last = segments[segments.length - 1];
	return {
		id,
		name: `Task-${id}`,
		parent,
		coro,
		arguments: [],
		line,
		created: segments[0].start,
		finished: state === 'pending' ? null : last.end,
		state,
		segments,
		...extra
	};
}

/** Depth, links, concurrency and summary from the tasks, as analyzeRun derives them. */
function runModel(specs: TaskSpec[], duration: number, extra: Partial<RunModel> = {}): RunModel {
	const depthOf = new Map<number, number>();
	const tasks: TaskModel[] = specs.map((spec) => {
		const depth = spec.parent === null ? 0 : (depthOf.get(spec.parent) ?? 0) + 1;
		depthOf.set(spec.id, depth);
		return { ...spec, depth };
	});
	const finishedAt = new Map(tasks.map((t) => [t.id, t.finished]));
	const links: AwaitLink[] = [];
	const changes: { t: number; running: number; waiting: number }[] = [];
	let awaitedTime = 0;
	for (const t of tasks) {
		for (const s of t.segments) {
			const awaited = s.awaiting?.task != null ? [s.awaiting.task] : (s.awaiting?.tasks ?? []);
			for (const to of awaited) {
				const finished = finishedAt.get(to);
				const end = finished != null && finished < s.end ? Math.max(finished, s.start) : s.end;
				links.push({ from: t.id, to, start: s.start, end, line: s.line });
			}
			if (s.kind === 'waiting' && s.awaiting?.kind === 'sleep') awaitedTime += s.end - s.start;
			if (s.end <= s.start) continue;
			if (s.kind === 'waiting' && (!s.awaiting || IDLE.has(s.awaiting.kind))) continue;
			const isRunning = s.kind === 'waiting' ? 0 : 1;
			changes.push({ t: s.start, running: isRunning, waiting: 1 - isRunning });
			changes.push({ t: s.end, running: -isRunning, waiting: isRunning - 1 });
		}
	}
	changes.sort((a, b) => a.t - b.t);
	const concurrency: ConcurrencyPoint[] = [{ t: 0, running: 0, waiting: 0 }];
	let run = 0;
	let wait = 0;
	let peak = 0;
	for (let i = 0; i < changes.length;) {
		const t = changes[i].t;
		while (i < changes.length && changes[i].t === t) {
			run += changes[i].running;
			wait += changes[i].waiting;
			i++;
		}
		peak = Math.max(peak, run + wait);
		const last = concurrency[concurrency.length - 1];
		if (last.t === t) Object.assign(last, { running: run, waiting: wait });
		else concurrency.push({ t, running: run, waiting: wait });
	}
	const blocked: BlockedSpan[] = extra.blocked ?? [];
	return {
		version: 1,
		python: '3.14.2',
		duration,
		stdout: [],
		tasks,
		links,
		blocked,
		concurrency,
		warnings: [],
		notes: [],
		error: null,
		deadlock: null,
		limit: null,
		summary: {
			duration,
			tasks: tasks.length,
			peakConcurrency: peak,
			blockedTime: blocked.reduce((sum, b) => sum + b.end - b.start, 0),
			awaitedTime,
			overlap: duration > 0 ? awaitedTime / duration : 1
		},
		steps: tasks.reduce((sum, t) => sum + t.segments.filter((s) => s.kind === 'running').length, 0),
		realMs: 1,
		droppedEvents: 0,
		...extra
	};
}

/** `await asyncio.gather(say(1), say(2), say(3))`: three sleeps at once, 3 s in all. */
export function gatherThree(): RunModel {
	const children = [1, 2, 3].map((d, i) =>
		task(
			i + 2,
			'say',
			1,
			9,
			[running(0, 'say', 5), waiting(0, d, sleep(d, 0), 5), running(d, 'say', 6)],
			'done',
			{ result: 'None' }
		)
	);
	const main = task(
		1,
		'main',
		null,
		12,
		[
			running(0, 'main', 8),
			waiting(0, 3, { kind: 'gather', label: 'gather(3)', tasks: [2, 3, 4] }, 9),
			running(3, 'main', 9)
		],
		'done',
		{ result: 'None' }
	);
	return runModel([main, ...children], 3, {
		stdout: [1, 2, 3].map((d, i) => ({
			t: d,
			task: i + 2,
			taskName: `Task-${i + 2}`,
			stream: 'stdout' as const,
			text: `hello ${d}`
		}))
	});
}

/** `for d in (1, 2, 3): await asyncio.create_task(say(d))`: one at a time, 6 s in all. */
export function sequentialThree(): RunModel {
	const starts = [0, 1, 3];
	const children = [1, 2, 3].map((d, i) => {
		const start = starts[i];
		return task(
			i + 2,
			'say',
			1,
			9,
			[
				running(start, 'say', 5),
				waiting(start, start + d, sleep(d, start), 5),
				running(start + d, 'say', 6)
			],
			'done',
			{ result: 'None' }
		);
	});
	const mainSegments: Segment[] = [running(0, 'main', 8)];
	[1, 2, 3].forEach((d, i) => {
		const start = starts[i];
		mainSegments.push(
			waiting(start, start + d, { kind: 'task', label: `Task-${i + 2}`, task: i + 2 }, 9),
			running(start + d, 'main', 9)
		);
	});
	return runModel([task(1, 'main', null, 12, mainSegments, 'done'), ...children], 6);
}

/** A TaskGroup where one child raises: its sibling is cancelled, the group raises. */
export function taskGroupFailure(): RunModel {
	const main = task(
		1,
		'main',
		null,
		20,
		[
			running(0, 'main', 13),
			waiting(0, 0.5, { kind: 'taskgroup', label: 'TaskGroup(3)', tasks: [2, 3, 4] }, 14),
			running(0.5, 'main', 14)
		],
		'raised',
		{
			exception: {
				type: 'ExceptionGroup',
				message: 'unhandled errors in a TaskGroup (1 sub-exception)'
			}
		}
	);
	const quick = task(
		2,
		'fetch',
		1,
		15,
		[
			scheduled(0, 0),
			running(0, 'fetch', 4),
			waiting(0, 0.25, sleep(0.25, 0), 4),
			running(0.25, 'fetch', 5)
		],
		'done',
		{ result: "'page 1'" }
	);
	const failing = task(
		3,
		'fail_after',
		1,
		16,
		[running(0, 'fail_after', 8), waiting(0, 0.5, sleep(0.5, 0), 8), running(0.5, 'fail_after', 9)],
		'raised',
		{ exception: { type: 'ValueError', message: 'bad page' } }
	);
	const slow = task(
		4,
		'fetch',
		1,
		17,
		[running(0, 'fetch', 4), waiting(0, 0.5, sleep(2, 0), 4), running(0.5, 'fetch', 4)],
		'cancelled'
	);
	return runModel([main, quick, failing, slow], 0.5, {
		error: {
			type: 'ExceptionGroup',
			message: 'unhandled errors in a TaskGroup (1 sub-exception)',
			line: 14,
			traceback: 'ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)'
		}
	});
}

/** `time.sleep(2)` inside a coroutine: the whole loop stands still, the ticker wakes late. */
export function blockingSleep(): RunModel {
	const main = task(
		1,
		'main',
		null,
		18,
		[
			running(0, 'main', 14),
			waiting(0, 3, { kind: 'gather', label: 'gather(2)', tasks: [2, 3] }, 15),
			running(3, 'main', 15)
		],
		'done'
	);
	const blocker = task(
		2,
		'blocker',
		1,
		15,
		[
			running(0, 'blocker', 4),
			{ kind: 'blocked', start: 0, end: 2, label: 'time.sleep(2)', line: 5 },
			running(2, 'blocker', 6),
			waiting(2, 3, sleep(1, 2), 6),
			running(3, 'blocker', 7)
		],
		'done'
	);
	const ticker = task(
		3,
		'ticker',
		1,
		15,
		[
			scheduled(0, 2),
			running(2, 'ticker', 10),
			waiting(2, 2.5, sleep(0.5, 2), 10),
			running(2.5, 'ticker', 11)
		],
		'done'
	);
	return runModel([main, blocker, ticker], 3, {
		blocked: [{ start: 0, end: 2, cause: 'time.sleep', line: 5, task: 2 }]
	});
}

/** Two tasks take two locks in opposite order: both wait forever. */
export function deadlock(): RunModel {
	const lockA = { kind: 'lock' as const, label: 'Lock a' };
	const lockB = { kind: 'lock' as const, label: 'Lock b' };
	const main = task(
		1,
		'main',
		null,
		22,
		[
			running(0, 'main', 18),
			waiting(0, 0.1, { kind: 'gather', label: 'gather(2)', tasks: [2, 3] }, 19)
		],
		'pending'
	);
	const first = task(
		2,
		'first',
		1,
		19,
		[
			running(0, 'first', 5),
			waiting(0, 0.1, sleep(0.1, 0), 6),
			running(0.1, 'first', 7),
			waiting(0.1, 0.1, lockB, 7)
		],
		'pending'
	);
	const second = task(
		3,
		'second',
		1,
		19,
		[
			running(0, 'second', 11),
			waiting(0, 0.1, sleep(0.1, 0), 12),
			running(0.1, 'second', 13),
			waiting(0.1, 0.1, lockA, 13)
		],
		'pending'
	);
	// The run ends at the deadlock; stretch it a little so the stuck waits are visible.
	const end = 0.15;
	for (const t of [main, first, second]) t.segments[t.segments.length - 1].end = end;
	return runModel([main, first, second], end, {
		deadlock: {
			t: end,
			stuck: [
				{ task: 2, name: 'Task-2', waiting: 'Lock b', awaiting: lockB, line: 7 },
				{ task: 3, name: 'Task-3', waiting: 'Lock a', awaiting: lockA, line: 13 }
			]
		}
	});
}

/** Task 1, main(), gathering `children` until `duration`. */
function gatheringMain(children: TaskSpec[], duration: number): TaskSpec {
	const gather: Awaiting = {
		kind: 'gather',
		label: `gather(${children.length})`,
		tasks: children.map((c) => c.id)
	};
	return task(
		1,
		'main',
		null,
		12,
		[running(0, 'main', 8), waiting(0, duration, gather, 9), running(duration, 'main', 9)],
		'done'
	);
}

/** `gather(*(worker(i) for i in range(n)))`, each worker sleeping 0.1 to 1.0 s. */
export function manyTasks(n = 1000): RunModel {
	const children: TaskSpec[] = [];
	let duration = 0;
	for (let i = 0; i < n; i++) {
		const d = Math.round(((i % 10) + 1) * 0.1 * 10) / 10;
		duration = Math.max(duration, d);
		children.push(
			task(
				i + 2,
				'worker',
				1,
				9,
				[running(0, 'worker', 4), waiting(0, d, sleep(d, 0), 4), running(d, 'worker', 5)],
				'done'
			)
		);
	}
	return runModel([gatheringMain(children, duration), ...children], duration);
}

/**
 * A large synthetic run for performance: `tasks` workers with `segmentsPerTask` segments each
 * (alternating running and waiting, with staggered starts). 10,000 x 5 = 50,000 segments.
 */
export function largeRun(tasks = 10_000, segmentsPerTask = 5): RunModel {
	const specs: TaskSpec[] = [];
	let duration = 0;
	for (let i = 0; i < tasks; i++) {
		const segments: Segment[] = [];
		let t = (i % 97) * 0.01;
		for (let k = 0; k < segmentsPerTask; k++) {
			if (k % 2 === 0) {
				const work = ((i + k) % 3) * 0.001;
				segments.push({ kind: 'running', start: t, end: t + work, label: 'worker', line: 4 + k });
				t += work;
			} else {
				const d = 0.05 + ((i * 7 + k) % 13) * 0.02;
				segments.push(waiting(t, t + d, sleep(Number(d.toFixed(2)), t), 4 + k));
				t += d;
			}
		}
		duration = Math.max(duration, t);
		specs.push(task(i + 2, 'worker', 1, 9, segments, 'done'));
	}
	return runModel([gatheringMain(specs, duration), ...specs], duration);
}

export interface NamedFixture {
	name: string;
	title: string;
	model: () => RunModel;
	/** A run stacked above it: pinned, or the previous run drawn faint. */
	stacked?: () => StackedRun;
}

/** The gather of three as an interrupt would leave it: its trace ends where Stop landed. */
export function stoppedGather(): RunModel {
	const run = gatherThree();
	return { ...run, limit: { limit: 'interrupt', t: run.duration, message: 'Stopped.', line: 4 } };
}

/** The named fixtures of the snapshot tests and the gallery, in display order. */
export const fixtures: NamedFixture[] = [
	{ name: 'gather-three', title: 'gather of three: 1 s, 2 s, 3 s at once', model: gatherThree },
	{ name: 'sequential-three', title: 'the same three, one at a time', model: sequentialThree },
	{ name: 'taskgroup-failure', title: 'TaskGroup with a failing child', model: taskGroupFailure },
	{ name: 'blocking-sleep', title: 'time.sleep blocks the loop', model: blockingSleep },
	{ name: 'deadlock', title: 'two locks in opposite order: deadlock', model: deadlock },
	{
		name: 'many-tasks',
		title: '1,000 tasks, collapsed into a group lane',
		model: () => manyTasks(1000)
	},
	{
		name: 'pinned-overlay',
		title: 'pinned sequential run above this gather run',
		model: gatherThree,
		stacked: () => ({ model: sequentialThree(), kind: 'pinned' })
	},
	{
		name: 'previous-ghost',
		title: 'this gather run above the previous, sequential run, drawn faint',
		model: gatherThree,
		stacked: () => ({ model: sequentialThree(), kind: 'previous' })
	},
	{ name: 'stopped', title: 'a run stopped by the learner, marked where', model: stoppedGather }
];
