/**
 * Colours of the timeline. The browser chart reads them from CSS variables (so a page theme can
 * switch them without re-rendering); the standalone SVG export inlines the resolved values,
 * because an exported file has no stylesheet.
 */

export type ThemeName = 'light' | 'dark';

export interface Palette {
	background: string;
	text: string;
	muted: string;
	grid: string;
	laneAlt: string;
	running: string;
	waiting: string;
	waitingStroke: string;
	waitingText: string;
	blocked: string;
	blockedBand: string;
	created: string;
	done: string;
	raised: string;
	cancelled: string;
	link: string;
	/** Wake-up arrows (the replay's): who released a task, apart from the grey await arrows. */
	wake: string;
	highlight: string;
	focus: string;
	group: string;
}

export const palettes: Record<ThemeName, Palette> = {
	light: {
		background: '#ffffff',
		text: '#1f2328',
		muted: '#5f6b7a',
		grid: '#e3e7ed',
		laneAlt: '#f6f8fb',
		running: '#2f6fde',
		waiting: '#e3edfc',
		waitingStroke: '#9dbcf0',
		waitingText: '#24497f',
		blocked: '#d42a2a',
		blockedBand: 'rgba(212, 42, 42, 0.10)',
		created: '#5f6b7a',
		done: '#1f8a4c',
		raised: '#d42a2a',
		cancelled: '#b26a00',
		link: '#7a8696',
		wake: '#8b3fd9',
		highlight: '#f0a000',
		focus: '#111827',
		group: '#2f6fde'
	},
	dark: {
		background: '#15181e',
		text: '#e6e9ee',
		muted: '#98a2b3',
		grid: '#2b313b',
		laneAlt: '#1a1e25',
		running: '#6ea1ff',
		waiting: '#1d2b44',
		waitingStroke: '#3f5f96',
		waitingText: '#b9d0f7',
		blocked: '#ff6b6b',
		blockedBand: 'rgba(255, 107, 107, 0.14)',
		created: '#98a2b3',
		done: '#4cc27f',
		raised: '#ff6b6b',
		cancelled: '#f0a64a',
		link: '#8a94a6',
		wake: '#c69bff',
		highlight: '#ffc24a',
		focus: '#ffffff',
		group: '#6ea1ff'
	}
};

/** The CSS variable that carries each palette entry, e.g. running -> --tl-running. */
export function cssVariableName(key: keyof Palette): string {
	return '--tl-' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** A palette whose values are `var(--tl-...)` references, for the live chart. */
export const cssPalette: Palette = Object.fromEntries(
	(Object.keys(palettes.light) as (keyof Palette)[]).map((key) => [
		key,
		`var(${cssVariableName(key)})`
	])
) as unknown as Palette;

/** `--tl-running: #2f6fde; ...` for a style attribute, so a container carries a theme. */
export function cssVariables(theme: ThemeName): string {
	const palette = palettes[theme];
	return (Object.keys(palette) as (keyof Palette)[])
		.map((key) => `${cssVariableName(key)}: ${palette[key]}`)
		.join('; ');
}

export const FONT_FAMILY =
	'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
