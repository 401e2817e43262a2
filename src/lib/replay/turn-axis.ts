/**
 * The chart on an axis of loop turns instead of seconds: every turn the same width, so what
 * happens inside one instant reads in order (create_task waiting for its creator's next await,
 * gather's children starting in argument order). The run is redrawn by position: turn n spans
 * [n - 1, n], and the handles a turn runs are spread evenly inside it.
 *
 * `turnAxis` returns a copy of the Run model with every time replaced by its position, for the
 * chart to draw unchanged, and the axis's gaps: where the clock jumped between two turns
 * ("+1.00 s"). Each task's running segments are its steps, in order, so each is placed at its own
 * step; a waiting segment spans from one of its steps to the next. Words about the run (tooltips,
 * the task table) keep reading the model in seconds. Pure.
 */
import { formatSeconds } from '$lib/engine/format';
import type { TaskId } from '$lib/engine/events';
import type { RunModel, Segment, TaskModel } from '$lib/engine/model';
import type { LoopReplay } from '$lib/engine/replay';

export interface TurnAxis {
	/** The run with positions for times. */
	model: RunModel;
	/** Where the clock jumped: the position of the turn it jumped at, and by how much. */
	gaps: { at: number; label: string }[];
	/** The position of every step, ascending. */
	positions: Float64Array;
}

const computed = new WeakMap<LoopReplay, WeakMap<RunModel, TurnAxis>>();

export function turnAxis(model: RunModel, replay: LoopReplay): TurnAxis {
	let byModel = computed.get(replay);
	if (!byModel) computed.set(replay, (byModel = new WeakMap()));
	const cached = byModel.get(model);
	if (cached) return cached;
	const axis = build(model, replay);
	byModel.set(model, axis);
	return axis;
}

/** The step at `position` (the last at or before it): a click on the chart, back to the replay. */
export function stepAtPosition(axis: TurnAxis, position: number): number {
	const positions = axis.positions;
	let low = 0;
	let high = positions.length - 1;
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		if (positions[middle] <= position + 1e-9) low = middle;
		else high = middle - 1;
	}
	return low;
}

function build(model: RunModel, replay: LoopReplay): TurnAxis {
	const count = replay.stepCount;
	const positions = new Float64Array(count);
	const times = new Float64Array(count);
	const stepsOf = new Map<TaskId, number[]>();
	const gaps: TurnAxis['gaps'] = [];
	const turns = replay.turnCount;
	for (let turn = 0; turn <= turns; turn++) {
		const first = turn === 0 ? 0 : replay.stepOfTurn(turn);
		const next = turn < turns ? replay.stepOfTurn(turn + 1) : count - 1;
		const base = turn === 0 ? 0 : turn - 1;
		const inside = next - first;
		for (let k = first; k < next; k++) {
			// The turn's own step at its start, its handles spread over the rest of it.
			positions[k] = turn === 0 ? 0 : base + (k - first) / Math.max(1, inside);
		}
		if (turn > 0) {
			const step = replay.step(first);
			if (step.jumpedFrom !== null) {
				gaps.push({ at: base, label: `+${formatSeconds(step.t - step.jumpedFrom)}` });
			}
		}
	}
	positions[count - 1] = Math.max(turns, count > 1 ? positions[count - 2] : 0);
	for (let k = 0; k < count; k++) {
		const step = replay.step(k);
		times[k] = step.t;
		if (step.kind === 'run' && step.task !== null) {
			let mine = stepsOf.get(step.task);
			if (!mine) stepsOf.set(step.task, (mine = []));
			mine.push(k);
		}
	}
	const end = positions[count - 1];
	const atTime = (t: number) => positions[firstStepAt(times, t)];
	const tasks = model.tasks.map((task) =>
		placeTask(task, stepsOf.get(task.id) ?? [], positions, atTime, end)
	);
	const finishedAt = new Map(tasks.map((task) => [task.id, task.finished]));
	return {
		model: {
			...model,
			duration: end,
			tasks,
			stdout: model.stdout.map((line) => ({ ...line, t: atTime(line.t) })),
			links: model.links.map((link) => ({
				...link,
				start: atTime(link.start),
				end: finishedAt.get(link.to) ?? atTime(link.end)
			})),
			blocked: model.blocked.map((span) => ({
				...span,
				start: atTime(span.start),
				end: atTime(span.start)
			})),
			concurrency: model.concurrency.map((point) => ({ ...point, t: atTime(point.t) })),
			warnings: model.warnings.map((warning) => ({ ...warning, t: atTime(warning.t) })),
			notes: model.notes.map((note) => ({ ...note, t: atTime(note.t) })),
			deadlock: model.deadlock ? { ...model.deadlock, t: end } : null,
			limit: model.limit ? { ...model.limit, t: end } : null
		},
		gaps,
		positions
	};
}

/** The first step at or after time `t` (the last step if none). */
function firstStepAt(times: Float64Array, t: number): number {
	let low = 0;
	let high = times.length - 1;
	while (low < high) {
		const middle = (low + high) >> 1;
		if (times[middle] >= t) high = middle;
		else low = middle + 1;
	}
	return low;
}

/** A task by position: each running segment at its own step, in order. */
function placeTask(
	task: TaskModel,
	steps: number[],
	positions: Float64Array,
	atTime: (t: number) => number,
	end: number
): TaskModel {
	let next = 0;
	let at = steps.length > 0 ? positions[steps[0]] : atTime(task.created);
	const segments: Segment[] = [];
	for (const segment of task.segments) {
		if (segment.kind === 'running') {
			if (next < steps.length) at = positions[steps[next++]];
			segments.push({ ...segment, start: at, end: at });
		} else if (segment.kind === 'blocked') {
			segments.push({ ...segment, start: at, end: at });
		} else {
			const until =
				next < steps.length ? positions[steps[next]] : task.finished === null ? end : at;
			segments.push({ ...segment, start: at, end: Math.max(at, until) });
		}
	}
	const first = steps.length > 0 ? positions[steps[0]] : atTime(task.created);
	return {
		...task,
		created: Math.min(first, atTime(task.created)),
		finished: task.finished === null ? null : at,
		segments
	};
}
