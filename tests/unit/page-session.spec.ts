/**
 * The playground page's behaviour, without a browser: PlaygroundSession driven with a stub
 * runner (each run waits until the test settles it), an in-memory store and a fake address bar.
 */
import { describe, expect, it } from 'vitest';
import type { Example } from '../../src/lib/examples';
import type { RunOutcome } from '../../src/lib/runner/client.svelte';
import type { RunModel } from '../../src/lib/engine/model';
import { CodeStore, type KeyValueStore } from '../../src/lib/storage/local';
import { ExerciseCourse } from '../../src/lib/exercises/course.svelte';
import { ExerciseProgress } from '../../src/lib/exercises/progress.svelte';
import { PackLibrary } from '../../src/lib/exercises/pack-library.svelte';
import { encodeShare, shareFragment } from '../../src/lib/share/codec';
import { deflateSync } from 'fflate';
import { parsePack } from '../../src/lib/exercises/pack';
import type { RunnerStatus } from '../../src/lib/ui/status';
import {
	linkTooLongMessage,
	PlaygroundSession,
	type PageAddress,
	type Runner
} from '../../src/lib/ui/playground-session.svelte';
import { model } from './exercises-model';
import { analyzeRun } from '../../src/lib/engine/analyze';
import { sleeper } from './loop-traces';
import { exerciseMarkdown, lineOf, memoryStore } from './exercise-fixtures';

const gather = 'import asyncio\nawait asyncio.gather(a(), b())\n';
const oneByOne = 'import asyncio\nawait a()\nawait b()\n';
const examples: Example[] = [
	{
		slug: '01-gather',
		title: 'Gather',
		topic: 'Several tasks',
		notice: 'They overlap.',
		compare: '02-one-by-one',
		code: gather
	},
	{ slug: '02-one-by-one', title: 'One by one', topic: 'Several tasks', notice: '', code: oneByOne }
];
const mine = 'print("my own program")\n';

/** A runner whose runs wait until the test finishes them. */
class StubRunner implements Runner {
	status: RunnerStatus = { phase: 'ready', detail: 'Python 3.14.2 ready', progress: null };
	readonly runs: { source: string; settle: (outcome: RunOutcome) => void }[] = [];
	stops = 0;

	run(source: string): Promise<RunOutcome> {
		return new Promise((settle) => this.runs.push({ source, settle }));
	}

	stop(): void {
		this.stops += 1;
	}

	/** Finishes run `index` (the latest by default) and lets the session take the outcome. */
	async settle(outcome: RunOutcome, index = this.runs.length - 1): Promise<void> {
		this.runs[index].settle(outcome);
		await new Promise((resolve) => setTimeout(resolve, 0));
	}

	finish(result: RunModel, notices: string[] = []): Promise<void> {
		return this.settle({ kind: 'finished', events: [], model: result, notices });
	}
}

function fakeAddress(
	href: string,
	refused: number | null = null
): PageAddress & { current: string } {
	return {
		current: href,
		refusedLength: () => refused,
		href() {
			return this.current;
		},
		replace(next) {
			this.current = next;
		}
	};
}

function setUp(
	href = 'https://play.example/',
	store = new CodeStore(memoryStore()),
	/** The browser's storage for packs, progress and settings (none by default). */
	browser: KeyValueStore | null = null
) {
	const address = fakeAddress(href);
	const runner = new StubRunner();
	const session = new PlaygroundSession({
		examples,
		store,
		address,
		course: new ExerciseCourse(undefined, new ExerciseProgress(browser), new PackLibrary(browser)),
		settings: browser
	});
	return { session, runner, address, store };
}

