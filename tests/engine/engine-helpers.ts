/**
 * Shared helpers for the engine tests: one Pyodide per test file, and small readers over a trace.
 */
import type { Engine } from '../../src/lib/engine/engine';
import type { RunOptions, TraceEvent, TraceEventKind } from '../../src/lib/engine/events';
import { createNodeEngine } from '../../src/lib/engine/node-engine';

export type { TraceEvent };

export async function bootEngine(): Promise<Engine> {
	return createNodeEngine();
}

/** Strip common indentation so snippets can be written indented in the test source. */
export function dedent(source: string): string {
	const lines = source.replace(/^\n/, '').split('\n');
	const indents = lines
		.filter((line) => line.trim())
		.map((line) => line.match(/^[ \t]*/)![0].length);
	const cut = Math.min(...indents);
	return lines.map((line) => line.slice(cut)).join('\n');
}

export function run(engine: Engine, source: string, options?: RunOptions): TraceEvent[] {
	return engine.run(dedent(source), options);
}

export function ofKind<K extends TraceEventKind>(
	events: TraceEvent[],
	kind: K
): Extract<TraceEvent, { kind: K }>[] {
	return events.filter((event) => event.kind === kind) as Extract<TraceEvent, { kind: K }>[];
}

/** The printed lines, in order. */
export function stdout(events: TraceEvent[]): string[] {
	return ofKind(events, 'output').map((event) => event.text);
}

/** The time of the last event (run_end), rounded to milliseconds. */
export function duration(events: TraceEvent[]): number {
	return Math.round(events[events.length - 1].t * 1000) / 1000;
}

/** task id → name, from task_created events. */
export function taskNames(events: TraceEvent[]): Map<number, string> {
	return new Map(ofKind(events, 'task_created').map((event) => [event.task, event.name]));
}

/** The task_created event of the task named `name`. */
export function taskNamed(events: TraceEvent[], name: string) {
	const found = ofKind(events, 'task_created').find((event) => event.name === name);
	if (!found) throw new Error(`no task named ${name}`);
	return found;
}

/** Every awaiting label one task suspended on, in order. */
export function waits(events: TraceEvent[], task: number): string[] {
	return ofKind(events, 'task_suspended')
		.filter((event) => event.task === task)
		.map((event) => event.awaiting.label);
}
