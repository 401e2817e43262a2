/**
 * The replay as the page shows it: the Event loop panel's words at a step (loop-panel.ts), the
 * replay bar's readout and slider text, what stepping announces, the editor's marks, the output
 * dimmed after the step, and the cursor that moves through the steps and plays them
 * (replay-cursor.svelte.ts). On a hand-built trace (loop-traces.ts); the default example's real
 * trace is checked in tests/engine/loop-replay.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/lib/engine/analyze';
import { buildReplay } from '../../src/lib/engine/replay';
import { replayDecorations } from '../../src/lib/editor/decorations';
import {
	announcement,
	editorMarks,
	loopPanel,
	readout,
	runningSentence,
	valueText
} from '../../src/lib/replay/loop-panel';
import { ReplayCursor, type Ticker } from '../../src/lib/replay/replay-cursor.svelte';
import { stepAtPosition, turnAxis } from '../../src/lib/replay/turn-axis';
import { wakeArrows, wakeArrowsOnTurns } from '../../src/lib/replay/wakes';
import { afterStep, type OutputItem } from '../../src/lib/ui/output-items';
import { sleeper } from './loop-traces';

// sleeper(): steps 0 start, 1 turn 1, 2 main's first step (creates Task-2, awaits it at line 6),
// 3 turn 2, 4 Task-2's first step (sleeps at line 3), 5 turn 3 (the clock jumps to 1 s), 6 the
// sleep's timer, 7 turn 4, 8 Task-2 prints at line 4 and ends, 9 turn 5, 10 its done callback,
// 11 turn 6, 12 main ends, 13 the end.
const replay = buildReplay(sleeper());

describe('the Event loop panel at a step', () => {
	it('while Task-2 prints: it runs at its line (not yet under Done), its done callback is ready, main waits on it', () => {
		const state = replay.stateAt(8);
		const view = loopPanel(replay, state);
		expect(view.running).toBe('Task-2 runs at line 4.');
		expect(view.ready.map((entry) => entry.title)).toEqual(['Task.task_wakeup callback → Task-1']);
		expect(view.timers).toEqual([]);
		expect(view.waiting).toEqual([
			{ key: '1', title: 'Task-1', detail: 'awaits Task-2, line 6', chain: 'f() line 6', line: 6 }
		]);
		expect(view.done).toEqual([]);
		// Once its step is over, it is done.
		const next = loopPanel(replay, replay.stateAt(9));
		expect(next.done.map((entry) => [entry.title, entry.detail])).toEqual([
			['Task-2', 'returned None']
		]);
	});

	it('a timer by its deadline and whom it wakes; the clock jumping to it', () => {
		const afterSleep = loopPanel(replay, replay.stateAt(4));
		expect(afterSleep.timers.map((entry) => entry.title)).toEqual([
			'1.00 s: wake Task-2 (sleep(1))'
		]);
		expect(afterSleep.timers[0].detail).toBe('set by Task-2, line 3');
		// Task-2 is the one running: it waits from the next step on.
		expect(afterSleep.waiting.map((entry) => entry.title)).toEqual(['Task-1']);
		expect(loopPanel(replay, replay.stateAt(5)).waiting.map((entry) => entry.title)).toEqual([
			'Task-1',
			'Task-2'
		]);
		expect(runningSentence(replay, replay.stateAt(5))).toBe(
			'The loop is waiting for the next timer: the clock jumps from 0 s to 1.00 s.'
		);
	});

	it('the start and the end say what the loop does', () => {
		expect(loopPanel(replay, replay.stateAt(0)).running).toBe(
			'The program has not started an event loop yet.'
		);
		const end = loopPanel(replay, replay.stateAt(13));
		expect(end.running).toBe('The run is over.');
		expect(end.done.map((entry) => entry.title)).toEqual(['Task-1', 'Task-2']);
		expect(end.ready).toEqual([]);
	});
});

describe('the replay bar and what stepping says', () => {
	it('a readout over turns, and the slider text with the task and its line', () => {
		const state = replay.stateAt(8);
		expect(readout(replay, state)).toBe('turn 4 of 6 · 1.00 s');
		expect(valueText(replay, state)).toBe('turn 4 of 6, 1.00 s, Task-2 running line 4');
		expect(valueText(replay, replay.stateAt(5))).toBe(
			'turn 3 of 6, 1.00 s, waiting for the next timer'
		);
	});

	it('a step announces what runs, what changed in the lists, and the tasks that ended', () => {
		// Nothing changed in the counts: only what runs.
		expect(announcement(replay, replay.stateAt(7), replay.stateAt(8))).toBe(
			'Turn 4, 1.00 s. Task-2 runs at line 4.'
		);
		expect(announcement(replay, replay.stateAt(8), replay.stateAt(9))).toBe(
			'Turn 5, 1.00 s. A new turn of the loop: it will run the 1 handle now ready, in order. Task-2 is done.'
		);
		expect(announcement(replay, replay.stateAt(4), replay.stateAt(5))).toBe(
			'Turn 3, 1.00 s. The loop is waiting for the next timer: the clock jumps from 0 s to 1.00 s. Ready: 1. Timers: 0.'
		);
	});
});

describe('the editor and the output follow the step', () => {
	it('the running line is marked, and each suspended task at its await', () => {
		expect(editorMarks(replay.stateAt(8))).toEqual({
			running: 4,
			waiting: [{ line: 6, text: 'Task-1 suspended here' }]
		});
		expect(editorMarks(replay.stateAt(5))).toEqual({
			running: null,
			waiting: [
				{ line: 6, text: 'Task-1 suspended here' },
				{ line: 3, text: 'Task-2 suspended here' }
			]
		});
	});

	it('as Monaco decorations: a highlighted running line, gutter marks, lines in range only', () => {
		const specs = replayDecorations(
			{
				running: 4,
				waiting: [
					{ line: 6, text: 'Task-1 suspended here' },
					{ line: 99, text: 'x' }
				]
			},
			10
		);
		expect(
			specs.map((spec) => [spec.range.startLineNumber, spec.options.className ?? null])
		).toEqual([
			[6, null],
			[4, 'pg-line-running']
		]);
		expect(specs[0].options.glyphMarginClassName).toBe('pg-glyph-await');
		// The hover is escaped for Monaco's Markdown: a task named `**x**` stays literal.
		const named = replayDecorations(
			{ running: null, waiting: [{ line: 1, text: '**x** here' }] },
			3
		);
		expect(named[0].options.glyphMarginHoverMessage?.value).toBe('\\*\\*x\\*\\* here');
		expect(replayDecorations(null, 10)).toEqual([]);
	});

	it('output after the step is dimmed, not hidden: lines by count, the rest by time', () => {
		const print = (printed: number): OutputItem => ({
			kind: 'print',
			printed,
			t: 1,
			task: 'Task-2',
			stream: 'stdout',
			text: 'hi'
		});
		const step = { printedCount: 1, t: 1 };
		expect(afterStep(print(0), step)).toBe(false);
		expect(afterStep(print(1), step)).toBe(true);
		const note: OutputItem = { kind: 'note', t: 2, code: 'x', message: 'later', line: null };
		expect(afterStep(note, step)).toBe(true);
		expect(afterStep({ ...note, t: 1 }, step)).toBe(false);
		const error: OutputItem = {
			kind: 'error',
			t: 1,
			type: 'ValueError',
			message: '',
			line: null,
			traceback: ''
		};
		expect(afterStep(error, step)).toBe(true);
		expect(afterStep(error, null)).toBe(false);
	});
});

describe('wake-up arrows', () => {
	it('from the task whose ending woke another (through its done callback); none for a timer', () => {
		// Task-2 was woken by its sleep's timer (no lane to start from); main by Task-2's end.
		expect(wakeArrows(replay)).toEqual([
			{ from: 2, fromT: 1, line: null, to: 1, toT: 1, fromStep: 8, toStep: 12 }
		]);
		expect(wakeArrows(replay)).toBe(wakeArrows(replay));
	});

	it('on an axis of loop turns: from the step that released it to the step that resumed, in order', () => {
		const axis = turnAxis(analyzeRun(sleeper()), replay);
		const [arrow] = wakeArrowsOnTurns(wakeArrows(replay), axis.positions);
		// Both ends at one instant in seconds; apart, and in order, among the turns.
		expect(arrow.fromT).toBe(axis.positions[8]);
		expect(arrow.toT).toBe(axis.positions[12]);
		expect(arrow.toT).toBeGreaterThan(arrow.fromT);
		expect(wakeArrowsOnTurns(wakeArrows(replay), axis.positions)).toBe(
			wakeArrowsOnTurns(wakeArrows(replay), axis.positions)
		);
	});
});

/** A ticker the test advances by hand. */
function manualTicker(): Ticker & { tick(): void; running: boolean } {
	let callback: (() => void) | null = null;
	return {
		every(_ms, tick) {
			callback = tick;
			return () => (callback = null);
		},
		tick() {
			callback?.();
		},
		get running() {
			return callback !== null;
		}
	};
}

