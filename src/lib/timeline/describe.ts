/**
 * Words for what the chart shows: tooltips, the spoken descriptions of keyboard navigation, and
 * the table alternative. One place, so the three always agree.
 */
import type { RunModel, Segment, TaskModel } from '../engine/model';
import type { LaneRow } from './layout';
import { formatSeconds } from '../engine/format';
import { callText } from '../engine/call-text';

export interface Field {
	name: string;
	value: string;
}

const STATE_WORDS: Record<TaskModel['state'], string> = {
	pending: 'never finished',
	done: 'done',
	raised: 'raised',
	cancelled: 'cancelled'
};

/** The rows of a segment's tooltip: task, call, state, start, end, duration, awaits, line. */
export function segmentFields(task: TaskModel, segment: Segment): Field[] {
	const fields: Field[] = [
		{ name: 'Task', value: task.name },
		{ name: 'Call', value: callText(task) },
		{ name: 'State', value: segment.kind },
		{ name: 'Start', value: formatSeconds(segment.start) },
		{ name: 'End', value: formatSeconds(segment.end) },
		{ name: 'Duration', value: formatSeconds(segment.end - segment.start) }
	];
	if (segment.kind === 'waiting') fields.push({ name: 'Awaits', value: segment.label });
	if (segment.kind === 'blocked') fields.push({ name: 'Blocked by', value: segment.label });
	fields.push({ name: 'Line', value: segment.line === null ? 'unknown' : String(segment.line) });
	return fields;
}

export type MarkerKind = 'created' | 'done' | 'raised' | 'cancelled' | 'stuck';

export function markerFields(task: TaskModel, marker: MarkerKind, at?: number): Field[] {
	const t = at ?? (marker === 'created' ? task.created : (task.finished ?? 0));
	const fields: Field[] = [
		{ name: 'Task', value: task.name },
		{ name: 'Call', value: callText(task) },
		{ name: 'Event', value: marker },
		{ name: 'Time', value: formatSeconds(t) }
	];
	if (marker === 'done' && task.result !== undefined)
		fields.push({ name: 'Result', value: task.result });
	if (marker === 'raised' && task.exception)
		fields.push({
			name: 'Exception',
			value: `${task.exception.type}: ${task.exception.message}`
		});
	if (marker === 'stuck') {
		const last = task.segments[task.segments.length - 1];
		fields.push({ name: 'Waits forever on', value: last?.label ?? 'unknown' });
	}
	const line = marker === 'created' ? task.line : markerLine(task);
	fields.push({ name: 'Line', value: line === null ? 'unknown' : String(line) });
	return fields;
}

/** The line a finish marker points at: the last segment's line (where it raised or returned). */
export function markerLine(task: TaskModel): number | null {
	const last = task.segments[task.segments.length - 1];
	return last?.line ?? task.line;
}

/** One sentence for a screen reader: "Task-2, say(1): waiting on sleep(1) from 0 s to 1.00 s, line 4." */
export function describeSegment(task: TaskModel, segment: Segment, index: number): string {
	const what =
		segment.kind === 'waiting'
			? `waiting on ${segment.label}`
			: segment.kind === 'blocked'
				? `blocking the loop in ${segment.label}`
				: 'running';
	const line = segment.line === null ? '' : `, line ${segment.line}`;
	return (
		`${task.name}, ${callText(task)}: ${what} from ${formatSeconds(segment.start)} to ` +
		`${formatSeconds(segment.end)}${line}. Segment ${index + 1} of ${task.segments.length}.`
	);
}

/** The rows of a lane's tooltip, when the keyboard rests on the lane itself. */
export function laneFields(lane: LaneRow): Field[] {
	if (lane.kind === 'group') {
		return [
			{ name: 'Tasks', value: lane.members.length.toLocaleString('en-US') },
			{ name: 'Coroutine', value: lane.coro },
			{ name: 'Expand', value: 'press Enter' }
		];
	}
	const task = lane.task;
	return [
		{ name: 'Call', value: callText(task) },
		{ name: 'Created', value: formatSeconds(task.created) },
		{
			name: 'Ended',
			value:
				task.finished === null
					? STATE_WORDS.pending
					: `${STATE_WORDS[task.state]} at ${formatSeconds(task.finished)}`
		},
		{ name: 'Segments', value: `${task.segments.length} (← → to walk them)` },
		{ name: 'Line', value: task.line === null ? 'unknown' : String(task.line) }
	];
}

export function describeLane(lane: LaneRow, position: number, total: number): string {
	const where = `Lane ${position + 1} of ${total}.`;
	if (lane.kind === 'group') {
		return (
			`${lane.members.length} tasks of ${lane.coro}, collapsed. ${where} ` +
			'Press Enter to expand.'
		);
	}
	const task = lane.task;
	const end =
		task.finished === null
			? 'never finished'
			: `${STATE_WORDS[task.state]} at ${formatSeconds(task.finished)}`;
	return (
		`${task.name}, ${callText(task)}, created at ${formatSeconds(task.created)}, ${end}. ` +
		`${task.segments.length} segments. ${where}`
	);
}

export interface TaskTableRow {
	id: number;
	name: string;
	parent: string;
	call: string;
	start: string;
	end: string;
	state: string;
	waitedOn: string;
}

/** At most this many distinct awaited things are listed per task in the table. */
const MAX_WAITED_ON = 6;

/** The table alternative: one row per task, in lane order (or the tasks from `start` to `end`). */
export function taskTableRows(
	model: RunModel,
	start = 0,
	end = model.tasks.length
): TaskTableRow[] {
	const tasks = model.tasks.slice(start, end);
	const parents = new Set(tasks.map((task) => task.parent));
	const names = new Map(
		model.tasks.filter((task) => parents.has(task.id)).map((task) => [task.id, task.name])
	);
	return tasks.map((task) => {
		const waited: string[] = [];
		const seen = new Set<string>();
		let more = 0;
		for (const segment of task.segments) {
			if (segment.kind !== 'waiting' || seen.has(segment.label)) continue;
			seen.add(segment.label);
			if (waited.length < MAX_WAITED_ON) waited.push(segment.label);
			else more++;
		}
		if (more > 0) waited.push(`and ${more} more`);
		return {
			id: task.id,
			name: task.name,
			parent: task.parent === null ? '—' : (names.get(task.parent) ?? `#${task.parent}`),
			call: callText(task),
			start: formatSeconds(task.created),
			end: task.finished === null ? 'never' : formatSeconds(task.finished),
			state: STATE_WORDS[task.state],
			waitedOn: waited.length ? waited.join(', ') : 'nothing'
		};
	});
}
