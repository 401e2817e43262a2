/**
 * Level of detail: what a lane draws at the current zoom. Segments narrower than a pixel merge
 * with their neighbours, so a lane never draws more rectangles than it has pixels, whatever the
 * number of segments. Merging is by pixel position, so the result does not depend on how many
 * segments a lane has, only on how they fall on the screen.
 */
import type { Segment, SegmentKind } from '../engine/model';
import type { CountPoint } from './layout';
import { segmentStyle, type SegmentStyle } from './wait-style';

export interface DisplaySegment {
	kind: SegmentKind;
	/** How it is drawn: merged pieces of different styles take the first one's. */
	style: SegmentStyle;
	x0: number;
	x1: number;
	/** Index of the first model segment drawn by this rectangle. */
	first: number;
	/** How many model segments it stands for (1 when nothing was merged). */
	count: number;
}

/**
 * Running segments take no virtual time; they still get a visible tick, wide enough to see beside
 * a waiting bar on a projector (a task's step is what the replay steps through).
 */
export const RUNNING_MIN_WIDTH = 3;

/** The first segment index whose end reaches `t` (segments are in time order, without gaps). */
export function firstSegmentEndingAfter(segments: Segment[], t: number): number {
	let lo = 0;
	let hi = segments.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (segments[mid].end < t) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Rank when merged: a merged block shows the most alarming thing inside it. */
const PRECEDENCE: Record<SegmentKind, number> = { waiting: 0, running: 1, blocked: 2 };

/**
 * The rectangles for one lane between pixel xMin and xMax, with `x` mapping time to pixels.
 * Adjacent segments of one style merge; pieces under `minWidth` pixels merge with the block they
 * touch, which then shows the highest-precedence kind among them.
 */
export function levelOfDetail(
	segments: Segment[],
	x: (t: number) => number,
	xMin: number,
	xMax: number,
	minWidth = 1
): DisplaySegment[] {
	const out: DisplaySegment[] = [];
	const t0 = invert(x, xMin);
	let current: DisplaySegment | null = null;
	for (let i = firstSegmentEndingAfter(segments, t0); i < segments.length; i++) {
		const segment = segments[i];
		let x0 = x(segment.start);
		if (x0 > xMax) break;
		let x1 = x(segment.end);
		if (segment.kind !== 'waiting' && x1 - x0 < RUNNING_MIN_WIDTH) {
			const center = (x0 + x1) / 2;
			x0 = center - RUNNING_MIN_WIDTH / 2;
			x1 = x0 + RUNNING_MIN_WIDTH;
			// A tick at an edge of the plot (the start or the end of the run) stays whole, inside.
			if (center >= xMin && x0 < xMin) [x0, x1] = [xMin, xMin + RUNNING_MIN_WIDTH];
			if (center <= xMax && x1 > xMax) [x0, x1] = [xMax - RUNNING_MIN_WIDTH, xMax];
		}
		if (x1 < xMin) continue;
		x0 = Math.max(x0, xMin);
		x1 = Math.min(x1, xMax);
		const style = segmentStyle(segment);
		if (current) {
			const touches = x0 <= current.x1 + 0.5;
			const sameStyle = current.style === style;
			const tiny = x1 - x0 < minWidth || current.x1 - current.x0 < minWidth;
			if (touches && (sameStyle || tiny)) {
				if (PRECEDENCE[segment.kind] > PRECEDENCE[current.kind]) {
					current.kind = segment.kind;
					current.style = style;
				}
				current.x1 = Math.max(current.x1, x1);
				current.count++;
				continue;
			}
			out.push(current);
		}
		current = { kind: segment.kind, style, x0, x1, first: i, count: 1 };
	}
	if (current) out.push(current);
	return out;
}

/** x is linear, so two points recover its inverse without d3. */
function invert(x: (t: number) => number, px: number): number {
	const a = x(0);
	const b = x(1);
	return b === a ? 0 : (px - a) / (b - a);
}

export interface CountColumn {
	x0: number;
	x1: number;
	running: number;
	waiting: number;
}

/**
 * A step function of counts reduced to at most one column per pixel, keeping each pixel's peak
 * (so a brief spike never disappears at a low zoom).
 */
export function countColumns(
	points: CountPoint[],
	x: (t: number) => number,
	xMin: number,
	xMax: number,
	end: number
): CountColumn[] {
	const columns: CountColumn[] = [];
	const t0 = invert(x, xMin);
	let lo = 0;
	let hi = points.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (points[mid].t <= t0) lo = mid + 1;
		else hi = mid;
	}
	for (let i = Math.max(0, lo - 1); i < points.length; i++) {
		const point = points[i];
		const next = i + 1 < points.length ? points[i + 1].t : end;
		let x0 = Math.max(x(point.t), xMin);
		const x1 = Math.min(x(Math.max(next, point.t)), xMax);
		if (x0 > xMax) break;
		if (x1 < x0) continue;
		const last = columns[columns.length - 1];
		if (last && Math.floor(x0) <= Math.floor(last.x1) && x1 - x0 < 1) {
			// Same pixel as the previous column: keep the larger counts.
			if (point.running + point.waiting > last.running + last.waiting) {
				last.running = point.running;
				last.waiting = point.waiting;
			}
			last.x1 = Math.max(last.x1, x1);
			continue;
		}
		if (last && last.running === point.running && last.waiting === point.waiting) {
			last.x1 = x1;
			continue;
		}
		x0 = last ? Math.max(x0, last.x1) : x0;
		columns.push({ x0, x1, running: point.running, waiting: point.waiting });
	}
	return columns;
}
