/**
 * The loop's handles in words, as a learner reads them: a handle's label ("Task-3 step",
 * "gather's callback → Task-1", "sleep(2) timer → Task-4") and why it was scheduled ("woken by
 * Lock.release() in Task-2, line 12"). The replay (replay.ts) gives the facts; this names them.
 */
import type { TaskId } from './events';
import type { HandleInfo } from './replay';

/** asyncio's function names as a learner reads them. */
function apiWords(api: string): string {
	const local = api.indexOf('.<locals>');
	const name = local >= 0 ? api.slice(0, local) : api;
	if (name === 'run') return 'asyncio.run()';
	if (name === '_set_result_unless_cancelled') return 'a sleep timer';
	if (name === 'Timeout._on_timeout') return 'a timeout expiring';
	if (name === 'Timeout.__aenter__' || name === 'Timeout.reschedule') return 'timeout()';
	if (name === '_run_until_complete_cb') return 'run_until_complete()';
	return `${name.replace(/^BaseEventLoop\./, '')}()`;
}

/** Whether `api` is the loop's own scheduling, which says nothing about why (C code called it). */
function isPlumbing(api: string | null): boolean {
	return (
		api === null ||
		api === 'BaseEventLoop.call_soon' ||
		api === 'BaseEventLoop.call_soon_threadsafe'
	);
}

function timerWhat(info: HandleInfo): string {
	const api = info.api;
	const delay = info.when === null ? 'math.inf' : compact(info.when - info.t);
	// Only asyncio.sleep sets this callback's timer, also when a library called sleep for the user
	// (wait_for(sleep(1), 5) names wait_for as the api).
	if (api === 'sleep' || info.fn === '_set_result_unless_cancelled') return `sleep(${delay}) timer`;
	if (api === 'wait_for') return `wait_for timeout (${delay} s)`;
	if (api !== null && api.startsWith('Timeout.')) return `timeout (${delay} s)`;
	if (api === 'BaseEventLoop.call_later' || api === 'BaseEventLoop.call_at' || api === null) {
		return `${info.fn ?? 'callback'} timer`;
	}
	return `${apiWords(api)} timer`;
}

function compact(seconds: number): string {
	return String(Number(seconds.toFixed(3)));
}

/** The callbacks with which gather and TaskGroup wake their parent, and what that means. */
const GROUP_WAKES: Record<string, string> = {
	'gather.<locals>._done_callback': 'gather(): its children are done',
	'TaskGroup._on_task_done': 'TaskGroup: its tasks are done'
};

/** What `describeHandle` needs to know about the rest of the run. */
export interface HandleContext {
	taskName(task: TaskId): string;
	handle(handle: number): HandleInfo | null;
	/** Whether `task` ended in step `step`. */
	endedAt(task: TaskId, step: number): boolean;
}

/**
 * A handle's label and the reason it was scheduled, in words: "Task-3 step" / "woken by
 * Lock.release() in Task-2, line 12". The engine names the asyncio function the user's code
 * called (`api`) and its line; `call_soon` with no line of the user's means C code scheduled it: a
 * future completing, or a task finishing (its done callbacks).
 */
export function describeHandle(
	info: HandleInfo,
	context: HandleContext
): { label: string; name: string; what: string; reason: string } {
	const { taskName } = context;
	const targets = info.woke.length > 0 ? ` → ${info.woke.map(taskName).join(', ')}` : '';
	const who =
		info.byTask !== null
			? taskName(info.byTask)
			: info.by !== null
				? 'a callback'
				: 'the main code';
	const at = info.line !== null ? `, line ${info.line}` : '';
	// The user's code named what it called; else C code scheduled it, while `who` ran.
	const called = info.api !== null && (!isPlumbing(info.api) || info.line !== null);
	if (info.kind === 'timer') {
		const owner = info.woke[0] ?? info.byTask;
		const label = `${timerWhat(info)}${owner !== null ? ` → ${info.woke.length > 1 ? info.woke.map(taskName).join(', ') : taskName(owner)}` : ''}`;
		const name = owner !== null ? taskName(owner) : timerWhat(info);
		return { label, name, what: timerWhat(info), reason: `set by ${who}${at}` };
	}
	if (info.kind === 'callback') {
		const name = callbackWords(info.fn);
		const label = `${name}${targets}`;
		const what = name;
		if (called)
			return { label, name, what, reason: `scheduled by ${apiWords(info.api!)} in ${who}${at}` };
		if (info.byTask !== null && context.endedAt(info.byTask, info.scheduledAt)) {
			return { label, name, what, reason: `scheduled when ${taskName(info.byTask)} finished` };
		}
		return { label, name, what, reason: `scheduled by ${who}${at}` };
	}
	const name = taskName(info.task ?? 0);
	const label = `${name} step`;
	return { label, name, what: label, reason: stepReason(info, context, who, at, called) };
}

/** Why a task's step is in the ready queue: how it was created, or what woke it. */
function stepReason(
	info: HandleInfo,
	context: HandleContext,
	who: string,
	at: string,
	called: boolean
): string {
	const { taskName } = context;
	const wake = info.wake;
	if (wake === null) {
		if (info.byTask !== null && info.byTask === info.task) {
			return 'gave way with a bare yield (sleep(0))';
		}
		const api = called ? apiWords(info.api!) : 'create_task()';
		return `created by ${api} in ${who}${at}`;
	}
	if (wake.future !== null) {
		const ended =
			wake.end === 'result' ? 'finished' : wake.end === 'exception' ? 'raised' : 'was cancelled';
		return `woken: ${taskName(wake.future)} ${ended}`;
	}
	const by = info.by !== null ? context.handle(info.by) : null;
	if (by !== null && by.kind === 'timer') {
		if (wake.end === 'cancelled') return `cancelled: ${timerWhat(by)} expired`;
		return `woken by ${timerWhat(by)}`;
	}
	if (wake.end === 'cancelled') return `cancelled by ${who}${at}`;
	if (by !== null && by.kind === 'callback' && by.fn !== null && GROUP_WAKES[by.fn]) {
		return `woken by ${GROUP_WAKES[by.fn]}`;
	}
	if (called && !isPlumbing(info.api)) {
		return `woken by ${apiWords(info.api!)} in ${who}${at}`;
	}
	const setter = wake.end === 'exception' ? 'Future.set_exception()' : 'Future.set_result()';
	return `woken by ${setter} in ${who}${at}`;
}

/** A callback's label: "gather's callback", "Future.set_result callback". */
function callbackWords(fn: string | null): string {
	if (fn === null) return 'callback';
	const local = fn.indexOf('.<locals>');
	if (local >= 0) return `${fn.slice(0, local)}'s callback`;
	if (fn === '_run_until_complete_cb') return "run_until_complete's callback";
	if (fn === 'TaskGroup._on_task_done') return "TaskGroup's callback";
	if (fn.startsWith('BaseEventLoop.')) return `asyncio.run's ${fn.slice('BaseEventLoop.'.length)}`;
	return `${fn} callback`;
}
