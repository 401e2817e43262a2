/**
 * The playground page's state and every change to it, in one object: the code in the editor, the
 * example or exercise on show, the latest run and what it left to show, the pinned run, and what
 * the status line says. Playground.svelte lays it out; components call its methods and never
 * change its fields themselves.
 *
 * The Run model is large and never changes once made, so it is held in $state.raw: the chart, the
 * output and the checks read it directly, never through a proxy.
 *
 * Nothing here needs a DOM. The runner, the storage and the address bar come in as small
 * interfaces, so the page's behaviour is tested with a stub runner (tests/unit/page-session.spec.ts).
 */
import { examples as allExamples, type Example } from '$lib/examples';
import { sameProgram } from '$lib/examples/same-program';
import type { TraceEvent } from '$lib/engine/events';
import type { RunModel } from '$lib/engine/model';
import { editorMarks, type EditorReplayMarks } from '$lib/replay/loop-panel';
import { ReplayCursor } from '$lib/replay/replay-cursor.svelte';
import { stepAtPosition, turnAxis, type TurnAxis } from '$lib/replay/turn-axis';
import { wakeArrows, type WakeArrow } from '$lib/replay/wakes';
import type { RunOutcome } from '$lib/runner/client.svelte';
import { markersFromModel } from '$lib/editor/decorations';
import {
	browserStore,
	CodeStore,
	debounce,
	tabStore,
	type KeyValueStore
} from '$lib/storage/local';
import { ExerciseCourse } from '$lib/exercises/course.svelte';
import { exerciseFromUrl, packFromUrl, urlWithExercise } from '$lib/exercises/link';
import { ExerciseFormatError } from '$lib/exercises/parse';
import { PackError, parsePack, type ExercisePack } from '$lib/exercises/pack';
import { checkPackSize, readPackFiles, titleFromFileName } from '$lib/exercises/pack-files';
import { packFromPayload, packLink, packPayloadFromHash } from '$lib/exercises/pack-link';
import { PredictionRound } from '$lib/exercises/prediction-round.svelte';
import { questionsFor } from '$lib/exercises/predictions';
import { runLabel, type NamedRun } from '$lib/compare/run-comparison';
import { changeLine } from '$lib/engine/format';
import type { StackedRun } from '$lib/timeline/svg';
import { MAX_ADDRESS_CHARS } from '$lib/share/codec';
import { outputItems } from './output-items';
import { statusView, type LastRun, type RunnerStatus } from './status';
import {
	chooseInitialCode,
	exampleWithCode,
	fragmentOf,
	isOwnCode,
	withoutFragment
} from './startup';

/** What the session uses of RunnerClient: its public API, so tests can pass a stub. */
export interface Runner {
	readonly status: RunnerStatus;
	run(source: string): Promise<RunOutcome>;
	stop(): void;
}

/** The page's address bar, as far as the session reads and rewrites it. */
export interface PageAddress {
	/** The address now. */
	href(): string;
	/** Show `href` in the address bar without loading it. */
	replace(href: string): void;
	/**
	 * The length of an address too long to read that this tab refused (static/address-guard.js
	 * reloads the page without it), once; null when there was none.
	 */
	refusedLength(): number | null;
}

/** Where static/address-guard.js leaves the length of an address it refused, for this tab. */
const REFUSED_KEY = 'asyncio-playground:link-too-long';

const browserAddress: PageAddress = {
	href: () => location.href,
	replace: (href) => history.replaceState(history.state, '', href),
	refusedLength: () => {
		try {
			const length = Number(sessionStorage.getItem(REFUSED_KEY)) || null;
			sessionStorage.removeItem(REFUSED_KEY);
			return length;
		} catch {
			return null;
		}
	}
};

/** The banner for an address too long to be a link of ours: nothing was opened. */
export function linkTooLongMessage(length: number): string {
	return (
		`This link is too long to open (${length.toLocaleString('en')} characters; a link holds at most ` +
		`${MAX_ADDRESS_CHARS.toLocaleString('en')}). Nothing was opened, and your code is unchanged.`
	);
}

/** A sentence for the learner, as information or as a failure. */
export interface Message {
	tone: 'info' | 'error';
	text: string;
}

/** A banner over the page; `untilRun`: it says the code has not run yet, so a run clears it. */
export interface Banner extends Message {
	untilRun?: boolean;
}

