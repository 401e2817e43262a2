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
	test: string;
	modes: Mode[];
	reason: string;
}

export const KNOWN_FAILURES: KnownFailure[] = [];

export function matches(pattern: string, test: string): boolean {
	return pattern.endsWith('.') ? test.startsWith(pattern) : pattern === test;
}
