/**
 * A task's call as the code wrote it, `say_after(2, 'world')`, from the coroutine's name and the
 * argument texts the engine recorded (calls.py); and the short form a lane has room for,
 * `Task-3 say_after(2, 'world')` in at most LANE_CHARS characters.
 *
 * Lengths are counted in code points, so a cut never splits an emoji's surrogate pair.
 */
import type { TaskModel } from './model';

/** The most characters of a lane's label: about what the chart's label column shows. */
export const LANE_CHARS = 40;

const ELLIPSIS = '…';
/** Arguments are cut to one cap, the longest that lets the call fit, but none below this. */
const SHORTEST_ARGUMENT = 5;

type Call = Pick<TaskModel, 'coro' | 'arguments'>;

/**
 * The whole call: "say_after(2, 'world')", "main()". Only the coroutine's name when its arguments
 * are unknown (an awaitable that no function call made).
 */
export function callText(task: Call): string {
	return task.arguments === null ? task.coro : `${task.coro}(${task.arguments.join(', ')})`;
}

/** A lane's label: the task's name and its call, in at most `max` characters. */
export function laneText(task: Call & Pick<TaskModel, 'name'>, max = LANE_CHARS): string {
	const { name, call } = laneParts(task, max);
	return call ? `${name} ${call}` : name;
}

/**
 * The two parts of a lane's label, for a view that draws them apart (the name in bold): together,
 * with a space between, at most `max` characters. A name longer than that is cut, with no call.
 */
export function laneParts(
	task: Call & Pick<TaskModel, 'name'>,
	max = LANE_CHARS
): { name: string; call: string } {
	const nameLength = length(task.name);
	if (nameLength >= max - 2) return { name: cut(task.name, max), call: '' };
	return { name: task.name, call: fitCall(task, max - nameLength - 1) };
}

/**
 * The call in at most `max` characters: long arguments are cut first, each to the same cap, then
 * the last ones give way to "…", then the name itself is cut.
 */
export function fitCall(task: Call, max: number): string {
	const whole = callText(task);
	if (length(whole) <= max || task.arguments === null) return cut(whole, max);
	const args = task.arguments;
	const longest = Math.max(...args.map(length));
	let shortened = args;
	for (let cap = longest - 1; cap >= SHORTEST_ARGUMENT; cap--) {
		shortened = args.map((arg) => cutArgument(arg, cap));
		const text = `${task.coro}(${shortened.join(', ')})`;
		if (length(text) <= max) return text;
	}
	for (let kept = shortened.length - 1; kept >= 0; kept--) {
		const text = `${task.coro}(${[...shortened.slice(0, kept), ELLIPSIS].join(', ')})`;
		if (length(text) <= max) return text;
	}
	return cut(`${task.coro}(${ELLIPSIS})`, max);
}

/** An argument in at most `cap` characters; a string keeps its closing quote: 'a long t…'. */
function cutArgument(text: string, cap: number): string {
	const points = Array.from(text);
	if (points.length <= cap) return text;
	const last = points[points.length - 1];
	const quoted = (last === "'" || last === '"') && points.indexOf(last) < points.length - 1;
	if (quoted) return points.slice(0, cap - 2).join('') + ELLIPSIS + last;
	return points.slice(0, cap - 1).join('') + ELLIPSIS;
}

/** `text` in at most `max` characters, its end replaced by "…" when cut. */
function cut(text: string, max: number): string {
	const points = Array.from(text);
	return points.length <= max ? text : points.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

function length(text: string): number {
	return Array.from(text).length;
}