describe('PlaygroundSession', () => {
	it('opens on the first example and runs it by itself', async () => {
		const { session, runner } = setUp();
		expect(session.code).toBe(gather);
		session.start(runner);
		expect(runner.runs.map((run) => run.source)).toEqual([gather]);
		expect(session.running).toBe(true);

		const result = model({ duration: 3, printed: ['hello'] });
		await runner.finish(result, ['Output was cut short.']);
		expect(session.running).toBe(false);
		expect(session.model).toBe(result);
		expect(session.result.run?.code).toBe(gather);
		expect(session.result.notices).toEqual(['Output was cut short.']);
		expect(session.outputItems.map((item) => item.kind)).toEqual(['print']);
		expect(session.lastRun).toBe('finished');
		expect(session.example?.slug).toBe('01-gather');
		expect(session.compareExample?.slug).toBe('02-one-by-one');
	});

	it('opening an example shows and runs it, and sets the learner’s own code aside', async () => {
		const { session, runner, store } = setUp();
		session.start(runner);
		await runner.finish(model({ duration: 3 }));
		session.edit(mine);

		session.open({ kind: 'example', slug: '02-one-by-one' });
		expect(session.code).toBe(oneByOne);
		expect(session.exampleSlug).toBe('02-one-by-one');
		// The previous run belongs to other code: nothing is drawn until the new run ends.
		expect(session.model).toBeNull();
		expect(runner.runs.at(-1)?.source).toBe(oneByOne);
		expect(session.hasOwnCode).toBe(true);
		expect(store.loadOwnCode()?.code).toBe(mine);
		expect(store.loadDraft()).toMatchObject({ code: oneByOne, example: '02-one-by-one' });

		session.open({ kind: 'own code' });
		expect(session.code).toBe(mine);
		expect(session.exampleSlug).toBeNull();
	});

	it('keeps the other own code when "Your code" replaces the learner’s newer code', () => {
		const { session, runner, store } = setUp();
		session.start(runner);
		store.saveOwnCode(mine);
		session.edit('print("newer")\n');
		session.open({ kind: 'own code' });
		expect(session.code).toBe(mine);
		expect(store.loadOwnCode()?.code).toBe('print("newer")\n');
	});

	it('ignores the outcome of a run that a newer run replaced', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		void session.run();
		const newer = model({ duration: 2 });
		await runner.settle({ kind: 'stopped', reason: 'Replaced by a new run.', line: null }, 0);
		expect(session.running).toBe(true);
		expect(session.result.message).toBeNull();
		await runner.finish(newer);
		expect(session.model).toBe(newer);
		expect(session.running).toBe(false);
	});

	it('stops a run; a stopped run says why, keeps its partial run, and the status says so', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		session.stop();
		expect(runner.stops).toBe(1);
		const partial = model({ duration: 1 });
		await runner.settle({ kind: 'stopped', reason: 'Stopped.', line: 2, model: partial });
		expect(session.result.message).toEqual({ tone: 'info', text: 'Stopped.', line: 2 });
		expect(session.model).toBe(partial);
		expect(session.lastRun).toBe('stopped');
		expect(session.status.text).toMatch(/^Stopped · Python 3\.14\.2 ready/);

		// Stopped with no partial run (no interrupt buffer): nothing to draw.
		void session.run();
		await runner.settle({ kind: 'stopped', reason: 'Stopped.', line: null });
		expect(session.model).toBeNull();
		expect(session.result.message?.tone).toBe('info');
	});

	it('a failed run shows the runner’s message as an error and draws nothing', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		await runner.finish(model({ duration: 3 }));
		void session.run();
		// A new run clears the last message at once but keeps the chart until it ends.
		expect(session.model).not.toBeNull();
		await runner.settle({ kind: 'failed', message: 'runner protocol error' });
		expect(session.result).toEqual({
			run: null,
			notices: [],
			message: { tone: 'error', text: 'runner protocol error', line: null }
		});
		expect(session.lastRun).toBe('none');
	});

	it('pins a run, compares it with the next, and swaps the two', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		const together = model({ duration: 3 });
		await runner.finish(together);
		expect(session.canPin).toBe(true);
		session.pin();
		// The trace goes with the pinned run: swapped back, it still replays.
		expect(session.pinned).toEqual({ model: together, code: gather, label: 'gather', events: [] });
		expect(session.canPin).toBe(false);
		// The pinned run is the current one: nothing to stack above it yet.
		expect(session.pinnedModel).toBeNull();

		session.edit(oneByOne);
		void session.run();
		const inTurn = model({ duration: 6 });
		await runner.finish(inTurn);
		expect(session.pinnedModel).toBe(together);
		expect(session.canPin).toBe(true);

		session.swap();
		expect(session.code).toBe(gather);
		expect(session.model).toBe(together);
		expect(session.pinned).toEqual({
			model: inTurn,
			code: oneByOne,
			label: 'sequential',
			events: []
		});
		expect(session.pinnedModel).toBe(inTurn);
		expect(session.replay).not.toBeNull();

		session.unpin();
		expect(session.pinned).toBeNull();
		expect(session.pinnedModel).toBeNull();
	});

	it('compares each completed run with the previous one by default, faint above it', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		const inTurn = model({ duration: 3 });
		await runner.finish(inTurn);
		// The first run has nothing before it.
		expect(session.previous).toBeNull();
		expect(session.compared).toBeNull();
		expect(session.comparisonText).toBeNull();

		session.edit(gather);
		void session.run();
		const together = model({ duration: 2 });
		await runner.finish(together);
		expect(session.previous?.model).toBe(inTurn);
		expect(session.compared).toEqual({ model: inTurn, kind: 'previous' });
		expect(session.comparisonText).toBe('1.00 s faster than the previous run (3.00 s → 2.00 s)');

		// The next run is compared with the one just before it, not the first.
		void session.run();
		const again = model({ duration: 2 });
		await runner.finish(again);
		expect(session.compared?.model).toBe(together);
		expect(session.comparisonText).toBe('same time as the previous run (2.00 s)');
	});

	it('hides the previous run with one setting, remembered for this tab', async () => {
		const tab = memoryStore();
		const address = fakeAddress('https://play.example/');
		const store = new CodeStore(memoryStore());
		const options = { examples, address, store, tabSettings: tab, settings: null };
		const first = new PlaygroundSession(options);
		const runner = new StubRunner();
		first.start(runner);
		await runner.finish(model({ duration: 3 }));
		void first.run();
		await runner.finish(model({ duration: 2 }));
		expect(first.compared?.kind).toBe('previous');
		first.setShowPrevious(false);
		expect(first.compared).toBeNull();
		expect(first.comparisonText).toBeNull();
		// Still there to show again.
		expect(first.previousModel).not.toBeNull();

		const reloaded = new PlaygroundSession(options);
		expect(reloaded.showPrevious).toBe(false);
		reloaded.setShowPrevious(true);
		expect(new PlaygroundSession(options).showPrevious).toBe(true);
	});

	it('a stopped run or a SyntaxError is never the previous run, nor compared', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		const good = model({ duration: 3 });
		await runner.finish(good);

		void session.run();
		const partial = model({
			duration: 2.4,
			limit: { limit: 'interrupt', t: 2.4, message: 'Stopped.', line: 3 }
		});
		await runner.settle({ kind: 'stopped', reason: 'Stopped.', line: 3, model: partial });
		// The stopped run is shown on its own, marked where it stopped.
		expect(session.compared).toBeNull();
		expect(session.stoppedAt).toBe(2.4);

		void session.run();
		const syntax = model({
			error: { type: 'SyntaxError', message: 'invalid syntax', line: 1, traceback: '' }
		});
		await runner.finish(syntax);
		expect(session.compared).toBeNull();
		expect(session.stoppedAt).toBeNull();

		// The next completed run is compared with the last completed one before it.
		void session.run();
		await runner.finish(model({ duration: 2 }));
		expect(session.compared).toEqual({ model: good, kind: 'previous' });
	});

	it('a pinned run takes the previous run’s place, and the words name it', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		const pinned = model({ duration: 6 });
		await runner.finish(pinned);
		session.pin();
		void session.run();
		await runner.finish(model({ duration: 4 }));
		void session.run();
		await runner.finish(model({ duration: 3 }));
		expect(session.compared).toEqual({ model: pinned, kind: 'pinned' });
		expect(session.comparisonText).toBe('3.00 s faster than the pinned run (6.00 s → 3.00 s)');
		session.unpin();
		expect(session.compared?.kind).toBe('previous');
		expect(session.comparisonText).toBe('1.00 s faster than the previous run (4.00 s → 3.00 s)');
	});

	it('steps through the run: the output, the editor marks and the chart follow the replay', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		const events = sleeper();
		await runner.settle({ kind: 'finished', events, model: analyzeRun(events), notices: [] });
		const cursor = session.replay!;
		// Nothing is prepared until asked; then the replay shows the end, and nothing is dimmed.
		expect(session.loopState).toBeNull();
		cursor.prepare();
		expect(session.loopState?.step.kind).toBe('end');
		expect(session.printedCount).toBeNull();
		cursor.goTo(8);
		expect(session.printedCount).toBe(1);
		expect(session.replayMarks).toEqual({
			running: 4,
			waiting: [{ line: 6, text: 'Task-1 suspended here' }]
		});
		expect(session.stepOnAxis).toBe(1);
		expect(session.wakes).toHaveLength(1);
		// On the axis of turns the step is at its position, and a segment chosen there is a step.
		session.setAxis('turns');
		expect(session.stepOnAxis).toBe(3.5);
		session.selectSegment(2, 1.5);
		expect(cursor.step).toBe(4);
		session.setAxis('seconds');
		session.selectSegment(1, 1);
		expect(cursor.step).toBe(12);
		// Edited code: the marks no longer match its lines.
		session.edit('print("other")\n');
		expect(session.replayMarks).toBeNull();
	});

	it('compares an example with its contrasting one: pins this run, opens and runs the other', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		const together = model({ duration: 3 });
		await runner.finish(together);
		session.compareWith('02-one-by-one');
		expect(session.pinned?.model).toBe(together);
		expect(session.code).toBe(oneByOne);
		expect(runner.runs.at(-1)?.source).toBe(oneByOne);
	});

	it('marks the editor only while it holds the code the run came from', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		await runner.finish(
			model({
				duration: 1,
				error: { type: 'ValueError', message: 'boom', line: 2, traceback: '' }
			})
		);
		expect(session.markers).toEqual([{ line: 2, severity: 'error', message: 'ValueError: boom' }]);
		session.edit(gather + '# edited\n');
		expect(session.markers).toEqual([]);
	});

	it('keeps the example’s note through comment and spacing edits, not through a new program', () => {
		const { session, runner } = setUp();
		session.start(runner);
		expect(session.example?.slug).toBe('01-gather');
		expect(session.exampleHeld).toBe(true);
		session.edit('# my notes\n' + gather.replace('gather(a(), b())', 'gather( a(), b() )'));
		expect(session.exampleHeld).toBe(true);
		session.edit(gather.replace('b()', 'c()'));
		expect(session.example?.slug).toBe('01-gather');
		expect(session.exampleHeld).toBe(false);
	});

	it('replacing the code clears the run, its message and the line jumped to', async () => {
		const { session, runner, address } = setUp();
		session.start(runner);
		await runner.settle({ kind: 'stopped', reason: 'Stopped.', line: 2 });
		session.jumpTo(2);
		session.moveCursor(2);
		expect(session.jumpLine).toBe(2);

		session.open({ kind: 'exercise', slug: 'three-downloads' });
		expect(session.course.exercise?.slug).toBe('three-downloads');
		expect(session.code).toBe(session.course.exercise?.starter);
		expect(session.result).toEqual({ run: null, notices: [], message: null });
		expect(session.jumpLine).toBeNull();
		expect(session.exampleSlug).toBeNull();
		// An exercise is the learner's to run.
		expect(runner.runs).toHaveLength(1);
		expect(address.current).toBe('https://play.example/?exercise=three-downloads');

		session.edit('print(1)\n');
		session.resetExercise();
		expect(session.code).toBe(session.course.exercise?.starter);

		session.closeExercise();
		expect(session.course.exercise).toBeNull();
		expect(address.current).toBe('https://play.example/');
	});

	it('moving the cursor off the line jumped to lets go of its highlight', () => {
		const { session } = setUp();
		session.jumpTo(4);
		session.moveCursor(4);
		expect(session.jumpLine).toBe(4);
		session.moveCursor(5);
		expect(session.jumpLine).toBeNull();
		expect(session.cursorLine).toBe(5);
	});

	it('shows a share link’s code without running it, and drops the link from the address', () => {
		const encoded = encodeShare(mine);
		if (!encoded.ok) throw new Error(encoded.message);
		const { session, runner, address, store } = setUp(
			'https://play.example/' + shareFragment(encoded.payload)
		);
		session.start(runner);
		expect(session.code).toBe(mine);
		expect(session.banner?.tone).toBe('info');
		expect(runner.runs).toHaveLength(0);
		expect(address.current).toBe('https://play.example/');
		expect(store.loadDraft()?.code).toBe(mine);
	});

	describe('a link never loses the learner’s draft (issue 13)', () => {
		const shareLink = () => {
			const encoded = encodeShare('print("shared")\n');
			if (!encoded.ok) throw new Error(encoded.message);
			return 'https://play.example/' + shareFragment(encoded.payload);
		};
		const withDraft = () => {
			const store = new CodeStore(memoryStore());
			store.saveDraft(mine, null);
			return store;
		};

		it('a share link on a fresh page keeps the saved draft under "Your code"', () => {
			const { session, runner, store } = setUp(shareLink(), withDraft());
			session.start(runner);
			expect(session.code).toBe('print("shared")\n');
			expect(session.hasOwnCode).toBe(true);
			expect(store.loadOwnCode()?.code).toBe(mine);
			session.open({ kind: 'own code' });
			expect(session.code).toBe(mine);
		});

		it('an exercise link on a fresh page keeps the saved draft under "Your code"', () => {
			const { session, runner, store } = setUp(
				'https://play.example/?exercise=three-downloads',
				withDraft()
			);
			session.start(runner);
			expect(session.code).toBe(session.course.exercise?.starter);
			expect(session.hasOwnCode).toBe(true);
			expect(store.loadOwnCode()?.code).toBe(mine);
		});

		it('a share link pasted into an open tab keeps the unsaved code under "Your code"', async () => {
			const { session, runner, address, store } = setUp();
			session.start(runner);
			await runner.finish(model({ duration: 1 }));
			// Typed, and not yet saved by the debounce.
			session.edit('print("typed just now")\n');
			address.current = shareLink();
			session.openFromAddress();
			expect(session.code).toBe('print("shared")\n');
			expect(store.loadOwnCode()?.code).toBe('print("typed just now")\n');
			expect(session.hasOwnCode).toBe(true);
		});
	});

	describe('an address too long to be a link (issue 13)', () => {
		it('refused before the page started: a banner, nothing opened or run', () => {
			const store = new CodeStore(memoryStore());
			store.saveDraft(mine, null);
			const runner = new StubRunner();
			const address = fakeAddress('https://play.example/', 2_000_000);
			const session = new PlaygroundSession({ examples, store, address, settings: null });
			session.start(runner);
			expect(session.banner).toEqual({
				tone: 'error',
				text: linkTooLongMessage(2_000_000)
			});
			expect(session.banner?.text).toMatch(/^This link is too long to open \(2,000,000 characters/);
			expect(session.code).toBe(mine);
			expect(runner.runs).toHaveLength(0);
		});

		it('pasted into an open tab: refused before any history call', () => {
			const { session, runner, address } = setUp();
			session.start(runner);
			session.edit(mine);
			const replaced: string[] = [];
			const replace = address.replace.bind(address);
			address.replace = (next) => {
				replaced.push(next);
				replace(next);
			};
			address.current = 'https://play.example/#code=v1.' + 'A'.repeat(2_000_000);
			session.openFromAddress();
			expect(replaced).toEqual([]);
			expect(session.banner?.tone).toBe('error');
			expect(session.code).toBe(mine);
		});
	});

	it('a broken share link says so and keeps the learner’s draft', () => {
		const store = new CodeStore(memoryStore());
		store.saveDraft(mine, null);
		const { session, runner, address } = setUp('https://play.example/#code=v1.@@@', store);
		session.start(runner);
		expect(session.code).toBe(mine);
		expect(session.banner?.tone).toBe('error');
		expect(runner.runs).toHaveLength(0);
		expect(address.current).toBe('https://play.example/');
		session.dismissBanner();
		expect(session.banner).toBeNull();
	});

	it('opens an exercise link with its starter code and does not run it', () => {
		const { session, runner } = setUp('https://play.example/?exercise=three-downloads');
		session.start(runner);
		expect(session.course.slug).toBe('three-downloads');
		expect(session.code).toBe(session.course.exercise?.starter);
		expect(session.exampleSlug).toBeNull();
		expect(runner.runs).toHaveLength(0);
	});

	it('a run asked for while Python starts waits for it, and the start-up is timed', async () => {
		const { session, runner } = setUp();
		runner.status = { phase: 'loading', detail: 'Starting CPython', progress: 0.55 };
		session.notePhase('loading', 1000);
		session.start(runner);
		expect(session.startingSince).toBe(1000);
		session.notePhase('loading', 5000);
		expect(session.startingSince).toBe(1000); // the same start-up, still counted from its start
		void session.run();
		expect(session.waitingForPython).toBe(true);
		expect(session.runningText).toBe('Will run when Python is ready…');
		runner.status = { phase: 'running', detail: 'Running', progress: null };
		session.notePhase('running', 9000);
		expect(session.waitingForPython).toBe(false);
		expect(session.runningText).toBe('Running…');
		expect(session.startingSince).toBeNull();
		await runner.finish(model({ duration: 1 }));
		expect(session.running).toBe(false);
	});

	it('says "restarted" once Python is back after a crash', () => {
		const { session, runner } = setUp();
		session.start(runner);
		session.notePhase('crashed');
		expect(session.lastRun).not.toBe('restarted');
		session.notePhase('ready');
		expect(session.lastRun).toBe('restarted');
		expect(session.status.text).toMatch(/^Restarted/);
	});
});

