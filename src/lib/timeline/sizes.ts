/**
 * The chart's sizes, all derived from one text size. The page passes a larger one in presenter
 * mode, so labels, the axis, the legend, lanes and markers grow together and the chart reads from
 * the back of a room; the SVG export and the Node snapshots use the default.
 *
 * The layout carries the sizes it was made with (TimelineLayout.sizes), and every mark reads them
 * from there, so rows and what is drawn in them can never disagree.
 */

/** The chart's text size, in pixels, at the default scale. */
export const BASE_TEXT_SIZE = 11;

export interface ChartSizes {
	/** Every length below is its default times this. */
	scale: number;
	/** Labels, ticks, the legend (px). */
	text: number;
	/** Secondary text: "peak 3", a blocked band's label, "collapsed group of tasks". */
	small: number;
	/** A section header's label ("pinned", "this run"). */
	heading: number;
	/** Row heights. */
	lane: number;
	group: number;
	strip: number;
	section: number;
	/** Space between two stacked runs. */
	sectionGap: number;
	/** One row of the legend, and the time axis under it. */
	legendRow: number;
	axis: number;
	/** Task markers (created, done, raised …). */
	markerRadius: number;
	/** Segment bars are this much shorter than their lane, at the top and at the bottom. */
	segmentInset: number;
	/** Indent per nesting level of a lane's label. */
	indent: number;
}

export function chartSizes(text: number = BASE_TEXT_SIZE): ChartSizes {
	const scale = text / BASE_TEXT_SIZE;
	return {
		scale,
		text,
		small: 10 * scale,
		heading: 12 * scale,
		lane: 22 * scale,
		group: 34 * scale,
		strip: 30 * scale,
		section: 24 * scale,
		sectionGap: 10 * scale,
		legendRow: 22 * scale,
		axis: 24 * scale,
		markerRadius: 4 * scale,
		segmentInset: 4 * scale,
		indent: 10 * scale
	};
}
