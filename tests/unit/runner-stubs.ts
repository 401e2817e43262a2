/**
 * A runtime host for unit tests of the runner: records what the pool and the run client do with
 * it, and lets a test speak for the runner (everything it emits is validated like real traffic).
 */
import type { HostFactory, RunnerHost } from '$lib/runner/hosts';
import { type RunCommand, type StartPlan } from '$lib/runner/protocol';
import { columnsOfJson } from '$lib/engine/columns';

export class StubHost implements RunnerHost {
	onmessage: ((data: unknown) => void) | null = null;
	onfailure: ((message: string) => void) | null = null;
	onlost: ((message: string) => void) | null = null;
	/** The plan the host was started with, once it was. */
	plan: Promise<StartPlan> | null = null;
	sent: RunCommand[] = [];
	interrupts = 0;
	destroyed = false;

	get started(): boolean {
		return this.plan !== null;
	}
	start(plan: Promise<StartPlan>) {
		this.plan = plan;
	}
	send(command: RunCommand) {
		this.sent.push(command);
	}
	interrupt() {
		this.interrupts += 1;
	}
	/**
	 * Whether the host answers when asked, as a frame does until its process dies; one that does
	 * not is given up, as the frame is, and its runtime lost.
	 */
	answering = true;
	answers() {
		if (!this.answering) this.onlost?.('The Python runner stopped answering');
		return Promise.resolve(this.answering);
	}
	destroy() {
		this.destroyed = true;
	}
	/** Speak as the runner. */
	emit(data: unknown) {
		this.onmessage?.(data);
	}
	ready(extra: Record<string, unknown> = {}) {
		this.emit({ type: 'ready', python: '3.14.2', start_ms: 2000, interruptible: false, ...extra });
	}
	lastRun(): RunCommand {
		const run = this.sent.at(-1);
		if (!run) throw new Error('no run was sent');
		return run;
	}
}

/** A host factory that keeps every host it made, in order, in `hosts`. */
export function stubHosts(): { hosts: StubHost[]; createHost: HostFactory } {
	const hosts: StubHost[] = [];
	return {
		hosts,
		createHost: () => {
			const host = new StubHost();
			hosts.push(host);
			return host;
		}
	};
}

/** A result's payload as the worker sends it: the events as columns, nothing changed. */
export function payload(events: unknown[], changed: string[] = []) {
	return { trace: columnsOfJson(JSON.stringify(events)), changed };
}
