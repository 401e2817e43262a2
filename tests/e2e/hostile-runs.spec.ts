/**
 * Hostile and heavy programs on the runner page (issue 13): a run that tampers with its runtime
 * does not change the next one, no CPU outlives its run, failures are named truly, and the page
 * never holds its main thread for more than 250 ms (the Long Tasks API) while a hostile run's
 * result comes back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_CLOSED } from '../../src/lib/runner/protocol';
import { useE2E, type OpenedPage } from './harness';
import {
	READY_TIMEOUT,
	openRunner,
	runPython,
	waitForReady,
	waitForSpare,
	withResponsivenessProbe,
	type OutcomeSummary
} from './runner-fixtures';

const e2e = useE2E();
/** The bound for any one task of the page. */
const LONG_TASK_MS = 250;
let opened: OpenedPage;

beforeAll(async () => {
	opened = await openRunner(e2e);
}, READY_TIMEOUT);

async function ready(): Promise<void> {
	await waitForReady(opened.page);
	await waitForSpare(opened.page);
}

const clean = 'import asyncio\nasync def main():\n    print("clean run")\nasyncio.run(main())';

async function expectCleanNextRun(): Promise<void> {
	await ready();
	expect(await runPython(opened.page, clean)).toMatchObject({
		kind: 'finished',
		stdout: ['clean run'],
		error: null
	});
}

describe('a run cannot change the next', () => {
	it(
		'an ordinary run keeps its runtime (nothing it did is taken for a change)',
		async () => {
			await ready();
			await runPython(opened.page, clean);
			// A replaced runtime would have promoted the spare, leaving none ready.
			const spare = await opened.page.evaluate(
				() => (window as unknown as { __runner: { spareReady: boolean } }).__runner.spareReady
			);
			expect(spare).toBe(true);
		},
		READY_TIMEOUT
	);

	for (const [what, code] of [
		[
			'patching an engine class',
			'import playground.recorder as r\nr.TraceRecorder.output_written = lambda *a, **k: None'
		],
		['sys.settrace', 'import sys\nsys.settrace(lambda *a: None)'],
		['sys.modules["asyncio"] = None', 'import sys\nsys.modules["asyncio"] = None'],
		[
			'a blob: script that wraps the worker’s onmessage and rewrites later runs',
			`
import js
from pyodide.ffi import to_js
script = """
const original = self.onmessage;
self.onmessage = (event) => {
  if (event.data && event.data.type === 'run') event.data.source = 'print("hijacked")';
  return original.call(self, event);
};
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'run') event.data.source = 'print("hijacked")';
}, true);
"""
blob = js.Blob.new(to_js([script]), to_js({"type": "text/javascript"}, dict_converter=js.Object.fromEntries))
js.importScripts(js.URL.createObjectURL(blob))
`
		]
	] as const) {
		it(
			`${what}: the next run is clean`,
			async () => {
				await ready();
				await runPython(opened.page, code);
				await expectCleanNextRun();
			},
			READY_TIMEOUT
		);
	}
});

/** CPU seconds used by this test's browser processes (descendants of this process) since boot. */
function browserCpuSeconds(): number {
	const parents = new Map<number, number>();
	const cpu = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			parents.set(Number(entry), Number(fields[1]));
			cpu.set(Number(entry), Number(fields[11]) + Number(fields[12]));
		} catch {
			// The process ended while we read.
		}
	}
	const ours = (pid: number): boolean => {
		for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
			if (p === process.pid) return true;
		return false;
	};
	let ticks = 0;
	for (const [pid, used] of cpu) if (ours(pid)) ticks += used;
	return ticks / 100; // USER_HZ
}

async function idleCpuSeconds(windowMs: number): Promise<number> {
	const before = browserCpuSeconds();
	await new Promise((resolve) => setTimeout(resolve, windowMs));
	return browserCpuSeconds() - before;
}

describe('no CPU outlives its run', () => {
	it(
		'nested blob: workers spinning for(;;){} and a busy interval end with the run',
		async () => {
			await ready();
			const baseline = await idleCpuSeconds(3_000);
			const outcome = await runPython(
				opened.page,
				`
import js
from pyodide.ffi import to_js
spin = js.URL.createObjectURL(js.Blob.new(to_js(["for(;;){}"]), to_js({"type": "text/javascript"}, dict_converter=js.Object.fromEntries)))
workers = [js.Worker.new(spin) for _ in range(2)]
print("started", len(workers))
`
			);
			expect(outcome).toMatchObject({ kind: 'finished', stdout: ['started 2'] });
			await ready();
			// Two spinning threads would use most of the 3 s on each core they get.
			const after = await idleCpuSeconds(3_000);
			console.log(
				`[measure] browser CPU over 3 s idle: ${baseline.toFixed(2)} s before, ${after.toFixed(2)} s after the run`
			);
			expect(after).toBeLessThan(baseline + 1);
			await expectCleanNextRun();
		},
		READY_TIMEOUT
	);
});

