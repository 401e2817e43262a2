/**
 * The chart's axis labels, in virtual seconds. Tick labels take their precision from the tick
 * step, so the axis stays readable at every zoom: "1 s", "1.5 s", "1.234 s", "250 ms", "12.5 µs".
 * Every other time on the chart is written by formatSeconds (engine/format.ts), in the same units.
 */
import { precisionFixed } from 'd3';

/** A tick label for `t`, with as many decimals as `step` needs. */
export function formatTick(t: number, step: number, maxAbs: number): string {
	if (t === 0) return '0 s';
	if (maxAbs < 1e-3 && step < 1e-3) {
		return trim((t * 1e6).toFixed(precisionFixed(step * 1e6))) + ' µs';
	}
	if (maxAbs < 1 && step < 1) {
		return trim((t * 1e3).toFixed(precisionFixed(step * 1e3))) + ' ms';
	}
	return trim(t.toFixed(precisionFixed(step))) + ' s';
}

/** "-0" looks like a bug on an axis. */
function trim(text: string): string {
	return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
