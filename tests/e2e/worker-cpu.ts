/**
 * CPU time of Chromium's worker threads, read from Linux's /proc: what a test needs to tell
 * whether a worker the page let go of is still computing. The page cannot see that worker (it
 * lives in the sandbox frame's process), and Chromium ends one still running script only after
 * two seconds of grace.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second in /proc/…/stat (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

function readOrNull(path: string): string | null {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return null; // the process or thread has ended
	}
}

/** CPU ticks (user + system) so far of every Chromium thread named DedicatedWorker, by thread id. */
export function workerThreadTicks(): Map<string, number> {
	const ticks = new Map<string, number>();
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		if (!readOrNull(`/proc/${pid}/cmdline`)?.includes('chromium')) continue;
		let threads: string[];
		try {
			threads = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		for (const tid of threads) {
			const stat = readOrNull(`/proc/${pid}/task/${tid}/stat`);
			if (!stat) continue;
			const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			if (!name.startsWith('DedicatedWorker')) continue;
			// Fields after the name: state is the 3rd field of the line; utime and stime the 14th, 15th.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks.set(tid, Number(fields[11]) + Number(fields[12]));
		}
	}
	return ticks;
}

/** Ticks `threads` spent between `before` and now; a thread that has ended counts as idle. */
export function ticksSince(before: Map<string, number>, threads: Iterable<string>): number {
	const now = workerThreadTicks();
	let total = 0;
	for (const tid of threads) {
		const then = before.get(tid);
		const later = now.get(tid);
		if (then !== undefined && later !== undefined) total += later - then;
	}
	return total;
}
