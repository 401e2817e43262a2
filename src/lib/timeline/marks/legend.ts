/**
 * The legend and a one-line summary of the run: what each colour, pattern and shape means, for
 * what the chart shows. An entry for something the runs never do is noise, and on a projector it
 * takes a row the lanes need.
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement, textWidth } from '../dom';
import { formatSeconds } from '../../engine/format';
import type { TimelineLayout } from '../layout';
import type { ChartSizes } from '../sizes';
import { markerShape } from './markers';
import { inkOf, inkStyle, segmentStyle, WAIT_LEGEND, type SegmentStyle } from '../wait-style';

type Swatch = SegmentStyle | 'created' | 'done' | 'raised' | 'cancelled' | 'stuck' | 'link';

type RunModel = TimelineLayout['sections'][number]['model'];

/** What a run shows, read once per layout: the segment styles, and the rest from its model. */
interface Shown {
	styles: Set<SegmentStyle>;
	model: RunModel;
}

/** Each entry, and whether a run shows what it explains. */
const ITEMS: { swatch: Swatch; label: string; shown: (run: Shown) => boolean }[] = [
	{ swatch: 'running', label: 'running', shown: () => true },
	...WAIT_LEGEND.map(({ style, label }) => ({
		swatch: style,
		label,
		shown: (run: Shown) => run.styles.has(style)
	})),
	{
		swatch: 'blocked',
		label: 'loop blocked',
		shown: (run) => run.model.blocked.length > 0 || run.styles.has('blocked')
	},
	{ swatch: 'created', label: 'created', shown: () => true },
	{ swatch: 'done', label: 'done', shown: (run) => hasState(run, 'done') },
	{ swatch: 'raised', label: 'raised', shown: (run) => hasState(run, 'raised') },
	{ swatch: 'cancelled', label: 'cancelled', shown: (run) => hasState(run, 'cancelled') },
	{ swatch: 'link', label: 'ends an await', shown: (run) => run.model.links.length > 0 },
	{ swatch: 'stuck', label: 'stuck (deadlock)', shown: (run) => run.model.deadlock !== null }
];

function hasState(run: Shown, state: RunModel['tasks'][number]['state']): boolean {
	return run.model.tasks.some((task) => task.state === state);
}

function shownBy(model: RunModel): Shown {
	const styles = new Set<SegmentStyle>();
	for (const task of model.tasks)
		for (const segment of task.segments) styles.add(segmentStyle(segment));
	return { styles, model };
}

type Item = { swatch: Swatch; label: string };

/** Per layout: the legend is asked for every frame, and finding it reads every segment. */
const itemsOf = new WeakMap<TimelineLayout, Item[]>();

/** The entries for what some run on the chart shows, in a fixed order. */
export function legendItems(layout: TimelineLayout): Item[] {
	let items = itemsOf.get(layout);
	if (!items) {
		const runs = layout.sections.map((section) => shownBy(section.model));
		items = ITEMS.filter((item) => runs.some(item.shown)).map(({ swatch, label }) => ({
			swatch,
			label
		}));
		itemsOf.set(layout, items);
	}
	return items;
}

/** A swatch's width, and the gap after an item's label, at the default scale. */
const SWATCH_WIDTH = 14;
const ITEM_GAP = 10;

/** Where each legend item goes, wrapping onto more rows when the chart is narrow. */
export function legendPositions(
	layout: TimelineLayout,
	width: number
): { x: number; row: number }[] {
	const sizes = layout.sizes;
	let x = 10;
	let row = 0;
	return legendItems(layout).map((item) => {
		const itemWidth =
			itemLabelX(sizes) + textWidth(item.label, sizes.text) + ITEM_GAP * sizes.scale;
		if (x + itemWidth > width - 10 && x > 10) {
			row++;
			x = 10;
		}
		const position = { x, row };
		x += itemWidth;
		return position;
	});
}

export function legendHeight(layout: TimelineLayout, width: number): number {
	const positions = legendPositions(layout, width);
	return (positions[positions.length - 1].row + 1) * layout.sizes.legendRow + 6;
}

/** Where an item's label starts, after its swatch. */
function itemLabelX(sizes: ChartSizes): number {
	return (SWATCH_WIDTH + 5) * sizes.scale;
}

/** A one-line summary of a single run, shown beside the legend when it fits. */
export function summaryText(context: RenderContext): string | null {
	if (context.stacked || context.layout.sections.length !== 1) return null;
	const model = context.layout.sections[0].model;
	const tasks = model.tasks.length;
	const span = context.turnGaps
		? `${model.duration.toLocaleString('en-US')} loop turns`
		: `${formatSeconds(model.duration)} virtual`;
	return `${tasks.toLocaleString('en-US')} task${tasks === 1 ? '' : 's'} · ${span}`;
}

export class LegendMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, sizes } = context;
		const g = svgElement(document, 'g', { class: 'tl-legend' });
		const items = legendItems(context.layout);
		const positions = legendPositions(context.layout, context.frame.width);
		const rowCenter = (row: number) => 6 + row * sizes.legendRow + sizes.legendRow / 2;
		items.forEach((item, i) => {
			const { x, row } = positions[i];
			const cy = rowCenter(row);
			append(
				g,
				this.swatch(context, item.swatch, x, cy),
				svgElement(
					document,
					'text',
					{ x: x + itemLabelX(sizes), y: cy + 4 * sizes.scale, style: `fill:${palette.text}` },
					item.label
				)
			);
		});
		const summary = summaryText(context);
		const lastRow = positions[positions.length - 1];
		const lastEnd =
			lastRow.x + itemLabelX(sizes) + textWidth(items[items.length - 1].label, sizes.text);
		if (summary && lastEnd + textWidth(summary, sizes.text) + 30 < context.frame.width) {
			append(
				g,
				svgElement(
					document,
					'text',
					{
						x: context.frame.width - 10,
						y: rowCenter(lastRow.row) + 4 * sizes.scale,
						'text-anchor': 'end',
						style: `fill:${palette.muted}`
					},
					summary
				)
			);
		}
		return g;
	}

	private swatch(context: RenderContext, swatch: Swatch, x: number, cy: number): SVGElement {
		const { document, palette, ids, sizes } = context;
		const width = SWATCH_WIDTH * sizes.scale;
		const bar = (style: string) =>
			svgElement(document, 'rect', {
				x,
				y: cy - 6 * sizes.scale,
				width,
				height: 12 * sizes.scale,
				rx: 2,
				style
			});
		switch (swatch) {
			case 'running':
			case 'blocked':
			case 'timer':
			case 'task':
			case 'primitive':
			case 'ready':
			case 'other': {
				return bar(inkStyle(inkOf(swatch, palette, ids)));
			}
			case 'link':
				return svgElement(document, 'path', {
					d: `M${x},${cy}H${x + width - 3}`,
					'marker-end': `url(#${ids.arrow})`,
					style: `stroke:${palette.link};stroke-width:1.5;fill:none`
				});
			default:
				return markerShape(context, swatch, x + width / 2, cy);
		}
	}
}

export function legend(): LegendMark {
	return new LegendMark();
}