describe('PlaygroundSession: predict first', () => {
	const printing = model({ duration: 2, printed: ['hello', 'world'] });

	it('hides a finished run until the learner reveals, then shows it with the verdicts', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		await runner.finish(model({ duration: 3 }));
		session.setPredictFirst(true);
		void session.run();
		await runner.finish(printing);
		expect(session.hidden).toBe(true);
		expect(session.outputItems).toEqual([]);
		expect(session.markers).toEqual([]);
		expect(session.prediction?.questions.map((question) => question.id)).toEqual([
			'order',
			'total-time'
		]);
		session.prediction!.secondsText = '2';
		session.reveal();
		expect(session.hidden).toBe(false);
		expect(session.outputItems).toHaveLength(2);
		expect(session.prediction?.verdicts?.find((v) => v.id === 'total-time')?.right).toBe(true);
		// A new run asks again.
		void session.run();
		expect(session.prediction).toBeNull();
	});

	it('asks nothing of a run that was stopped or failed', async () => {
		const { session, runner } = setUp();
		session.start(runner);
		session.setPredictFirst(true);
		await runner.settle({ kind: 'stopped', reason: 'Stopped.', line: null, model: printing });
		expect(session.hidden).toBe(false);
		void session.run();
		await runner.settle({ kind: 'failed', message: 'Python crashed.' });
		expect(session.prediction).toBeNull();
	});

	it('remembers the setting, and turning it off shows a hidden run at once', async () => {
		const browser = memoryStore();
		const { session, runner } = setUp('https://play.example/', undefined, browser);
		session.start(runner);
		session.setPredictFirst(true);
		await runner.finish(printing);
		expect(session.hidden).toBe(true);
		session.setPredictFirst(false);
		expect(session.hidden).toBe(false);
		expect(setUp('https://play.example/', undefined, browser).session.predictFirst).toBe(false);
		session.setPredictFirst(true);
		expect(setUp('https://play.example/', undefined, browser).session.predictFirst).toBe(true);
	});

	it('an exercise with questions turns it on, asks its own about the starter and counts them', async () => {
		const { session, runner } = setUp('https://play.example/?exercise=three-downloads');
		session.start(runner);
		expect(session.predictFirst).toBe(true);
		const starterRun = model({
			duration: 6,
			printed: [
				'start a.txt',
				'done a.txt',
				'start b.txt',
				'done b.txt',
				'start c.txt',
				'done c.txt'
			]
		});
		void session.run();
		await runner.finish(starterRun);
		const round = session.prediction!;
		expect(round.owner?.slug).toBe('three-downloads');
		expect(round.orderQuestion?.lines).toEqual([
			'start b.txt',
			'done a.txt',
			'start c.txt',
			'done b.txt'
		]);
		round.order = ['done a.txt', 'start b.txt', 'done b.txt', 'start c.txt'];
		round.secondsText = '6';
		session.reveal();
		expect(round.allRight).toBe(true);
		expect(session.course.progress.get('three-downloads').prediction).toEqual({
			attempts: 1,
			rightAt: 1
		});

		// The learner's own version gets free play's questions, which are not counted.
		session.edit(session.code + '# mine\n');
		void session.run();
		await runner.finish(starterRun);
		expect(session.prediction?.owner).toBeNull();
	});

	it('leaves Predict first alone on an exercise once the learner has set it', () => {
		const browser = memoryStore();
		setUp('https://play.example/', undefined, browser).session.setPredictFirst(false);
		const { session, runner } = setUp(
			'https://play.example/?exercise=three-downloads',
			undefined,
			browser
		);
		session.start(runner);
		expect(session.predictFirst).toBe(false);
	});
});

