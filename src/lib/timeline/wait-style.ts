/**
 * How the chart draws a segment: running, blocked, or one of five kinds of waiting, each with its
 * own fill, pattern and outline, so what a task waits for reads at a glance and never by colour
 * alone (decision 0111). One entry per await kind, so a kind added to the trace contract cannot go
 * unclassified.
 */
import type { AwaitKind } from '../engine/events';
import type { Segment } from '../engine/model';
import type { Ids } from './context';
import type { Palette } from './theme';

/**
 * - timer: asleep until a deadline (`asyncio.sleep`);
 * - task: waiting for other tasks (`await task`, gather, wait, wait_for, as_completed, TaskGroup);
 * - primitive: waiting for a turn at a Lock, Semaphore, Event, Condition or Queue;
 * - ready: in the ready queue, waiting for the loop to give it a turn (not started yet, or after
 *   `sleep(0)`);
 * - other: a bare future, a thread, anything else.
 */
export type WaitStyle = 'timer' | 'task' | 'primitive' | 'ready' | 'other';
export type SegmentStyle = 'running' | 'blocked' | WaitStyle;

const STYLE_OF_KIND: Record<AwaitKind, WaitStyle> = {
	sleep: 'timer',
	task: 'task',
	gather: 'task',
	wait: 'task',
	wait_for: 'task',
	as_completed: 'task',
	taskgroup: 'task',
	queue_get: 'primitive',
	queue_put: 'primitive',
	queue_join: 'primitive',
	lock: 'primitive',
	semaphore: 'primitive',
	event: 'primitive',
	condition: 'primitive',
	yield: 'ready',
	thread: 'other',
	future: 'other',
	other: 'other'
};

export function segmentStyle(segment: Segment): SegmentStyle {
	if (segment.kind !== 'waiting') return segment.kind;
	// A waiting segment with nothing awaited is a task scheduled and not yet given a turn.
	return segment.awaiting ? STYLE_OF_KIND[segment.awaiting.kind] : 'ready';
}

/** The waiting styles in the legend's order, with what each entry says. */
export const WAIT_LEGEND: readonly { style: WaitStyle; label: string }[] = [
	{ style: 'timer', label: 'sleeping' },
	{ style: 'task', label: 'awaits tasks' },
	{ style: 'primitive', label: 'awaits Lock, Queue, Event…' },
	{ style: 'ready', label: 'ready, awaits its turn' },
	{ style: 'other', label: 'awaits a future or thread' }
];

/** How one style is painted: its fill (a colour or a pattern), outline and label colour. */
export interface StyleInk {
	fill: string;
	stroke: string | null;
	/** A dashed outline (`stroke-dasharray`), or null for a solid one. */
	dash: string | null;
	text: string;
}

export function inkOf(style: SegmentStyle, palette: Palette, ids: Ids): StyleInk {
	switch (style) {
		case 'running':
			return { fill: palette.running, stroke: null, dash: null, text: palette.background };
		case 'blocked':
			return { fill: palette.blocked, stroke: null, dash: null, text: palette.blockedText };
		case 'timer':
			return {
				fill: `url(#${ids.hatch})`,
				stroke: palette.waitingStroke,
				dash: null,
				text: palette.waitingText
			};
		case 'task':
			return {
				fill: palette.taskWait,
				stroke: palette.taskWaitStroke,
				dash: null,
				text: palette.taskWaitText
			};
		case 'primitive':
			return {
				fill: `url(#${ids.dots})`,
				stroke: palette.primitiveWaitStroke,
				dash: null,
				text: palette.primitiveWaitText
			};
		case 'ready':
			return { fill: 'none', stroke: palette.readyStroke, dash: '4 3', text: palette.readyText };
		case 'other':
			return { fill: palette.otherWait, stroke: null, dash: null, text: palette.otherWaitText };
	}
}

/** The style attribute that paints `ink`: its fill, and its outline (at `strokeWidth`, if given). */
export function inkStyle(ink: StyleInk, strokeWidth?: number): string {
	if (!ink.stroke) return `fill:${ink.fill}`;
	return (
		`fill:${ink.fill};stroke:${ink.stroke}` +
		(strokeWidth === undefined ? '' : `;stroke-width:${strokeWidth}`) +
		(ink.dash ? `;stroke-dasharray:${ink.dash}` : '')
	);
}
