/**
 * A thin scroll indicator at the right edge when the lanes do not all fit, so a reader knows
 * there is more below (drag or shift+wheel scrolls; arrow keys follow the focus).
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement } from '../dom';

export class ScrollbarMark implements Mark {
	render(context: RenderContext): SVGElement | null {
		const total = context.layout.height + 8;
		const visible = context.viewBottom - context.viewTop;
		if (total <= visible + 1) return null;
		const { document, palette, frame } = context;
		const trackTop = context.headerHeight + 2;
		const trackHeight = context.height - trackTop - 2;
		const thumbHeight = Math.max(16, (visible / total) * trackHeight);
		const thumbTop = trackTop + (context.viewTop / (total - visible)) * (trackHeight - thumbHeight);
		const x = frame.width - 7;
		return append(
			svgElement(document, 'g', { class: 'tl-scrollbar', 'aria-hidden': 'true' }),
			svgElement(document, 'rect', {
				x,
				y: trackTop,
				width: 5,
				height: trackHeight,
				rx: 2.5,
				style: `fill:${palette.grid}`
			}),
			svgElement(document, 'rect', {
				x,
				y: thumbTop,
				width: 5,
				height: thumbHeight,
				rx: 2.5,
				style: `fill:${palette.muted}`
			})
		);
	}
}

export function scrollbar(): ScrollbarMark {
	return new ScrollbarMark();
}
