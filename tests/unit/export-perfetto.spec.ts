import { describe, expect, it } from 'vitest';
import { toPerfetto, type TraceEvent } from '../../src/lib/export/perfetto';
import type { RunModel } from '../../src/lib/engine/model';
import { blockingSleep, fixtures, gatherThree } from './timeline/fixtures';
import { callText } from '../../src/lib/engine/call-text';

/**
 * The Trace Event Format's rules for the phases the exporter writes (the format's
 * specification, "JSON Object Format" and each phase's section): which fields each phase needs,
 * and their types. A trace that breaks one of these is dropped or misdrawn by Perfetto.
 */
function formatErrors(event: TraceEvent): string[] {
	const errors: string[] = [];
	const need = (field: keyof TraceEvent, type: 'string' | 'number' | 'object') => {
		if (typeof event[field] !== type)
			errors.push(`${event.ph} ${event.name}: ${field} not a ${type}`);
	};
	need('name', 'string');
	need('pid', 'number');
	need('tid', 'number');
	if (event.ph !== 'M') need('ts', 'number');
	switch (event.ph) {
		case 'M':
			need('args', 'object');
			break;
		case 'X':
			need('dur', 'number');
			if ((event.dur ?? -1) < 0) errors.push(`X ${event.name}: negative duration`);
			break;
		case 'i':
			if (event.s !== 't') errors.push(`i ${event.name}: scope is not the thread`);
			break;
		case 's':
		case 'f':
			need('id', 'number');
			need('cat', 'string');
			break;
		case 'C':
			need('args', 'object');
			for (const value of Object.values(event.args ?? {}))
				if (typeof value !== 'number') errors.push(`C ${event.name}: a non-numeric series`);
			break;
		default:
			errors.push(`unknown phase ${String(event.ph)}`);
	}
	if (event.ts !== undefined && !Number.isInteger(event.ts))
		errors.push(`${event.name}: ts ${event.ts} is not whole microseconds`);
	return errors;
}

/**
 * Slices on one track must nest (a child inside its parent) or follow each other: Perfetto drops
 * a slice that overlaps another only partly. Returns the tracks where one does.
 */
function badlyNested(events: TraceEvent[]): number[] {
	const bad = new Set<number>();
	const byTrack = new Map<number, TraceEvent[]>();
	for (const event of events)
		if (event.ph === 'X') byTrack.set(event.tid, [...(byTrack.get(event.tid) ?? []), event]);
	for (const [tid, slices] of byTrack) {
		slices.sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
		const open: number[] = []; // ends of the enclosing slices
		for (const slice of slices) {
			while (open.length && open[open.length - 1] <= slice.ts!) open.pop();
			const end = slice.ts! + slice.dur!;
			if (open.length && end > open[open.length - 1]) bad.add(tid);
			open.push(end);
		}
	}
	return [...bad];
}

/** Parse the exported text back, as Perfetto's importer would start. */
function roundTrip(model: RunModel): TraceEvent[] {
	const parsed = JSON.parse(JSON.stringify(toPerfetto(model))) as { traceEvents: TraceEvent[] };
	return parsed.traceEvents;
}

describe('toPerfetto', () => {
	it('writes only well-formed events, for every fixture run', () => {
		for (const fixture of fixtures) {
			const events = roundTrip(fixture.model());
			expect(events.flatMap(formatErrors), fixture.name).toEqual([]);
			expect(badlyNested(events), fixture.name).toEqual([]);
		}
	});

	it('gives each task a named track in lane order and one slice per segment plus its life', () => {
		const model = gatherThree();
		const events = roundTrip(model);
		const names = events.filter((event) => event.name === 'thread_name');
		expect(names.map((event) => event.args?.name)).toEqual([
			'event loop',
			...model.tasks.map((task) => `${task.name} ${callText(task)}`)
		]);
		const order = events
			.filter((event) => event.name === 'thread_sort_index')
			.map((event) => [event.tid, event.args?.sort_index]);
		expect(order).toEqual([[0, 0], ...model.tasks.map((task, lane) => [task.id, lane + 1])]);

		const slices = events.filter((event) => event.ph === 'X');
		const segments = model.tasks.reduce((sum, task) => sum + task.segments.length, 0);
		expect(slices).toHaveLength(segments + model.tasks.length);
		expect(slices.filter((event) => event.cat === 'task')).toHaveLength(model.tasks.length);
	});

	it('writes virtual seconds as microseconds, so a 1 s sleep is a 1,000,000 µs slice', () => {
		const events = roundTrip(gatherThree());
		const sleep = events.find((event) => event.ph === 'X' && event.name === 'sleep(1)');
		expect(sleep).toMatchObject({ cat: 'waiting', ts: 0, dur: 1_000_000 });
		expect(typeof sleep?.args?.line).toBe('number');
	});

	it('pairs every flow start with one finish of the same id, one per await link', () => {
		const model = gatherThree();
		const events = roundTrip(model);
		const starts = events.filter((event) => event.ph === 's');
		const finishes = events.filter((event) => event.ph === 'f');
		expect(starts).toHaveLength(model.links.length);
		expect(finishes.map((event) => event.id)).toEqual(starts.map((event) => event.id));
		for (const [index, link] of model.links.entries()) {
			expect(starts[index]).toMatchObject({ tid: link.to, ts: link.end * 1e6 });
			expect(finishes[index]).toMatchObject({ tid: link.from, ts: link.end * 1e6, bp: 'e' });
		}
	});

	it('puts printed lines on their task and the concurrency on a counter', () => {
		const model = gatherThree();
		model.stdout = [
			{ t: 1, task: 2, taskName: 'Task-2', stream: 'stdout', text: 'x'.repeat(500) },
			{ t: 3, task: null, taskName: null, stream: 'stdout', text: '<b>done</b>' }
		];
		const events = roundTrip(model);
		const instants = events.filter((event) => event.ph === 'i');
		expect(instants.map((event) => [event.tid, event.name.length])).toEqual([
			[2, 200],
			[0, 11]
		]);
		expect(instants[1].name).toBe('<b>done</b>');
		const counters = events.filter((event) => event.ph === 'C');
		expect(counters).toHaveLength(model.concurrency.length);
	});

	it('keeps a blocked loop visible on the loop track when no task blocked it', () => {
		const model = blockingSleep();
		model.blocked = [{ start: 1, end: 3, cause: 'time.sleep', line: 7, task: null }];
		const loopSlices = roundTrip(model).filter((event) => event.ph === 'X' && event.tid === 0);
		expect(loopSlices).toEqual([
			expect.objectContaining({ name: 'time.sleep', ts: 1e6, dur: 2e6, args: { line: 7 } })
		]);
	});
});
