/**
 * A run as Chrome's Trace Event Format (JSON object form), the format Perfetto's UI and
 * chrome://tracing open: one track per task in lane order, a slice for each running, waiting and
 * blocked segment, a flow arrow for each await of a task, the printed lines as instants, and the
 * run's concurrency as a counter. Pure: the page downloads it, the CLI writes it (`--perfetto`).
 *
 * Virtual seconds become microseconds, the format's unit, so Perfetto's ruler reads the run's own
 * times. Slices carry the line and what they await in `args`, where Perfetto's details panel
 * shows them.
 */
import { summaryLine } from '../engine/format';
import type { RunModel, Segment, TaskModel } from '../engine/model';
import { callText } from '../engine/call-text';

/** One event of the format; only the fields this exporter writes. */
export interface TraceEvent {
	name: string;
	ph: 'M' | 'X' | 'i' | 's' | 'f' | 'C';
	pid: number;
	tid: number;
	ts?: number;
	dur?: number;
	cat?: string;
	id?: number;
	bp?: 'e';
	s?: 't';
	args?: Record<string, string | number>;
}

export interface PerfettoTrace {
	traceEvents: TraceEvent[];
	displayTimeUnit: 'ms';
	metadata: Record<string, string>;
}

const PID = 1;
/** The loop's own track: top-level output, and the loop blocked outside any task. */
const LOOP_TID = 0;
/** Perfetto truncates nothing; a printed line this long is still one readable instant. */
const MAX_TEXT = 200;

const micros = (seconds: number): number => Math.round(seconds * 1e6);

function clip(text: string): string {
	return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function segmentSlice(task: TaskModel, segment: Segment): TraceEvent {
	const args: Record<string, string | number> = {};
	if (segment.line !== null) args.line = segment.line;
	if (segment.awaiting) args.awaits = segment.awaiting.label;
	if (segment.chain?.length)
		args.chain = segment.chain.map((frame) => `${frame.fn}:${frame.line ?? '?'}`).join(' → ');
	return {
		name: segment.kind === 'running' ? `${task.coro} running` : segment.label,
		cat: segment.kind,
		ph: 'X',
		pid: PID,
		tid: task.id,
		ts: micros(segment.start),
		dur: micros(segment.end) - micros(segment.start),
		args
	};
}

function taskArgs(task: TaskModel): Record<string, string | number> {
	const args: Record<string, string | number> = { state: task.state, coroutine: task.coro };
	if (task.line !== null) args['created at line'] = task.line;
	if (task.result !== undefined) args.result = clip(task.result);
	if (task.exception) args.exception = clip(`${task.exception.type}: ${task.exception.message}`);
	return args;
}

/** The run as a Trace Event Format object; `title` names the process track (e.g. the example). */
export function toPerfetto(model: RunModel, title = 'asyncio run'): PerfettoTrace {
	const events: TraceEvent[] = [
		{ name: 'process_name', ph: 'M', pid: PID, tid: LOOP_TID, args: { name: title } },
		{ name: 'thread_name', ph: 'M', pid: PID, tid: LOOP_TID, args: { name: 'event loop' } },
		{ name: 'thread_sort_index', ph: 'M', pid: PID, tid: LOOP_TID, args: { sort_index: 0 } }
	];
	model.tasks.forEach((task, lane) => {
		events.push(
			{
				name: 'thread_name',
				ph: 'M',
				pid: PID,
				tid: task.id,
				args: { name: `${task.name} ${callText(task)}` }
			},
			{ name: 'thread_sort_index', ph: 'M', pid: PID, tid: task.id, args: { sort_index: lane + 1 } }
		);
		const end = task.finished ?? model.duration;
		// The task's whole life, one level above its segments, carries its outcome.
		events.push({
			name: task.name,
			cat: 'task',
			ph: 'X',
			pid: PID,
			tid: task.id,
			ts: micros(task.created),
			dur: micros(end) - micros(task.created),
			args: taskArgs(task)
		});
		for (const segment of task.segments) events.push(segmentSlice(task, segment));
	});
	for (const span of model.blocked) {
		if (span.task !== null) continue; // a task's own blocked segment already shows it
		events.push({
			name: span.cause,
			cat: 'blocked',
			ph: 'X',
			pid: PID,
			tid: LOOP_TID,
			ts: micros(span.start),
			dur: micros(span.end) - micros(span.start),
			args: span.line === null ? {} : { line: span.line }
		});
	}
	// An arrow from the awaited task's end to the waiter, at the moment the wait ended.
	model.links.forEach((link, index) => {
		const at = micros(link.end);
		const common = { name: 'awaits', cat: 'await', pid: PID, id: index + 1 };
		events.push({ ...common, ph: 's', tid: link.to, ts: at });
		events.push({ ...common, ph: 'f', bp: 'e', tid: link.from, ts: at });
	});
	for (const line of model.stdout) {
		events.push({
			name: clip(line.text),
			cat: line.stream,
			ph: 'i',
			s: 't',
			pid: PID,
			tid: line.task ?? LOOP_TID,
			ts: micros(line.t)
		});
	}
	for (const point of model.concurrency) {
		events.push({
			name: 'tasks at once',
			ph: 'C',
			pid: PID,
			tid: LOOP_TID,
			ts: micros(point.t),
			args: { running: point.running, waiting: point.waiting }
		});
	}
	return {
		traceEvents: events,
		displayTimeUnit: 'ms',
		metadata: { source: 'asyncio playground', python: model.python, summary: summaryLine(model) }
	};
}
