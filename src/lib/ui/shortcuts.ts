/**
 * Every keyboard shortcut of the page, in one table: the shortcuts dialog (`?`) lists it, and the
 * page's own keys (`?`, `F`) are read from it, so the list cannot leave one out.
 */

/** One way to press a shortcut: the keys held together, e.g. ['Ctrl', 'Enter']. */
export type Keys = readonly string[];

export interface Shortcut {
	/** Alternatives, e.g. Ctrl+Enter or ⌘+Enter; or, with `sequence`, presses one after another. */
	keys: readonly Keys[];
	sequence?: boolean;
	what: string;
}

export interface ShortcutGroup {
	where: string;
	shortcuts: readonly Shortcut[];
}

/** The page's own single-key shortcuts, which work wherever the learner is not typing. */
export const PAGE_KEYS = { shortcuts: '?', focusLayout: 'f' } as const;

export const SHORTCUTS: readonly ShortcutGroup[] = [
	{
		where: 'Anywhere on the page',
		shortcuts: [
			{
				keys: [
					['Ctrl', 'Enter'],
					['⌘', 'Enter']
				],
				what: 'Run the code'
			},
			{ keys: [['?']], what: 'Show this list (not while typing)' },
			{ keys: [['F']], what: 'Focus layout: code and chart only, or back (not while typing)' },
			{ keys: [['Tab']], what: 'The first stop is “Skip to timeline”, which goes to the chart' }
		]
	},
	{
		where: 'In the editor',
		shortcuts: [
			{ keys: [['Tab'], ['Shift', 'Tab']], what: 'Indent, or outdent, the line' },
			{
				keys: [['Esc'], ['Tab']],
				sequence: true,
				what: 'Leave the editor (Shift+Tab leaves it backwards)'
			},
			{
				keys: [
					['Ctrl', 'M'],
					['Ctrl', 'Shift', 'M']
				],
				what: 'Tab always moves the focus, until pressed again (Ctrl+Shift+M on a Mac)'
			},
			{ keys: [['Ctrl', '/']], what: 'Comment or uncomment the line' },
			{ keys: [['Ctrl', 'F']], what: 'Find in the code' }
		]
	},
	{
		where: 'On the chart',
		shortcuts: [
			{ keys: [['↑'], ['↓']], what: 'Previous or next lane (task)' },
			{ keys: [['←'], ['→']], what: 'Previous or next segment of the lane, with its details' },
			{ keys: [['Home'], ['End']], what: 'First or last lane' },
			{
				keys: [['Enter']],
				what: 'Open the details of the segment or task (and go to its line), or expand a group'
			},
			{ keys: [['+'], ['−']], what: 'Zoom in or out' },
			{ keys: [['0']], what: 'Show the whole run' },
			{
				keys: [['Esc']],
				what: 'Close the details, clear the measured range, or leave the segment'
			},
			{
				keys: [['Shift', 'drag']],
				what: 'Measure a range of time: its length and the tasks busy in it'
			}
		]
	},
	{
		where: 'On a divider between panes',
		shortcuts: [
			{ keys: [['←'], ['→'], ['↑'], ['↓']], what: 'Resize the panes (Shift: bigger steps)' },
			{ keys: [['Home'], ['End']], what: 'Smallest or largest' }
		]
	},
	{
		where: 'In a menu or this list',
		shortcuts: [{ keys: [['Esc']], what: 'Close it, back where you were' }]
	}
];

/**
 * True when a key press belongs to what the learner is typing into (the code, a field), so the
 * page's single-key shortcuts must leave it alone.
 */
export function isTyping(target: EventTarget | null): boolean {
	if (!(target instanceof Element)) return false;
	if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'))
		return true;
	return target.closest('.monaco-editor') !== null;
}
