/**
 * Predict, then reveal: the questions a learner answers before a run is shown, and how each
 * answer is judged against the Run model of that run, with the reason in words ("you expected
 * "world" before "hello": "hello" is printed at 1.00 s by Task-1 (main), after sleep(1); ...").
 *
 * An exercise asks its questions in a ```predict block, written like checks (docs/exercises.md);
 * without one (free play) the questions come from the run itself. Either way the truth is the
 * run: what the program printed, when it ended, which task finished first.
 *
 * Adding a question: an entry in PREDICTIONS (its syntax and summary feed docs/exercises.md's
 * test), a Question variant, and the answer field it reads.
 */
import { formatSeconds, plural } from '../engine/format';
import type { OutputLine, RunModel, TaskModel } from '../engine/model';
import type { CheckArg, PredictSpec } from './types';

/** Put these lines in the order the program prints them. */
export interface OrderQuestion {
	id: 'order';
	/** The lines as the question lists them; shown shuffled (presentedOrder). */
	lines: string[];
}

/** How long does the whole run take, in virtual seconds? */
export interface TimeQuestion {
	id: 'total-time';
	/** Right within this many seconds; null: within 10 % of the run's time, at least 0.1 s. */
	tolerance: number | null;
}

/** Which of these finishes first? Each choice names a coroutine function or a task. */
export interface FinisherQuestion {
	id: 'first-finisher';
	choices: string[];
}

export type Question = OrderQuestion | TimeQuestion | FinisherQuestion;
export type QuestionId = Question['id'];

/** The learner's answers; null where a question was left unanswered. */
export interface Answers {
	order: string[] | null;
	seconds: number | null;
	finisher: string | null;
}

/** One question judged against the run. */
export interface Verdict {
	id: QuestionId;
	/** The question, for the list: "the order of 4 printed lines". */
	label: string;
	answered: boolean;
	right: boolean;
	/** Why, from the run. */
	why: string;
}

interface PredictionKind<Q extends Question> {
	/** The syntax as written in a ```predict block. */
	syntax: string;
	/** One sentence for the documentation. */
	summary: string;
	/** Why the arguments as written are wrong, or null. */
	validate(args: CheckArg[]): string | null;
	/** The question a ```predict line asks. */
	fromSpec(args: CheckArg[]): Q;
	/** The question free play asks of this run, or null when it has nothing to ask. */
	fromRun(model: RunModel): Q | null;
	label(question: Q): string;
	judge(
		question: Q,
		answers: Answers,
		model: RunModel
	): { answered: boolean; right: boolean; why: string };
}

const quote = (text: string): string => JSON.stringify(text);
const texts = (args: CheckArg[]): string[] => args.map((arg) => String(arg.value));

/** `"a" is listed twice` for the first value given twice, else null. */
function listedTwice(values: string[]): string | null {
	const repeated = values.find((value, index) => values.indexOf(value) !== index);
	return repeated === undefined ? null : `${quote(repeated)} is listed twice`;
}

/** Free play orders at most this many lines: beyond that, ordering is a chore, not a question. */
const FREE_PLAY_LINES = 6;
/** Free play offers at most this many choices for the first finisher. */
const FREE_PLAY_CHOICES = 6;

/** "Task-2 (say)", "the top-level code". */
function taskLabel(task: TaskModel | undefined): string {
	if (!task) return 'the top-level code';
	return task.coro && task.coro !== task.name ? `${task.name} (${task.coro})` : task.name;
}

/** "after sleep(1)": the last wait or block of `task` that ended by `t`, if any. */
function waitedBefore(task: TaskModel | undefined, t: number): string {
	if (!task) return '';
	let last = '';
	for (const segment of task.segments) {
		if (segment.start > t + 1e-9) break;
		if (segment.kind === 'running' || segment.end > t + 1e-9) continue;
		last =
			segment.kind === 'blocked'
				? `, after ${segment.label} blocked the loop`
				: `, after waiting on ${segment.label}`;
	}
	return last;
}

/** Each distinct printed line and where it was first printed. */
function firstPrints(model: RunModel): Map<string, { index: number; line: OutputLine }> {
	const found = new Map<string, { index: number; line: OutputLine }>();
	const lines = model.stdout.filter((line) => line.stream === 'stdout');
	lines.forEach((line, index) => {
		const text = line.text.trimEnd();
		if (!found.has(text)) found.set(text, { index, line });
	});
	return found;
}

