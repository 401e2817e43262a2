/**
 * Standalone export: the whole run as one SVG string with inline styles and no external CSS, so
 * the file opens anywhere. The command-line tool's `--svg` renders with this in Node (linkedom);
 * the browser uses it for "Download SVG" and, through a canvas, for PNG.
 */
import type { RunModel } from '../engine/model';
import { layoutTimeline, type RunInput } from './layout';
import { renderSwimlane } from './swimlane';
import { palettes, type ThemeName } from './theme';

export interface SvgExportOptions {
	width?: number;
	theme?: ThemeName;
	/** A run to stack above this one on the same time axis. */
	pinned?: RunModel | null;
	/** Prefix for ids inside the SVG; change it when several exports share one page. */
	idPrefix?: string;
	/** The chart's text size in pixels (sizes.ts); the default when absent. */
	textSize?: number;
}

export function runsOf(model: RunModel, pinned: RunModel | null | undefined): RunInput[] {
	return pinned
		? [
				{ model: pinned, label: 'pinned' },
				{ model, label: 'this run' }
			]
		: [{ model, label: null }];
}

export function renderTimelineSvg(
	model: RunModel,
	document: Document,
	options: SvgExportOptions = {}
): string {
	const runs = runsOf(model, options.pinned);
	const { svg } = renderSwimlane(document, layoutTimeline(runs, { textSize: options.textSize }), {
		width: options.width ?? 960,
		palette: palettes[options.theme ?? 'light'],
		idPrefix: options.idPrefix ?? 'tl',
		stacked: runs.length > 1,
		title: `Timeline: ${model.tasks.length} tasks over ${model.duration} virtual seconds`
	});
	return svg.outerHTML;
}
