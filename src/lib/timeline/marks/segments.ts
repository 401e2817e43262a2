/**
 * Segments on each task lane: running (solid), blocked (solid red) and waiting, drawn in the style
 * of what it waits for (wait-style.ts), labelled when there is room: waiting with what it awaits,
 * blocked with the call that held the loop and its line. Drawn at the level of detail of the current
 * zoom; one element per style for the solid ones, so thousands of ticks stay one path.
 */
import type { Mark, RenderContext } from '../context';
import { append, fitText, svgElement, textWidth } from '../dom';
import type { Segment } from '../../engine/model';
import { levelOfDetail } from '../lod';
import { inkOf, inkStyle, type SegmentStyle } from '../wait-style';

/** Drawn first to last, so an outline never hides under a neighbour's fill. */
const STYLES: SegmentStyle[] = [
	'ready',
	'other',
	'task',
	'primitive',
	'timer',
	'blocked',
	'running'
];

/** The longest label that fits a segment's width, from a list of ever shorter ones. */
function labelFor(segment: Segment, width: number, fontSize: number): string | null {
	const candidates =
		segment.kind === 'blocked'
			? [
					`${segment.label} blocks the loop` +
						(segment.line === null ? '' : ` · line ${segment.line}`),
					`${segment.label} blocks the loop`,
					segment.label
				]
			: [segment.label];
	for (const text of candidates) if (textWidth(text, fontSize) <= width) return text;
	const cut = fitText(candidates[candidates.length - 1], width, fontSize);
	return cut && textWidth(cut, fontSize) <= width ? cut : null;
}

export class SegmentMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, x, ids, sizes } = context;
		const g = svgElement(document, 'g', {
			class: 'tl-segments',
			// With a highlighted line, everything else steps back.
			style: context.highlightLine !== null ? 'opacity:0.45' : undefined
		});
		const paths = new Map<SegmentStyle, string>();
		const labels = new Map<SegmentStyle, SVGElement[]>();
		const scale = (t: number) => x(t);
		for (const row of context.rows) {
			if (row.kind !== 'task') continue;
			const segments = row.task.segments;
			const y = row.y + sizes.segmentInset;
			const h = row.height - 2 * sizes.segmentInset;
			for (const piece of levelOfDetail(segments, scale, frame.plotLeft, frame.plotRight)) {
				const width = piece.x1 - piece.x0;
				// Waiting bars keep a gap between neighbours, so their outlines stay apart.
				const inset = piece.kind === 'waiting' && width > 4 ? 0.5 : 0;
				paths.set(
					piece.style,
					(paths.get(piece.style) ?? '') + rectPath(piece.x0 + inset, y, width - 2 * inset, h)
				);
				if (piece.count !== 1 || piece.kind === 'running' || width <= 30 * sizes.scale) continue;
				const text = labelFor(segments[piece.first], width - 8, sizes.text);
				if (!text) continue;
				const list = labels.get(piece.style) ?? [];
				list.push(
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
				labels.set(piece.style, list);
			}
		}
		for (const style of STYLES) {
			const d = paths.get(style);
			if (!d) continue;
			append(
				g,
				svgElement(document, 'path', {
					d,
					'data-style': style,
					style: inkStyle(inkOf(style, palette, ids), style === 'task' ? 1.5 : 1)
				})
			);
		}
		for (const style of STYLES) {
			const list = labels.get(style);
			if (!list) continue;
			const ink = inkOf(style, palette, ids);
			const weight = style === 'blocked' ? ';font-weight:600' : '';
			append(g, append(svgElement(document, 'g', { style: `fill:${ink.text}${weight}` }), ...list));
		}
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
