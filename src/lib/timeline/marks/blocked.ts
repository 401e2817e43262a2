/**
 * Blocked bands: while the loop is stuck in time.sleep or CPU work, nothing else can run, so the
 * band is shaded across every lane of the run. The blocking task's own bar says what blocked
 * (segments.ts); a band no task owns (top-level code) is labelled in the strip, on a halo so the
 * strip's bars underneath never garble it.
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement, textWidth } from '../dom';
import { formatSeconds } from '../../engine/format';

export function blockedLabel(span: {
	start: number;
	end: number;
	cause: string;
	line: number | null;
}): string {
	const line = span.line === null ? '' : ` · line ${span.line}`;
	return `loop blocked ${formatSeconds(span.end - span.start)} (${span.cause})${line}`;
}

export class BlockedMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, x, sizes } = context;
		const g = svgElement(document, 'g', { class: 'tl-blocked' });
		for (const section of context.layout.sections) {
			// The band covers the strip and the lanes: the whole run stood still.
			const stripTop = section.lanesTop - sizes.strip;
			const top = Math.max(stripTop, context.viewTop);
			const bottom = Math.min(section.lanesBottom, context.viewBottom);
			if (bottom <= top) continue;
			for (const span of section.model.blocked) {
				let x0 = x(span.start);
				let x1 = x(span.end);
				if (x1 < frame.plotLeft || x0 > frame.plotRight) continue;
				if (x1 - x0 < 2) x1 = x0 + 2;
				x0 = Math.max(x0, frame.plotLeft);
				x1 = Math.min(x1, frame.plotRight);
				append(
					g,
					svgElement(document, 'rect', {
						x: x0,
						y: top,
						width: x1 - x0,
						height: bottom - top,
						style: `fill:${palette.blockedBand}`
					}),
					svgElement(document, 'path', {
						d: `M${x0},${top}V${bottom}M${x1},${top}V${bottom}`,
						style: `stroke:${palette.blocked};stroke-width:1;stroke-dasharray:3 3;opacity:0.6`
					})
				);
				const label = blockedLabel(span);
				if (
					span.task === null &&
					textWidth(label, sizes.small) + 6 < x1 - x0 &&
					stripTop >= context.viewTop - 1
				) {
					append(
						g,
						svgElement(
							document,
							'text',
							{
								x: x0 + 4,
								y: stripTop + sizes.small,
								style:
									`fill:${palette.blocked};font-size:${sizes.small}px;font-weight:600;` +
									`paint-order:stroke;stroke:${palette.background};stroke-width:3px;stroke-linejoin:round`
							},
							label
						)
					);
				}
			}
		}
		return g;
	}
}

export function blocked(): BlockedMark {
	return new BlockedMark();
}
