/**
 * Exercise files and storage for the unit tests of exercises, packs, embeds and the page: one
 * exercise as a teacher writes it (with a horizontal rule in its instructions, which must stay
 * prose), and an in-memory localStorage.
 */

const fence = '```';

/** One exercise: starter prints "start", solution prints "done", checked by its output. */
export function exerciseMarkdown(title: string, frontMatterExtra = ''): string {
	return [
		'---',
		`title: ${title}`,
		'topic: Tasks',
		...(frontMatterExtra ? [frontMatterExtra] : []),
		'---',
		`Do ${title}.`,
		'',
		'---',
		'',
		'A horizontal rule above, then more instructions.',
		`${fence}python starter`,
		'print("start")',
		fence,
		`${fence}python solution`,
		'print("done")',
		fence,
		`${fence}checks`,
		'output-equals: "done"',
		fence,
		`${fence}predict`,
		'total-time: 0.1',
		fence,
		''
	].join('\n');
}

/** The 1-based line of the first line of `text` that includes `needle`. */
export function lineOf(text: string, needle: string): number {
	return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

/** localStorage in memory; `data` shows what was written. */
export function memoryStore(initial: Record<string, string> = {}) {
	const data = new Map(Object.entries(initial));
	return {
		data,
		getItem: (key: string) => data.get(key) ?? null,
		setItem: (key: string, value: string) => void data.set(key, value),
		removeItem: (key: string) => void data.delete(key)
	};
}
