/**
 * Turns exercise files into Exercises. The format (docs/exercises.md) is Markdown that reads well
 * on its own:
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
 *     ```predict
 *     order: "a done" "b done"
 *     ```
 *
 * A teacher's file (a pack, pack.ts) may open with a `pack: Title` header and hold several
 * exercises, each starting with its own front matter.
 *
 * No YAML or Markdown library is needed: front matter is `key: value` lines, and only fences whose
 * info string is `hint`, `checks`, `predict`, `python starter` or `python solution` are special.
 * Every mistake is an ExerciseFormatError, `file:line: what is wrong`, the line counted in the
 * whole file.
 */
import { validateCheck } from './checks';
import { validatePrediction } from './predictions';
import type { CheckArg, CheckSpec, Exercise } from './types';

export class ExerciseFormatError extends Error {
	constructor(file: string, line: number, message: string) {
		super(`${file}:${line}: ${message}`);
		this.name = 'ExerciseFormatError';
	}
}

const FRONT_MATTER_KEYS = ['title', 'topic', 'slug'] as const;
const REQUIRED_KEYS = ['title', 'topic'] as const;
type FrontMatterKey = (typeof FRONT_MATTER_KEYS)[number];

const FENCE = /^(`{3,}|~{3,})\s*(.*?)\s*$/;
const KEY_VALUE = /^([A-Za-z_-]+)\s*:\s*(.*)$/;
/** A front-matter line as it opens an exercise: a lowercase key, so "---" then "Note: ..." is prose. */
const OPENING_KEY = /^[a-z][a-z_-]*\s*:/;
/** After blank lines (Prettier writes one after a "---" it takes for a rule), only a known key. */
const KNOWN_OPENING_KEY = /^(title|topic|slug)\s*:/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** `03-three-downloads.md` → "three-downloads": links stay valid when exercises are renumbered. */
export function slugFromFilename(file: string): string {
	const base = file.replace(/^.*[\\/]/, '').replace(/\.md$/i, '');
	return base.replace(/^\d+[-_]/, '');
}

/** "Give up after 2 s!" → "give-up-after-2-s": a slug for an exercise named only by its title. */
export function slugFromTitle(title: string): string {
	return title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

/** What one file holds: its pack title (a `pack:` header), if any, and its exercises. */
export interface ExerciseFile {
	title: string | null;
	exercises: Exercise[];
	/** The lines of the `pack:` header (1-based, inclusive), to drop when files are joined. */
	header: { from: number; to: number } | null;
}

type Fail = (line: number, message: string) => never;

/**
 * One content file holding exactly one exercise, as the built-in course is written: the slug
 * comes from the file name unless the front matter gives one.
 */
export function parseExercise(file: string, text: string): Exercise {
	const name = file.replace(/^.*[\\/]/, '');
	const parsed = parseExerciseFile(name, text);
	if (parsed.header) {
		throw new ExerciseFormatError(
			name,
			parsed.header.from,
			'a course file holds one exercise, without a "pack:" header'
		);
	}
	if (parsed.exercises.length > 1) {
		throw new ExerciseFormatError(
			name,
			parsed.exercises[1].line,
			'a course file holds one exercise; this is a second one'
		);
	}
	return parsed.exercises[0];
}

/**
 * A file of one or more exercises. A file of one exercise and no pack header takes its slug from
 * the file name (as the course does); otherwise each exercise takes it from its title. A `slug:`
 * line wins over both.
 */
export function parseExerciseFile(file: string, text: string): ExerciseFile {
	const lines = text.replace(/\r\n?/g, '\n').split('\n');
	const fail: Fail = (line, message) => {
		throw new ExerciseFormatError(file, line, message);
	};
	if (lines[0]?.trim() !== '---') fail(1, 'an exercise starts with a "---" front-matter block');

	const starts = sectionStarts(lines);
	let title: string | null = null;
	let header: ExerciseFile['header'] = null;
	const sections = starts.map((start, k) => ({ start, end: starts[k + 1] ?? lines.length }));
	if (KEY_VALUE.exec(lines[1] ?? '')?.[1] === 'pack') {
		const first = sections.shift()!;
		const parsed = parseHeader(lines, first, fail);
		title = parsed.title;
		header = { from: first.start + 1, to: parsed.closedAt + 1 };
		if (sections.length === 0) fail(first.start + 1, 'the pack holds no exercise after its header');
	}

	const drafts = sections.map((section) => parseSection(file, lines, section, fail));
	// A lone exercise without a pack header is named by its file, as the course's files are.
	const single = drafts.length === 1 && header === null;
	const exercises = drafts.map((draft, index) => ({
		...draft,
		slug:
			draft.slug ??
			(single ? slugFromFilename(file) : slugFromTitle(draft.title) || `exercise-${index + 1}`)
	}));
	const seen = new Map<string, number>();
	for (const exercise of exercises) {
		const earlier = seen.get(exercise.slug);
		if (earlier !== undefined) {
			fail(
				exercise.line,
				`the exercise at line ${earlier} has the slug "${exercise.slug}" too; give one a "slug: ..." line`
			);
		}
		seen.set(exercise.slug, exercise.line);
	}
	return { title, exercises, header };
}

/**
 * The lines (0-based) where exercises begin: the first line, and every later `---` outside a
 * fenced block that is followed by a lowercase `key: value` line, or by blank lines and then
 * `title:`, `topic:` or `slug:` (a horizontal rule is not).
 */
function sectionStarts(lines: string[]): number[] {
	const starts = [0];
	let fence: string | null = null;
	let inFrontMatter = true;
	for (let i = 1; i < lines.length; i++) {
		const line = lines[i];
		if (inFrontMatter) {
			if (line.trim() === '---') inFrontMatter = false;
			continue;
		}
		if (fence) {
			if (closesFence(line, fence)) fence = null;
			continue;
		}
		const marker = FENCE.exec(line);
		if (marker) {
			fence = marker[1];
			continue;
		}
		if (line.trim() === '---' && opensFrontMatter(lines, i)) {
			starts.push(i);
			inFrontMatter = true;
		}
	}
	return starts;
}

/** True when `line` closes a block opened with `opening` (``` or ~~~, at least as long, bare). */
function closesFence(line: string, opening: string): boolean {
	const close = FENCE.exec(line);
	return (
		close !== null &&
		close[2] === '' &&
		close[1][0] === opening[0] &&
		close[1].length >= opening.length
	);
}

