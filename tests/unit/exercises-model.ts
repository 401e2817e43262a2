/**
 * Small hand-made Run models for the exercise-check tests: each test states the facts of a run
 * (how long, which tasks slept when, what was printed) without going through the engine.
 */
import type { Awaiting } from '../../src/lib/engine/events';
import type { RunModel, Segment, TaskModel, TaskState } from '../../src/lib/engine/model';

export interface TaskSpec {
	name: string;
	/** Waiting segments as [start, end, await kind]; "gather" etc. waits on child tasks. */
	waits?: [number, number, Awaiting['kind']][];
	state?: TaskState;
	finished?: number | null;
}

export function task(id: number, spec: TaskSpec): TaskModel {
	const segments: Segment[] = (spec.waits ?? []).map(([start, end, kind]) => ({
		kind: 'waiting',
		start,
		end,
		label: kind,
		line: null,
		awaiting: {
			kind,
			label: kind,
			...(['gather', 'taskgroup', 'wait'].includes(kind) ? { tasks: [id + 1] } : {})
		}
	}));
	const last = segments.length ? segments[segments.length - 1].end : 0;
	return {
		id,
		name: spec.name,
		parent: id === 1 ? null : 1,
		depth: id === 1 ? 0 : 1,
		coro: spec.name,
		arguments: [],
		line: null,
		created: segments[0]?.start ?? 0,
		finished: spec.finished === undefined ? last : spec.finished,
		state: spec.state ?? 'done',
		segments
	};
}

export function model(parts: Partial<RunModel> & { printed?: string[] } = {}): RunModel {
	const { printed = [], ...rest } = parts;
	const duration = rest.duration ?? 0;
	return {
		version: 1,
		python: '3.14.2',
		duration,
		stdout: printed.map((text) => ({ t: 0, task: 1, taskName: 'Task-1', stream: 'stdout', text })),
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
			duration,
			tasks: rest.tasks?.length ?? 0,
			peakConcurrency: 0,
			blockedTime: 0,
			awaitedTime: 0,
			overlap: 1
		},
		steps: 0,
		realMs: 0,
		droppedEvents: 0,
		...rest
	};
}
