/**
 * Runaway programs: each is stopped (by the engine's limits, the watchdog or a runtime crash
 * turned into a message) or survived, the page stays responsive, and the next run works.
 * The runner's default 10 s watchdog applies (a shorter one also stopped a fresh runtime's
 * first, slower run on the loaded test machine).
 */
import { beforeAll, describe, expect, it } from 'vitest';
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
import { ticksSince, TICKS_PER_SECOND, workerThreadTicks } from './worker-cpu';

const e2e = useE2E();
const PAGE_FROZEN_MS = 5_000;
let opened: OpenedPage;

beforeAll(async () => {
	opened = await openRunner(e2e);
}, READY_TIMEOUT);

/** Runs a runaway program, checks the page stayed responsive, then that a normal run works. */
async function survive(code: string): Promise<OutcomeSummary> {
	await waitForReady(opened.page);
	await waitForSpare(opened.page);
	const { result, maxGapMs } = await withResponsivenessProbe(opened.page, () =>
		runPython(opened.page, code)
	);
	console.log(`[measure] longest page task during \`${code.split('\n')[0]}\`: ${maxGapMs} ms`);
	// The page must never freeze. With the warm spare loaded these runs measured 0-133 ms (the
	// 250 ms target); while a spare frame was still starting, on the loaded two-core test
	// machine, the page's share of that start-up measured 300-1,800 ms as one task, so the
	// bound asserted here is "not frozen".
	expect(maxGapMs).toBeLessThan(PAGE_FROZEN_MS);
	await waitForReady(opened.page);
	expect(await runPython(opened.page, 'print("next run")')).toMatchObject({
		kind: 'finished',
		stdout: ['next run']
	});
	return result;
}

const messageOf = (outcome: OutcomeSummary): string =>
	outcome.kind === 'finished'
		? [outcome.limit?.message ?? '', ...outcome.notices, outcome.error?.message ?? ''].join(' ')
		: outcome.kind === 'stopped'
			? outcome.reason
			: outcome.message;

describe('runaway programs', () => {
	it(
		'a stopped `while True: pass` stops computing at once, not two seconds later',
		async () => {
			await waitForReady(opened.page);
			await waitForSpare(opened.page);
			const outcome = opened.page.evaluate(() =>
				(window as unknown as { __runner: { run(source: string): Promise<unknown> } }).__runner.run(
					'while True:\n    pass\n'
				)
			);
			await opened.page.waitForTimeout(1_000);
			// The runaway's worker: the one thread computing now (the spare is idle).
			const start = workerThreadTicks();
			await opened.page.waitForTimeout(500);
			const busy = [...workerThreadTicks()].filter(
				([tid, ticks]) => ticks - (start.get(tid) ?? ticks) > 0.2 * TICKS_PER_SECOND
			);
			expect(busy).toHaveLength(1);
			await opened.page.evaluate(() =>
				(window as unknown as { __runner: { stop(): void } }).__runner.stop()
			);
			expect(await outcome).toMatchObject({ kind: 'stopped' });
			// The frame ends its runtime: it revokes the URL the worker loads once a report is due
			// (250 ms), so the run stops itself, and terminates the worker. `terminate()` alone
			// measured 0 ms of CPU in this window. When Stop removed a frame instead, its worker ran
			// on until 2 s after Stop (860 ms in this window) until it checked that URL (0 ms).
			await opened.page.waitForTimeout(1_000);
			const after = workerThreadTicks();
			await opened.page.waitForTimeout(900);
			const spent = ticksSince(after, [busy[0][0]]);
			console.log(
				`[measure] the stopped worker's CPU 1.0-1.9 s after Stop: ${(spent * 1000) / TICKS_PER_SECOND} ms`
			);
			expect(spent).toBeLessThan(0.1 * TICKS_PER_SECOND);
			expect(await runPython(opened.page, 'print("next run")')).toMatchObject({
				kind: 'finished',
				stdout: ['next run']
			});
		},
		READY_TIMEOUT
	);

	it(
		'`while True: pass` is stopped by the watchdog, naming the limit',
		async () => {
			const outcome = await survive('while True: pass');
			expect(outcome.kind).toBe('stopped');
			expect(messageOf(outcome)).toMatch(/watchdog limit/);
		},
		READY_TIMEOUT
	);

	it(
		'a loop inside C, `sum(range(10**11))`, is stopped by the watchdog',
		async () => {
			const outcome = await survive('print(sum(range(10**11)))');
			expect(outcome.kind).toBe('stopped');
			expect(messageOf(outcome)).toMatch(/watchdog limit/);
		},
		READY_TIMEOUT
	);

	it(
		'an infinite output flood is cut with a visible notice',
		async () => {
			const outcome = await survive('while True:\n    print("flood " * 20)');
			expect(messageOf(outcome)).toMatch(/output|watchdog/i);
			if (outcome.kind === 'finished') expect(outcome.notices.length).toBeGreaterThan(0);
		},
		READY_TIMEOUT
	);

	it(
		'a million tasks are stopped by a limit or the watchdog',
		async () => {
			const outcome = await survive(`import asyncio

async def tick():
    await asyncio.sleep(1)

async def main():
    await asyncio.gather(*(tick() for _ in range(1_000_000)))

asyncio.run(main())
`);
			expect(messageOf(outcome)).toMatch(/limit|watchdog|stopped|cap|dropped/i);
		},
		READY_TIMEOUT
	);

	it(
		'a memory bomb ends with MemoryError or a crash message',
		async () => {
			const outcome = await survive(`blocks = []
while True:
    blocks.append(bytearray(100_000_000))
`);
			expect(messageOf(outcome)).toMatch(/MemoryError|memory|crash|failed|watchdog/i);
		},
		READY_TIMEOUT
	);

	it(
		'deep recursion ends with RecursionError or a crash message',
		async () => {
			const outcome = await survive(`import sys
sys.setrecursionlimit(10**7)

def down(n):
    return down(n + 1) + 1

down(0)
`);
			expect(messageOf(outcome)).toMatch(/recursion|stack|crash|failed|watchdog/i);
		},
		READY_TIMEOUT
	);
});
