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
import { encodeShare, shareFragment } from '../../src/lib/share/codec';
import type { RunnerStatus } from '../../src/lib/ui/status';
import {
	PlaygroundSession,
	type PageAddress,
	type Runner
} from '../../src/lib/ui/playground-session.svelte';
import { model } from './exercises-model';

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

function memoryStore(): KeyValueStore {
	const data = new Map<string, string>();
	return {
		getItem: (key) => data.get(key) ?? null,
		setItem: (key, value) => void data.set(key, value),
		removeItem: (key) => void data.delete(key)
	};
}

function fakeAddress(href: string): PageAddress & { current: string } {
	return {
		current: href,
		href() {
			return this.current;
		},
		replace(next) {
			this.current = next;
		}
	};
}

function setUp(href = 'https://play.example/', store = new CodeStore(memoryStore())) {
	const address = fakeAddress(href);
	const runner = new StubRunner();
	const session = new PlaygroundSession({
		examples,
		store,
		address,
		course: new ExerciseCourse(undefined, new ExerciseProgress(null))
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
		expect(session.pinned).toEqual({ model: together, code: gather, label: 'gather' });
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
		expect(session.pinned).toEqual({ model: inTurn, code: oneByOne, label: 'sequential' });
		expect(session.pinnedModel).toBe(inTurn);

		session.unpin();
		expect(session.pinned).toBeNull();
		expect(session.pinnedModel).toBeNull();
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
