/**
 * Turns an exercise content file into an Exercise. The format (docs/exercises.md) is Markdown
 * that reads well on its own:
 *
 *     ---
 *     title: Make these three downloads concurrent
 *     topic: Several tasks at once
 *     ---
 *     Instructions, in Markdown, with ordinary ```python examples if wanted.
 *
 *     ```hint
 *     One hint per block, revealed one at a time.
 *     ```
 *     ```python starter
 *     ...the code the learner starts from...
 *     ```
 *     ```python solution
 *     ...a reference solution, which the tests prove passes every check...
 *     ```
 *     ```checks
 *     max-duration: 3.1
 *     output-in-order: "a done" "b done"
 *     ```
 *
 * No YAML or Markdown library is needed: front matter is `key: value` lines, and only fences whose
 * info string is `hint`, `checks`, `python starter` or `python solution` are special.
 */
import { validateCheck } from './checks';
import type { CheckArg, CheckSpec, Exercise } from './types';

export class ExerciseFormatError extends Error {
	constructor(file: string, line: number, message: string) {
		super(`${file}:${line}: ${message}`);
		this.name = 'ExerciseFormatError';
	}
}

const FRONT_MATTER_KEYS = ['title', 'topic'] as const;
type FrontMatterKey = (typeof FRONT_MATTER_KEYS)[number];

const FENCE = /^(`{3,}|~{3,})\s*(.*?)\s*$/;

/** `03-three-downloads.md` → "three-downloads": links stay valid when exercises are renumbered. */
export function slugFromFilename(file: string): string {
	const base = file.replace(/^.*[\\/]/, '').replace(/\.md$/i, '');
	return base.replace(/^\d+[-_]/, '');
}

export function parseExercise(file: string, text: string): Exercise {
	const name = file.replace(/^.*[\\/]/, '');
	const lines = text.replace(/\r\n?/g, '\n').split('\n');
	const fail = (line: number, message: string): never => {
		throw new ExerciseFormatError(name, line, message);
	};

	// Front matter.
	if (lines[0]?.trim() !== '---') fail(1, 'an exercise starts with a "---" front-matter block');
	const meta: Partial<Record<FrontMatterKey, string>> = {};
	let i = 1;
	for (; i < lines.length && lines[i].trim() !== '---'; i++) {
		const raw = lines[i];
		if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
		const match = /^([A-Za-z_-]+)\s*:\s*(.*)$/.exec(raw);
		if (!match) fail(i + 1, `expected "key: value", got ${JSON.stringify(raw)}`);
		const [, key, value] = match as RegExpExecArray;
		if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
			fail(i + 1, `unknown front-matter key "${key}" (known: ${FRONT_MATTER_KEYS.join(', ')})`);
		}
		meta[key as FrontMatterKey] = unquote(value.trim());
	}
	if (i >= lines.length) fail(1, 'the front-matter block is never closed with "---"');
	for (const key of FRONT_MATTER_KEYS) {
		if (!meta[key]) fail(1, `the front matter needs "${key}: ..."`);
	}

	// Body: instructions, with the special fenced blocks taken out.
	const instructions: string[] = [];
	const hints: string[] = [];
	let starter: string | null = null;
	let solution: string | null = null;
	let checks: CheckSpec[] | null = null;

	for (i = i + 1; i < lines.length; i++) {
		const open = FENCE.exec(lines[i]);
		if (!open) {
			instructions.push(lines[i]);
			continue;
		}
		const [, marker, info] = open;
		const startLine = i + 1;
		const body: string[] = [];
		let closed = false;
		for (i = i + 1; i < lines.length; i++) {
			const close = FENCE.exec(lines[i]);
			if (
				close &&
				close[2] === '' &&
				close[1][0] === marker[0] &&
				close[1].length >= marker.length
			) {
				closed = true;
				break;
			}
			body.push(lines[i]);
		}
		if (!closed) fail(startLine, `the block opened here with ${marker} is never closed`);
		const role = info.split(/\s+/);
		if (info === 'hint') {
			hints.push(body.join('\n').trim());
		} else if (info === 'checks') {
			if (checks) fail(startLine, 'only one ```checks block is allowed');
			checks = parseChecks(body, startLine + 1, fail);
		} else if (role.length === 2 && role[0] === 'python' && role[1] === 'starter') {
			if (starter !== null) fail(startLine, 'only one ```python starter block is allowed');
			starter = body.join('\n').trimEnd() + '\n';
		} else if (role.length === 2 && role[0] === 'python' && role[1] === 'solution') {
			if (solution !== null) fail(startLine, 'only one ```python solution block is allowed');
			solution = body.join('\n').trimEnd() + '\n';
		} else {
			// An ordinary code block: part of the instructions, kept verbatim.
			instructions.push(lines[startLine - 1], ...body, lines[i]);
		}
	}

	if (starter === null) fail(1, 'missing a ```python starter block');
	if (solution === null) fail(1, 'missing a ```python solution block');
	if (!checks || (checks as CheckSpec[]).length === 0) fail(1, 'missing a ```checks block');
	const text_ = instructions
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
	if (!text_) fail(1, 'the exercise has no instructions');

	return {
		slug: slugFromFilename(name),
		file: name,
		title: meta.title as string,
		topic: meta.topic as string,
		instructions: text_,
		hints,
		starter: starter as string,
		solution: solution as string,
		checks: checks as CheckSpec[]
	};
}

function unquote(value: string): string {
	if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
		return value.slice(1, -1);
	}
	return value;
}

function parseChecks(
	body: string[],
	firstLine: number,
	fail: (line: number, message: string) => never
): CheckSpec[] {
	const specs: CheckSpec[] = [];
	body.forEach((raw, index) => {
		const line = firstLine + index;
		const text = raw.trim();
		if (text === '' || text.startsWith('#')) return;
		const match = /^([a-z][a-z-]*)\s*(?::\s*(.*))?$/.exec(text);
		if (!match) fail(line, `expected "check-name: arguments", got ${JSON.stringify(text)}`);
		const [, id, rest] = match as RegExpExecArray;
		let args: CheckArg[];
		try {
			args = parseCheckArgs(rest ?? '');
		} catch (error) {
			return fail(line, (error as Error).message);
		}
		const spec: CheckSpec = { id, args, line };
		const problem = validateCheck(spec);
		if (problem) fail(line, problem);
		specs.push(spec);
	});
	return specs;
}

/** Splits `3 sleep "a \"quoted\" line"` into a number, a word and a string (JSON escapes). */
export function parseCheckArgs(text: string): CheckArg[] {
	const args: CheckArg[] = [];
	let i = 0;
	while (i < text.length) {
		if (/\s/.test(text[i])) {
			i++;
			continue;
		}
		if (text[i] === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			if (j >= text.length) throw new Error(`unterminated string: ${text.slice(i)}`);
			const literal = text.slice(i, j + 1);
			let value: string;
			try {
				value = JSON.parse(literal) as string;
			} catch {
				throw new Error(`bad string ${literal} (use JSON escapes such as \\" and \\\\)`);
			}
			args.push({ kind: 'string', value });
			i = j + 1;
			continue;
		}
		let j = i;
		while (j < text.length && !/\s/.test(text[j])) j++;
		const word = text.slice(i, j);
		if (/^-?\d+(\.\d+)?$/.test(word)) args.push({ kind: 'number', value: Number(word) });
		else args.push({ kind: 'word', value: word });
		i = j;
	}
	return args;
}