describe('the replay cursor', () => {
	it('is prepared on demand, at the end of the run, and never leaves the steps', () => {
		const cursor = new ReplayCursor(sleeper(), manualTicker());
		expect(cursor.replay).toBeNull();
		expect(cursor.state).toBeNull();
		cursor.prepare();
		expect(cursor.step).toBe(13);
		expect(cursor.atEnd).toBe(true);
		cursor.stepBy(5);
		expect(cursor.step).toBe(13);
		cursor.toStart();
		expect(cursor.step).toBe(0);
		cursor.stepBy(-3);
		expect(cursor.step).toBe(0);
		cursor.goTo(Number.NaN);
		expect(cursor.step).toBe(0);
		cursor.goTo(-Infinity);
		expect(cursor.step).toBe(0);
		cursor.goTo(Infinity);
		expect(cursor.step).toBe(13);
		expect(cursor.state?.step.kind).toBe('end');
	});

	it('moves by turns, and back to the beginning of the turn it is in first', () => {
		const cursor = new ReplayCursor(sleeper(), manualTicker());
		cursor.toTurn(3);
		expect(cursor.step).toBe(5);
		cursor.turnBy(1);
		expect(cursor.step).toBe(7);
		cursor.stepBy(1);
		cursor.turnBy(-1);
		expect(cursor.step).toBe(7);
		cursor.turnBy(-1);
		expect(cursor.step).toBe(5);
		cursor.toTurn(0);
		expect(cursor.step).toBe(0);
	});

	it('a click on a segment shows the step where that task runs from its start', () => {
		const cursor = new ReplayCursor(sleeper(), manualTicker());
		cursor.toTaskAt(2, 1);
		expect(cursor.step).toBe(8);
		expect(cursor.state?.runningTask).toBe(2);
		cursor.toTaskAt(2, 0);
		expect(cursor.step).toBe(4);
		// A task with no step there: the first step at that time.
		cursor.toTaskAt(99, 1);
		expect(cursor.step).toBe(5);
	});

	it('plays a step a tick from the start, and stops at the end', () => {
		const ticker = manualTicker();
		const cursor = new ReplayCursor(sleeper(), ticker);
		cursor.play();
		expect(cursor.step).toBe(0);
		expect(cursor.playing).toBe(true);
		ticker.tick();
		ticker.tick();
		expect(cursor.step).toBe(2);
		cursor.setSpeed(8);
		expect(cursor.playing).toBe(true);
		for (let i = 0; i < 20; i++) ticker.tick();
		expect(cursor.step).toBe(13);
		expect(cursor.playing).toBe(false);
		expect(ticker.running).toBe(false);
		cursor.togglePlay();
		expect(cursor.playing).toBe(true);
		cursor.dispose();
		expect(ticker.running).toBe(false);
	});
});

