/**
 * Wake-ups, for the chart's arrows: each time a task was woken by another task, from the waker's
 * point (its lane, when it released the task, at which line) to the woken task's resume.
 *
 * A task woken by a callback that another task's ending scheduled (gather's and TaskGroup's
 * callbacks, a future's done callbacks) is drawn from that task: the callback only passes the
 * wake-up on. A timer wakes a task from no lane, so it has no arrow (the panel names it).
 */
import type { TaskId } from '$lib/engine/events';
import type { LoopReplay } from '$lib/engine/replay';

export interface WakeArrow {
	/** The task that released it, and when. */
	from: TaskId;
	fromT: number;
	/** The line of the waker's code that released it. */
	line: number | null;
	/** The task woken, and when it resumed. */
	to: TaskId;
	toT: number;
	/** The replay's steps of the two ends: where they sit on an axis of loop turns. */
	fromStep: number;
	toStep: number;
}

const computed = new WeakMap<LoopReplay, WakeArrow[]>();

/** Every wake-up of one task by another, in the order the tasks resumed. */
export function wakeArrows(replay: LoopReplay): WakeArrow[] {
	const cached = computed.get(replay);
	if (cached) return cached;
	const arrows: WakeArrow[] = [];
	for (let k = 0; k < replay.stepCount; k++) {
		const step = replay.step(k);
		if (step.kind !== 'run' || step.task === null || step.handle === null) continue;
		const info = replay.handle(step.handle);
		if (!info || info.wake === null) continue;
		let waker = info;
		if (info.byTask === null && info.by !== null) {
			const callback = replay.handle(info.by);
			if (callback && callback.kind === 'callback') waker = callback;
		}
		if (waker.byTask === null || waker.byTask === step.task) continue;
		arrows.push({
			from: waker.byTask,
			fromT: waker.t,
			line: waker.line,
			to: step.task,
			toT: step.t,
			fromStep: waker.scheduledAt,
			toStep: k
		});
	}
	computed.set(replay, arrows);
	return arrows;
}

const onTurns = new WeakMap<readonly WakeArrow[], WeakMap<Float64Array, WakeArrow[]>>();

/** The same arrows on an axis of loop turns: each end at its step's position (turn-axis.ts). */
export function wakeArrowsOnTurns(
	arrows: readonly WakeArrow[],
	positions: Float64Array
): WakeArrow[] {
	let byAxis = onTurns.get(arrows);
	if (!byAxis) onTurns.set(arrows, (byAxis = new WeakMap()));
	let placed = byAxis.get(positions);
	if (!placed) {
		placed = arrows.map((arrow) => ({
			...arrow,
			fromT: positions[arrow.fromStep],
			toT: positions[arrow.toStep]
		}));
		byAxis.set(positions, placed);
	}
	return placed;
}
