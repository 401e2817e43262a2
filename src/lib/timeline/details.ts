/**
 * What the details panel says about a task, or about one of its segments (a click on the chart,
 * or Enter on the segment the keyboard rests on): the task, its whole call and its parent; what
 * the segment awaited, from when to when, at which line; its chain of awaits; whom it waited on
 * and who woke it (when the run's wake-ups are known); how the task ended.
 *
 * Plain words in rows, each a list of parts: text, which the panel writes as text, and lines,
 * which it makes buttons that show the line in the editor. A line is never found by searching the
 * text, which holds the program's own strings (a result of 'line 5' stays text).
 */
import { callText } from '../engine/call-text';
import { formatSeconds } from '../engine/format';
import type { RunModel, Segment, TaskModel } from '../engine/model';
import type { TaskId } from '../engine/events';
import type { Wake } from './marks/wakes';

/** Text, or a line of the program ("line 7", a button in the panel). */
export type DetailPart = { text: string } | { line: number };

export interface DetailRow {
	name: string;
	parts: DetailPart[];
}

export interface TaskDetails {
	/** "Task-3 say_after(2, 'world')" */
	title: string;
	/** The segment's part, when a segment was chosen: "Waiting on sleep(2)". */
	heading: string | null;
	rows: DetailRow[];
}

/** What the panel shows: a task, and one of its segments or none (its lane was chosen). */
export interface DetailsTarget {
	task: TaskId;
	segment: number | null;
}

/** At most this many awaited tasks are named; the rest are counted. */
const MAX_NAMED = 5;

const ENDINGS: Record<TaskModel['state'], string> = {
	pending: 'never finished',
	done: 'returned',
	raised: 'raised',
	cancelled: 'was cancelled'
};

/** The details of `target` in `model`, or null when the run has no such task or segment. */
export function taskDetails(
	model: RunModel,
	target: DetailsTarget,
	wakes: readonly Wake[] | null = null
): TaskDetails | null {
	const byId = new Map(model.tasks.map((task) => [task.id, task]));
	const task = byId.get(target.task);
	if (!task) return null;
	const segment = target.segment === null ? null : task.segments[target.segment];
	if (segment === undefined) return null;
	const named = (id: TaskId) => {
		const other = byId.get(id);
		return other ? `${other.name} ${callText(other)}` : `task #${id}`;
	};
	const rows: DetailRow[] = [
		row('Call', callText(task)),
		row('Parent', task.parent === null ? 'none: created outside any task' : named(task.parent)),
		row('Created', `at ${formatSeconds(task.created)}`, ...atLine(task.line))
	];
	let heading: string | null = null;
	if (segment) {
		heading = segmentHeading(segment);
		rows.push(...segmentRows(task, segment, named, wakes));
	}
	rows.push(...endingRows(task));
	return { title: `${task.name} ${callText(task)}`, heading, rows };
}

function segmentHeading(segment: Segment): string {
	if (segment.kind === 'running') return 'Running';
	if (segment.kind === 'blocked') return `Blocking the loop in ${segment.label}`;
	return segment.label === 'scheduled'
		? 'Scheduled: waiting for its first turn'
		: `Waiting on ${segment.label}`;
}

function segmentRows(
	task: TaskModel,
	segment: Segment,
	named: (id: TaskId) => string,
	wakes: readonly Wake[] | null
): DetailRow[] {
	const rows: DetailRow[] = [
		row(
			'When',
			`${formatSeconds(segment.start)} → ${formatSeconds(segment.end)} ` +
				`(${formatSeconds(segment.end - segment.start)})`
		)
	];
	if (segment.line !== null) rows.push({ name: 'Where', parts: [{ line: segment.line }] });
	if (segment.chain && segment.chain.length > 0) {
		rows.push({
			name: 'Await chain',
			parts: segment.chain.flatMap((frame, index) => [
				{ text: `${index > 0 ? ' → ' : ''}${frame.fn}, ` },
				{ line: frame.line }
			])
		});
	}
	if (segment.kind !== 'waiting') return rows;
	const awaited = awaitedTasks(segment);
	if (awaited.length > 0) {
		const shown = awaited.slice(0, MAX_NAMED).map(named);
		if (awaited.length > MAX_NAMED) shown.push(`and ${awaited.length - MAX_NAMED} more`);
		rows.push(row('Waited on', shown.join('; ')));
	}
	const woke = wakerOf(task, segment, wakes);
	if (woke) {
		rows.push(
			row(
				'Woken by',
				`${named(woke.from)} at ${formatSeconds(woke.fromT)}`,
				...atLine(woke.line ?? null)
			)
		);
	} else if (segment.awaiting?.until != null && segment.end === segment.awaiting.until) {
		rows.push(row('Woken by', `its timer, at ${formatSeconds(segment.end)}`));
	}
	return rows;
}

function awaitedTasks(segment: Segment): TaskId[] {
	const awaiting = segment.awaiting;
	if (!awaiting) return [];
	if (awaiting.tasks) return awaiting.tasks;
	return awaiting.task != null ? [awaiting.task] : [];
}

/** The wake-up that ended this wait: the task resumed at the segment's end. */
function wakerOf(task: TaskModel, segment: Segment, wakes: readonly Wake[] | null): Wake | null {
	if (!wakes) return null;
	return wakes.find((wake) => wake.to === task.id && wake.toT === segment.end) ?? null;
}

function endingRows(task: TaskModel): DetailRow[] {
	const when = task.finished === null ? '' : ` at ${formatSeconds(task.finished)}`;
	const rows: DetailRow[] = [row('Ended', `${ENDINGS[task.state]}${when}`)];
	if (task.state === 'done' && task.result !== undefined) rows.push(row('Result', task.result));
	if (task.exception)
		rows.push(row('Exception', `${task.exception.type}: ${task.exception.message}`));
	return rows;
}

function row(name: string, text: string, ...more: DetailPart[]): DetailRow {
	return { name, parts: [{ text }, ...more] };
}

/** ", line 7" where a line is known. */
function atLine(line: number | null): DetailPart[] {
	return line === null ? [] : [{ text: ', ' }, { line }];
}

/** A row as one string ("line 7" for a line), for words without buttons and for tests. */
export function rowText(detail: DetailRow): string {
	return detail.parts.map((part) => ('line' in part ? `line ${part.line}` : part.text)).join('');
}
