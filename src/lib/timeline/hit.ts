/**
 * What is under the pointer, found by arithmetic on the layout and the scales rather than by DOM
 * events: the chart redraws every frame and merges segments at low zoom, so the elements on
 * screen are not the model's segments. A binary search per lane keeps it cheap at any size.
 */
import type { BlockedSpan, ConcurrencyPoint, RunModel, Segment } from '../engine/model';
import type { RenderContext } from './context';
import type { MarkerKind } from './describe';
import { rowAt, type CountPoint, type GroupRow, type LaneRow, type TaskRow } from './layout';
import { firstSegmentEndingAfter } from './lod';
import { stuckTime } from './marks/markers';

/** How close, in pixels at the default size, the pointer must be to a marker or a tick. */
const TOLERANCE = 4;

export type Hit =
	| { kind: 'segment'; lane: TaskRow; index: number; segment: Segment }
	| { kind: 'marker'; lane: TaskRow; marker: MarkerKind; t: number }
	| { kind: 'group'; lane: GroupRow; t: number; running: number; waiting: number }
	| { kind: 'label'; lane: LaneRow }
	| {
			kind: 'strip';
			model: RunModel;
			t: number;
			running: number;
			waiting: number;
			blocked: BlockedSpan | null;
	  };

/** The hit at SVG coordinates (px, py), or null for empty space. */
export function hitTest(context: RenderContext, px: number, py: number): Hit | null {
	if (py < context.headerHeight || py > context.height) return null;
	const row = rowAt(context.layout.rows, py - context.headerHeight + context.viewTop);
	if (!row || row.kind === 'section') return null;
	if (px < context.frame.plotLeft) {
		return row.kind === 'task' || row.kind === 'group' ? { kind: 'label', lane: row } : null;
	}
	if (px > context.frame.plotRight + TOLERANCE * context.sizes.scale) return null;
	const t = context.x.invert(px);
	if (row.kind === 'strip') {
		const counts = countsAt(row.model.concurrency, t);
		const blocked = row.model.blocked.find((span) => span.start <= t && t <= span.end) ?? null;
		return { kind: 'strip', model: row.model, t, ...counts, blocked };
	}
	if (row.kind === 'group')
		return { kind: 'group', lane: row, t, ...countsAt(row.stats.points, t) };
	return taskHit(context, row, px, t);
}

function taskHit(context: RenderContext, lane: TaskRow, px: number, t: number): Hit | null {
	const { x } = context;
	const tolerance = TOLERANCE * context.sizes.scale;
	const task = lane.task;
	const near = (time: number) => Math.abs(x(time) - px) <= tolerance;
	if (task.finished !== null && task.state !== 'pending' && near(task.finished)) {
		return { kind: 'marker', lane, marker: task.state, t: task.finished };
	}
	if (near(task.created)) return { kind: 'marker', lane, marker: 'created', t: task.created };
	const stuckAt = stuckTime(context, lane.section, task.id);
	if (stuckAt !== null && near(stuckAt))
		return { kind: 'marker', lane, marker: 'stuck', t: stuckAt };
	const segments = task.segments;
	const from = x.invert(px - tolerance);
	let containing: number | null = null;
	let closestTick: number | null = null;
	let closestDistance = Infinity;
	for (let i = firstSegmentEndingAfter(segments, from); i < segments.length; i++) {
		const segment = segments[i];
		const x0 = x(segment.start);
		if (x0 > px + tolerance) break;
		const x1 = x(segment.end);
		// Running and blocked pieces are drawn at least a tick wide and on top: they win nearby.
		if (segment.kind !== 'waiting' && x1 - x0 < tolerance * 2) {
			const distance = Math.abs((x0 + x1) / 2 - px);
			if (distance <= tolerance && distance < closestDistance) {
				closestDistance = distance;
				closestTick = i;
			}
		} else if (segment.start <= t && t <= segment.end && containing === null) {
			containing = i;
		}
	}
	const index = closestTick ?? containing;
	return index === null ? null : { kind: 'segment', lane, index, segment: segments[index] };
}

/** The value of a step function at t. */
export function countsAt(
	points: (CountPoint | ConcurrencyPoint)[],
	t: number
): { running: number; waiting: number } {
	let lo = 0;
	let hi = points.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (points[mid].t <= t) lo = mid + 1;
		else hi = mid;
	}
	const point = points[lo - 1];
	return point ? { running: point.running, waiting: point.waiting } : { running: 0, waiting: 0 };
}
