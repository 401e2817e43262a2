/// <reference lib="webworker" />
/**
 * The runner worker's JavaScript world, guarded between runs (issue 13, decision 0110).
 *
 * A program reaches JavaScript through Pyodide's `js` module, and from there can start workers
 * and timers, load `blob:` scripts, add listeners, replace globals or prototypes, or close the
 * worker. Installed before Pyodide loads, so nothing but this module holds the originals:
 *
 * - workers, timers, intervals and message ports created during a run are ended when it ends,
 *   so no CPU outlives its run;
 * - `close()` tells the page first, so a runtime that closes itself is noticed at once;
 * - anything that would let code run in a later run (a script loaded, a listener added, a global,
 *   a prototype or an event handler replaced) is reported after the run, and the page replaces
 *   the runtime before the next one.
 */

type Fingerprint = Map<object, Map<PropertyKey, unknown[]>>;

/** Handlers a program could set to see later commands. */
const HANDLERS = [
	'onmessage',
	'onmessageerror',
	'onerror',
	'onunhandledrejection',
	'onrejectionhandled'
];

export interface WorkerGuard {
	/** A run starts: what it creates from now on is the run's. */
	runStarted(): void;
	/** The run ended: ends what it created; returns what it changed that later runs would see. */
	runEnded(): string[];
}

/**
 * Installs the guard on `scope`; `onClose` is called (and must tell the page) just before the
 * worker closes itself.
 */
export function guardWorker(scope: DedicatedWorkerGlobalScope, onClose: () => void): WorkerGuard {
	const global = scope as unknown as Record<string, unknown>;
	const realSetTimeout = scope.setTimeout.bind(scope);
	const realSetInterval = scope.setInterval.bind(scope);
	const realClearTimeout = scope.clearTimeout.bind(scope);
	const realClearInterval = scope.clearInterval.bind(scope);
	const RealWorker = global.Worker as typeof Worker | undefined;
	const RealMessageChannel = MessageChannel;
	const realImportScripts = scope.importScripts.bind(scope);
	const realAddEventListener = EventTarget.prototype.addEventListener;
	const terminate = RealWorker?.prototype.terminate;
	const closePort = MessagePort.prototype.close;

	let running = false;
	const timers = new Set<number>();
	const intervals = new Set<number>();
	const workers = new Set<Worker>();
	const ports = new Set<MessagePort>();
	const reported = new Set<string>();
	let before: Fingerprint = new Map();

	global.setTimeout = function setTimeout(handler: TimerHandler, ms?: number, ...rest: unknown[]) {
		const id = realSetTimeout(handler, ms, ...rest);
		if (running) timers.add(id);
		return id;
	};
	global.setInterval = function setInterval(
		handler: TimerHandler,
		ms?: number,
		...rest: unknown[]
	) {
		const id = realSetInterval(handler, ms, ...rest);
		if (running) intervals.add(id);
		return id;
	};
	if (RealWorker) {
		const GuardedWorker = function Worker(
			this: unknown,
			url: string | URL,
			options?: WorkerOptions
		) {
			const worker = new RealWorker(url, options);
			if (running) workers.add(worker);
			return worker;
		};
		GuardedWorker.prototype = RealWorker.prototype;
		global.Worker = GuardedWorker;
	}
	global.MessageChannel = function MessageChannel() {
		const channel = new RealMessageChannel();
		if (running) ports.add(channel.port1).add(channel.port2);
		return channel;
	};
	(global.MessageChannel as { prototype: unknown }).prototype = RealMessageChannel.prototype;
	global.importScripts = function importScripts(...urls: (string | URL)[]) {
		if (running) reported.add('loaded a script (importScripts)');
		realImportScripts(...urls);
	};
	EventTarget.prototype.addEventListener = function addEventListener(
		this: EventTarget,
		...args: Parameters<EventTarget['addEventListener']>
	) {
		if (running && this === scope) reported.add('added an event listener to the worker');
		return realAddEventListener.apply(this, args);
	};
	guardClose(scope, onClose);

	const watched = (): object[] => {
		const objects = new Set<object>();
		for (
			let proto: object | null = scope;
			proto;
			proto = Object.getPrototypeOf(proto) as object | null
		)
			objects.add(proto);
		for (const key of Reflect.ownKeys(scope)) {
			const value = Reflect.getOwnPropertyDescriptor(scope, key)?.value as unknown;
			if (typeof value === 'function') {
				objects.add(value);
				const proto = (value as { prototype?: unknown }).prototype;
				if (proto && typeof proto === 'object') objects.add(proto);
			} else if (value && typeof value === 'object' && value !== scope) objects.add(value);
		}
		for (const base of [Object.prototype, Function.prototype, Array.prototype, Promise.prototype])
			objects.add(base);
		return [...objects];
	};
	const fingerprint = (): Fingerprint => {
		const print: Fingerprint = new Map();
		for (const object of watched()) {
			const properties = new Map<PropertyKey, unknown[]>();
			for (const key of Reflect.ownKeys(object)) {
				const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
				if (descriptor) properties.set(key, [descriptor.value, descriptor.get, descriptor.set]);
			}
			print.set(object, properties);
		}
		const handlers = new Map<PropertyKey, unknown[]>();
		for (const name of HANDLERS) handlers.set(name, [global[name]]);
		print.set(HANDLERS, handlers);
		return print;
	};
	const describe = (object: object): string =>
		object === scope
			? 'the worker’s globals'
			: object === HANDLERS
				? 'the worker’s event handlers'
				: typeof object === 'function'
					? `the global ${object.name || 'function'}`
					: 'a built-in object or prototype';
	const differences = (after: Fingerprint): string[] => {
		const found = new Set<string>();
		for (const [object, properties] of after) {
			const earlier = before.get(object);
			if (!earlier) {
				if (object !== HANDLERS) found.add('the worker’s globals');
				continue;
			}
			if (earlier.size !== properties.size) found.add(describe(object));
			else
				for (const [key, now] of properties) {
					const then = earlier.get(key);
					// Object.is: NaN (globalThis.NaN, Number.NaN) is itself.
					if (!then || then.some((value, index) => !Object.is(value, now[index]))) {
						found.add(describe(object));
						break;
					}
				}
		}
		return [...found];
	};

	return {
		runStarted() {
			reported.clear();
			before = fingerprint();
			running = true;
		},
		runEnded() {
			running = false;
			for (const id of timers) realClearTimeout(id);
			for (const id of intervals) realClearInterval(id);
			for (const worker of workers) terminate?.call(worker);
			for (const port of ports) closePort.call(port);
			timers.clear();
			intervals.clear();
			workers.clear();
			ports.clear();
			const changes = [...reported, ...differences(fingerprint())];
			return changes.map((change) => `JavaScript: ${change}`);
		}
	};
}

/** Wraps `close` where the worker's prototype chain defines it: the page hears first. */
function guardClose(scope: DedicatedWorkerGlobalScope, onClose: () => void): void {
	for (
		let proto: object | null = scope;
		proto;
		proto = Object.getPrototypeOf(proto) as object | null
	) {
		const descriptor = Reflect.getOwnPropertyDescriptor(proto, 'close');
		if (typeof descriptor?.value !== 'function') continue;
		const realClose = descriptor.value as (this: unknown) => void;
		Reflect.defineProperty(proto, 'close', {
			...descriptor,
			value: function close(this: unknown) {
				onClose();
				realClose.call(this);
			}
		});
		return;
	}
}
