import { describe, expect, it } from 'vitest';
import { renderTimelineSvg } from '../../src/lib/timeline/svg';
import { fixtures, gatherThree } from './timeline/fixtures';
import { compareSnapshot, nodeDocument, normalizeSvg } from './timeline/snapshot';

describe('renderTimelineSvg snapshots', () => {
	for (const fixture of fixtures) {
		it(`renders ${fixture.name} as in the committed SVG`, () => {
			const svg = renderTimelineSvg(fixture.model(), nodeDocument(), {
				width: 800,
				pinned: fixture.pinned?.() ?? null
			});
			const result = compareSnapshot(fixture.name, svg);
			expect(result.status, `see ${'path' in result ? result.path : ''}`).not.toBe('changed');
		});
	}

	it('renders gather-three in the dark theme as in the committed SVG', () => {
		const svg = renderTimelineSvg(gatherThree(), nodeDocument(), { width: 800, theme: 'dark' });
		expect(compareSnapshot('gather-three-dark', svg).status).not.toBe('changed');
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