/** True when the `---` at `index` opens a front matter rather than being a horizontal rule. */
function opensFrontMatter(lines: string[], index: number): boolean {
	if (OPENING_KEY.test(lines[index + 1] ?? '')) return true;
	let next = index + 1;
	while (next < lines.length && lines[next].trim() === '') next++;
	return next > index + 1 && KNOWN_OPENING_KEY.test(lines[next] ?? '');
}

/** Reads `key: value` lines after the `---` at `start` until the closing `---`. */
function readFrontMatter(
	lines: string[],
	start: number,
	end: number,
	keys: readonly string[],
	fail: Fail
): { values: Record<string, string>; closedAt: number } {
	const values: Record<string, string> = {};
	let i = start + 1;
	for (; i < end && lines[i].trim() !== '---'; i++) {
		const raw = lines[i];
		if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
		const match = KEY_VALUE.exec(raw);
		if (!match) fail(i + 1, `expected "key: value", got ${JSON.stringify(raw)}`);
		const [, key, value] = match as RegExpExecArray;
		if (!keys.includes(key)) {
			fail(i + 1, `unknown front-matter key "${key}" (known: ${keys.join(', ')})`);
		}
		values[key] = unquote(value.trim());
	}
	if (i >= end) fail(start + 1, 'the front-matter block is never closed with "---"');
	return { values, closedAt: i };
}

function parseHeader(
	lines: string[],
	section: { start: number; end: number },
	fail: Fail
): { title: string; closedAt: number } {
	const { values, closedAt } = readFrontMatter(lines, section.start, section.end, ['pack'], fail);
	if (!values.pack) fail(section.start + 1, 'the pack header needs a title: "pack: ..."');
	for (let i = closedAt + 1; i < section.end; i++) {
		if (lines[i].trim() !== '') {
			fail(
				i + 1,
				'after the pack header comes an exercise: "---", then "title: ..." and "topic: ..."'
			);
		}
	}
	return { title: values.pack, closedAt };
}

