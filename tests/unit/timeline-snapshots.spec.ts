import { describe, expect, it } from 'vitest';
import { renderTimelineSvg } from '../../src/lib/timeline/svg';
import { fixtures, gatherThree } from './timeline/fixtures';
import { compareSnapshot, nodeDocument, normalizeSvg } from './timeline/snapshot';

describe('renderTimelineSvg snapshots', () => {
	for (const fixture of fixtures) {
		it(`renders ${fixture.name} as in the committed SVG`, () => {
			const svg = renderTimelineSvg(fixture.model(), nodeDocument(), {
				width: 800,
				stacked: fixture.stacked?.() ?? null
			});
			const result = compareSnapshot(fixture.name, svg);
			expect(result.status, `see ${'path' in result ? result.path : ''}`).not.toBe('changed');
		});
	}

	it('renders gather-three in the dark theme as in the committed SVG', () => {
		const svg = renderTimelineSvg(gatherThree(), nodeDocument(), { width: 800, theme: 'dark' });
		expect(compareSnapshot('gather-three-dark', svg).status).not.toBe('changed');
	});

	it('renders gather-three at the presenter text size as in the committed SVG', () => {
		const svg = renderTimelineSvg(gatherThree(), nodeDocument(), { width: 1100, textSize: 20 });
		expect(compareSnapshot('gather-three-presenter', svg).status).not.toBe('changed');
	});
});

describe('chart sizes', () => {
	/** The heights of the lane backgrounds drawn (every other task lane has one). */
	function laneHeights(svg: string): number[] {
		const lanes = /<g class="tl-lanes">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
		return [...lanes.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
	}

	it('scale text, lanes and the label column with the text size the page passes', () => {
		const normal = renderTimelineSvg(gatherThree(), nodeDocument(), { width: 1100 });
		const large = renderTimelineSvg(gatherThree(), nodeDocument(), { width: 1100, textSize: 20 });
		expect(normal).toMatch(/font-size:11px/);
		expect(large).toMatch(/font-size:20px/);
		expect(laneHeights(normal)).toEqual([22, 22]);
		expect(laneHeights(large)).toEqual([40, 40]);
		// Every text in the large chart is at least its base size: none is left at a fixed 10 px.
		const sizes = [...large.matchAll(/font-size:([\d.]+)px/g)].map((m) => Number(m[1]));
		expect(Math.min(...sizes)).toBeGreaterThanOrEqual(18);
		// The axis title ends where the label column does.
		const labelColumn = (svg: string) => Number(/ x="([\d.]+)">virtual time</.exec(svg)?.[1]);
		expect(labelColumn(large)).toBeGreaterThan(labelColumn(normal));
	});
});

describe('normalizeSvg', () => {
	it('renumbers ids and their references in order of appearance', () => {
		const out = normalizeSvg(
			'<svg><pattern id="x-hatch"></pattern><rect style="fill:url(#x-hatch)"></rect></svg>'
		);
		expect(out).toContain('id="id0"');
		expect(out).toContain('url(#id0)');
		expect(out).not.toContain('x-hatch');
	});
});

describe('the concurrency strip', () => {
	it('reads the same peak as the summary, 0 for a run that made no task (a SyntaxError)', () => {
		const empty = gatherThree();
		empty.tasks = [];
		empty.links = [];
		empty.concurrency = [{ t: 0, running: 0, waiting: 0 }];
		empty.summary = { ...empty.summary, tasks: 0, peakConcurrency: 0 };
		const svg = renderTimelineSvg(empty, nodeDocument(), { width: 800 });
		expect(svg).toContain('peak 0');
		const three = renderTimelineSvg(gatherThree(), nodeDocument(), { width: 800 });
		expect(three).toContain('peak 3');
	});
});
