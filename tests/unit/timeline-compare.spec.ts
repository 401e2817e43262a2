/**
 * Two runs on one chart: the stacked run (pinned above, or the previous run drawn faint below)
 * and the current one share one time axis, so the shorter run draws shorter bars; a stopped run is marked
 * where it stopped; and the export draws what is on screen under a title line with the totals.
 */
import { describe, expect, it } from 'vitest';
import { chartHeading } from '../../src/lib/engine/format';
import { layoutTimeline } from '../../src/lib/timeline/layout';
import { renderTimelineSvg, runsOf, type StackedRun } from '../../src/lib/timeline/svg';
import { renderSwimlane } from '../../src/lib/timeline/swimlane';
import { palettes } from '../../src/lib/timeline/theme';
import { gatherThree, manyTasks, sequentialThree, stoppedGather } from './timeline/fixtures';
import { nodeDocument } from './timeline/snapshot';

/** The right edge of the bars drawn for each run, from the rendered waiting bars. */
function barEnds(stacked: StackedRun): { stacked: number; current: number; plotLeft: number } {
	const layout = layoutTimeline(runsOf(gatherThree(), stacked));
	const { svg, context } = renderSwimlane(nodeDocument(), layout, {
		width: 900,
		palette: palettes.light,
		idPrefix: 't',
		stacked: true
	});
	const ends = layout.sections.map(() => 0);
	// Each style's bars are one path of rectangles: "M x,y h width v height h -width z".
	for (const path of svg.querySelectorAll('.tl-segments path')) {
		for (const [, x, y, width] of (path.getAttribute('d') ?? '').matchAll(
			/M([\d.-]+),([\d.-]+)h([\d.-]+)/g
		)) {
			const top = Number(y);
			const right = Number(x) + Number(width);
			const section = layout.sections.findIndex((s) => top >= s.lanesTop && top < s.lanesBottom);
			ends[section] = Math.max(ends[section], right);
		}
	}
	const current = layout.sections.findIndex((section) => section.label === 'this run');
	return { stacked: ends[1 - current], current: ends[current], plotLeft: context.frame.plotLeft };
}

describe('one time scale for two runs', () => {
	for (const kind of ['previous', 'pinned'] as const) {
		it(`a 3 s run beside a 6 s ${kind} run draws bars half as long`, () => {
			const { stacked, current, plotLeft } = barEnds({ model: sequentialThree(), kind });
			expect(stacked - plotLeft).toBeGreaterThan(500);
			expect((current - plotLeft) / (stacked - plotLeft)).toBeCloseTo(0.5, 2);
		});
	}

	it('the axis spans the longer run, whichever is stacked above', () => {
		const longerBelow = layoutTimeline(
			runsOf(sequentialThree(), { model: gatherThree(), kind: 'previous' })
		);
		expect(longerBelow.duration).toBe(6);
		const longerAbove = layoutTimeline(
			runsOf(gatherThree(), { model: sequentialThree(), kind: 'previous' })
		);
		expect(longerAbove.duration).toBe(6);
	});
});

describe('the previous run on the chart', () => {
	it('is headed with its total and veiled; a pinned run is neither', () => {
		const document = nodeDocument();
		const previous = renderTimelineSvg(gatherThree(), document, {
			stacked: { model: sequentialThree(), kind: 'previous' }
		});
		expect(previous).toContain('>previous: 6.00 s<');
		expect(previous).toContain('data-ghost-veil');
		const pinned = renderTimelineSvg(gatherThree(), document, {
			stacked: { model: sequentialThree(), kind: 'pinned' }
		});
		expect(pinned).toContain('>pinned<');
		expect(pinned).not.toContain('data-ghost-veil');
		expect(renderTimelineSvg(gatherThree(), document)).not.toContain('data-ghost-veil');
	});

	it('veils only the previous run’s lanes, not its header nor the current run', () => {
		const layout = layoutTimeline(
			runsOf(gatherThree(), { model: sequentialThree(), kind: 'previous' })
		);
		const { svg } = renderSwimlane(nodeDocument(), layout, {
			width: 900,
			palette: palettes.light,
			idPrefix: 't',
			stacked: true
		});
		const veil = svg.querySelector('[data-ghost-veil]');
		// The current run keeps the top, where it was before a previous run appeared.
		const [current, ghost] = layout.sections;
		expect(current.label).toBe('this run');
		const top = Number(veil?.getAttribute('y'));
		const bottom = top + Number(veil?.getAttribute('height'));
		expect(top).toBeGreaterThan(ghost.top);
		expect(top).toBeGreaterThan(current.lanesBottom);
		expect(bottom).toBeCloseTo(ghost.lanesBottom, 0);
	});
});

describe('a stopped run', () => {
	it('is marked where Stop landed', () => {
		const svg = renderTimelineSvg(stoppedGather(), nodeDocument());
		expect(svg).toContain('stopped at 3.00 s');
		expect(renderTimelineSvg(gatherThree(), nodeDocument())).not.toContain('stopped at');
	});
});

describe('the export', () => {
	it('draws only the zoom window, under a title line with the totals', () => {
		const model = gatherThree();
		const heading = chartHeading('gather', model);
		expect(heading).toBe('gather · 3.00 s · 4 tasks · peak 3 at once');
		const svg = renderTimelineSvg(model, nodeDocument(), {
			width: 900,
			domain: [1, 2],
			heading
		});
		const document = nodeDocument();
		const holder = document.createElement('div');
		holder.innerHTML = svg;
		const outer = holder.querySelector('svg');
		expect(outer?.querySelector('[data-heading]')?.textContent).toBe(heading);
		// The axis covers the window, 1 s to 2 s, and nothing of the rest of the run.
		const ticks = [...holder.querySelectorAll('.tl-axis text')].map((t) => t.textContent);
		const times = ticks.filter((text) => text?.endsWith(' s')).map((text) => parseFloat(text!));
		expect(Math.min(...times)).toBe(1);
		expect(Math.max(...times)).toBe(2);
		// The chart sits under the heading line, and the file is as tall as both.
		const chart = outer?.querySelector('svg');
		const offset = Number(chart?.getAttribute('y'));
		expect(offset).toBeGreaterThan(0);
		expect(Number(outer?.getAttribute('height'))).toBe(
			Number(chart?.getAttribute('height')) + offset
		);
	});

	it('draws the groups expanded on screen, and leaves the others collapsed', () => {
		const model = manyTasks(100);
		const collapsed = renderTimelineSvg(model, nodeDocument());
		const expanded = renderTimelineSvg(model, nodeDocument(), {
			expanded: new Set(['0:1:worker'])
		});
		expect(collapsed).toContain('worker() × 100');
		expect(expanded).not.toContain('worker() × 100');
	});

	it('names the run stacked above and a stop in its title line', () => {
		expect(
			chartHeading('gather', gatherThree(), { kind: 'previous', model: sequentialThree() })
		).toBe('gather · 3.00 s · 4 tasks · peak 3 at once · previous run 6.00 s');
		expect(chartHeading(null, stoppedGather())).toBe(
			'3.00 s · 4 tasks · peak 3 at once · stopped at 3.00 s'
		);
	});
});
