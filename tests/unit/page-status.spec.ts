import { describe, expect, it } from 'vitest';
import { statusView } from '../../src/lib/ui/status';

describe('statusView', () => {
	it('shows loading progress as a percentage', () => {
		expect(
			statusView(
				{ phase: 'loading', detail: 'Downloading Python 4.1 / 12.3 MB', progress: 0.33 },
				'none'
			)
		).toEqual({
			tone: 'busy',
			text: 'Downloading Python 4.1 / 12.3 MB',
			percent: 33
		});
	});

	it('says ready with the runner’s words', () => {
		expect(
			statusView({ phase: 'ready', detail: 'Python 3.14.2 ready', progress: null }, 'finished')
		).toMatchObject({
			tone: 'ok',
			text: 'Python 3.14.2 ready'
		});
	});

	it('says stopped, then restarted, after a Stop or a crash', () => {
		const ready = { phase: 'ready', detail: 'Python 3.14.2 ready', progress: null } as const;
		expect(statusView(ready, 'stopped').text).toMatch(/^Stopped/);
		expect(statusView(ready, 'restarted').text).toMatch(/^Restarted/);
	});

	it('reports running, restarting and a crash', () => {
		expect(statusView({ phase: 'running', detail: '', progress: null }, 'none').text).toBe(
			'Running…'
		);
		expect(statusView({ phase: 'restarting', detail: '', progress: null }, 'none').tone).toBe(
			'warn'
		);
		const crashed = statusView(
			{ phase: 'crashed', detail: 'out of memory', progress: null },
			'none'
		);
		expect(crashed).toMatchObject({ tone: 'error', text: 'Python crashed: out of memory' });
	});
});
