/**
 * What the orchestrator hands every mark: the document to create elements with, the scales, the
 * layout, the visible window and the colours. Marks read it and return one SVG group each.
 */
import type { ScaleLinear } from 'd3';
import type { LaneRow, Row, TimelineLayout } from './layout';
import type { Domain, Frame } from './scales';
import type { ChartSizes } from './sizes';
import type { Palette } from './theme';

/** What keyboard focus rests on: a lane, and optionally one of its segments. */
export interface FocusTarget {
	/** Index into layout.lanes. */
	lane: number;
	/** Index into the lane's task segments, or null for the lane itself. */
	segment: number | null;
}

export interface Ids {
	/** The timer-wait stripes (also any waiting where kinds are not told apart). */
	hatch: string;
	/** The dots of waiting at a Lock, Queue, Event… */
	dots: string;
	arrow: string;
	clip: string;
}

export interface RenderContext {
	document: Document;
	palette: Palette;
	ids: Ids;
	layout: TimelineLayout;
	/** The layout's sizes (layout.sizes), at hand for every mark. */
	sizes: ChartSizes;
	x: ScaleLinear<number, number>;
	domain: Domain;
	frame: Frame;
	/** Height of the whole SVG. */
	height: number;
	/** Height of the fixed header (legend and axis) above the scrolling lanes. */
	headerHeight: number;
	legendHeight: number;
	/** The visible part of the lanes, in content coordinates (0 is the first row's top). */
	viewTop: number;
	viewBottom: number;
	/** The rows that intersect the visible part. */
	rows: Row[];
	highlightLine: number | null;
	focus: FocusTarget | null;
	/** Whether several runs are stacked (then the legend summary names none of them). */
	stacked: boolean;
	/**
	 * Drawn on an axis of loop turns (the replay's turn-axis.ts): where the clock jumped between
	 * turns; null on the axis of seconds.
	 */
	turnGaps: readonly { at: number; label: string }[] | null;
}

export interface Mark {
	render(context: RenderContext): SVGElement | null;
}

export function isLane(row: Row): row is LaneRow {
	return row.kind === 'task' || row.kind === 'group';
}

export function laneCenter(row: Row): number {
	return row.y + row.height / 2;
}
