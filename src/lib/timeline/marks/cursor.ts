/** The cursor line under the pointer, with its virtual time on the axis. */
import type { RenderContext } from '../context';
import { append, svgElement, textWidth } from '../dom';
import { formatTick } from '../format';
import { axisTicks } from './axis';

export class CursorMark {
	constructor(private readonly t: number) {}

	render(context: RenderContext): SVGElement | null {
		const { document, palette, frame, x, sizes } = context;
		const px = x(this.t);
		if (px < frame.plotLeft || px > frame.plotRight) return null;
		// One more digit than the axis: the cursor is finer than the ticks.
		const ticks = axisTicks(context);
		const step = ticks.length > 1 ? ticks[1].t - ticks[0].t : 1;
		const label = context.turnGaps
			? `turn ${Math.floor(this.t) + 1}`
			: formatTick(this.t, step / 10, Math.abs(this.t));
		const width = textWidth(label, sizes.text) + 10 * sizes.scale;
		const boxX = Math.min(Math.max(px - width / 2, frame.plotLeft), frame.plotRight - width);
		const top = context.legendHeight;
		return append(
			svgElement(document, 'g', { class: 'tl-cursor', 'pointer-events': 'none' }),
			svgElement(document, 'path', {
				d: `M${px},${top + 20 * sizes.scale}V${context.height}`,
				style: `stroke:${palette.text};stroke-width:1;opacity:0.55`
			}),
			svgElement(document, 'rect', {
				x: boxX,
				y: top + 2 * sizes.scale,
				width,
				height: 17 * sizes.scale,
				rx: 3,
				style: `fill:${palette.text}`
			}),
			svgElement(
				document,
				'text',
				{
					x: boxX + width / 2,
					y: top + 14 * sizes.scale,
					'text-anchor': 'middle',
					style: `fill:${palette.background};font-weight:600`
				},
				label
			)
		);
	}
}

export function cursor(t: number): CursorMark {
	return new CursorMark(t);
}
