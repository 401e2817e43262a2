/**
 * Display preferences: light or dark theme, presenter mode (sizes that read from the back of a
 * room), the focus layout (code and chart only) and the panes' sizes.
 *
 * With no stored choice the theme follows the system (prefers-color-scheme), live. A choice made
 * with the toggle is stored and wins from then on. The CSS reads `data-theme` and
 * `data-projector` on <html>; before this runs (prerendered HTML) the stylesheet follows
 * prefers-color-scheme by itself, so there is no flash for most visitors.
 */
export type Theme = 'light' | 'dark';

/** The notes above the chart that fold to one line. */
export type Note = 'example' | 'compare';

const THEME_KEY = 'asyncio-playground:theme';
const PROJECTOR_KEY = 'asyncio-playground:projector';
const FOCUS_KEY = 'asyncio-playground:focus-layout';
const PANES_KEY = 'asyncio-playground:panes';

/** Text sizes in pixels, normal and in presenter mode (checked at 1920×1080 by the e2e tests). */
const EDITOR_FONT = { normal: 15, presenter: 22 };
const CHART_TEXT = { normal: 11, presenter: 20 };

export interface PaneSizes {
	/** Width of the left column (editor, output), as a fraction of the window. */
	left: number;
	/** Height of the editor within the left column, as a fraction. */
	editor: number;
	/** Height of the timeline within the right column, as a fraction. */
	timeline: number;
}

export const DEFAULT_PANES: PaneSizes = { left: 0.42, editor: 0.64, timeline: 0.76 };

function readStorage(key: string): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

function writeStorage(key: string, value: string): void {
	try {
		localStorage.setItem(key, value);
	} catch {
		// Storage full or unavailable: the preference lasts for this visit only.
	}
}

export class Preferences {
	theme: Theme = $state('light');
	/** True once the learner picked a theme; until then we follow the system. */
	themeChosen = $state(false);
	projector = $state(false);
	/** Code and chart side by side, the other panes hidden. */
	focusLayout = $state(false);
	/**
	 * Whether the notes above the chart are open: the example's "what to notice", the comparison's
	 * bars. Closed, each is one line. They start closed in presenter mode, where the chart needs
	 * the room and the teacher speaks, and on a short or narrow screen.
	 */
	notes: Record<Note, boolean> = $state({ example: true, compare: true });
	panes: PaneSizes = $state({ ...DEFAULT_PANES });

	/** The editor's font size in pixels. */
	get fontSize(): number {
		return this.projector ? EDITOR_FONT.presenter : EDITOR_FONT.normal;
	}

	/** The chart's text size in pixels; its lanes and markers grow with it. */
	get chartTextSize(): number {
		return this.projector ? CHART_TEXT.presenter : CHART_TEXT.normal;
	}

	/** Read stored choices and start following the system theme. Call once, in the browser. */
	start(): () => void {
		const stored = readStorage(THEME_KEY);
		const media = window.matchMedia('(prefers-color-scheme: dark)');
		if (stored === 'light' || stored === 'dark') {
			this.theme = stored;
			this.themeChosen = true;
		} else {
			this.theme = media.matches ? 'dark' : 'light';
		}
		this.projector = readStorage(PROJECTOR_KEY) === '1';
		this.focusLayout = readStorage(FOCUS_KEY) === '1';
		this.#resetNotes();
		try {
			const panes = JSON.parse(readStorage(PANES_KEY) ?? 'null') as Partial<PaneSizes> | null;
			if (panes) {
				for (const key of Object.keys(DEFAULT_PANES) as (keyof PaneSizes)[]) {
					const value = panes[key];
					if (typeof value === 'number' && value > 0.1 && value < 0.9) this.panes[key] = value;
				}
			}
		} catch {
			// A corrupt entry: keep the defaults.
		}
		const follow = (event: MediaQueryListEvent) => {
			if (!this.themeChosen) this.theme = event.matches ? 'dark' : 'light';
		};
		media.addEventListener('change', follow);
		return () => media.removeEventListener('change', follow);
	}

	toggleTheme(): void {
		this.theme = this.theme === 'dark' ? 'light' : 'dark';
		this.themeChosen = true;
		writeStorage(THEME_KEY, this.theme);
	}

	toggleProjector(): void {
		this.projector = !this.projector;
		this.#resetNotes();
		writeStorage(PROJECTOR_KEY, this.projector ? '1' : '0');
	}

	toggleFocusLayout(): void {
		this.focusLayout = !this.focusLayout;
		writeStorage(FOCUS_KEY, this.focusLayout ? '1' : '0');
	}

	toggleNote(note: Note): void {
		this.notes[note] = !this.notes[note];
	}

	/** Open where there is room: not in presenter mode, nor on a short or narrow screen. */
	#resetNotes(): void {
		const roomy = window.matchMedia('(min-width: 700px) and (min-height: 800px)').matches;
		const open = roomy && !this.projector;
		this.notes = { example: open, compare: open };
	}

	setPane(key: keyof PaneSizes, fraction: number): void {
		this.panes[key] = Math.min(0.85, Math.max(0.15, fraction));
		writeStorage(PANES_KEY, JSON.stringify(this.panes));
	}
}
