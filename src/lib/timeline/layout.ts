/**
 * Rows of the chart, top to bottom, for one run or for a pinned run stacked above this run.
 *
 * A row is a task lane, a collapsed group lane (many sibling tasks of one coroutine drawn as one
 * lane of counts), a concurrency strip, or a section header naming the run. The layout depends
 * only on the models and on which groups the user expanded, so the live chart computes it once
 * and reuses it for every zoom and pan frame.
 */
import { laneParts } from '../engine/call-text';
import type { RunModel, TaskModel } from '../engine/model';
import type { TaskId } from '../engine/events';
import { textWidth } from './dom';
import { chartSizes, type ChartSizes } from './sizes';

/** Runs with more tasks than this collapse large sibling groups into one lane each. */
export const COLLAPSE_ABOVE_TASKS = 40;
/** The fewest siblings of one coroutine that collapse into a group lane. */
export const MIN_GROUP_SIZE = 6;

export interface RunInput {
	model: RunModel;
	/** Shown above the run's lanes when several runs are stacked ("pinned", "this run"). */
	label: string | null;
	/** Drawn faint, so it is not mistaken for the current run (the previous run, for comparison). */
	faint?: boolean;
}

/** A step function of how many member tasks run or wait from `t` until the next point. */
export interface CountPoint {
	t: number;
	running: number;
	waiting: number;
}

export interface GroupStats {
	points: CountPoint[];
	/** The most members alive at one instant: the full height of the lane. */
	peak: number;
	raised: number[];
	cancelled: number[];
	firstCreated: number;
	lastFinished: number | null;
}

interface RowBase {
	y: number;
	height: number;
	section: number;
}

export interface SectionRow extends RowBase {
	kind: 'section';
	label: string;
	model: RunModel;
	faint: boolean;
}

export interface StripRow extends RowBase {
	kind: 'strip';
	model: RunModel;
}

export interface TaskRow extends RowBase {
	kind: 'task';
	/** Position in layout.lanes. */
	index: number;
	task: TaskModel;
	depth: number;
}

export interface GroupRow extends RowBase {
	kind: 'group';
	/** Position in layout.lanes. */
	index: number;
	/** Stable across renders: section, parent and coroutine. */
	key: string;
	coro: string;
	depth: number;
	/** The collapsed tasks and their descendants, in lane order. */
	members: TaskModel[];
	stats: GroupStats;
}

export type Row = SectionRow | StripRow | TaskRow | GroupRow;
export type LaneRow = TaskRow | GroupRow;

export interface Section {
	index: number;
	label: string | null;
	model: RunModel;
	faint: boolean;
	/** Where the section begins (its header, when it has one). */
	top: number;
	/** The y range of the section's task and group lanes (blocked bands span it). */
	lanesTop: number;
	lanesBottom: number;
	/** Which row draws each task: its own lane or the group that swallowed it. */
	laneOf: Map<TaskId, LaneRow>;
}

export interface TimelineLayout {
	rows: Row[];
	/** The task and group lanes only, in order: what keyboard navigation walks. */
	lanes: LaneRow[];
	sections: Section[];
	height: number;
	/**
	 * The longest run: the shared time axis ends here, so stacked runs of different lengths are
	 * drawn on one scale and the shorter one's bars are shorter.
	 */
	duration: number;
	/** The sizes the rows were laid out with, which every mark draws with. */
	sizes: ChartSizes;
	/** The widest lane label (indent and text, in pixels): the label column grows to it. */
	labelWidth: number;
}

export interface LayoutOptions {
	/** Keys of group lanes the user expanded. */
	expanded?: ReadonlySet<string>;
	/** The chart's text size in pixels; lanes and everything else scale with it (sizes.ts). */
	textSize?: number;
	/** Task and group lanes are this many times their size's height (at least 1): a chart with
	 * few lanes fills the room it has. */
	laneStretch?: number;
	collapseAboveTasks?: number;
	minGroupSize?: number;
}

