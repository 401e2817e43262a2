/**
 * Standalone export: the chart as one SVG string with inline styles and no external CSS, so the
 * file opens anywhere. The command-line tool's `--svg` renders the whole run with this in Node
 * (linkedom); the page's Export menu renders what is on screen (the zoom window, the expanded
 * groups, the run stacked with it) under a title line with the totals, as SVG and, through a
 * canvas, as PNG.
 */
import { formatSeconds } from '../engine/format';
import type { RunModel } from '../engine/model';
import { layoutTimeline, type RunInput } from './layout';
import type { Domain } from './scales';
import { renderSwimlane } from './swimlane';
import { append, svgElement, SVG_NS } from './dom';
import { palettes, type Palette, type ThemeName } from './theme';

/** A run stacked with the shown one on the same time axis, and why it is there. */
export interface StackedRun {
	model: RunModel;
	/** Pinned by the learner, or the previous run, shown by default and drawn faint. */
	kind: 'pinned' | 'previous';
}

export interface SvgExportOptions {
	width?: number;
	theme?: ThemeName;
	/** A run to stack with this one on the same time axis (runsOf says where). */
	stacked?: StackedRun | null;
	/** Prefix for ids inside the SVG; change it when several exports share one page. */
	idPrefix?: string;
	/** The chart's text size in pixels (sizes.ts); the default when absent. */
	textSize?: number;
	/** The time window to draw (the chart's zoom); the whole run when absent. */
	domain?: Domain | null;
	/** Keys of the group lanes expanded on screen. */
	expanded?: ReadonlySet<string>;
	/** A title line above the chart (chartHeading: the run's totals); none when absent. */
	heading?: string | null;
}

/**
 * The runs to lay out, top to bottom. A pinned run goes above this one; the previous run goes
 * below it, faint, so the current run's lanes stay where they were before it appeared, and the
 * keyboard and the pointer reach the current run first (decision 0111).
 */
export function runsOf(model: RunModel, stacked: StackedRun | null | undefined): RunInput[] {
	if (!stacked) return [{ model, label: null }];
	const current: RunInput = { model, label: 'this run' };
	if (stacked.kind === 'pinned') return [{ model: stacked.model, label: 'pinned' }, current];
	const label = `previous: ${formatSeconds(stacked.model.duration)}`;
	return [current, { model: stacked.model, label, faint: true }];
}

/**
 * The chart as a standalone SVG: every row, in the given time window, with expanded groups as
 * given, and with a title line above it when one is given.
 */
export function renderTimelineSvg(
	model: RunModel,
	document: Document,
	options: SvgExportOptions = {}
): string {
	const runs = runsOf(model, options.stacked);
	const layout = layoutTimeline(runs, { textSize: options.textSize, expanded: options.expanded });
	const palette = palettes[options.theme ?? 'light'];
	const { svg } = renderSwimlane(document, layout, {
		width: options.width ?? 960,
		palette,
		idPrefix: options.idPrefix ?? 'tl',
		domain: options.domain ?? null,
		stacked: runs.length > 1,
		title: `Timeline: ${model.tasks.length} tasks over ${model.duration} virtual seconds`
	});
	return options.heading
		? withHeading(document, svg, options.heading, layout.sizes.heading, palette)
		: svg.outerHTML;
}

/** The chart under a line of text: an outer SVG holding the heading and the chart below it. */
function withHeading(
	document: Document,
	chart: SVGSVGElement,
	heading: string,
	fontSize: number,
	palette: Palette
): string {
	const width = Number(chart.getAttribute('width'));
	const chartHeight = Number(chart.getAttribute('height'));
	const lineHeight = Math.round(fontSize * 2.2);
	const height = chartHeight + lineHeight;
	const outer = svgElement(document, 'svg', {
		xmlns: SVG_NS,
		width,
		height,
		viewBox: `0 0 ${width} ${height}`,
		role: 'img',
		'aria-label': heading,
		style: chart.getAttribute('style')
	});
	chart.setAttribute('y', String(lineHeight));
	chart.removeAttribute('xmlns');
	append(
		outer,
		svgElement(document, 'rect', { width, height, style: `fill:${palette.background}` }),
		svgElement(
			document,
			'text',
			{
				x: 8,
				y: lineHeight / 2 + fontSize * 0.35,
				'data-heading': '',
				style: `fill:${palette.text};font-size:${fontSize}px;font-weight:700`
			},
			heading
		),
		chart
	);
	return outer.outerHTML;
}
