/**
 * Predict, then reveal: the questions asked of a run, how each answer is judged against the run,
 * and the reason a learner reads. Hand-made Run models state the facts of each run.
 */
import { describe, expect, it } from 'vitest';
import type { OutputLine, RunModel, TaskModel } from '../../src/lib/engine/model';
import {
	PREDICTIONS,
	firstFinishers,
	judgePredictions,
	presentedOrder,
	questionsFor,
	unanswerable,
	validatePrediction,
	type Answers,
	type Question
} from '../../src/lib/exercises/predictions';
import { parseSeconds, PredictionRound } from '../../src/lib/exercises/prediction-round.svelte';
import { ExerciseProgress } from '../../src/lib/exercises/progress.svelte';
import { parseCheckArgs } from '../../src/lib/exercises/parse';
import { model } from './exercises-model';

const line = (
	t: number,
	task: number | null,
	text: string,
	taskName = `Task-${task}`
): OutputLine => ({
	t,
	task,
	taskName: task === null ? null : taskName,
	stream: 'stdout',
	text
});

function sayTask(id: number, coro: string, sleep: number): TaskModel {
	return {
		id,
		name: `Task-${id}`,
		parent: id === 1 ? null : 1,
		depth: id === 1 ? 0 : 1,
		coro,
		arguments: [String(sleep)],
		line: null,
		created: 0,
		finished: sleep,
		state: 'done',
		segments: [
			{ kind: 'running', start: 0, end: 0, label: coro, line: null },
			{
				kind: 'waiting',
				start: 0,
				end: sleep,
				label: `sleep(${sleep})`,
				line: null,
				awaiting: { kind: 'sleep', label: `sleep(${sleep})` }
			},
			{ kind: 'running', start: sleep, end: sleep, label: coro, line: null }
		]
	};
}

/** main gathers hello (sleeps 1 s) and world (sleeps 2 s); main prints "start" first. */
const greetings: RunModel = model({
	duration: 2,
	tasks: [sayTask(1, 'main', 2), sayTask(2, 'hello', 1), sayTask(3, 'world', 2)],
	stdout: [line(0, 1, 'start'), line(1, 2, 'hello'), line(2, 3, 'world')],
	summary: {
		duration: 2,
		tasks: 3,
		peakConcurrency: 2,
		blockedTime: 0,
		awaitedTime: 3,
		overlap: 1.5
	}
});

const none: Answers = { order: null, seconds: null, finisher: null };

function ask(text: string): Question {
	const [, id, rest] = /^([a-z-]+)\s*(?::\s*(.*))?$/.exec(text)!;
	const spec = { id, args: parseCheckArgs(rest ?? ''), line: 1 };
	expect(validatePrediction(spec)).toBeNull();
	return questionsFor([spec], greetings)[0];
}

function judge(question: Question, answers: Partial<Answers>, run = greetings) {
	return judgePredictions([question], { ...none, ...answers }, run)[0];
}

describe('the order question', () => {
	const order = ask('order: "world" "hello" "start"');

	it('is right when the lines are in the order they were first printed', () => {
		expect(judge(order, { order: ['start', 'hello', 'world'] })).toEqual({
			id: 'order',
			label: 'the order of 3 printed lines',
			answered: true,
			right: true,
			why: 'printed in that order: "start" at 0 s, "hello" at 1.00 s, "world" at 2.00 s'
		});
	});

	it('names the pair a wrong answer swapped, with when and after which wait each was printed', () => {
		expect(judge(order, { order: ['start', 'world', 'hello'] })).toMatchObject({
			right: false,
			why:
				'you expected "world" before "hello": "hello" is printed at 1.00 s by Task-2 (hello), ' +
				'after waiting on sleep(1); "world" at 2.00 s by Task-3 (world), after waiting on sleep(2)'
		});
	});

	it('explains lines printed at the same instant by the task that ran first', () => {
		const sameTime = model({
			duration: 0,
			tasks: [sayTask(1, 'main', 0), sayTask(2, 'boil', 0)],
			stdout: [line(0, 1, 'grinding'), line(0, 2, 'kettle on')]
		});
		const question = questionsFor(null, sameTime)[0];
		expect(judge(question, { order: ['kettle on', 'grinding'] }, sameTime).why).toBe(
			'you expected "kettle on" before "grinding": both are printed at 0 s, but Task-1 (main) ' +
				'ran first; Task-2 (boil) only got its turn when that task gave way at an await'
		);
	});

	it('says which line this run never printed', () => {
		const question = questionsFor(
			[{ id: 'order', args: parseCheckArgs('"start" "goodbye"'), line: 1 }],
			greetings
		)[0];
		expect(judge(question, { order: ['start', 'goodbye'] })).toMatchObject({
			right: false,
			why: '"goodbye" is never printed by this run'
		});
	});

	it('shows the lines shuffled, the same way each time, whatever their true order', () => {
		const lines = ['a', 'b', 'c', 'd', 'e'];
		const shown = presentedOrder(lines);
		expect([...shown].sort()).toEqual(lines);
		expect(shown).not.toEqual(lines);
		expect(presentedOrder([...lines].reverse())).toEqual(shown);
	});
});

