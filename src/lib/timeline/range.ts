/**
 * A measured range of the chart (Shift+drag): its duration and the tasks busy in it, e.g.
 * "1.00 s → 2.50 s: 1.50 s, 3 tasks busy (2 running)".
 *
 * Running: a running or blocking step inside the range. Busy: running, or alive (created, not
 * yet finished) during the range, waiting. Steps take no virtual time, so a step exactly at an
 * end of the range counts; a task that ended as the range begins, without a step in it, does not.
 */
import { formatSeconds, plural } from '../engine/format';
import type { RunModel } from '../engine/model';

export interface RangeReadout {
	start: number;
	end: number;
	busy: number;
	running: number;
	text: string;
}

/** The read-out of [a, b] (in either order) over `model`'s tasks. */
export function rangeReadout(model: RunModel, a: number, b: number): RangeReadout {
	const start = Math.min(a, b);
	const end = Math.max(a, b);
	let busy = 0;
	let running = 0;
	for (const task of model.tasks) {
		const ran = task.segments.some(
			(segment) => segment.kind !== 'waiting' && overlaps(segment.start, segment.end, start, end)
		);
		if (ran) running++;
		if (ran || overlaps(task.created, task.finished ?? model.duration, start, end)) busy++;
	}
	const text =
		`${formatSeconds(start)} → ${formatSeconds(end)}: ${formatSeconds(end - start)}, ` +
		`${plural(busy, 'task')} busy (${running} running)`;
	return { start, end, busy, running, text };
}

/**
 * Whether [from, to] shares time with [start, end]: a stretch must overlap it, an instant (a
 * step, a task that ended as it began) must fall inside it, ends included.
 */
function overlaps(from: number, to: number, start: number, end: number): boolean {
	if (from === to) return from >= start && from <= end;
	return from < end && to > start;
}
