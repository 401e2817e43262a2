/**
 * A run's increments, as the page keeps them while the run goes on (protocol.ts `increment`), and
 * the partial trace they make when Stop ends the runtime before the run's result arrives.
 *
 * The chunks are kept as they came, unread: most runs finish and their increments are dropped
 * unread, so only a stopped run pays for checking them. They are checked then exactly as a
 * final trace is (`readTrace`); what comes from the runner is hostile, and a part that is not
 * valid, too large, or not the start of a trace leaves no partial run, never a crash.
 */
import type { TraceEvent } from '$lib/engine/events';
import { MESSAGE_LIMITS, readTrace } from './protocol';

/** What the partial run says of its end: the runner could not interrupt, so it was ended. */
export const ENDED_BY_STOP =
	'Stopped by the user: the program was ended while it ran. The chart and the output show what ' +
	'it did until shortly before the stop (the last part of a second may be missing).';

export class RunIncrements {
	readonly #maxChars: number;
	#chunks: string[] = [];
	#chars = 0;
	/** Past the cap: nothing is kept any more, since a gap would misdraw the run. */
	#dropped = false;

	constructor(maxChars: number = MESSAGE_LIMITS.maxIncrementChars) {
		this.#maxChars = maxChars;
	}

	/** Keeps one increment's chunks (already checked for count and size by parseRunnerMessage). */
	add(chunks: readonly string[]): void {
		if (this.#dropped) return;
		const chars = chunks.reduce((total, chunk) => total + chunk.length, 0);
		if (this.#chars + chars > this.#maxChars) {
			this.#dropped = true;
			this.#chunks = [];
			return;
		}
		this.#chunks.push(...chunks);
		this.#chars += chars;
	}

	/**
	 * The trace of the run as far as it was reported, closed as a run Stop interrupted is: a
	 * `limit` "interrupt" and a `run_end` at the last virtual time reported, so the chart's
	 * "stopped at" mark and the summary apply. Null when there is none to show: nothing came,
	 * too much came, or what came is not a valid start of a trace.
	 */
	async read(realMs: number, yieldToPage: () => Promise<void>): Promise<TraceEvent[] | null> {
		if (this.#dropped || this.#chunks.length === 0) return null;
		const trace = await readTrace(this.#chunks, yieldToPage);
		if (!trace || trace.truncated) return null;
		const { events } = trace;
		if (events[0]?.kind !== 'run_start') return null;
		if (events.some((event) => event.kind === 'run_end')) return null;
		// As the analysis measures a run's length: a blocked span's `t` is when it began.
		let t = 0;
		for (const event of events) if (event.kind !== 'blocked' && event.t > t) t = event.t;
		events.push(
			{ kind: 'limit', t, limit: 'interrupt', message: ENDED_BY_STOP, line: null },
			{ kind: 'run_end', t, steps: 0, real_ms: realMs, dropped_events: 0 }
		);
		return events;
	}
}