describe('PlaygroundSession: exercise packs', () => {
	const packText = `---\npack: Workshop\n---\n\n${exerciseMarkdown('First')}`;
	const file = (name: string, text: string | Uint8Array) => {
		const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
		return { name, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer };
	};
	const packLinkTo = (text: string) => {
		const encoded = encodeShare(text, 'pack');
		if (!encoded.ok) throw new Error(encoded.message);
		return 'https://play.example/' + shareFragment(encoded.payload, 'pack');
	};

	it('opens a pack link without running it, setting the learner’s draft aside', () => {
		const store = new CodeStore(memoryStore());
		store.saveDraft(mine, null);
		const browser = memoryStore();
		const { session, runner, address } = setUp(packLinkTo(packText), store, browser);
		session.start(runner);
		expect(runner.runs).toHaveLength(0);
		expect(session.course.collection.title).toBe('Workshop');
		expect(session.course.exercise?.slug).toBe('first');
		expect(session.code).toBe('print("start")\n');
		expect(session.banner).toEqual({
			tone: 'info',
			text: 'Opened the pack "Workshop" (1 exercise). Nothing has run: read the first exercise, then press Run.',
			untilRun: true
		});
		expect(address.current).toBe('https://play.example/?pack=workshop&exercise=first');
		expect(store.loadOwnCode()?.code).toBe(mine);
		expect(new PackLibrary(browser).packs.map((pack) => pack.id)).toEqual(['workshop']);
		// Once it runs, "Nothing has run" is no longer true.
		void session.run();
		expect(session.banner).toBeNull();
	});

	it('a pack that could not be saved keeps saying so after a run', () => {
		const browser = {
			...memoryStore(),
			setItem: () => {
				throw new DOMException('full', 'QuotaExceededError');
			}
		};
		const { session, runner } = setUp(packLinkTo(packText), new CodeStore(memoryStore()), browser);
		session.start(runner);
		expect(session.banner?.text).toMatch(/could not be saved in this browser/);
		void session.run();
		expect(session.banner?.text).toMatch(/could not be saved in this browser/);
	});

	it('a decompression-bomb link, or one over the cap, says so and loses nothing', () => {
		const browser = memoryStore();
		new PackLibrary(browser).add(
			// An earlier pack, with progress, that must survive.
			parsePack([{ name: 'w.md', text: packText }], 'w')
		);
		new PackLibrary(browser).progressOf('workshop').markPassed('first');
		const store = new CodeStore(memoryStore());
		store.saveDraft(mine, null);
		const bomb = deflateSync(new Uint8Array(4 * 1024 * 1024).fill(0x20), { level: 9 });
		for (const payload of [
			`v1.${Buffer.from(bomb).toString('base64url')}`,
			`v1.${'A'.repeat(40_000)}`
		]) {
			const { session, runner, address } = setUp(
				`https://play.example/#pack=${payload}`,
				store,
				browser
			);
			session.start(runner);
			expect(session.banner?.tone).toBe('error');
			expect(session.banner?.text).toMatch(
				/^This pack link (holds more than 64 KB of text, so it was not opened|is too long to open)\. Your packs, your progress and your code are unchanged\.$/
			);
			expect(session.code).toBe(mine);
			expect(runner.runs).toHaveLength(0);
			expect(address.current).toBe('https://play.example/');
			expect(store.loadDraft()?.code).toBe(mine);
			const library = new PackLibrary(browser);
			expect(library.packs.map((pack) => pack.id)).toEqual(['workshop']);
			expect(library.progressOf('workshop').passed('first')).toBe(true);
		}
	});

	it('opens a pack file, which stays after a reload with its progress, and can be removed', async () => {
		const browser = memoryStore();
		const { session, runner, address } = setUp('https://play.example/', undefined, browser);
		session.start(runner);
		await session.openPackFile(file('workshop.md', packText));
		expect(session.course.exercise?.title).toBe('First');
		expect(address.current).toBe('https://play.example/?pack=workshop&exercise=first');
		session.course.progress.markPassed('first');
		session.edit('print("done")\n');
		session.course.progress.saveCode('first', session.code, 'print("start")\n');

		const again = setUp(address.current, undefined, browser);
		again.session.start(again.runner);
		expect(again.session.course.exercise?.slug).toBe('first');
		expect(again.session.code).toBe('print("done")\n');
		expect(again.session.course.progress.passed('first')).toBe(true);

		again.session.removePack('workshop');
		expect(again.session.course.exercise).toBeNull();
		expect(again.address.current).toBe('https://play.example/');
		expect(new PackLibrary(browser).packs).toEqual([]);
	});

	it('shows a mistake in a pack file as file:line, and stores nothing', async () => {
		const browser = memoryStore();
		const { session, runner } = setUp('https://play.example/', undefined, browser);
		session.start(runner);
		const broken = packText.replace('output-equals', 'output-equal');
		await session.openPackFile(file('workshop.md', broken));
		expect(session.banner?.tone).toBe('error');
		expect(session.banner?.text).toMatch(
			`The pack was not opened: workshop.md:${lineOf(broken, 'output-equal')}: unknown check "output-equal"`
		);
		expect(new PackLibrary(browser).packs).toEqual([]);
		await session.openPackFile(file('huge.zip', new Uint8Array(2 * 1024 * 1024)));
		expect(session.banner?.text).toBe(
			'The pack was not opened: huge.zip is larger than 1024 KB, too large for a pack'
		);
	});

	it('says so when a link names a pack this browser does not have', () => {
		const { session, runner } = setUp('https://play.example/?pack=elsewhere&exercise=first');
		session.start(runner);
		expect(session.banner?.tone).toBe('error');
		expect(session.banner?.text).toMatch(/pack "elsewhere", which is not in this browser/);
		expect(session.course.exercise).toBeNull();
	});
});

describe('static/address-guard.js', () => {
	it('refuses addresses at the same length as the page (MAX_ADDRESS_CHARS)', async () => {
		const { readFileSync } = await import('node:fs');
		const { MAX_ADDRESS_CHARS } = await import('../../src/lib/share/codec');
		const guard = readFileSync(new URL('../../static/address-guard.js', import.meta.url), 'utf8');
		expect(guard).toContain(`const MAX_ADDRESS_CHARS = ${MAX_ADDRESS_CHARS};`);
	});
});
