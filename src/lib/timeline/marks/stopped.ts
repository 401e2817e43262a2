/**
 * Where Stop interrupted a run: a dashed line across its lanes at the virtual time the interrupt
 * landed, flagged "stopped at 2.40 s", so a partial chart is never read as a whole run.
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement, textWidth } from '../dom';
import { stoppedAtLine } from '../../engine/format';

export class StoppedMark implements Mark {
	render(context: RenderContext): SVGElement | null {
		const { document, palette, frame, sizes, x } = context;
		const g = svgElement(document, 'g', { class: 'tl-stopped', 'pointer-events': 'none' });
		for (const section of context.layout.sections) {
			const limit = section.model.limit;
			if (limit?.limit !== 'interrupt') continue;
			const px = x(limit.t);
			if (px < frame.plotLeft - 1 || px > frame.plotRight + 1) continue;
			const top = section.top + (section.label === null ? 0 : sizes.section);
			const label = stoppedAtLine(limit.t);
			const width = textWidth(label, sizes.small) + 10 * sizes.scale;
			// The flag sits left of the line: the line is the run's end, at the axis's right edge.
			const flagX = px - width >= frame.plotLeft ? px - width : px;
			const flagHeight = sizes.small + 6 * sizes.scale;
			append(
				g,
				svgElement(document, 'path', {
					d: `M${px},${top}V${section.lanesBottom}`,
					style: `stroke:${palette.raised};stroke-width:${2 * sizes.scale};stroke-dasharray:6 4`
				}),
				svgElement(document, 'rect', {
					x: flagX,
					y: top + 2,
					width,
					height: flagHeight,
					rx: 3,
					style: `fill:${palette.background};stroke:${palette.raised};stroke-width:1`
				}),
				svgElement(
					document,
					'text',
					{
						x: flagX + width / 2,
						y: top + 2 + flagHeight / 2 + sizes.small * 0.35,
						'text-anchor': 'middle',
						'data-stopped-at': limit.t,
						style: `fill:${palette.text};font-size:${sizes.small}px;font-weight:650`
					},
					label
				)
			);
		}
		return g.childNodes.length > 0 ? g : null;
	}
}

export function stopped(): StoppedMark {
	return new StoppedMark();
}