/** One exercise: lines [start, end) of the file, its front matter first. */
function parseSection(
	file: string,
	lines: string[],
	{ start, end }: { start: number; end: number },
	fail: Fail
): Omit<Exercise, 'slug'> & { slug: string | null } {
	const opening = start + 1;
	const front = readFrontMatter(lines, start, end, FRONT_MATTER_KEYS, fail);
	const meta = front.values as Partial<Record<FrontMatterKey, string>>;
	for (const key of REQUIRED_KEYS) {
		if (!meta[key]) fail(opening, `the front matter needs "${key}: ..."`);
	}
	if (meta.slug !== undefined && !SLUG.test(meta.slug)) {
		fail(
			opening,
			`the slug "${meta.slug}" must be lowercase letters, digits and dashes, like "three-downloads"`
		);
	}

	// Body: instructions, with the special fenced blocks taken out.
	const instructions: string[] = [];
	const hints: string[] = [];
	let starter: { code: string; line: number } | null = null;
	let solution: { code: string; line: number } | null = null;
	let checks: CheckSpec[] | null = null;
	let predict: CheckSpec[] | null = null;

	let i = front.closedAt + 1;
	for (; i < end; i++) {
		const open = FENCE.exec(lines[i]);
		if (!open) {
			instructions.push(lines[i]);
			continue;
		}
		const [, marker, info] = open;
		const startLine = i + 1;
		const body: string[] = [];
		let closed = false;
		for (i = i + 1; i < end; i++) {
			if (closesFence(lines[i], marker)) {
				closed = true;
				break;
			}
			body.push(lines[i]);
		}
		if (!closed) fail(startLine, `the block opened here with ${marker} is never closed`);
		const role = info.split(/\s+/);
		const code = () => ({ code: body.join('\n').trimEnd() + '\n', line: startLine });
		if (info === 'hint') {
			hints.push(body.join('\n').trim());
		} else if (info === 'checks') {
			if (checks) fail(startLine, 'only one ```checks block is allowed');
			checks = parseRules(body, startLine + 1, 'check-name', validateCheck, fail);
		} else if (info === 'predict') {
			if (predict) fail(startLine, 'only one ```predict block is allowed');
			predict = parseRules(body, startLine + 1, 'question', validatePrediction, fail);
			if (predict.length === 0) fail(startLine, 'the ```predict block asks no question');
			const ids = predict.map((spec) => spec.id);
			const twice = predict.find((spec, index) => ids.indexOf(spec.id) !== index);
			if (twice) fail(twice.line, `only one "${twice.id}" question is allowed`);
		} else if (role.length === 2 && role[0] === 'python' && role[1] === 'starter') {
			if (starter !== null) fail(startLine, 'only one ```python starter block is allowed');
			starter = code();
		} else if (role.length === 2 && role[0] === 'python' && role[1] === 'solution') {
			if (solution !== null) fail(startLine, 'only one ```python solution block is allowed');
			solution = code();
		} else {
			// An ordinary code block: part of the instructions, kept verbatim.
			instructions.push(lines[startLine - 1], ...body, lines[i]);
		}
	}

	if (starter === null) fail(opening, 'missing a ```python starter block');
	if (solution === null) fail(opening, 'missing a ```python solution block');
	if (!checks || (checks as CheckSpec[]).length === 0) fail(opening, 'missing a ```checks block');
	const text = instructions
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
	if (!text) fail(opening, 'the exercise has no instructions');

	const starterBlock = starter as unknown as { code: string; line: number };
	const solutionBlock = solution as unknown as { code: string; line: number };
	return {
		slug: meta.slug ?? null,
		file,
		line: opening,
		title: meta.title as string,
		topic: meta.topic as string,
		instructions: text,
		hints,
		starter: starterBlock.code,
		starterLine: starterBlock.line,
		solution: solutionBlock.code,
		solutionLine: solutionBlock.line,
		checks: checks as unknown as CheckSpec[],
		predict: predict ?? []
	};
}

function unquote(value: string): string {
	if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
		return value.slice(1, -1);
	}
	return value;
}

/** The lines of a ```checks or ```predict block: `name` or `name: arguments`, each validated. */
function parseRules(
	body: string[],
	firstLine: number,
	/** What the name is called in the message for a line that is not "name: arguments". */
	noun: string,
	validate: (spec: CheckSpec) => string | null,
	fail: Fail
): CheckSpec[] {
	const specs: CheckSpec[] = [];
	body.forEach((raw, index) => {
		const line = firstLine + index;
		const text = raw.trim();
		if (text === '' || text.startsWith('#')) return;
		const match = /^([a-z][a-z-]*)\s*(?::\s*(.*))?$/.exec(text);
		if (!match) fail(line, `expected "${noun}: arguments", got ${JSON.stringify(text)}`);
		const [, id, rest] = match as RegExpExecArray;
		let args: CheckArg[];
		try {
			args = parseCheckArgs(rest ?? '');
		} catch (error) {
			return fail(line, (error as Error).message);
		}
		const spec: CheckSpec = { id, args, line };
		const problem = validate(spec);
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