/** How a run ended when that needs saying, with the line it stopped at. */
export interface RunMessage extends Message {
	line: number | null;
}

/** A run and the code it came from. */
export interface CodeRun {
	model: RunModel;
	code: string;
	/** The trace the model came from, for the replay of the event loop (absent: no replay). */
	events?: readonly TraceEvent[];
}

/** What the latest run left on the page. */
export interface RunResult {
	/** The run to draw, or null (none yet, the code was replaced, or the run left no model). */
	run: CodeRun | null;
	/** Sentences about the caps the run hit (output, trace size, limits). */
	notices: readonly string[];
	/** How the run ended, when it did not simply finish. */
	message: RunMessage | null;
}

export const NOTHING_TO_SHOW: RunResult = { run: null, notices: [], message: null };

/**
 * What a run's outcome leaves on the page, and what the status line then says of it (the
 * embed's session reads outcomes the same way).
 */
export function resultOf(
	outcome: RunOutcome,
	source: string
): { result: RunResult; lastRun: LastRun } {
	switch (outcome.kind) {
		case 'finished':
			return {
				result: {
					run: { model: outcome.model, code: source, events: outcome.events },
					notices: outcome.notices,
					message: null
				},
				lastRun: 'finished'
			};
		case 'stopped':
			return {
				result: {
					// The partial run, when the runner could interrupt the program rather than end it.
					run: outcome.model
						? { model: outcome.model, code: source, events: outcome.events }
						: null,
					notices: [],
					message: { tone: 'info', text: outcome.reason, line: outcome.line }
				},
				lastRun: 'stopped'
			};
		case 'failed':
			return {
				result: {
					...NOTHING_TO_SHOW,
					message: { tone: 'error', text: outcome.message, line: null }
				},
				lastRun: 'none'
			};
	}
}

/**
 * The run an outcome leaves to compare the next one with, or null: only a run that completed is a
 * fair "previous run". A stopped run's length is when the learner pressed Stop, and a program
 * that did not compile (SyntaxError and its subclasses) never ran (docs/decisions/0111).
 */
export function comparableRun(outcome: RunOutcome, result: RunResult): CodeRun | null {
	if (outcome.kind !== 'finished' || !result.run) return null;
	const error = result.run.model.error?.type;
	return error === 'SyntaxError' || error === 'IndentationError' || error === 'TabError'
		? null
		: result.run;
}

/** What can be opened into the editor from the header's menus. */
export type Openable =
	| { kind: 'example'; slug: string }
	/** An exercise of the course, or of a stored pack. */
	| { kind: 'exercise'; slug: string; pack?: string | null }
	/** The learner's own code, set aside when something else was opened. */
	| { kind: 'own code' };

export interface SessionOptions {
	examples?: readonly Example[];
	store?: CodeStore;
	course?: ExerciseCourse;
	address?: PageAddress;
	/** Where the Predict first setting is kept (localStorage by default). */
	settings?: KeyValueStore | null;
	/** Where settings for this tab only are kept (sessionStorage by default). */
	tabSettings?: KeyValueStore | null;
}

/** A file the learner picked or dropped, as far as opening a pack reads it (a File, in a page). */
export interface PackFileSource {
	name: string;
	size: number;
	arrayBuffer(): Promise<ArrayBuffer>;
}

/** Where "Predict first" is remembered. */
export const PREDICT_FIRST_KEY = 'asyncio-playground:predict-first:v1';
/** Where this tab remembers that the learner hid the previous run. */
export const SHOW_PREVIOUS_KEY = 'asyncio-playground:show-previous:v1';

