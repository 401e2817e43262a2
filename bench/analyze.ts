/**
 * How long analyzeRun takes on a 100,000-event trace (budget: well under 100 ms).
 * Run with `node --import tsx bench/analyze.ts`; prints the median and best of 15 runs.
 */
import { analyzeRun } from '../src/lib/engine/analyze';
import type { TraceEvent } from '../src/lib/engine/events';

function gatherTrace(count: number): TraceEvent[] {
	const events: TraceEvent[] = [];
	let step = 0;
	const limits = { max_virtual_time: 3600, max_steps: 1e6, max_events: 1e6, max_output_chars: 1e5 };
	events.push({ kind: 'run_start', t: 0, version: 2, python: '3.14.2', limits });
	events.push({
		kind: 'task_created',
		t: 0,
		task: 1,
		name: 'Task-1',
		parent: null,
		coro: 'main',
		arguments: null,
		line: 9
	});
	events.push({ kind: 'task_resumed', t: 0, task: 1, step: ++step });
	for (let id = 2; id < count + 2; id++) {
		events.push({
			kind: 'task_created',
			t: 0,
			task: id,
			name: `Task-${id}`,
			parent: 1,
			coro: 'job',
			arguments: ['1'],
			line: 9
		});
	}
	const label = `gather(${count})`;
	events.push({
		kind: 'task_suspended',
		t: 0,
		task: 1,
		awaiting: { kind: 'gather', label },
		line: 9,
		chain: []
	});
	for (let id = 2; id < count + 2; id++) {
		const seconds = 1 + (id % 3);
		events.push({ kind: 'task_resumed', t: 0, task: id, step: ++step });
		const awaiting = { kind: 'sleep' as const, label: `sleep(${seconds})`, until: seconds };
		events.push({
			kind: 'task_suspended',
			t: 0,
			task: id,
			awaiting,
			line: 4,
			chain: [{ fn: 'job', line: 4 }]
		});
	}
	for (let id = 2; id < count + 2; id++) {
		const t = 1 + (id % 3);
		events.push({ kind: 'task_resumed', t, task: id, step: ++step });
		events.push({
			kind: 'output',
			t,
			stream: 'stdout',
			text: `job ${id} done`,
			task: id,
			line: null
		});
		events.push({ kind: 'task_done', t, task: id, state: 'done', result: 'None', line: 5 });
	}
	events.push({ kind: 'task_resumed', t: 3, task: 1, step: ++step });
	events.push({ kind: 'task_done', t: 3, task: 1, state: 'done', result: 'None', line: 9 });
	events.push({ kind: 'run_end', t: 3, steps: step, real_ms: 0, dropped_events: 0 });
	return events;
}

const events = gatherTrace(16_700);
const times: number[] = [];
for (let run = 0; run < 16; run++) {
	const started = performance.now();
	analyzeRun(events);
	if (run > 0) times.push(performance.now() - started); // the first run warms up the JIT
}
times.sort((a, b) => a - b);
console.log(
	`analyzeRun, ${events.length} events: median ${times[times.length >> 1].toFixed(1)} ms, best ${times[0].toFixed(1)} ms`
);