describe('the chart on an axis of loop turns', () => {
	it('every turn one unit wide, each step at its own place, the clock jumps marked', () => {
		const model = analyzeRun(sleeper());
		const axis = turnAxis(model, replay);
		expect(axis.model.duration).toBe(6);
		expect(axis.gaps).toEqual([{ at: 2, label: '+1.00 s' }]);
		// Turns 1..6 begin at 0..5; the one handle of each turn sits half-way through it.
		expect(Array.from(axis.positions)).toEqual([
			0, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6
		]);
		const [main, child] = axis.model.tasks;
		// main runs in turn 1, waits on Task-2, and ends in turn 6.
		expect(main.segments.map((s) => [s.kind, s.start, s.end])).toEqual([
			['running', 0.5, 0.5],
			['waiting', 0.5, 5.5],
			['running', 5.5, 5.5]
		]);
		expect(main.finished).toBe(5.5);
		// Task-2: first step in turn 2, then its sleep until turn 4.
		expect(child.segments.map((s) => [s.kind, s.start, s.end])).toEqual([
			['running', 1.5, 1.5],
			['waiting', 1.5, 3.5],
			['running', 3.5, 3.5]
		]);
		// Words keep the seconds: the model in seconds is untouched.
		expect(model.tasks[1].segments[1].end).toBe(1);
		expect(stepAtPosition(axis, 3.5)).toBe(8);
		expect(stepAtPosition(axis, 3.6)).toBe(8);
		expect(stepAtPosition(axis, -1)).toBe(0);
		expect(turnAxis(model, replay)).toBe(axis);
	});
});
