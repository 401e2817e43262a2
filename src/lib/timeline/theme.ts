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
	/** Waiting on a timer (wait-style.ts), and waiting in general where kinds are not told apart. */
	waiting: string;
	waitingStripe: string;
	waitingStroke: string;
	waitingText: string;
	taskWait: string;
	taskWaitStroke: string;
	taskWaitText: string;
	primitiveWait: string;
	primitiveWaitDots: string;
	primitiveWaitStroke: string;
	primitiveWaitText: string;
	readyStroke: string;
	readyText: string;
	otherWait: string;
	otherWaitStroke: string;
	otherWaitText: string;
	blocked: string;
	blockedText: string;
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
		waiting: '#e4eefc',
		waitingStripe: '#c3d7f4',
		waitingStroke: '#8fb0e0',
		waitingText: '#1b3a66',
		taskWait: '#dcf3ea',
		taskWaitStroke: '#3e9a76',
		taskWaitText: '#14503a',
		primitiveWait: '#fcefd2',
		primitiveWaitDots: '#e7c987',
		primitiveWaitStroke: '#c9a14a',
		primitiveWaitText: '#5a3d00',
		readyStroke: '#7d8896',
		readyText: '#4d5766',
		otherWait: '#eceef2',
		otherWaitStroke: '#a3acb8',
		otherWaitText: '#3b4350',
		blocked: '#c62828',
		blockedText: '#ffffff',
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
		waiting: '#1c2b45',
		waitingStripe: '#2c4268',
		waitingStroke: '#4a6ea8',
		waitingText: '#cfe0fb',
		taskWait: '#16352b',
		taskWaitStroke: '#3f9a78',
		taskWaitText: '#c2ecdb',
		primitiveWait: '#3a2d10',
		primitiveWaitDots: '#6a5220',
		primitiveWaitStroke: '#a8842f',
		primitiveWaitText: '#f6e2b5',
		readyStroke: '#7b8595',
		readyText: '#a9b2c0',
		otherWait: '#262b34',
		otherWaitStroke: '#5f6b7a',
		otherWaitText: '#d7dce4',
		blocked: '#ff6b6b',
		blockedText: '#15181e',
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
