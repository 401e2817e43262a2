/**
 * The status line's words: what the Python runner is doing, in one short phrase a learner can
 * read from the back of a room. Pure, so each phase's wording is tested.
 */

/** The runner's status, as RunnerClient publishes it. */
export interface RunnerStatus {
	phase: 'loading' | 'ready' | 'running' | 'restarting' | 'crashed';
	detail: string;
	progress: number | null;
}

/** What happened to the last run, as far as the status line cares. */
export type LastRun = 'none' | 'finished' | 'stopped' | 'restarted';

export interface StatusView {
	tone: 'busy' | 'ok' | 'warn' | 'error';
	text: string;
	/** 0..100 while loading with known progress, else null. */
	percent: number | null;
}

export function statusView(status: RunnerStatus | null, lastRun: LastRun): StatusView {
	if (!status) return { tone: 'busy', text: 'Starting Python…', percent: null };
	const percent =
		status.progress === null
			? null
			: Math.round(
					Math.min(100, Math.max(0, status.progress <= 1 ? status.progress * 100 : status.progress))
				);
	switch (status.phase) {
		case 'loading':
			return {
				tone: 'busy',
				// The runner's detail is already a phrase: "Downloading Python 4.1 / 13.5 MB".
				text: status.detail || 'Loading Python…',
				percent
			};
		case 'running':
			return { tone: 'busy', text: 'Running…', percent: null };
		case 'restarting':
			return {
				tone: 'warn',
				text: status.detail ? `Restarting Python: ${status.detail}` : 'Restarting Python…',
				percent: null
			};
		case 'crashed':
			return {
				tone: 'error',
				text: status.detail ? `Python crashed: ${status.detail}` : 'Python crashed',
				percent: null
			};
		case 'ready': {
			// The runner's detail is a sentence such as "Python 3.14.2 ready".
			const ready = status.detail || 'Python ready';
			if (lastRun === 'stopped') return { tone: 'warn', text: `Stopped · ${ready}`, percent: null };
			if (lastRun === 'restarted')
				return { tone: 'warn', text: `Restarted · ${ready}`, percent: null };
			return { tone: 'ok', text: ready, percent: null };
		}
		default: {
			const unknown: never = status.phase;
			return { tone: 'error', text: String(unknown), percent: null };
		}
	}
}