describe('the total-time question', () => {
	const time = ask('total-time: 0.25');

	it('is right within the tolerance, and says what made the run take that long', () => {
		expect(judge(time, { seconds: 2.2 })).toMatchObject({
			label: 'the total time (within 250 ms)',
			right: true,
			why: 'it took 2.00 s, you said 2.20 s: 3.00 s of waiting overlapped, up to 2 tasks at once'
		});
		expect(judge(time, { seconds: 3 })).toMatchObject({
			right: false,
			why: 'you said 3.00 s, it took 2.00 s: 3.00 s of waiting overlapped, up to 2 tasks at once'
		});
	});

	it('names a blocked loop, a run where nothing waited, and a deadlock', () => {
		const blocked = model({
			duration: 3,
			blocked: [{ start: 0, end: 3, cause: 'time.sleep', line: 5, task: 2 }],
			summary: {
				duration: 3,
				tasks: 2,
				peakConcurrency: 1,
				blockedTime: 3,
				awaitedTime: 0,
				overlap: 1
			}
		});
		expect(judge(time, { seconds: 1 }, blocked).why).toBe(
			'you said 1.00 s, it took 3.00 s: the loop was blocked for 3.00 s (time.sleep), so nothing else could run'
		);
		expect(judge(time, { seconds: 2 }, model({ duration: 0 })).why).toBe(
			'you said 2.00 s, it took 0 s: nothing waited on a timer or a thread, so no virtual time passed'
		);
		const stuck = model({
			duration: 1,
			deadlock: { t: 1, stuck: [] },
			summary: {
				duration: 1,
				tasks: 1,
				peakConcurrency: 1,
				blockedTime: 0,
				awaitedTime: 1,
				overlap: 1
			}
		});
		expect(judge(time, { seconds: 1 }, stuck).why).toBe(
			'it took 1.00 s, you said 1.00 s: 1.00 s of waiting, one wait at a time; it ended in a deadlock at 1.00 s'
		);
	});

	it('in free play, is right within 10 % (at least 0.1 s)', () => {
		const free = questionsFor(null, greetings).find((question) => question.id === 'total-time')!;
		expect(judge(free, { seconds: 2.19 }).right).toBe(true);
		expect(judge(free, { seconds: 2.25 }).right).toBe(false);
		expect(judge(free, { seconds: 0.09 }, model({ duration: 0 })).right).toBe(true);
	});

	it('left empty, is not right, and still says how long it took', () => {
		expect(judge(time, {})).toMatchObject({ answered: false, right: false });
		expect(judge(time, {}).why).toMatch(/^not answered; it took 2.00 s/);
	});
});

describe('the first-finisher question', () => {
	const finisher = ask('first-finisher: world hello');

	it('matches a coroutine name and says when the winner finished', () => {
		expect(judge(finisher, { finisher: 'hello' })).toMatchObject({
			right: true,
			why: '"hello" finished first, at 1.00 s'
		});
		expect(judge(finisher, { finisher: 'world' })).toMatchObject({
			right: false,
			why: '"hello" finished first, at 1.00 s; "world" finished at 2.00 s'
		});
	});

	it('counts any of the tasks that tie as right', () => {
		const tied = model({
			tasks: [sayTask(1, 'main', 1), sayTask(2, 'a', 1), sayTask(3, 'b', 1)]
		});
		expect(firstFinishers(['a', 'b'], tied)).toEqual({ names: ['a', 'b'], t: 1 });
	});

	it('in free play, offers the coroutines of the run', () => {
		expect(questionsFor(null, greetings).find((q) => q.id === 'first-finisher')).toEqual({
			id: 'first-finisher',
			choices: ['main', 'hello', 'world']
		});
	});
});