export class PlaygroundSession {
	#runner: Runner | null = $state.raw(null);
	/** What the editor holds. Before start() (and in the prerendered page), the first example. */
	code: string = $state('');
	/** The example on show (even if edited since), for its notice beside the chart. */
	exampleSlug: string | null = $state(null);
	/** The latest run's result; replaced whole, never changed in place. */
	result: RunResult = $state.raw(NOTHING_TO_SHOW);
	/** Where the learner is in the replay of the latest run's event loop; null without a trace. */
	replay: ReplayCursor | null = $state.raw(null);
	/** The run kept for comparison, drawn above the current one; null when nothing is pinned. */
	pinned: (NamedRun & Pick<CodeRun, 'events'>) | null = $state.raw(null);
	/**
	 * The last completed run before the one shown, drawn faint below it for comparison; null when
	 * there is none (docs/decisions/0111 says which runs count).
	 */
	previous: CodeRun | null = $state.raw(null);
	/** Whether the previous run is drawn: on by default, one click hides it for this tab. */
	showPrevious = $state(true);
	/** A page-wide message: a share link opened, or why it could not be. */
	banner: Banner | null = $state(null);
	/** True when the learner's own code is set aside and "Your code" can bring it back. */
	hasOwnCode = $state(false);
	/** What the last run came to, for the status line. */
	lastRun: LastRun = $state('none');
	running = $state(false);
	/** When Python began (re)starting, for the status line's seconds; null once it is ready. */
	startingSince: number | null = $state(null);
	/** The editor's cursor line, highlighted in the chart. */
	cursorLine: number | null = $state(null);
	/** The line the learner jumped to from the output or the chart, highlighted in the editor. */
	jumpLine: number | null = $state(null);
	/** Predict first: a finished run is hidden until the learner has answered and revealed. */
	predictFirst = $state(false);
	/** The questions about the latest run, while Predict first is on; null otherwise. */
	prediction: PredictionRound | null = $state.raw(null);
	readonly course: ExerciseCourse;
	readonly examples: readonly Example[];

