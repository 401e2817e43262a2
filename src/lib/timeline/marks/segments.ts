/**
 * Segments on each task lane: running (solid), waiting (light and hatched, labelled with what it
 * awaits when there is room) and blocked (red). Drawn at the level of detail of the current zoom.
 */
import type { Mark, RenderContext } from '../context';
import { append, fitText, svgElement, textWidth } from '../dom';
import { levelOfDetail } from '../lod';

export class SegmentMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, x, ids, sizes } = context;
		const g = svgElement(document, 'g', {
			class: 'tl-segments',
			// With a highlighted line, everything else steps back.
			style: context.highlightLine !== null ? 'opacity:0.45' : undefined
		});
		let running = '';
		let blocked = '';
		const waiting: SVGElement[] = [];
		const labels: SVGElement[] = [];
		const scale = (t: number) => x(t);
		for (const row of context.rows) {
			if (row.kind !== 'task') continue;
			const segments = row.task.segments;
			const y = row.y + sizes.segmentInset;
			const h = row.height - 2 * sizes.segmentInset;
			for (const piece of levelOfDetail(segments, scale, frame.plotLeft, frame.plotRight)) {
				const width = piece.x1 - piece.x0;
				if (piece.kind === 'running') {
					running += rectPath(piece.x0, y, width, h);
				} else if (piece.kind === 'blocked') {
					blocked += rectPath(piece.x0, y, width, h);
				} else {
					waiting.push(
						svgElement(document, 'rect', {
							x: piece.x0,
							y,
							width,
							height: h,
							rx: width > 6 ? 2 : 0
						})
					);
					if (piece.count === 1 && width > 30 * sizes.scale) {
						const label = segments[piece.first].label;
						const text = fitText(label, width - 8, sizes.text);
						if (text && textWidth(text, sizes.text) + 8 <= width) {
							labels.push(
								svgElement(
									document,
									'text',
									{
										x: piece.x0 + width / 2,
										y: y + h / 2 + 4 * sizes.scale,
										'text-anchor': 'middle'
									},
									text
								)
							);
						}
					}
				}
			}
		}
		append(
			g,
			append(
				svgElement(document, 'g', {
					style: `fill:url(#${ids.hatch});stroke:${palette.waitingStroke};stroke-width:0.75`
				}),
				...waiting
			),
			append(svgElement(document, 'g', { style: `fill:${palette.waitingText}` }), ...labels),
			running
				? svgElement(document, 'path', { d: running, style: `fill:${palette.running}` })
				: null,
			blocked
				? svgElement(document, 'path', { d: blocked, style: `fill:${palette.blocked}` })
				: null
		);
		return g;
	}
}

/** Many small rectangles as one path: one element instead of thousands. */
export function rectPath(x: number, y: number, width: number, height: number): string {
	const r = (v: number) => Math.round(v * 10) / 10;
	return `M${r(x)},${r(y)}h${r(width)}v${r(height)}h${r(-width)}z`;
}

export function segments(): SegmentMark {
	return new SegmentMark();
}
