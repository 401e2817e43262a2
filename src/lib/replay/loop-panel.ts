/**
 * The event loop at one step, in the words the page shows: the "Event loop" panel's lists, the
 * replay bar's readout and slider text, what a screen reader hears when the learner steps, and
 * the lines the editor marks. Pure: it reads the replay (engine/replay.ts) and returns plain text,
 * which the components set as text, never as HTML (task names and results are the user's).
 */
import { formatSeconds } from '$lib/engine/format';
import type { ChainFrame } from '$lib/engine/events';
import type { LoopReplay, LoopState, TaskAt } from '$lib/engine/replay';

/** One entry of a list in the panel. */
export interface PanelEntry {
	/** Unique within its list. */
	key: string;
	/** What it is: "Task-3 step", "2.00 s: wake Task-4 (sleep(2))", "Task-2". */
	title: string;
	/** Why it is there, what it awaits, or how it ended. */
	detail: string;
	/** The await chain, outermost first ("main() line 18 → worker() line 6"); empty if none. */
	chain: string;
	/** The line of the user's code the entry is about, if any. */
	line: number | null;
}

export interface LoopPanelView {
	/** What the loop is doing at this step, in one sentence. */
	running: string;
	ready: PanelEntry[];
	timers: PanelEntry[];
	waiting: PanelEntry[];
	done: PanelEntry[];
}

/** Everything the panel shows at `state`. */
export function loopPanel(replay: LoopReplay, state: LoopState): LoopPanelView {
	const ready = state.ready.map((handle, index): PanelEntry => {
		const info = replay.handle(handle);
		return {
			key: `${handle}-${index}`,
			title: info?.label ?? `handle ${handle}`,
			detail: info?.reason ?? '',
			chain: '',
			line: info?.line ?? null
		};
	});
	const timers = state.timers.map((handle): PanelEntry => {
		const info = replay.handle(handle);
		return {
			key: String(handle),
			title: info ? timerTitle(replay, info) : `handle ${handle}`,
			detail: info?.reason ?? '',
			chain: '',
			line: info?.line ?? null
		};
	});
	const waiting: PanelEntry[] = [];
	const done: PanelEntry[] = [];
	for (const task of state.tasks) {
		if (task.state === 'waiting') waiting.push(waitingEntry(task));
		else if (task.state === 'done' || task.state === 'raised' || task.state === 'cancelled')
			done.push(doneEntry(task));
	}
	return {
		running: runningSentence(replay, state),
		ready,
		timers,
		waiting,
		done
	};
}

/** "2.00 s: wake Task-4 (sleep(2))", or "1.50 s: run print timer" for a plain callback. */
function timerTitle(
	replay: LoopReplay,
	info: NonNullable<ReturnType<LoopReplay['handle']>>
): string {
	const when = info.when === null ? 'never' : formatSeconds(info.when);
	const what = info.what.replace(/ timer$/, '');
	const woken = info.woke.length > 0 ? info.woke : info.byTask !== null ? [info.byTask] : [];
	if (info.fn === null || info.api === 'sleep' || woken.length > 0) {
		const names = woken.map((task) => replay.taskName(task)).join(', ');
		if (names) return `${when}: wake ${names} (${what})`;
	}
	return `${when}: run ${what}`;
}

function chainText(chain: readonly ChainFrame[]): string {
	return chain.map((frame) => `${frame.fn}() line ${frame.line}`).join(' → ');
}

function waitingEntry(task: TaskAt): PanelEntry {
	const awaits = task.awaiting ? `awaits ${task.awaiting.label}` : 'waits';
	return {
		key: String(task.id),
		title: task.name,
		detail: task.line !== null ? `${awaits}, line ${task.line}` : awaits,
		chain: chainText(task.chain),
		line: task.line
	};
}

function doneEntry(task: TaskAt): PanelEntry {
	let detail: string;
	if (task.state === 'done') detail = `returned ${task.result ?? 'None'}`;
	else if (task.state === 'cancelled') detail = 'was cancelled';
	else {
		const error = task.exception;
		detail = error ? `raised ${error.type}${error.message ? `: ${error.message}` : ''}` : 'raised';
	}
	return { key: String(task.id), title: task.name, detail, chain: '', line: task.line };
}