/** Why `later` comes after `earlier` in the output, from the run. */
function explainPair(
	earlier: { text: string; line: OutputLine },
	later: { text: string; line: OutputLine },
	model: RunModel
): string {
	const taskOf = (line: OutputLine) => model.tasks.find((task) => task.id === line.task);
	const first = taskOf(earlier.line);
	const second = taskOf(later.line);
	if (Math.abs(earlier.line.t - later.line.t) > 1e-9) {
		return (
			`${quote(earlier.text)} is printed at ${formatSeconds(earlier.line.t)} by ${taskLabel(first)}` +
			`${waitedBefore(first, earlier.line.t)}; ${quote(later.text)} at ` +
			`${formatSeconds(later.line.t)} by ${taskLabel(second)}${waitedBefore(second, later.line.t)}`
		);
	}
	const at = formatSeconds(earlier.line.t);
	if (first === second) {
		return `both are printed at ${at} by ${taskLabel(first)}, ${quote(earlier.text)} first in its code`;
	}
	return (
		`both are printed at ${at}, but ${taskLabel(first)} ran first; ${taskLabel(second)} only got ` +
		'its turn when that task gave way at an await'
	);
}

/** What made the run take as long as it did, from the summary. */
function explainDuration(model: RunModel): string {
	const { summary } = model;
	const parts: string[] = [];
	if (summary.blockedTime > 0) {
		const cause = model.blocked[0]?.cause ?? 'a blocking call';
		parts.push(
			`the loop was blocked for ${formatSeconds(summary.blockedTime)} (${cause}), so nothing else could run`
		);
	}
	if (summary.awaitedTime > 0) {
		parts.push(
			summary.overlap > 1.05
				? `${formatSeconds(summary.awaitedTime)} of waiting overlapped, up to ` +
						`${plural(summary.peakConcurrency, 'task')} at once`
				: `${formatSeconds(summary.awaitedTime)} of waiting, one wait at a time`
		);
	} else if (summary.blockedTime === 0 && model.duration === 0) {
		parts.push('nothing waited on a timer or a thread, so no virtual time passed');
	}
	if (model.deadlock) parts.push(`it ended in a deadlock at ${formatSeconds(model.deadlock.t)}`);
	if (model.limit) parts.push(`it was stopped by the ${model.limit.limit} limit`);
	return parts.join('; ');
}

/** When the first task matching `choice` (by task name or coroutine) finished, or null. */
function finishedAt(choice: string, model: RunModel): number | null {
	let earliest: number | null = null;
	for (const task of model.tasks) {
		if (task.name !== choice && task.coro !== choice) continue;
		if (task.finished !== null && (earliest === null || task.finished < earliest)) {
			earliest = task.finished;
		}
	}
	return earliest;
}

/** The choices that finished first (several when they tie), and when. */
export function firstFinishers(
	choices: readonly string[],
	model: RunModel
): { names: string[]; t: number } | null {
	let best: { names: string[]; t: number } | null = null;
	for (const choice of choices) {
		const t = finishedAt(choice, model);
		if (t === null) continue;
		if (!best || t < best.t - 1e-9) best = { names: [choice], t };
		else if (Math.abs(t - best.t) <= 1e-9) best.names.push(choice);
	}
	return best;
}

/** The names a first-finisher question may offer for this run: tasks' coroutines, in lane order. */
export function taskChoices(model: RunModel): string[] {
	return [...new Set(model.tasks.map((task) => task.coro || task.name))];
}

const isName = (arg: CheckArg): boolean =>
	(arg.kind === 'word' || arg.kind === 'string') &&
	/^[\p{L}_][\p{L}\p{N}_.-]*$/u.test(arg.value as string);