export function layoutTimeline(runs: RunInput[], options: LayoutOptions = {}): TimelineLayout {
	const rows: Row[] = [];
	const lanes: LaneRow[] = [];
	const sections: Section[] = [];
	const sizes = chartSizes(options.textSize);
	let y = 0;
	runs.forEach((run, index) => {
		if (index > 0) y += sizes.sectionGap;
		const top = y;
		const faint = run.faint ?? false;
		if (run.label !== null) {
			rows.push({
				kind: 'section',
				y,
				height: sizes.section,
				section: index,
				label: run.label,
				model: run.model,
				faint
			});
			y += sizes.section;
		}
		rows.push({ kind: 'strip', y, height: sizes.strip, section: index, model: run.model });
		y += sizes.strip;
		const lanesTop = y;
		const laneOf = new Map<TaskId, LaneRow>();
		for (const lane of taskLanes(run.model, index, options, sizes)) {
			lane.y = y;
			lane.index = lanes.length;
			y += lane.height;
			rows.push(lane);
			lanes.push(lane);
			if (lane.kind === 'task') laneOf.set(lane.task.id, lane);
			else for (const member of lane.members) laneOf.set(member.id, lane);
		}
		sections.push({
			index,
			label: run.label,
			model: run.model,
			faint,
			top,
			lanesTop,
			lanesBottom: y,
			laneOf
		});
	});
	const duration = Math.max(0, ...runs.map((run) => run.model.duration));
	return {
		rows,
		lanes,
		sections,
		height: y,
		duration,
		sizes,
		labelWidth: labelWidth(lanes, sizes)
	};
}

/** Task lanes in model order, with big sibling groups collapsed (y is filled in by the caller). */
function taskLanes(
	model: RunModel,
	section: number,
	options: LayoutOptions,
	sizes: ChartSizes
): LaneRow[] {
	const collapseAbove = options.collapseAboveTasks ?? COLLAPSE_ABOVE_TASKS;
	const minGroup = options.minGroupSize ?? MIN_GROUP_SIZE;
	const collapsing = model.tasks.length > collapseAbove;
	const siblingCount = new Map<string, number>();
	if (collapsing) {
		for (const task of model.tasks) {
			const key = groupKey(section, task);
			siblingCount.set(key, (siblingCount.get(key) ?? 0) + 1);
		}
	}
	const lanes: LaneRow[] = [];
	const stretch = Math.max(1, options.laneStretch ?? 1);
	const laneHeight = sizes.lane * stretch;
	const groupHeight = sizes.group * stretch;
	const groupByKey = new Map<string, GroupRow>();
	// Tasks come depth-first, so a task's parent is always placed before it.
	const ownerOf = new Map<TaskId, GroupRow>();
	for (const task of model.tasks) {
		const inherited = task.parent !== null ? ownerOf.get(task.parent) : undefined;
		if (inherited) {
			inherited.members.push(task);
			ownerOf.set(task.id, inherited);
			continue;
		}
		const key = groupKey(section, task);
		const collapses =
			collapsing && (siblingCount.get(key) ?? 0) >= minGroup && !options.expanded?.has(key);
		if (!collapses) {
			lanes.push({
				kind: 'task',
				y: 0,
				height: laneHeight,
				section,
				index: 0,
				task,
				depth: task.depth
			});
			continue;
		}
		let group = groupByKey.get(key);
		if (!group) {
			group = {
				kind: 'group',
				y: 0,
				index: 0,
				height: groupHeight,
				section,
				key,
				coro: task.coro,
				depth: task.depth,
				members: [],
				stats: emptyStats()
			};
			groupByKey.set(key, group);
			lanes.push(group);
		}
		group.members.push(task);
		ownerOf.set(task.id, group);
	}
	for (const group of groupByKey.values()) group.stats = groupStats(group.members);
	return lanes;
}

function groupKey(section: number, task: TaskModel): string {
	return `${section}:${task.parent ?? 'top'}:${task.coro}`;
}

function emptyStats(): GroupStats {
	return { points: [], peak: 0, raised: [], cancelled: [], firstCreated: 0, lastFinished: null };
}

/**
 * Sweep the members' segments into a step function of running and waiting counts. Ten thousand
 * tasks give a hundred thousand boundaries, so they go into typed arrays, whose numeric sort is
 * far cheaper than sorting objects with a comparator.
 */
