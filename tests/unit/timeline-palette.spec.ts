/**
 * The chart's colours, checked the way WCAG 2.1 and colour-vision research measure them: every
 * label drawn inside a bar meets AA contrast (4.5:1) against each colour behind it, in both
 * themes, and what a task waits for never relies on colour alone.
 */
import { describe, expect, it } from 'vitest';
import { palettes, type Palette, type ThemeName } from '../../src/lib/timeline/theme';
import { inkOf, WAIT_LEGEND, type SegmentStyle } from '../../src/lib/timeline/wait-style';

const ids = { hatch: 'hatch', dots: 'dots', arrow: 'arrow', clip: 'clip' };

function channels(hex: string): [number, number, number] {
	const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
	if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
	return [match[1], match[2], match[3]].map((h) => parseInt(h, 16) / 255) as [
		number,
		number,
		number
	];
}

/** sRGB to linear light (WCAG 2.1's relative luminance formula). */
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

function luminance([r, g, b]: [number, number, number]): number {
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
	const [la, lb] = [a, b].map((hex) => luminance(channels(hex).map(linear) as never));
	return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Each label colour, and every colour it can be drawn on (a pattern's both colours). */
function textGrounds(palette: Palette): [label: string, text: string, ground: string][] {
	return [
		['timer wait', palette.waitingText, palette.waiting],
		['timer wait, on a stripe', palette.waitingText, palette.waitingStripe],
		['task wait', palette.taskWaitText, palette.taskWait],
		['primitive wait', palette.primitiveWaitText, palette.primitiveWait],
		['primitive wait, on a dot', palette.primitiveWaitText, palette.primitiveWaitDots],
		['ready (no fill), on the chart', palette.readyText, palette.background],
		['ready (no fill), on a shaded lane', palette.readyText, palette.laneAlt],
		['other wait', palette.otherWaitText, palette.otherWait],
		['blocked', palette.blockedText, palette.blocked],
		['chart text', palette.text, palette.background],
		['chart text, on a shaded lane', palette.text, palette.laneAlt],
		['muted text', palette.muted, palette.background],
		['muted text, on a shaded lane', palette.muted, palette.laneAlt]
	];
}

/**
 * Machado, Oliveira and Fernandes (2009), full severity: how a colour looks to someone with
 * protanopia, deuteranopia or tritanopia, in linear RGB.
 */
const SIMULATIONS: Record<string, number[][]> = {
	protanopia: [
		[0.152286, 1.052583, -0.204868],
		[0.114503, 0.786281, 0.099216],
		[-0.003882, -0.048116, 1.051998]
	],
	deuteranopia: [
		[0.367322, 0.860646, -0.227968],
		[0.280085, 0.672501, 0.047413],
		[-0.01182, 0.04294, 0.968881]
	],
	tritanopia: [
		[1.255528, -0.076749, -0.178779],
		[-0.078411, 0.930809, 0.147602],
		[0.004733, 0.691367, 0.3039]
	]
};

function seenAs(hex: string, matrix: number[][]): [number, number, number] {
	const rgb = channels(hex).map(linear);
	return matrix.map((row) =>
		Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]))
	) as [number, number, number];
}

/** CIE L*a*b* from linear sRGB (D65), for a colour difference a reader can perceive. */
function lab([r, g, b]: [number, number, number]): [number, number, number] {
	const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
	const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
	const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
	const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
	return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

const deltaE = (a: [number, number, number], b: [number, number, number]) =>
	Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe.each(['light', 'dark'] as ThemeName[])('the %s palette', (theme) => {
	const palette = palettes[theme];

	it.each(textGrounds(palette))('%s: text meets WCAG AA (4.5:1)', (_, text, ground) => {
		expect(contrast(text, ground)).toBeGreaterThanOrEqual(4.5);
	});

	it('keeps running, waiting and blocked apart for colour-blind readers', () => {
		// The solid marks against the (pale) waiting fills and each other: a large difference
		// (ΔE ≥ 20) under each simulation, so "running" and "blocked" never read as waiting.
		const strong = [palette.running, palette.blocked];
		const pale = [palette.waiting, palette.taskWait, palette.primitiveWait, palette.otherWait];
		for (const [name, matrix] of Object.entries(SIMULATIONS)) {
			const colours = [...strong, ...pale];
			for (const a of strong)
				for (const b of colours) {
					if (a === b) continue;
					const difference = deltaE(lab(seenAs(a, matrix)), lab(seenAs(b, matrix)));
					expect(difference, `${a} vs ${b} under ${name}`).toBeGreaterThanOrEqual(20);
				}
		}
	});
});

describe('waiting styles', () => {
	const styles: SegmentStyle[] = ['running', 'blocked', ...WAIT_LEGEND.map((e) => e.style)];

	it('each has a cue besides colour: a fill pattern, an outline or a dash that no other has', () => {
		const cues = styles.map((style) => {
			const ink = inkOf(style, palettes.light, ids);
			const pattern = ink.fill.startsWith('url(')
				? ink.fill
				: ink.fill === 'none'
					? 'none'
					: 'flat';
			const solidDark = style === 'running' || style === 'blocked';
			return `${solidDark ? 'solid' : pattern}|${ink.stroke ? 'outline' : ''}|${ink.dash ?? ''}`;
		});
		// Running and blocked are both solid, told apart by colour far apart for every reader (above)
		// and by the blocked bar's words; every kind of waiting has a cue of its own.
		const waitingCues = cues.slice(2);
		expect(new Set(waitingCues).size).toBe(waitingCues.length);
		expect(waitingCues).not.toContain(cues[0]);
	});
});