export const PREDICTIONS: { [K in QuestionId]: PredictionKind<Extract<Question, { id: K }>> } = {
	order: {
		syntax: 'order: "LINE" "LINE" ...',
		summary:
			'Put these printed lines in the order the program prints them (shown shuffled; dragged, ' +
			'or moved with the arrow keys). Right when the order is the order of their first printing.',
		validate: (args) => {
			if (args.length < 2 || !args.every((arg) => arg.kind === 'string')) {
				return 'expected "order: "LINE" "LINE" ..." with at least two quoted lines';
			}
			return listedTwice(texts(args));
		},
		fromSpec: (args) => ({ id: 'order', lines: texts(args) }),
		fromRun: (model) => {
			const lines = [...firstPrints(model).keys()].slice(0, FREE_PLAY_LINES);
			return lines.length >= 2 ? { id: 'order', lines } : null;
		},
		label: (question) => `the order of ${plural(question.lines.length, 'printed line')}`,
		judge: (question, { order }, model) => {
			const prints = firstPrints(model);
			const missing = question.lines.filter((line) => !prints.has(line));
			const truth = question.lines
				.filter((line) => prints.has(line))
				.sort((a, b) => prints.get(a)!.index - prints.get(b)!.index);
			if (!order) return { answered: false, right: false, why: 'not answered' };
			if (missing.length > 0) {
				return {
					answered: true,
					right: false,
					why: `${missing.map(quote).join(', ')} ${missing.length === 1 ? 'is' : 'are'} never printed by this run`
				};
			}
			const wrongAt = order.findIndex((line, index) => line !== truth[index]);
			if (wrongAt < 0) {
				const times = truth.map(
					(line) => `${quote(line)} at ${formatSeconds(prints.get(line)!.line.t)}`
				);
				return { answered: true, right: true, why: `printed in that order: ${times.join(', ')}` };
			}
			// The learner put `expected` where `actual` belongs: `actual` is printed before it.
			const expected = order[wrongAt];
			const actual = truth[wrongAt];
			const reason = explainPair(
				{ text: actual, line: prints.get(actual)!.line },
				{ text: expected, line: prints.get(expected)!.line },
				model
			);
			return {
				answered: true,
				right: false,
				why: `you expected ${quote(expected)} before ${quote(actual)}: ${reason}`
			};
		}
	},
	'total-time': {
		syntax: 'total-time: TOLERANCE',
		summary:
			'Estimate how long the whole run takes, in virtual seconds. Right within TOLERANCE ' +
			'seconds of the run (free play: within 10 %, at least 0.1 s).',
		validate: (args) =>
			args.length === 1 && args[0].kind === 'number' && (args[0].value as number) >= 0
				? null
				: 'expected "total-time: TOLERANCE", a number of seconds such as 0.1',
		fromSpec: (args) => ({ id: 'total-time', tolerance: args[0].value as number }),
		fromRun: () => ({ id: 'total-time', tolerance: null }),
		label: (question) =>
			question.tolerance === null
				? 'the total time (within 10 %)'
				: `the total time (within ${formatSeconds(question.tolerance)})`,
		judge: (question, { seconds }, model) => {
			const took = formatSeconds(model.duration);
			const because = explainDuration(model);
			const tail = because ? `: ${because}` : '';
			if (seconds === null)
				return { answered: false, right: false, why: `not answered; it took ${took}${tail}` };
			const tolerance = question.tolerance ?? Math.max(0.1, model.duration * 0.1);
			const right = Math.abs(seconds - model.duration) <= tolerance + 1e-9;
			const said = formatSeconds(seconds);
			return {
				answered: true,
				right,
				why: right
					? `it took ${took}, you said ${said}${tail}`
					: `you said ${said}, it took ${took}${tail}`
			};
		}
	},
	'first-finisher': {
		syntax: 'first-finisher: NAME NAME ...',
		summary:
			'Which of these finishes first? Each NAME is a coroutine function (`download`: the first ' +
			'of its tasks to finish) or a task name (`Task-2`, or one given with create_task(..., name=)).',
		validate: (args) => {
			if (args.length < 2 || !args.every(isName)) {
				return 'expected "first-finisher: NAME NAME ..." with at least two coroutine or task names';
			}
			return listedTwice(texts(args));
		},
		fromSpec: (args) => ({ id: 'first-finisher', choices: texts(args) }),
		fromRun: (model) => {
			const choices = taskChoices(model).slice(0, FREE_PLAY_CHOICES);
			return choices.length >= 2 && firstFinishers(choices, model)
				? { id: 'first-finisher', choices }
				: null;
		},
		label: () => 'which finishes first',
		judge: (question, { finisher }, model) => {
			const first = firstFinishers(question.choices, model);
			if (!first) {
				return {
					answered: finisher !== null,
					right: false,
					why: `none of ${question.choices.map(quote).join(', ')} finished in this run`
				};
			}
			const winners = first.names.map(quote).join(' and ');
			const truth =
				first.names.length === 1
					? `${winners} finished first, at ${formatSeconds(first.t)}`
					: `${winners} both finished first, at ${formatSeconds(first.t)}`;
			if (finisher === null)
				return { answered: false, right: false, why: `not answered; ${truth}` };
			if (first.names.includes(finisher)) return { answered: true, right: true, why: truth };
			const chosen = finishedAt(finisher, model);
			const yours =
				chosen === null
					? `${quote(finisher)} never finished`
					: `${quote(finisher)} finished at ${formatSeconds(chosen)}`;
			return { answered: true, right: false, why: `${truth}; ${yours}` };
		}
	}
};