export function groupStats(members: TaskModel[]): GroupStats {
	const runStarts: number[] = [];
	const runEnds: number[] = [];
	const waitStarts: number[] = [];
	const waitEnds: number[] = [];
	const raised: number[] = [];
	const cancelled: number[] = [];
	let firstCreated = Infinity;
	let lastFinished: number | null = 0;
	for (const task of members) {
		firstCreated = Math.min(firstCreated, task.created);
		if (task.finished === null) lastFinished = null;
		else if (lastFinished !== null) lastFinished = Math.max(lastFinished, task.finished);
		if (task.state === 'raised' && task.finished !== null) raised.push(task.finished);
		if (task.state === 'cancelled' && task.finished !== null) cancelled.push(task.finished);
		for (const segment of task.segments) {
			if (segment.end <= segment.start) continue;
			if (segment.kind === 'waiting') {
				waitStarts.push(segment.start);
				waitEnds.push(segment.end);
			} else {
				runStarts.push(segment.start);
				runEnds.push(segment.end);
			}
		}
	}
	const sorted = [runStarts, runEnds, waitStarts, waitEnds].map((list) =>
		Float64Array.from(list).sort()
	);
	const [rs, re, ws, we] = sorted;
	const cursor = [0, 0, 0, 0];
	const points: CountPoint[] = [];
	let running = 0;
	let waiting = 0;
	let peak = 0;
	for (;;) {
		let t = Infinity;
		for (let k = 0; k < 4; k++)
			if (cursor[k] < sorted[k].length) t = Math.min(t, sorted[k][cursor[k]]);
		if (t === Infinity) break;
		while (cursor[0] < rs.length && rs[cursor[0]] === t) {
			running++;
			cursor[0]++;
		}
		while (cursor[1] < re.length && re[cursor[1]] === t) {
			running--;
			cursor[1]++;
		}
		while (cursor[2] < ws.length && ws[cursor[2]] === t) {
			waiting++;
			cursor[2]++;
		}
		while (cursor[3] < we.length && we[cursor[3]] === t) {
			waiting--;
			cursor[3]++;
		}
		peak = Math.max(peak, running + waiting);
		points.push({ t, running, waiting });
	}
	raised.sort((a, b) => a - b);
	cancelled.sort((a, b) => a - b);
	return {
		points,
		peak,
		raised,
		cancelled,
		firstCreated: Number.isFinite(firstCreated) ? firstCreated : 0,
		lastFinished
	};
}

/** The rows that intersect [top, bottom) in content coordinates, by binary search. */
export function visibleRows(rows: Row[], top: number, bottom: number): Row[] {
	let lo = 0;
	let hi = rows.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (rows[mid].y + rows[mid].height <= top) lo = mid + 1;
		else hi = mid;
	}
	const visible: Row[] = [];
	for (let i = lo; i < rows.length && rows[i].y < bottom; i++) visible.push(rows[i]);
	return visible;
}

/** The row under content y, or null. */
export function rowAt(rows: Row[], y: number): Row | null {
	const [row] = visibleRows(rows, y, y + 0.001);
	return row && row.y <= y ? row : null;
}

/** Nesting levels indented, capped so deep trees keep room for the name. */
export const MAX_INDENT_LEVELS = 6;

/** Where a lane's label starts: indented under the task that created it. */
export function labelIndent(lane: LaneRow, sizes: ChartSizes): number {
	return 8 + Math.min(lane.depth, MAX_INDENT_LEVELS) * sizes.indent;
}

function labelWidth(lanes: LaneRow[], sizes: ChartSizes): number {
	let widest = 0;
	for (const lane of lanes) {
		const { name, detail } = laneTitle(lane);
		const width = labelIndent(lane, sizes) + textWidth(`${name} ${detail}`, sizes.text);
		if (width > widest) widest = width;
	}
	return widest;
}

/** A lane's name for people: "Task-3 say_after(2, 'world')" (in LANE_CHARS) or "say × 1,000 tasks". */
export function laneTitle(lane: LaneRow): { name: string; detail: string } {
	if (lane.kind === 'task') {
		const { name, call } = laneParts(lane.task);
		return { name, detail: call };
	}
	return {
		name: `${lane.coro}() × ${lane.members.length.toLocaleString('en-US')}`,
		detail: 'tasks'
	};
}
