import { describe, expect, it } from 'vitest';
import { formatSeconds } from '../../src/lib/engine/format';
import { formatTick } from '../../src/lib/timeline/format';
import {
	clampDomain,
	frame,
	fullDomain,
	MIN_SPAN,
	panDomain,
	timeScale,
	zoomDomain
} from '../../src/lib/timeline/scales';

describe('timeScale', () => {
	it('maps the run onto the plot, labels to the left', () => {
		const f = frame(800);
		const x = timeScale(fullDomain(3), f);
		expect(x(0)).toBe(f.plotLeft);
		expect(x(3)).toBe(f.plotRight);
		expect(f.plotLeft).toBeGreaterThan(100);
	});

	it('gives a run that took no virtual time a one-second axis', () => {
		expect(fullDomain(0)).toEqual([0, 1]);
	});
});

describe('zoomDomain and panDomain', () => {
	const full: [number, number] = [0, 10];

	it('keeps the anchor time under the same pixel', () => {
		const zoomed = zoomDomain([0, 10], 4, 5, full);
		expect(zoomed[1] - zoomed[0]).toBeCloseTo(2.5);
		expect((5 - zoomed[0]) / (zoomed[1] - zoomed[0])).toBeCloseTo(0.5);
	});

	it('never zooms narrower than a microsecond or wider than the run', () => {
		const deep = zoomDomain([0, 10], 1e12, 3, full);
		expect(deep[1] - deep[0]).toBeCloseTo(MIN_SPAN, 12);
		const wide = zoomDomain([0, 10], 1e-6, 3, full);
		expect(wide[1] - wide[0]).toBeLessThanOrEqual(10 * 1.04 + 1e-9);
	});

	it('stops panning at the ends of the run', () => {
		const panned = panDomain([0, 2], 100, full);
		expect(panned[1]).toBeLessThanOrEqual(10.2 + 1e-9);
		expect(panned[1] - panned[0]).toBeCloseTo(2);
		expect(clampDomain([-50, -48], full)[0]).toBeCloseTo(-0.2);
	});
});

describe('formatTick', () => {
	it('takes its precision from the step, so neighbouring ticks differ at every zoom', () => {
		expect(formatTick(1, 1, 3)).toBe('1 s');
		expect(formatTick(1, 0.5, 3)).toBe('1.0 s');
		expect(formatTick(1.5, 0.5, 3)).toBe('1.5 s');
		expect(formatTick(2.001, 0.001, 2.01)).toBe('2.001 s');
		expect(formatTick(2.002, 0.001, 2.01)).not.toBe(formatTick(2.001, 0.001, 2.01));
		expect(formatTick(0.25, 0.05, 0.5)).toBe('250 ms');
		expect(formatTick(0.00005, 0.00001, 0.0001)).toBe('50 µs');
		expect(formatTick(0, 1, 3)).toBe('0 s');
	});
});

describe('formatSeconds', () => {
	it('reads like a person would say it', () => {
		expect(formatSeconds(3)).toBe('3.00 s');
		expect(formatSeconds(0.25)).toBe('250 ms');
		expect(formatSeconds(0)).toBe('0 s');
		expect(formatSeconds(0.0000125)).toBe('12.5 µs');
	});
});