/** The table seen through one question type (TypeScript cannot narrow a mapped type by id). */
const kinds = PREDICTIONS as unknown as Record<string, PredictionKind<Question>>;

function kindOf<Q extends Question>(question: Q): PredictionKind<Q> {
	return kinds[question.id] as unknown as PredictionKind<Q>;
}

/** Why a ```predict line is invalid, or null when it is fine. */
export function validatePrediction(spec: PredictSpec): string | null {
	if (!Object.hasOwn(PREDICTIONS, spec.id)) {
		return `unknown question "${spec.id}" (known: ${Object.keys(PREDICTIONS).join(', ')})`;
	}
	return kinds[spec.id].validate(spec.args);
}

/**
 * The questions for a run: an exercise's own (its ```predict block), else free play's, taken
 * from the run (the lines it printed, the tasks it ran).
 */
export function questionsFor(specs: readonly PredictSpec[] | null, model: RunModel): Question[] {
	if (specs && specs.length > 0) {
		return specs.map((spec) => kinds[spec.id].fromSpec(spec.args));
	}
	const questions: Question[] = [];
	for (const kind of Object.values(kinds)) {
		const question = kind.fromRun(model);
		if (question) questions.push(question);
	}
	return questions;
}

export function questionLabel(question: Question): string {
	return kindOf(question).label(question);
}

/** Judges every answer against the run, in the order of the questions. */
export function judgePredictions(
	questions: readonly Question[],
	answers: Answers,
	model: RunModel
): Verdict[] {
	return questions.map((question) => ({
		id: question.id,
		label: questionLabel(question),
		...kindOf(question).judge(question, answers, model)
	}));
}

/**
 * The order in which an order question shows its lines: shuffled, the same way every time for
 * the same lines, and not depending on the true order (which would give the answer away).
 */
export function presentedOrder(lines: readonly string[]): string[] {
	const sorted = [...lines].sort();
	// FNV-1a over the sorted lines seeds a small PRNG (mulberry32) for a Fisher-Yates shuffle.
	let seed = 0x811c9dc5;
	for (const char of sorted.join('\n')) {
		seed = Math.imul(seed ^ char.charCodeAt(0), 0x01000193) >>> 0;
	}
	const random = () => {
		seed = (seed + 0x6d2b79f5) >>> 0;
		let t = seed;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	for (let i = sorted.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[sorted[i], sorted[j]] = [sorted[j], sorted[i]];
	}
	return sorted;
}

/**
 * Why a question cannot be answered from a run of `model` (the starter's, when linting an
 * exercise), or null when it can: every line to order is printed, every choice names a task
 * and one of them finishes.
 */
export function unanswerable(spec: PredictSpec, model: RunModel): string | null {
	const question = kinds[spec.id].fromSpec(spec.args);
	switch (question.id) {
		case 'order': {
			const prints = firstPrints(model);
			const missing = question.lines.find((line) => !prints.has(line));
			return missing === undefined ? null : `${quote(missing)} is never printed by the starter`;
		}
		case 'total-time':
			return null;
		case 'first-finisher': {
			const names = new Set(model.tasks.flatMap((task) => [task.name, task.coro]));
			const unknown = question.choices.find((choice) => !names.has(choice));
			if (unknown !== undefined) {
				return `${quote(unknown)} names no task of the starter's run (its tasks run ${taskChoices(model).join(', ') || 'nothing'})`;
			}
			return firstFinishers(question.choices, model)
				? null
				: `none of ${question.choices.map(quote).join(', ')} finishes in the starter's run`;
		}
	}
}
