/**
 * The orchestrator: computes the scales and the visible window, then asks each mark to render, in
 * painting order. The document is passed in, so the browser chart, the SVG export and the Node
 * snapshot tests all draw with this one function.
 */
import type { Mark, RenderContext, FocusTarget } from './context';
import { append, svgElement, SVG_NS } from './dom';
import { visibleRows, type TimelineLayout } from './layout';
import { clampDomain, frame as makeFrame, fullDomain, timeScale, type Domain } from './scales';
import { FONT_FAMILY, type Palette } from './theme';
import { axis } from './marks/axis';
import { blocked } from './marks/blocked';
import { concurrency } from './marks/concurrency';
import { focusRing } from './marks/focus';
import { ghost } from './marks/ghost';
import { grid } from './marks/grid';
import { groups } from './marks/groups';
import { highlight } from './marks/highlight';
import { lanes } from './marks/lanes';
import { legend, legendHeight } from './marks/legend';
import { links } from './marks/links';
import { markers } from './marks/markers';
import { sections } from './marks/sections';
import { scrollbar } from './marks/scrollbar';
import { segments } from './marks/segments';
import { stopped } from './marks/stopped';

export interface SwimlaneOptions {
	width: number;
	/** Height of the visible chart; omit to fit every row (export, snapshots). */
	height?: number | null;
	/** The visible time window; omit for the whole run. */
	domain?: Domain | null;
	/** How far the lanes are scrolled down, in pixels. */
	scrollY?: number;
	palette: Palette;
	/** Prefix for ids inside this SVG (patterns, markers), unique per chart on a page. */
	idPrefix: string;
	highlightLine?: number | null;
	focus?: FocusTarget | null;
	/** Several runs stacked (a pinned or previous run above this one). */
	stacked?: boolean;
	/** An accessible name for the SVG. */
	title?: string;
	/** Drawn on an axis of loop turns: where the clock jumped (see RenderContext.turnGaps). */
	turnGaps?: readonly { at: number; label: string }[] | null;
}

/** Marks in the scrolling lane area, back to front. */
const CONTENT_MARKS: Mark[] = [
	lanes(),
	grid(),
	sections(),
	blocked(),
	concurrency(),
	groups(),
	segments(),
	links(),
	markers(),
	stopped(),
	ghost(),
	highlight(),
	focusRing()
];
/** Marks in the fixed header. */
const HEADER_MARKS: Mark[] = [legend(), axis(), scrollbar()];

/** The header's height at a width: legend rows plus the axis. */
export function headerHeight(layout: TimelineLayout, width: number): number {
	return legendHeight(layout, width) + layout.sizes.axis;
}

/** The SVG height that shows every row. */
export function fullHeight(layout: TimelineLayout, width: number): number {
	return headerHeight(layout, width) + layout.height + 8;
}

/** Build the scales and the visible window for one frame. */
export function renderContext(
	document: Document,
	layout: TimelineLayout,
	options: SwimlaneOptions
): RenderContext {
	const sizes = layout.sizes;
	const frame = makeFrame(options.width, sizes, layout.labelWidth);
	const full = fullDomain(layout.duration);
	const domain = options.domain ? clampDomain(options.domain, full) : full;
	const header = headerHeight(layout, options.width);
	const height = options.height ?? fullHeight(layout, options.width);
	const maxScroll = Math.max(0, layout.height + 8 - (height - header));
	const scrollY = Math.min(Math.max(options.scrollY ?? 0, 0), maxScroll);
	const viewTop = scrollY;
	const viewBottom = scrollY + height - header;
	return {
		document,
		palette: options.palette,
		ids: {
			hatch: `${options.idPrefix}-hatch`,
			dots: `${options.idPrefix}-dots`,
			arrow: `${options.idPrefix}-arrow`,
			clip: `${options.idPrefix}-clip`
		},
		layout,
		sizes,
		x: timeScale(domain, frame),
		domain,
		frame,
		height,
		headerHeight: header,
		legendHeight: legendHeight(layout, options.width),
		viewTop,
		viewBottom,
		rows: visibleRows(layout.rows, viewTop, viewBottom),
		highlightLine: options.highlightLine ?? null,
		focus: options.focus ?? null,
		stacked: options.stacked ?? false,
		turnGaps: options.turnGaps ?? null
	};
}

/** Render one frame of the chart as an <svg> element of `document`. */
export function renderSwimlane(
	document: Document,
	layout: TimelineLayout,
	options: SwimlaneOptions
): { svg: SVGSVGElement; context: RenderContext } {
	const context = renderContext(document, layout, options);
	const { width } = context.frame;
	const svg = svgElement(document, 'svg', {
		xmlns: SVG_NS,
		width,
		height: context.height,
		viewBox: `0 0 ${width} ${Math.round(context.height * 10) / 10}`,
		role: 'img',
		'aria-label': options.title ?? 'Timeline of the run',
		style: `font-family:${FONT_FAMILY};font-size:${context.sizes.text}px;background:${context.palette.background}`
	}) as SVGSVGElement;
	const content = svgElement(document, 'g', {
		transform: `translate(0,${context.headerHeight - context.viewTop})`
	});
	for (const mark of CONTENT_MARKS) append(content, mark.render(context));
	append(
		svg,
		defs(context),
		svgElement(document, 'rect', {
			width,
			height: context.height,
			style: `fill:${context.palette.background}`
		}),
		append(svgElement(document, 'g', { 'clip-path': `url(#${context.ids.clip})` }), content),
		...HEADER_MARKS.map((mark) => mark.render(context))
	);
	return { svg, context };
}

/** Shared definitions: the waiting patterns, the arrowhead and the lane-area clip. */
function defs(context: RenderContext): SVGElement {
	const { document, palette, ids, frame } = context;
	return append(
		svgElement(document, 'defs'),
		append(
			svgElement(document, 'pattern', {
				id: ids.hatch,
				width: 6,
				height: 6,
				patternUnits: 'userSpaceOnUse',
				patternTransform: 'rotate(45)'
			}),
			svgElement(document, 'rect', { width: 6, height: 6, style: `fill:${palette.waiting}` }),
			svgElement(document, 'path', {
				d: 'M0,0V6',
				style: `stroke:${palette.waitingStripe};stroke-width:2`
			})
		),
		append(
			svgElement(document, 'pattern', {
				id: ids.dots,
				width: 5,
				height: 5,
				patternUnits: 'userSpaceOnUse'
			}),
			svgElement(document, 'rect', {
				width: 5,
				height: 5,
				style: `fill:${palette.primitiveWait}`
			}),
			svgElement(document, 'circle', {
				cx: 2.5,
				cy: 2.5,
				r: 1.2,
				style: `fill:${palette.primitiveWaitDots}`
			})
		),
		append(
			svgElement(document, 'marker', {
				id: ids.arrow,
				viewBox: '0 0 8 8',
				refX: 7,
				refY: 4,
				markerWidth: 7,
				markerHeight: 7,
				orient: 'auto'
			}),
			svgElement(document, 'path', {
				d: 'M0,0L8,4L0,8z',
				style: `fill:${palette.link};stroke:none`
			})
		),
		append(
			svgElement(document, 'clipPath', { id: ids.clip }),
			svgElement(document, 'rect', {
				x: 0,
				y: context.headerHeight,
				width: frame.width,
				height: Math.max(0, context.height - context.headerHeight)
			})
		)
	);
}
