/**
 * The chart's geometry: the time scale over virtual seconds, the zoomed window onto it, and the
 * margins. Zoom and pan only ever change the time domain; lanes keep their height.
 */
import { scaleLinear, type ScaleLinear } from 'd3';
import { chartSizes, type ChartSizes } from './sizes';

export type Domain = [number, number];

/** The narrowest window a user can zoom to: a microsecond of virtual time. */
export const MIN_SPAN = 1e-6;

export interface Frame {
	width: number;
	/** Where the plot starts and ends horizontally (lane labels sit left of plotLeft). */
	plotLeft: number;
	plotRight: number;
}

/** The widest label column, about the 40 characters of a lane label (call-text.ts). */
const MAX_LABELS = 290;

/**
 * The margins at a width; the lane labels' column grows with the text (`labels`: the widest
 * label, in pixels), up to 40% of the width.
 */
export function frame(width: number, sizes: ChartSizes = chartSizes(), labels = 0): Frame {
	const { scale } = sizes;
	const wanted = Math.max(
		Math.min(190 * scale, Math.max(110 * scale, width * 0.24)),
		Math.min(MAX_LABELS * scale, labels + 6 * scale)
	);
	const labelWidth = Math.round(Math.min(wanted, Math.max(110, width * 0.4)));
	return { width, plotLeft: labelWidth + 10, plotRight: Math.max(labelWidth + 60, width - 18) };
}

/** The whole run: [0, duration], or one second when nothing took virtual time. */
export function fullDomain(duration: number): Domain {
	return [0, duration > 0 ? duration : 1];
}

export function timeScale(domain: Domain, frame: Frame): ScaleLinear<number, number> {
	return scaleLinear().domain(domain).range([frame.plotLeft, frame.plotRight]);
}

/** Keep a window inside the run (with a little slack at both ends) and no narrower than MIN_SPAN. */
export function clampDomain(domain: Domain, full: Domain): Domain {
	const fullSpan = full[1] - full[0];
	const slack = fullSpan * 0.02;
	const min = full[0] - slack;
	const max = full[1] + slack;
	let span = Math.min(Math.max(domain[1] - domain[0], MIN_SPAN), max - min);
	if (!Number.isFinite(span) || span <= 0) span = fullSpan;
	let start = domain[0];
	if (start < min) start = min;
	if (start + span > max) start = max - span;
	return [start, start + span];
}

/** Zoom by `factor` (> 1 zooms in) keeping time `anchor` under the same pixel. */
export function zoomDomain(domain: Domain, factor: number, anchor: number, full: Domain): Domain {
	const span = (domain[1] - domain[0]) / factor;
	const ratio = (anchor - domain[0]) / (domain[1] - domain[0]);
	const start = anchor - ratio * span;
	return clampDomain([start, start + span], full);
}

/** Move the window by `seconds` (positive: later). */
export function panDomain(domain: Domain, seconds: number, full: Domain): Domain {
	return clampDomain([domain[0] + seconds, domain[1] + seconds], full);
}

/** About one tick per 90 pixels of default-sized text, at least two. */
export function tickCount(frame: Frame, sizes: ChartSizes = chartSizes()): number {
	return Math.max(2, Math.floor((frame.plotRight - frame.plotLeft) / (90 * sizes.scale)));
}
