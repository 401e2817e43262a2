/**
 * The previous run, drawn for comparison, must never pass for the current one: a veil of the
 * background colour over its lanes fades everything in them (bars, labels, markers) at once, and a
 * dashed frame sets them apart. Its header ("previous: 3.00 s", sections.ts) stays at full strength.
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement } from '../dom';

/** How much of the previous run shows through the veil. */
export const GHOST_OPACITY = 0.4;

export class GhostMark implements Mark {
	render(context: RenderContext): SVGElement | null {
		const { document, palette, frame, sizes } = context;
		const faint = context.layout.sections.filter((section) => section.faint);
		if (faint.length === 0) return null;
		const g = svgElement(document, 'g', { class: 'tl-ghost', 'pointer-events': 'none' });
		for (const section of faint) {
			const top = section.top + (section.label === null ? 0 : sizes.section);
			const height = section.lanesBottom - top;
			if (height <= 0) continue;
			append(
				g,
				svgElement(document, 'rect', {
					x: 0,
					y: top,
					width: frame.width,
					height,
					'data-ghost-veil': '',
					style: `fill:${palette.background};opacity:${1 - GHOST_OPACITY}`
				}),
				svgElement(document, 'rect', {
					x: 1.5,
					y: top + 0.5,
					width: frame.width - 3,
					height: height - 1,
					rx: 4,
					style: `fill:none;stroke:${palette.muted};stroke-width:1;stroke-dasharray:5 4`
				})
			);
		}
		return g;
	}
}

export function ghost(): GhostMark {
	return new GhostMark();
}
