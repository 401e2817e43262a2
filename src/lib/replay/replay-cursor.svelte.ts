/**
 * Where the learner is in the replay of a run: a step of the event loop (engine/replay.ts), moved
 * by the replay bar, the keys and clicks on the chart, and played forward at a chosen speed.
 *
 * The replay is built from the trace only when asked for (`prepare`): a run of thousands of tasks
 * draws its chart first, and its replay costs nothing until the learner steps through it. The
 * replay is big and never changes, so it is held in $state.raw; the state at the step is derived,
 * so it is computed when something on the page reads it, once per step.
 *
 * Nothing here needs a DOM: the play timer comes in as functions, so tests drive it by hand.
 */
import type { TraceEvent } from '$lib/engine/events';
import { buildReplay, type LoopReplay, type LoopState } from '$lib/engine/replay';

/** Play speeds: steps a second. */
export const SPEEDS = [1, 2, 4, 8] as const;
export type Speed = (typeof SPEEDS)[number];

/** Runs with up to this many tasks get their replay at once; bigger ones when the learner asks. */
export const PREPARE_AT_ONCE_TASKS = 2_000;

export interface Ticker {
	every(ms: number, tick: () => void): () => void;
}

const browserTicker: Ticker = {
	every(ms, tick) {
		const id = setInterval(tick, ms);
		return () => clearInterval(id);
	}
};

export class ReplayCursor {
	/** The replay, once prepared. */
	replay: LoopReplay | null = $state.raw(null);
	/** The step shown (0 .. stepCount - 1). */
	step = $state(0);
	playing = $state(false);
	speed: Speed = $state(2);
	/** The state of the loop after the step shown (null until prepared). */
	readonly state: LoopState | null = $derived(this.replay ? this.replay.stateAt(this.step) : null);

	readonly #events: readonly TraceEvent[];
	readonly #ticker: Ticker;
	#stopTicking: (() => void) | null = null;

	constructor(events: readonly TraceEvent[], ticker: Ticker = browserTicker) {
		this.#events = events;
		this.#ticker = ticker;
	}

	/** Build the replay (once) and show the end of the run, as the chart does. */
	prepare(): LoopReplay {
		if (this.replay) return this.replay;
		const replay = buildReplay(this.#events);
		this.replay = replay;
		this.step = replay.stepCount - 1;
		return replay;
	}

	get stepCount(): number {
		return this.replay?.stepCount ?? 0;
	}

	get atStart(): boolean {
		return this.step <= 0;
	}

	get atEnd(): boolean {
		return this.step >= this.stepCount - 1;
	}

	/** Show step `k` (clamped). */
	goTo(k: number): void {
		const replay = this.prepare();
		const last = replay.stepCount - 1;
		this.step = Number.isFinite(k) ? Math.min(last, Math.max(0, Math.trunc(k))) : k > 0 ? last : 0;
	}

	stepBy(delta: number): void {
		this.goTo(this.step + delta);
	}

	toStart(): void {
		this.pause();
		this.goTo(0);
	}

	toEnd(): void {
		this.pause();
		this.goTo(Number.POSITIVE_INFINITY);
	}

	/** Show the step that begins turn `turn` (0: the start). */
	toTurn(turn: number): void {
		const replay = this.prepare();
		this.goTo(turn <= 0 ? 0 : replay.stepOfTurn(turn));
	}

	/** Show the turn `delta` turns away from the one shown. */
	turnBy(delta: number): void {
		const replay = this.prepare();
		const turn = replay.step(this.step).turn;
		// Back from inside a turn goes to its beginning first.
		if (delta < 0 && turn > 0 && replay.stepOfTurn(turn) < this.step) this.toTurn(turn);
		else this.toTurn(turn + delta);
	}

	/** Show the step where task `task` runs at or after time `t` (a click on its segment). */
	toTaskAt(task: number, t: number): void {
		const replay = this.prepare();
		const k = replay.taskStepFrom(task, t);
		this.goTo(k >= 0 ? k : replay.stepAtTime(t));
	}

	play(): void {
		this.prepare();
		if (this.playing) return;
		if (this.atEnd) this.goTo(0);
		this.playing = true;
		this.#stopTicking = this.#ticker.every(1000 / this.speed, () => {
			if (this.atEnd) this.pause();
			else this.stepBy(1);
		});
	}

	pause(): void {
		this.playing = false;
		this.#stopTicking?.();
		this.#stopTicking = null;
	}

	togglePlay(): void {
		if (this.playing) this.pause();
		else this.play();
	}

	setSpeed(speed: Speed): void {
		this.speed = speed;
		if (this.playing) {
			this.pause();
			this.play();
		}
	}

	/** Stop playing (the run is being replaced). */
	dispose(): void {
		this.pause();
	}
}
