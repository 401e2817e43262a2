/**
 * Where the page is cross-origin isolated (served with COOP/COEP), Stop interrupts Python in
 * place through Pyodide's interrupt buffer, reports the line, and keeps the runtime.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useE2E, type OpenedPage } from './harness';
import { READY_TIMEOUT, openRunner, runPython } from './runner-fixtures';

const e2e = useE2E({ crossOriginIsolated: true });
let opened: OpenedPage;

beforeAll(async () => {
	opened = await openRunner(e2e);
}, READY_TIMEOUT);

describe('interrupt buffer', () => {
	it('the runner is interruptible when the page is cross-origin isolated', async () => {
		expect(
			await opened.page.evaluate(() => ({
				isolated: crossOriginIsolated,
				interruptible: (window as unknown as { __runner: { interruptible: boolean } }).__runner
					.interruptible
			}))
		).toEqual({ isolated: true, interruptible: true });
	});

	it('Stop interrupts `while True: pass` at its line and the same runtime runs again', async () => {
		const { page } = opened;
		const frames = () => page.locator('iframe[title="Python runner"]').count();
		const framesBefore = await frames();
		const running = runPython(page, 'while True: pass');
		await page.waitForFunction(
			() => document.querySelector('[data-phase]')?.getAttribute('data-phase') === 'running'
		);
		// The page says "running" when it hands the run over; the program itself starts after the
		// worker's pre-run checks. On a loaded CI machine 300 ms was sometimes before it, and a
		// Stop that lands before the program ends it with nothing to show (partial: false).
		await page.waitForTimeout(1_500);
		const stoppedAt = Date.now();
		await page.getByRole('button', { name: 'Stop' }).click();
		const outcome = await running;
		// Python took the interrupt: it names the line, and it answered well within the 3 s the
		// page waits before it ends the worker instead (where the line is unknown).
		expect(Date.now() - stoppedAt).toBeLessThan(2_000);
		expect(outcome).toMatchObject({
			kind: 'stopped',
			partial: true,
			line: 1,
			reason: 'Stopped. (at line 1)'
		});
		const again = await runPython(page, 'print("after interrupt")');
		console.log(`[measure] interrupt Stop to next successful run: ${Date.now() - stoppedAt} ms`);
		expect(again).toMatchObject({ kind: 'finished', stdout: ['after interrupt'] });
		expect(await frames()).toBe(framesBefore);
	});
});
