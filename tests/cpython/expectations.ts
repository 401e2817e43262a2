/**
 * What the CPython test run covers and what it expects: the modules, the three configurations,
 * the tests excluded from the comparison (each with its reason), and the tests known to fail on
 * a virtual configuration (each with its reason and where it is fixed). run.ts fails on any
 * other test that passes on the stock loop and not on a virtual one.
 */

export const MODULES = [
	'test_locks',
	'test_queues',
	'test_timeouts',
	'test_taskgroups',
	'test_waitfor',
	'test_tasks',
	'test_futures',
	'test_futures2',
	'test_pep492',
	'test_runners',
	'test_eager_task_factory',
	'test_graph',
	'test_staggered',
	'test_context',
	'test_threads'
] as const;

export const MODES = ['stock', 'virtual', 'patched'] as const;
export type Mode = (typeof MODES)[number];

/** [outcome, detail]: outcome is passed, failed, errored, skipped or timeout. */
export type Outcome = [string, string];

export type Results = Record<
	string,
	Partial<Record<Mode, { tests: Record<string, Outcome>; note: string | null; seconds: number }>>
>;

/** Why a test is left out of the comparison: it tests the operating system or real time. */
export interface Exclusion {
	/** A test id, or a prefix ending in '.' for a whole class. */
	test: string;
	reason: string;
}

export const EXCLUSIONS: Exclusion[] = [];

/** A test known to fail on a virtual configuration, and why. */
export interface KnownFailure {
	/** As in Exclusion; a `*` stands for one part of the id (a class name, for instance). */
	test: string;
	modes: Mode[];
	reason: string;
}

const BOTH: Mode[] = ['virtual', 'patched'];

const LAST_CALLBACK_KEPT =
	'The recorder keeps the last callback it described (`TraceRecorder._quiet_for` in ' +
	"recorder.py), here the failed task's step, so the task outlives its last step";

export const KNOWN_FAILURES: KnownFailure[] = [
	...['parent_task', 'parent_task_wr'].map((name) => ({
		test: `test.test_asyncio.test_taskgroups.TestTaskGroup.test_exception_refcycles_${name}`,
		modes: BOTH,
		reason:
			`${LAST_CALLBACK_KEPT} and a reference cycle keeps the exception. Fixed by holding ` +
			'that callback weakly or forgetting it when its turn ends (the loop recording, issue 14).'
	})),
	{
		test: 'test.test_asyncio.test_futures2.*.test_task_exc_handler_correct_context',
		modes: BOTH,
		reason:
			`${LAST_CALLBACK_KEPT}: its "exception was never retrieved" (from Task.__del__) comes ` +
			'later than in CPython. Fixed as above (the loop recording, issue 14).'
	},
	{
		test: 'test.test_asyncio.test_runners.RunTests.test_loop_factory_default_event_loop',
		modes: BOTH,
		reason:
			"`asyncio.EventLoop` is the playground's `VirtualClockLoop`, a " +
			'`BaseSelectorEventLoop` but not an `asyncio.SelectorEventLoop` (the Unix loop ' +
			'class), so `isinstance(loop, asyncio.SelectorEventLoop)` is False in a run where ' +
			'CPython on Linux says True. Fixed by deriving VirtualClockLoop from ' +
			'`unix_events._UnixSelectorEventLoop` in loop.py (not done here: loop.py is the loop ' +
			"recording's, issue 14)."
	}
];

/** Whether `pattern` (an id, a prefix ending in '.', or an id with `*` parts) covers `test`. */
export function matches(pattern: string, test: string): boolean {
	if (pattern.endsWith('.')) return test.startsWith(pattern);
	if (!pattern.includes('*')) return pattern === test;
	const parts = pattern.split('.');
	const actual = test.split('.');
	return (
		parts.length === actual.length &&
		parts.every((part, index) => part === '*' || part === actual[index])
	);
}
