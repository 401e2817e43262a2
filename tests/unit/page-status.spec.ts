import { describe, expect, it } from 'vitest';
import { statusView } from '../../src/lib/ui/status';
import { downloadProgress } from '../../src/lib/runner/pyodide-files';

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

describe('downloadProgress', () => {
	it('says how much of the download is done and, after half a second, how fast it goes', () => {
		expect(downloadProgress({ loaded: 4.1e6, total: 13.5e6, elapsedMs: 200 })?.message).toBe(
			'Downloading Python 4.1 / 13.5 MB'
		);
		const later = downloadProgress({ loaded: 6e6, total: 12e6, elapsedMs: 2000 });
		expect(later?.message).toBe('Downloading Python 6.0 / 12.0 MB · 3.0 MB/s');
		expect(later?.progress).toBe(0.25);
		expect(downloadProgress({ loaded: 1, total: null, elapsedMs: 900 })).toBeNull();
	});
});