describe('failures are named truly', () => {
	it(
		'a runtime that closes itself is noticed at once, and the next run works',
		async () => {
			await ready();
			const started = Date.now();
			const outcome = await runPython(opened.page, 'import js\njs.close()\nprint("after close")');
			expect(outcome).toEqual({ kind: 'failed', message: RUNTIME_CLOSED });
			// Not the 10 s watchdog.
			expect(Date.now() - started).toBeLessThan(5_000);
			await expectCleanNextRun();
		},
		READY_TIMEOUT
	);

	it(
		'a 5 MB exception message and a 1 MB task name are the user’s error, cut with "…"',
		async () => {
			await ready();
			const outcome = await runPython(
				opened.page,
				`
import asyncio
async def main():
    await asyncio.create_task(asyncio.sleep(0), name="n" * 1_000_000)
    raise ValueError("x" * 5_000_000)
asyncio.run(main())
`
			);
			if (outcome.kind !== 'finished') throw new Error(JSON.stringify(outcome).slice(0, 300));
			expect(outcome.error?.type).toBe('ValueError');
			expect(outcome.error?.message.endsWith('x…')).toBe(true);
		},
		READY_TIMEOUT
	);

	it(
		'time.sleep(nan) raises ValueError; time.sleep(inf) ends at the virtual-time limit',
		async () => {
			await ready();
			const nan = await runPython(opened.page, 'import time\ntime.sleep(float("nan"))');
			expect(nan).toMatchObject({
				kind: 'finished',
				error: { type: 'ValueError', message: 'Invalid value NaN (not a number)' }
			});
			const inf = await runPython(opened.page, 'import time\ntime.sleep(float("inf"))');
			expect(inf).toMatchObject({ kind: 'finished', limit: { limit: 'virtual_time' } });
			await expectCleanNextRun();
		},
		READY_TIMEOUT
	);
});

describe('no page task over 250 ms', () => {
	async function measured(
		what: string,
		code: string,
		bound = LONG_TASK_MS
	): Promise<OutcomeSummary> {
		await ready();
		const { result, maxGapMs } = await withResponsivenessProbe(opened.page, () =>
			runPython(opened.page, code)
		);
		console.log(`[measure] longest page task, ${what}: ${maxGapMs} ms`);
		expect(maxGapMs).toBeLessThan(bound);
		return result;
	}

	it(
		'a worker error with a 128 MB message',
		async () => {
			const outcome = await measured(
				'128 MB worker error',
				`
import js
# An error event on the worker that nothing handles: the frame's worker.onerror sees it.
message = js.String.prototype.repeat.call("e", 128 * 1024 * 1024)
js.reportError(js.Error.new(message))
print("reported")
`
			);
			// The runtime failed with the frame's cut message, the run finished first, or (building
			// 128 MB on a loaded machine) the watchdog stopped it: never a message the program made.
			if (outcome.kind === 'failed') expect(outcome.message.length).toBeLessThan(2_200);
			else if (outcome.kind === 'finished') expect(outcome.stdout).toEqual(['reported']);
			else expect(outcome.reason).toMatch(/watchdog limit/);
			await expectCleanNextRun();
		},
		READY_TIMEOUT
	);

	it(
		'1,000,000 forged events',
		async () => {
			const outcome = await measured(
				'1M forged events',
				`
import playground.integrity as integrity, playground.recorder as recorder
event = '{"kind":"task_resumed","t":0,"task":1,"step":1}'
forged = '[{"kind":"run_start","t":0,"version":1,"python":"3.14.2","limits":{"max_virtual_time":1,"max_steps":1,"max_events":1,"max_output_chars":1}},' + ",".join([event] * 1_000_000) + "]"
# Past the engine's own check (which would put to_json back), to reach the page's cap.
integrity.InterpreterState.restore = lambda self: ["forged"]
recorder.TraceRecorder.to_json = lambda self: forged
`,
				// 109 ms measured on a quiet machine (reading and analysing the events the page keeps
				// pause between slices); twice the goal allows a loaded CI machine.
				2 * LONG_TASK_MS
			);
			// Cut at the engine's cap with a note, or refused: never a frozen page.
			if (outcome.kind === 'finished') expect(outcome.notices.join(' ')).toMatch(/Trace truncated/);
			await expectCleanNextRun();
		},
		READY_TIMEOUT
	);
});
