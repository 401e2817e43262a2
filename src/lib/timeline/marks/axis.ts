/**
 * The time axis in virtual seconds, fixed above the lanes. Tick labels take their precision from
 * the tick step, so they stay distinct at every zoom. On an axis of loop turns, the ticks are
 * turns and where the clock jumped between two turns is marked ("+1.00 s").
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement, textWidth } from '../dom';
import { formatTick } from '../format';
import { tickCount } from '../scales';

export function axisTicks(context: RenderContext): { t: number; label: string }[] {
	const ticks = context.x.ticks(tickCount(context.frame, context.sizes));
	if (context.turnGaps) {
		// Turn n ends at position n; ticks fall on whole turns only.
		return ticks.filter((t) => Number.isInteger(t)).map((t) => ({ t, label: String(t) }));
	}
	const step = ticks.length > 1 ? ticks[1] - ticks[0] : context.domain[1] - context.domain[0];
	const maxAbs = Math.max(...ticks.map(Math.abs));
	return ticks.map((t) => ({ t, label: formatTick(t, step, maxAbs) }));
}

export class AxisMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, x, frame, sizes } = context;
		const top = context.legendHeight;
		const baseline = top + sizes.axis - 1;
		const g = svgElement(document, 'g', { class: 'tl-axis' });
		append(
			g,
			svgElement(
				document,
				'text',
				{
					// Clear of the first tick's label, centred on plotLeft, at any text size.
					x: frame.plotLeft - (14 * sizes.scale - 4),
					y: top + 15 * sizes.scale,
					'text-anchor': 'end',
					style: `fill:${palette.muted};font-style:italic`
				},
				context.turnGaps ? 'loop turn' : 'virtual time'
			),
			svgElement(document, 'path', {
				d: `M${frame.plotLeft},${baseline}H${frame.plotRight}`,
				style: `stroke:${palette.muted};stroke-width:1`
			})
		);
		const gaps = context.turnGaps ? gapLabels(context) : [];
		for (const tick of axisTicks(context)) {
			const px = x(tick.t);
			// The last label would spill past the edge when centred: right-align it instead.
			const width = textWidth(tick.label, sizes.text);
			const anchor = px + width / 2 > frame.width - 2 ? 'end' : 'middle';
			const left = anchor === 'end' ? px + 3 - width : px - width / 2;
			// Where the clock jumped says more than a turn's number: a tick label that would run
			// into a "+1.00 s" gives way (its tick mark stays).
			const clash = gaps.some((gap) => gap.shown && left < gap.right && left + width > gap.left);
			append(
				g,
				svgElement(document, 'path', {
					d: `M${px},${baseline - 4}V${baseline}`,
					style: `stroke:${palette.muted}`
				}),
				clash
					? null
					: svgElement(
							document,
							'text',
							{
								x: anchor === 'end' ? px + 3 : px,
								y: top + 14 * sizes.scale,
								'text-anchor': anchor,
								style: `fill:${palette.text}`
							},
							tick.label
						)
			);
		}
		if (context.turnGaps) append(g, gapMarks(context, gaps, baseline));
		return g;
	}
}

interface GapLabel {
	px: number;
	label: string;
	left: number;
	right: number;
	/** False for a label that would overlap the one before: its mark stays, its words do not. */
	shown: boolean;
}

/** Where each "+1.00 s" goes, in the plot, left to right. */
function gapLabels(context: RenderContext): GapLabel[] {
	const { x, frame, sizes } = context;
	const labels: GapLabel[] = [];
	let lastRight = -Infinity;
	for (const gap of context.turnGaps ?? []) {
		const px = x(gap.at);
		if (px < frame.plotLeft || px > frame.plotRight) continue;
		const left = px + 3;
		const right = left + textWidth(gap.label, sizes.small) + 4;
		const shown = left >= lastRight;
		if (shown) lastRight = right;
		labels.push({ px, label: gap.label, left, right, shown });
	}
	return labels;
}

/** "+1.00 s" where the clock jumped between two turns, below the tick labels. */
function gapMarks(context: RenderContext, gaps: GapLabel[], baseline: number): SVGElement {
	const { document, palette, sizes } = context;
	const g = svgElement(document, 'g', { class: 'tl-axis-gaps' });
	for (const gap of gaps) {
		append(
			g,
			svgElement(document, 'path', {
				d: `M${gap.px},${baseline - 9 * sizes.scale}V${baseline + 2}`,
				style: `stroke:${palette.highlight};stroke-width:2`
			}),
			gap.shown
				? svgElement(
						document,
						'text',
						{
							x: gap.left,
							y: baseline - 3,
							style: `fill:${palette.muted};font-size:${sizes.small}px;font-weight:600`
						},
						gap.label
					)
				: null
		);
	}
	return g;
}

export function axis(): AxisMark {
	return new AxisMark();
}
