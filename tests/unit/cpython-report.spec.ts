/**
 * The CPython test run's verdict (tests/cpython/report.ts): which differences from the stock
 * loop fail the run, and which known failures have gone stale. What CI fails on.
 */
import { describe, expect, it } from 'vitest';
import {
	KNOWN_FAILURES,
	matches,
	type Outcome,
	type Results
} from '../../tests/cpython/expectations';
import { regressions, renderReport, stale } from '../../tests/cpython/report';

const PASSED: Outcome = ['passed', ''];
const FAILED: Outcome = ['failed', 'AssertionError: no'];

function job(tests: Record<string, Outcome>) {
	return { tests, note: null, seconds: 1 };
}

/** One module's results: the same tests on every configuration unless said otherwise. */
function results(
	module: string,
	stock: Record<string, Outcome>,
	virtual = stock,
	patched = virtual
): Results {
	return { [module]: { stock: job(stock), virtual: job(virtual), patched: job(patched) } };
}

describe('matches', () => {
	it('takes an id, a class prefix ending in a dot, or an id with * for one part', () => {
		const id = 'test.test_asyncio.test_tasks.CTask_CFuture_Tests.test_one';
		expect(matches(id, id)).toBe(true);
		expect(matches('test.test_asyncio.test_tasks.CTask_CFuture_Tests.', id)).toBe(true);
		expect(matches('test.test_asyncio.test_tasks.*.test_one', id)).toBe(true);
		expect(matches('test.test_asyncio.test_tasks.*.test_two', id)).toBe(false);
		expect(matches('test.test_asyncio.*.test_one', id)).toBe(false);
		expect(matches('test.test_asyncio.test_tasks.CTask', id)).toBe(false);
	});
});

describe('the verdict', () => {
	it('a test that passes on the stock loop and fails on a virtual one, unlisted, fails the run', () => {
		const run = results(
			'test_locks',
			{ 'test.test_asyncio.test_locks.LockTests.test_a': PASSED },
			{ 'test.test_asyncio.test_locks.LockTests.test_a': PASSED },
			{ 'test.test_asyncio.test_locks.LockTests.test_a': FAILED }
		);
		expect(regressions(run)).toEqual([
			'test.test_asyncio.test_locks.LockTests.test_a (patched): failed AssertionError: no'
		]);
		expect(renderReport(run)).toContain('**not explained**: AssertionError: no');
	});

	it('a test that fails on the stock loop counts for nothing; one missing on a virtual run fails', () => {
		const run = results(
			'test_locks',
			{
				'test.test_asyncio.test_locks.LockTests.test_a': FAILED,
				'test.test_asyncio.test_locks.LockTests.test_b': PASSED
			},
			{ 'test.test_asyncio.test_locks.LockTests.test_a': FAILED }
		);
		expect(regressions(run)).toEqual([
			'test.test_asyncio.test_locks.LockTests.test_b (virtual): errored did not run',
			'test.test_asyncio.test_locks.LockTests.test_b (patched): errored did not run'
		]);
	});

	it('a known failure that fails is explained; one that passes is stale and fails the run', () => {
		const [known] = KNOWN_FAILURES;
		const test = known.test.replace('*', 'SomeTests');
		const module = test.split('.')[2];
		const failing = results(module, { [test]: PASSED }, { [test]: FAILED });
		expect(regressions(failing)).toEqual([]);
		expect(stale(failing).filter((line) => line.startsWith(`${known.test} (`))).toEqual([]);
		expect(renderReport(failing)).toContain(known.reason);

		const passing = results(module, { [test]: PASSED });
		expect(stale(passing)).toContain(
			`${known.test} (virtual) passes: remove it from KNOWN_FAILURES`
		);
		// A module that did not run says nothing about its known failures.
		expect(stale(results('test_locks', {}))).toEqual([]);
	});
});