	readonly example = $derived(this.#exampleBySlug(this.exampleSlug));
	/** True while the editor holds that example, give or take comments and spacing (its note applies). */
	readonly exampleHeld = $derived(
		this.example !== null && sameProgram(this.code, this.example.code)
	);
	/** The example the one on show contrasts with, when its header names one. */
	readonly compareExample = $derived(this.#exampleBySlug(this.example?.compare ?? null));
	readonly lineCount = $derived(this.code.split('\n').length);
	/** True while a run waits for the learner's prediction: its output, chart and summary hide. */
	readonly hidden = $derived(this.prediction !== null && this.prediction.verdicts === null);
	readonly outputItems = $derived(
		this.result.run && !this.hidden ? outputItems(this.result.run.model) : []
	);
	/** The loop's state at the replay's step, once the replay is prepared and the run is shown. */
	readonly loopState = $derived(this.hidden ? null : (this.replay?.state ?? null));
	/**
	 * How many of the run's printed lines come before the replay's step; null at the end of the
	 * run (or with no replay), when nothing is dimmed.
	 */
	readonly printedCount = $derived(
		this.loopState && this.loopState.step.kind !== 'end' ? this.loopState.outputCount : null
	);
	/** The chart's axis: virtual seconds, or loop turns (once the replay is prepared). */
	axis: 'seconds' | 'turns' = $state('seconds');
	/** The chart on an axis of loop turns, built when first shown. */
	readonly turns: TurnAxis | null = $derived(
		this.axis === 'turns' && this.replay?.replay && this.model
			? turnAxis(this.model, this.replay.replay)
			: null
	);
	/** Where the replay's step is on the chart's axis: its time, or its position among turns. */
	readonly stepOnAxis: number | null = $derived(
		this.loopState === null
			? null
			: this.turns
				? this.turns.positions[this.loopState.step.index]
				: this.loopState.t
	);
	/** Who woke whom, in seconds, for the chart's arrows and details, once the replay is prepared. */
	readonly wakes: readonly WakeArrow[] | null = $derived(
		this.hidden || !this.replay?.replay ? null : wakeArrows(this.replay.replay)
	);
	/** The editor's marks for the replay's step: only while it holds the code the run came from. */
	readonly replayMarks: EditorReplayMarks | null = $derived(
		this.loopState && this.result.run?.code === this.code ? editorMarks(this.loopState) : null
	);
	/** The editor's markers: only while the editor holds the code the run came from. */
	readonly markers = $derived(
		this.result.run && this.result.run.code === this.code && !this.hidden
			? markersFromModel(this.result.run.model)
			: []
	);
	readonly status = $derived(statusView(this.#runner?.status ?? null, this.lastRun));

	readonly #store: CodeStore;
	readonly #settings: KeyValueStore | null;
	readonly #tabSettings: KeyValueStore | null;
	/** The latest completed run, which becomes the previous one when the next run completes. */
	#lastCompleted: CodeRun | null = null;
	readonly #address: PageAddress;
	readonly #saveDraft = debounce((text: string) => this.#storeDraft(text), 400);
	/** True once the learner set Predict first themselves: exercises then leave it alone. */
	#predictChosen = false;
	/** Counts runs, so the outcome of a run that a newer one replaced is ignored. */
	#runSequence = 0;
	#sawCrash = false;

	constructor(options: SessionOptions = {}) {
		this.examples = options.examples ?? allExamples;
		this.#store = options.store ?? new CodeStore();
		this.course = options.course ?? new ExerciseCourse();
		this.#address = options.address ?? browserAddress;
		this.#settings = options.settings === undefined ? browserStore() : options.settings;
		this.#tabSettings = options.tabSettings === undefined ? tabStore() : options.tabSettings;
		this.showPrevious = this.#readSetting(SHOW_PREVIOUS_KEY, this.#tabSettings) !== 'off';
		const predictSetting = this.#readSetting(PREDICT_FIRST_KEY);
		this.predictFirst = predictSetting === 'on';
		this.#predictChosen = predictSetting !== null;
		this.code = this.examples[0]?.code ?? '';
		this.exampleSlug = this.examples[0]?.slug ?? null;
	}

	get model(): RunModel | null {
		return this.result.run?.model ?? null;
	}

	/** A run was asked for while Python is still starting: it runs once Python is ready. */
	get waitingForPython(): boolean {
		return this.running && (this.phase === 'loading' || this.phase === 'restarting');
	}

	/** What the panes say while a run is under way, or null when none is. */
	get runningText(): string | null {
		if (!this.running) return null;
		return this.waitingForPython ? 'Will run when Python is ready…' : 'Running…';
	}

	get phase(): RunnerStatus['phase'] {
		return this.#runner?.status.phase ?? 'loading';
	}

	/** The pinned run's model, once there is a different current run to stack it above. */
	get pinnedModel(): RunModel | null {
		const model = this.model;
		return this.pinned && model && this.pinned.model !== model ? this.pinned.model : null;
	}

	/** The run stacked with the current one: the pinned run, else the previous one while shown. */
	get compared(): StackedRun | null {
		const pinned = this.pinnedModel;
		if (pinned) return { model: pinned, kind: 'pinned' };
		const previous = this.previousModel;
		return previous && this.showPrevious ? { model: previous, kind: 'previous' } : null;
	}

	/** The previous run's model, while there is a current run to compare it with. */
	get previousModel(): RunModel | null {
		const model = this.model;
		return this.previous && model && this.previous.model !== model ? this.previous.model : null;
	}

	/** The summary's words for the change from the stacked run ("1.00 s faster than …"). */
	get comparisonText(): string | null {
		const compared = this.compared;
		const model = this.model;
		if (!compared || !model || this.hidden) return null;
		const than = compared.kind === 'pinned' ? 'the pinned run' : 'the previous run';
		return changeLine(compared.model.duration, model.duration, than);
	}

	/** Where the shown run was interrupted by Stop, on its virtual clock; null if it was not. */
	get stoppedAt(): number | null {
		const limit = this.model?.limit;
		return limit?.limit === 'interrupt' ? limit.t : null;
	}

	/** True when the current run can be pinned (there is one, and it is not pinned already). */
	get canPin(): boolean {
		return this.model !== null && this.pinned?.model !== this.model;
	}

	/**
	 * Opens what the address asks for (a share link, an exercise link), else the saved draft or the
	 * first example, and runs the first example by itself: our code, never someone else's.
	 */
	start(runner: Runner): void {
		this.hasOwnCode = this.#store.loadOwnCode() !== null;
		// The saved draft is in the editor before any link replaces it, so replacing it sets it
		// aside under "Your code" (a fresh page otherwise holds the first example, which is not).
		this.#showStartupCode();
		const refused = this.#address.refusedLength();
		if (refused !== null) this.banner = { tone: 'error', text: linkTooLongMessage(refused) };
		let autorun = this.#openFromAddress() && refused === null;
		const href = this.#address.href();
		const linked = exerciseFromUrl(href);
		const linkedPack = packFromUrl(href);
		const linkedCode = linked ? this.course.open(linked, linkedPack) : null;
		if (linkedCode !== null) {
			this.#replaceCode(linkedCode);
			this.exampleSlug = null;
			this.#askIfNotPredicted();
			autorun = false;
		} else if (linked && linkedPack && !this.course.library.find(linkedPack)) {
			this.banner = {
				tone: 'error',
				text:
					`This link opens an exercise of the pack "${linkedPack}", which is not in this ` +
					"browser. Open the pack first (the teacher's file or pack link)."
			};
		}
		this.#runner = runner;
		if (autorun) void this.run();
	}

	/** A share or pack link pasted into this tab's address bar. */
	openFromAddress(): void {
		const href = this.#address.href();
		// Measured before anything parses it or writes it into the history (the page's guard
		// normally reloads first; this is the check where there is no guard).
		if (href.length > MAX_ADDRESS_CHARS) {
			this.banner = { tone: 'error', text: linkTooLongMessage(href.length) };
			return;
		}
		const hash = fragmentOf(href);
		if (hash.includes('code=') || packPayloadFromHash(hash) !== null) this.#openFromAddress();
	}

	open(item: Openable): void {
		switch (item.kind) {
			case 'example': {
				const chosen = this.#exampleBySlug(item.slug);
				if (!chosen) return;
				this.#showPicked(chosen.code, chosen.slug);
				// Our own bundled code, picked by the learner: run it so its chart sits beside its notice.
				void this.run();
				return;
			}
			case 'exercise': {
				const pack = item.pack ?? null;
				const code = this.course.open(item.slug, pack);
				if (code === null) return;
				this.#showPicked(code, null);
				this.#askIfNotPredicted();
				// The address bar now holds the link that opens this exercise, for a teacher to hand out.
				this.#address.replace(urlWithExercise(this.#address.href(), item.slug, pack));
				return;
			}
			case 'own code': {
				const own = this.#store.loadOwnCode();
				if (!own) return;
				// If the editor holds other code of the learner's, it becomes the set-aside one.
				this.#showPicked(own.code, null);
				return;
			}
		}
	}

	closeExercise(): void {
		this.course.close();
		this.#address.replace(urlWithExercise(this.#address.href(), null));
	}

	/**
	 * Opens a teacher's pack from a file (Markdown or zip) the learner picked or dropped: it is
	 * stored, listed in the Exercises menu, and its first exercise opens. Nothing runs. A mistake
	 * in it is shown as `file:line: what is wrong`, and nothing changes.
	 */
	async openPackFile(file: PackFileSource): Promise<void> {
		let pack: ExercisePack;
		try {
			// A huge file is refused before it is read at all.
			checkPackSize(file.name, file.size);
			const bytes = new Uint8Array(await file.arrayBuffer());
			pack = parsePack(readPackFiles(file.name, bytes), titleFromFileName(file.name));
		} catch (error) {
			if (!(error instanceof PackError || error instanceof ExerciseFormatError)) throw error;
			this.banner = { tone: 'error', text: `The pack was not opened: ${error.message}` };
			return;
		}
		this.#addPack(pack);
	}

	/** Removes a stored pack and its progress (closing its exercise if one is open). */
	removePack(id: string): void {
		const open = this.course.packId === id;
		this.course.removePack(id);
		if (open) this.#address.replace(urlWithExercise(this.#address.href(), null));
	}

	/** The link that opens a stored pack on another computer, or why there is none. */
	packLink(id: string): { ok: true; url: string } | { ok: false; message: string } {
		const pack = this.course.library.find(id);
		if (!pack) return { ok: false, message: 'That pack is no longer here.' };
		return packLink(this.#address.href(), pack);
	}

	/** Turns Predict first on or off, and remembers the choice. */
	setPredictFirst(on: boolean): void {
		this.predictFirst = on;
		this.#predictChosen = true;
		this.#writeSetting(PREDICT_FIRST_KEY, on ? 'on' : 'off');
		// Turned off while questions wait: show the run as it is.
		if (!on && this.hidden) this.prediction = null;
	}

	/** Judges the learner's predictions and shows the run. */
	reveal(): void {
		this.prediction?.reveal();
	}

	/** Puts the open exercise's starter code back in the editor. */
	resetExercise(): void {
		const exercise = this.course.exercise;
		if (exercise) this.#replaceCode(exercise.starter);
	}

	/** The learner typed: keep the code, and save it a moment after they stop. */
	edit(code: string): void {
		this.code = code;
		this.#saveDraft(code);
	}

	/** Writes a pending draft now (the page is being hidden or closed). */
	flushDraft(): void {
		this.#saveDraft.flush();
	}

	/** Runs the editor's code; a run already going is replaced, and its outcome ignored. */
	async run(): Promise<void> {
		const runner = this.#runner;
		if (!runner) return;
		const source = this.code;
		const sequence = ++this.#runSequence;
		this.running = true;
		this.prediction = null;
		this.result = { ...this.result, message: null };
		if (this.banner?.untilRun) this.banner = null;
		const outcome = await runner.run(source);
		// A newer run replaced this one: its outcome ("replaced by a new run") is not news.
		if (sequence !== this.#runSequence) return;
		this.running = false;
		const { result, lastRun } = resultOf(outcome, source);
		if (this.predictFirst && outcome.kind === 'finished') {
			this.prediction = this.#predictionFor(outcome.model, source);
		}
		this.#show(result);
		// The run this one is compared with by default: the latest completed run before it.
		const comparable = comparableRun(outcome, result);
		if (comparable) {
			this.previous = this.#lastCompleted;
			this.#lastCompleted = comparable;
		}
		this.lastRun = lastRun;
	}

	stop(): void {
		this.#runner?.stop();
	}

	/** Keeps the current run for comparison, named after the idea its code uses ("gather"). */
	pin(): void {
		const run = this.result.run;
		if (run) this.pinned = { ...run, label: runLabel(run.code) };
	}

	unpin(): void {
		this.pinned = null;
	}

	/** Shows or hides the previous run, and remembers the choice for this tab. */
	setShowPrevious(show: boolean): void {
		this.showPrevious = show;
		this.#writeSetting(SHOW_PREVIOUS_KEY, show ? 'on' : 'off', this.#tabSettings);
	}

	/** Shows the pinned run (and its code) as the current one, and pins the current one instead. */
	swap(): void {
		const previous = this.pinned;
		if (!previous || !this.result.run) return;
		this.pin();
		this.#replaceCode(previous.code);
		const run = { model: previous.model, code: previous.code, events: previous.events };
		this.#show({ ...NOTHING_TO_SHOW, run });
	}

	/** Pins the current run, then opens and runs the example it contrasts with. */
	compareWith(slug: string): void {
		this.pin();
		this.open({ kind: 'example', slug });
	}

	/** Draw the chart on `axis`; loop turns need the replay, which is prepared for it. */
	setAxis(axis: 'seconds' | 'turns'): void {
		if (axis === 'turns') this.replay?.prepare();
		this.axis = axis;
	}

	/** The learner chose a task's segment on the chart, which starts at `start` on its axis. */
	selectSegment(task: number, start: number): void {
		const cursor = this.replay;
		if (!cursor) return;
		if (this.turns) cursor.goTo(stepAtPosition(this.turns, start));
		else cursor.toTaskAt(task, start);
	}

	/** The learner asked to see `line` (a line reference in the output, a bar in the chart). */
	jumpTo(line: number): void {
		this.jumpLine = line;
	}

	moveCursor(line: number | null): void {
		this.cursorLine = line;
		if (line !== this.jumpLine) this.jumpLine = null;
	}

	dismissBanner(): void {
		this.banner = null;
	}

	/**
	 * Follows the runner's phase. After a crash the runner starts a fresh Python; the status line
	 * says "restarted" until the next run, so the learner knows their earlier state is gone.
	 */
	notePhase(phase: RunnerStatus['phase'], now = performance.now()): void {
		const starting = phase === 'loading' || phase === 'restarting';
		if (!starting) this.startingSince = null;
		else if (this.startingSince === null) this.startingSince = now;
		if (phase === 'crashed') this.#sawCrash = true;
		else if (phase === 'ready' && this.#sawCrash) {
			this.#sawCrash = false;
			this.lastRun = 'restarted';
		}
	}

	/** Shows a run's result, with a fresh replay of its event loop when it has a trace. */
	#show(result: RunResult): void {
		// A previous run is set by run() for a completed run; every other result has none.
		this.previous = null;
		this.replay?.dispose();
		const events = result.run?.events;
		this.replay = events ? new ReplayCursor(events) : null;
		this.result = result;
	}

	/** Shows `next` in the editor, first setting the learner's own code aside so nothing is lost. */
	#replaceCode(next: string): void {
		if (isOwnCode(this.code, this.examples) && this.code !== next) {
			this.#store.saveOwnCode(this.code);
			this.hasOwnCode = true;
		}
		this.#saveDraft.cancel();
		this.code = next;
		this.#storeDraft(next);
		this.#show(NOTHING_TO_SHOW);
		this.prediction = null;
		this.jumpLine = null;
	}

	/**
	 * The questions about a run: the open exercise's own when the learner runs its starter (what
	 * they were written for, and counted in its progress), else free play's, taken from the run.
	 */
	#predictionFor(model: RunModel, source: string): PredictionRound {
		const exercise = this.course.exercise;
		if (exercise && exercise.predict.length > 0 && source === exercise.starter) {
			return new PredictionRound(questionsFor(exercise.predict, model), model, {
				slug: exercise.slug,
				progress: this.course.progress
			});
		}
		return new PredictionRound(questionsFor(null, model), model);
	}

	/**
	 * An exercise that asks for predictions not yet made turns Predict first on (not remembered),
	 * unless the learner has set it themselves.
	 */
	#askIfNotPredicted(): void {
		const exercise = this.course.exercise;
		if (exercise && exercise.predict.length > 0 && !this.#predictChosen) {
			if (this.course.progress.get(exercise.slug).prediction.attempts === 0)
				this.predictFirst = true;
		}
	}

	#addPack(pack: ExercisePack): void {
		const { replaced, stored } = this.course.addPack(pack);
		this.open({ kind: 'exercise', slug: pack.exercises[0].slug, pack: pack.id });
		const count = pack.exercises.length === 1 ? '1 exercise' : `${pack.exercises.length} exercises`;
		this.banner = {
			tone: 'info',
			text:
				`Opened the pack "${pack.title}" (${count})${replaced ? ', replacing its older version' : ''}. ` +
				'Nothing has run: read the first exercise, then press Run.' +
				(stored ? '' : ' It could not be saved in this browser, so it lasts for this visit only.'),
			// The warning that it was not saved stays until dismissed.
			untilRun: stored
		};
	}

	#readSetting(key: string, store = this.#settings): string | null {
		try {
			return store?.getItem(key) ?? null;
		} catch {
			return null;
		}
	}

