/**
 * The time axis in virtual seconds, fixed above the lanes. Tick labels take their precision from
 * the tick step, so they stay distinct at every zoom.
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement, textWidth } from '../dom';
import { formatTick } from '../format';
import { tickCount } from '../scales';

export function axisTicks(context: RenderContext): { t: number; label: string }[] {
	const ticks = context.x.ticks(tickCount(context.frame, context.sizes));
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
				'virtual time'
			),
			svgElement(document, 'path', {
				d: `M${frame.plotLeft},${baseline}H${frame.plotRight}`,
				style: `stroke:${palette.muted};stroke-width:1`
			})
		);
		for (const tick of axisTicks(context)) {
			const px = x(tick.t);
			// The last label would spill past the edge when centred: right-align it instead.
			const anchor =
				px + textWidth(tick.label, sizes.text) / 2 > frame.width - 2 ? 'end' : 'middle';
			append(
				g,
				svgElement(document, 'path', {
					d: `M${px},${baseline - 4}V${baseline}`,
					style: `stroke:${palette.muted}`
				}),
				svgElement(
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
		return g;
	}
}

export function axis(): AxisMark {
	return new AxisMark();
}