/** What the loop does at this step, in one sentence. */
export function runningSentence(replay: LoopReplay, state: LoopState): string {
	const step = state.step;
	switch (step.kind) {
		case 'start':
			return 'The program has not started an event loop yet.';
		case 'end':
			if (replay.cut) return 'The trace ends here: it was cut at the event cap.';
			return ENDINGS[replay.ending];
		case 'turn':
			if (step.jumpedFrom !== null) {
				return `The loop is waiting for the next timer: the clock jumps from ${formatSeconds(step.jumpedFrom)} to ${formatSeconds(step.t)}.`;
			}
			return state.ready.length > 0
				? `A new turn of the loop: it will run the ${countOf(state.ready.length, 'handle')} now ready, in order.`
				: 'A new turn of the loop, with nothing ready.';
		case 'run': {
			if (state.runningTask !== null) {
				const name = replay.taskName(state.runningTask);
				const where = state.runningLine !== null ? ` at line ${state.runningLine}` : '';
				if (step.eager) return `${name} runs its first step${where}, inside create_task (eager).`;
				return `${name} runs${where}.`;
			}
			return state.running ? `The loop runs ${state.running.label}.` : 'The loop runs a callback.';
		}
	}
}

const ENDINGS: Record<LoopReplay['ending'], string> = {
	finished: 'The run is over.',
	deadlock: 'The run is over: it deadlocked (nothing could ever run again).',
	limit: 'The run is over: a limit stopped it.',
	error: 'The run is over: it raised an exception.'
};

function countOf(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The readout beside the slider: "turn 14 of 40 · 2.00 s". */
export function readout(replay: LoopReplay, state: LoopState): string {
	return `turn ${state.step.turn} of ${replay.turnCount} · ${formatSeconds(state.t)}`;
}

/** The slider's aria-valuetext: "turn 14 of 40, 2.00 s, Task-3 running line 12". */
export function valueText(replay: LoopReplay, state: LoopState): string {
	const base = `turn ${state.step.turn} of ${replay.turnCount}, ${formatSeconds(state.t)}`;
	if (state.runningTask !== null) {
		const line = state.runningLine !== null ? ` line ${state.runningLine}` : '';
		return `${base}, ${replay.taskName(state.runningTask)} running${line}`;
	}
	if (state.running) return `${base}, ${state.running.label}`;
	if (state.step.kind === 'turn' && state.step.jumpedFrom !== null) {
		return `${base}, waiting for the next timer`;
	}
	return `${base}, ${state.step.kind === 'end' ? 'the end' : state.step.kind === 'start' ? 'the start' : 'a new turn'}`;
}

/**
 * What a screen reader hears after a step: what runs now, then what changed in the lists
 * ("Task-3 runs at line 12. Ready: 2 (was 3). Task-2 is done.").
 */
export function announcement(
	replay: LoopReplay,
	previous: LoopState | null,
	state: LoopState
): string {
	const parts = [
		`Turn ${state.step.turn}, ${formatSeconds(state.t)}.`,
		runningSentence(replay, state)
	];
	if (!previous || previous.ready.length !== state.ready.length) {
		parts.push(`Ready: ${state.ready.length}.`);
	}
	if (!previous || previous.timers.length !== state.timers.length) {
		parts.push(`Timers: ${state.timers.length}.`);
	}
	if (previous) {
		const before = new Map(previous.tasks.map((task) => [task.id, task.state]));
		const ended = state.tasks.filter(
			(task) =>
				(task.state === 'done' || task.state === 'raised' || task.state === 'cancelled') &&
				before.get(task.id) !== task.state
		);
		for (const task of ended.slice(0, 3)) parts.push(`${task.name} ${ENDED_WORDS[task.state]}.`);
	}
	return parts.join(' ');
}

const ENDED_WORDS: Record<string, string> = {
	done: 'is done',
	raised: 'raised',
	cancelled: 'was cancelled'
};

/** The lines the editor marks at a step: the running task's, and each suspended task's await. */
export interface EditorReplayMarks {
	running: number | null;
	waiting: { line: number; text: string }[];
}

export function editorMarks(state: LoopState): EditorReplayMarks {
	const byLine = new Map<number, string[]>();
	for (const task of state.tasks) {
		if (task.state !== 'waiting' || task.line === null) continue;
		const names = byLine.get(task.line) ?? [];
		names.push(task.name);
		byLine.set(task.line, names);
	}
	const waiting = [...byLine].map(([line, names]) => ({
		line,
		text: `${names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ')} suspended here`
	}));
	return { running: state.runningTask !== null ? state.runningLine : null, waiting };
}