	#writeSetting(key: string, value: string, store = this.#settings): void {
		try {
			store?.setItem(key, value);
		} catch {
			// Full or blocked storage: the setting lasts for this visit.
		}
	}

	/** Shows code the learner picked from a menu; a banner about an earlier link no longer applies. */
	#showPicked(code: string, exampleSlug: string | null): void {
		this.#replaceCode(code);
		this.exampleSlug = exampleSlug;
		this.banner = null;
	}

	/** Returns whether the code shown may run by itself (only the first example may). */
	#openFromAddress(): boolean {
		const href = this.#address.href();
		const hash = fragmentOf(href);
		const packPayload = packPayloadFromHash(hash);
		if (packPayload !== null) {
			// Drop the link first: a reload then shows the stored pack, not the link again.
			this.#address.replace(withoutFragment(href));
			const opened = packFromPayload(packPayload);
			if (opened.ok) this.#addPack(opened.pack);
			else this.banner = { tone: 'error', text: opened.message };
			return false;
		}
		const initial = chooseInitialCode(hash, this.#store.loadDraft(), this.examples);
		// Drop the link: a reload then shows the saved draft, not the link again.
		if (initial.shareMessage !== null || hash.includes('code=')) {
			this.#address.replace(withoutFragment(href));
		}
		if (initial.source === 'share') {
			this.#replaceCode(initial.code);
			this.exampleSlug = initial.example;
			this.banner = { tone: 'info', text: initial.shareMessage ?? '', untilRun: true };
			return false;
		}
		if (initial.shareMessage) this.banner = { tone: 'error', text: initial.shareMessage };
		return initial.autorun;
	}

	/** The saved draft, or the first example when there is none: what a fresh page shows. */
	#showStartupCode(): void {
		const initial = chooseInitialCode('', this.#store.loadDraft(), this.examples);
		this.code = initial.code;
		this.exampleSlug = initial.example;
	}

	#storeDraft(code: string): void {
		this.#store.saveDraft(code, exampleWithCode(code, this.examples)?.slug ?? null);
	}

	#exampleBySlug(slug: string | null): Example | null {
		return slug === null ? null : (this.examples.find((item) => item.slug === slug) ?? null);
	}
}
