/**
 * The example file format: a runnable Python program that starts with a header comment block.
 *
 *     # ---
 *     # title: Gather: three waits at once
 *     # topic: Several tasks at once
 *     # notice: What to notice in the chart, in two or three sentences.
 *     # compare: 02-one-by-one          (optional: the slug of the contrasting example)
 *     # ---
 *
 * Kept free of Vite and Node APIs so the browser, the tests and the command-line tool share it.
 */

export interface Example {
	/** The file name without ".py", e.g. "01-gather". Sorting by slug gives the menu order. */
	slug: string;
	title: string;
	/** The group the example belongs to in the menu, e.g. "Several tasks at once". */
	topic: string;
	/** What to notice in the chart. */
	notice: string;
	/** The slug of the contrasting example, if any. */
	compare?: string;
	/** The program without its header; line 1 is the first line after the header. */
	code: string;
}

const FENCE = /^#\s*---\s*$/;
const FIELD = /^#\s*([a-z]+)\s*:\s*(.*?)\s*$/;
const REQUIRED = ['title', 'topic', 'notice'] as const;
const KNOWN = new Set<string>([...REQUIRED, 'compare']);

/** The slug of a path or file name: "./01-gather.py" → "01-gather". */
export function slugOf(filename: string): string {
	const base = filename.split(/[\\/]/).pop() ?? filename;
	return base.replace(/\.py$/, '');
}

/** Parse one example file. Throws with the file name when the header is missing or incomplete. */
export function parseExample(filename: string, text: string): Example {
	const slug = slugOf(filename);
	const lines = text.replace(/\r\n?/g, '\n').split('\n');
	if (!FENCE.test(lines[0] ?? '')) throw new Error(`${slug}: the file must start with "# ---"`);
	const end = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
	if (end < 0) throw new Error(`${slug}: the header has no closing "# ---"`);

	const fields: Record<string, string> = {};
	for (const line of lines.slice(1, end)) {
		const match = FIELD.exec(line);
		if (!match) throw new Error(`${slug}: cannot read header line "${line}"`);
		const [, key, value] = match;
		if (!KNOWN.has(key)) throw new Error(`${slug}: unknown header field "${key}"`);
		fields[key] = value;
	}
	for (const key of REQUIRED) {
		if (!fields[key]) throw new Error(`${slug}: the header needs a "${key}"`);
	}

	// Blank lines between the header and the code would only shift every line number.
	let first = end + 1;
	while (first < lines.length && lines[first].trim() === '') first++;
	const example: Example = {
		slug,
		title: fields.title,
		topic: fields.topic,
		notice: fields.notice,
		code: lines.slice(first).join('\n')
	};
	if (fields.compare) example.compare = fields.compare;
	return example;
}

/** Examples sorted by slug, which is the order of their number prefixes. */
export function sortExamples(list: Example[]): Example[] {
	return [...list].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
}