describe('free play', () => {
	it('asks only what the run can answer', () => {
		const quiet = model({ duration: 1, tasks: [sayTask(1, 'main', 1)] });
		expect(questionsFor(null, quiet)).toEqual([{ id: 'total-time', tolerance: null }]);
	});

	it('orders at most six lines', () => {
		const chatty = model({
			stdout: Array.from({ length: 9 }, (_, k) => line(k, 1, `line ${k}`))
		});
		const order = questionsFor(null, chatty)[0];
		expect(order).toMatchObject({ id: 'order' });
		expect(order.id === 'order' && order.lines.length).toBe(6);
	});
});

describe('a ```predict line', () => {
	it('is refused when malformed, with the reason', () => {
		const problem = (text: string) => {
			const [, id, rest] = /^([a-z-]+)\s*(?::\s*(.*))?$/.exec(text)!;
			return validatePrediction({ id, args: parseCheckArgs(rest ?? ''), line: 1 });
		};
		expect(problem('guess: 3')).toBe(
			'unknown question "guess" (known: order, total-time, first-finisher)'
		);
		expect(problem('order: "a" "a"')).toBe('"a" is listed twice');
		expect(problem('total-time: -1')).toMatch(/^expected "total-time: TOLERANCE"/);
		expect(problem('first-finisher: "two words" b')).toMatch(/^expected "first-finisher/);
	});

	it('is answerable from a run that prints every line and runs every named task', () => {
		const spec = (text: string) => {
			const [, id, rest] = /^([a-z-]+)\s*(?::\s*(.*))?$/.exec(text)!;
			return { id, args: parseCheckArgs(rest ?? ''), line: 1 };
		};
		expect(unanswerable(spec('order: "start" "world"'), greetings)).toBeNull();
		expect(unanswerable(spec('order: "start" "bye"'), greetings)).toBe(
			'"bye" is never printed by the starter'
		);
		expect(unanswerable(spec('first-finisher: Task-2 world'), greetings)).toBeNull();
		expect(unanswerable(spec('first-finisher: nobody world'), greetings)).toBe(
			`"nobody" names no task of the starter's run (its tasks run main, hello, world)`
		);
	});

	it('each question kind has a syntax and a summary for the documentation', () => {
		for (const kind of Object.values(PREDICTIONS)) {
			expect(kind.syntax).toMatch(/^[a-z-]+: /);
			expect(kind.summary.length).toBeGreaterThan(20);
		}
	});
});

describe('a round of predictions', () => {
	it('starts from the shuffled order, moves lines by key or drop, and counts the reveal', () => {
		const progress = new ExerciseProgress(null);
		const questions = questionsFor(
			[
				{ id: 'order', args: parseCheckArgs('"start" "hello" "world"'), line: 1 },
				{ id: 'total-time', args: parseCheckArgs('0.1'), line: 2 }
			],
			greetings
		);
		const round = new PredictionRound(questions, greetings, { slug: 'x', progress });
		expect(round.order).toEqual(presentedOrder(['start', 'hello', 'world']));
		round.order = ['hello', 'start', 'world'];
		expect(round.move(1, -1)).toBe(0);
		expect(round.order).toEqual(['start', 'hello', 'world']);
		expect(round.move(0, -1)).toBe(0);
		round.moveTo(2, 0);
		expect(round.order).toEqual(['world', 'start', 'hello']);
		round.moveTo(0, 2);
		expect(round.order).toEqual(['start', 'hello', 'world']);
		round.secondsText = '2 s';
		round.reveal();
		expect(round.allRight).toBe(true);
		expect(progress.get('x').prediction).toEqual({ attempts: 1, rightAt: 1 });
		// Revealed answers are final.
		round.reveal();
		expect(round.move(0, 1)).toBe(0);
		expect(progress.get('x').prediction.attempts).toBe(1);
	});

	it('reads seconds as a learner types them', () => {
		expect(parseSeconds('3')).toBe(3);
		expect(parseSeconds(' 2,5 s ')).toBe(2.5);
		expect(parseSeconds('250 ms')).toBe(0.25);
		expect(parseSeconds('.5')).toBe(0.5);
		expect(parseSeconds('')).toBeNull();
		expect(parseSeconds('three')).toBeNull();
	});
});
