/**
 * The runner in the built site: Python starts in the sandbox frame, runs a program, Stop ends a
 * runaway loop and Run works again at once. Also logs the start-up and restart times.
 */
import { describe, expect, it } from 'vitest';
import { foreignRequests, useE2E, type OpenedPage } from './harness';
import { READY_TIMEOUT, runPython, waitForReady, waitForSpare } from './runner-fixtures';

const e2e = useE2E();

const GATHER = `import asyncio

async def say(n):
    await asyncio.sleep(n)
    print(n)

async def main():
    await asyncio.gather(say(1), say(2))

asyncio.run(main())
`;

describe('runner', () => {
	let opened: OpenedPage;

	it(
		'starts Python in a sandboxed frame without any request leaving our origin',
		async () => {
			const started = Date.now();
			opened = await e2e.open('/dev/runner');
			await waitForReady(opened.page);
			console.log(`[measure] page open to Python ready (cold): ${Date.now() - started} ms`);
			await waitForSpare(opened.page);
			const frame = await opened.page.$eval('iframe[title="Python runner"]', (f) => ({
				sandbox: f.getAttribute('sandbox'),
				// An opaque-origin frame hides its document from the page (and the page from it).
				readable: (f as HTMLIFrameElement).contentDocument !== null
			}));
			expect(frame).toEqual({ sandbox: 'allow-scripts', readable: false });
			expect(foreignRequests(opened.requests, e2e.site.origin)).toEqual([]);
		},
		READY_TIMEOUT
	);

	it(
		'starts the sandbox frame from the HTML, and the runner adopts it',
		async () => {
			// Without the app's scripts the frame still starts: prestart.js runs from the HTML.
			const bare = await e2e.open('/dev/runner', {
				beforeLoad: async (context) => {
					await context.route('**/_app/**', (route) => route.abort());
				}
			});
			const prestarted = await bare.page.waitForSelector('iframe#runner-frame', {
				state: 'attached'
			});
			expect(await prestarted.getAttribute('sandbox')).toBe('allow-scripts');

			// With them, that same element becomes the first runtime's frame (FrameHost titles it).
			const full = await e2e.open('/dev/runner', {
				beforeLoad: async (context) => {
					await context.addInitScript(() => {
						new MutationObserver((_, observer) => {
							const frame = document.getElementById('runner-frame');
							if (!frame) return;
							(window as { __prestarted?: Element }).__prestarted = frame;
							observer.disconnect();
						}).observe(document, { childList: true, subtree: true });
					});
				}
			});
			await waitForReady(full.page);
			const adopted = await full.page.evaluate(() => {
				const frame = (window as { __prestarted?: HTMLIFrameElement }).__prestarted;
				return frame ? { connected: frame.isConnected, title: frame.title } : null;
			});
			expect(adopted).toEqual({ connected: true, title: 'Python runner' });
		},
		READY_TIMEOUT
	);

	it('runs a program on the virtual clock', async () => {
		const outcome = await runPython(opened.page, GATHER);
		expect(outcome).toMatchObject({ kind: 'finished', stdout: ['1', '2'], error: null });
	});

	it('reports the user program’s exception as part of the run', async () => {
		const outcome = await runPython(opened.page, 'raise ValueError("boom")');
		expect(outcome).toMatchObject({
			kind: 'finished',
			error: { type: 'ValueError', message: 'boom' }
		});
	});

	it('cuts an output flood at the cap and says so', async () => {
		const outcome = await runPython(opened.page, 'for i in range(25_000):\n    print("x" * 10)');
		expect(outcome.kind).toBe('finished');
		if (outcome.kind !== 'finished') return;
		expect(outcome.notices.join(' ')).toMatch(/Output was cut off/);
		expect(outcome.stdout.join('').length).toBeLessThanOrEqual(200_000);
	});

	it(
		'Stop ends `while True: pass` and Run works again at once',
		async () => {
			const { page } = opened;
			// Let the warm spare finish loading first, as it has when a user presses Stop.
			await waitForSpare(page);
			// Every runtime is a worker of one sandbox frame: marked, to tell it from a new one.
			await page.$eval('iframe[title="Python runner"]', (f) => f.setAttribute('data-e2e', 'the'));
			const running = runPython(page, 'while True: pass');
			await page.waitForFunction(
				() => document.querySelector('[data-phase]')?.getAttribute('data-phase') === 'running'
			);
			const stoppedAt = Date.now();
			await page.getByRole('button', { name: 'Stop' }).click();
			expect(await running).toMatchObject({ kind: 'stopped' });
			const again = await runPython(page, 'print("again")');
			console.log(`[measure] Stop to next successful run: ${Date.now() - stoppedAt} ms`);
			expect(again).toMatchObject({ kind: 'finished', stdout: ['again'] });
			// The stopped runtime ended inside the frame, and its replacement started there too.
			await waitForSpare(page);
			const frames = await page.$$eval('iframe[title="Python runner"]', (all) =>
				all.map((f) => f.getAttribute('data-e2e'))
			);
			expect(frames).toEqual(['the']);
		},
		READY_TIMEOUT
	);

	it(
		'a sandbox frame that stops answering is replaced by a new one, and Run works again',
		async () => {
			const lost = await e2e.open('/dev/runner?watchdog=2000');
			const { page } = lost;
			await waitForReady(page);
			await waitForSpare(page);
			// As when the frame's process dies: its runtimes vanish without a word.
			await page.$eval('iframe[title="Python runner"]', (f) => {
				f.setAttribute('data-e2e', 'dead');
				f.remove();
			});
			const removed = Date.now();
			const unanswered = await runPython(page, 'print("into the void")');
			// The watchdog asks the frame before it blames the program; the frame never answers, so
			// it is given up 5 s later, and the run ends saying so, not as a runaway program.
			expect(unanswered).toEqual({
				kind: 'failed',
				message:
					'The Python runner stopped answering. A fresh Python is starting; your code is unchanged.'
			});
			console.log(`[measure] lost frame: the run ended ${Date.now() - removed} ms after the loss`);
			// Every runtime starts again in a new frame.
			await page.waitForFunction(
				() => document.querySelectorAll('iframe[title="Python runner"]').length === 1,
				null,
				{ timeout: 20_000, polling: 100 }
			);
			console.log(`[measure] lost frame: a new frame ${Date.now() - removed} ms after the loss`);
			await waitForReady(page);
			const startup = await page.evaluate(
				() =>
					(window as unknown as { __runner: { status: { startup?: unknown } } }).__runner.status
						.startup
			);
			console.log(`[measure] lost frame: Python ready again after ${Date.now() - removed} ms`);
			// A lost frame is not the snapshot's fault: the new runtime restores it.
			expect(startup).toMatchObject({ source: 'snapshot', note: '' });
			const again = await runPython(page, 'print("again")');
			expect(again).toMatchObject({ kind: 'finished', stdout: ['again'] });
			const marks = await page.$$eval('iframe[title="Python runner"]', (all) =>
				all.map((f) => f.getAttribute('data-e2e'))
			);
			expect(marks).toEqual([null]);
		},
		READY_TIMEOUT
	);

	it(
		'starts again after a reload (warm), handing the cached files to the frame',
		async () => {
			const { page } = opened;
			const before = e2e.site.requests.length;
			const started = Date.now();
			await page.reload();
			await waitForReady(page);
			console.log(`[measure] reload to Python ready (warm): ${Date.now() - started} ms`);
			const after = e2e.site.requests.slice(before).filter((r) => /pyodide|runner/.test(r.path));
			console.log(
				`[measure] requests on reload: ${after.map((r) => `${r.path} ${r.status}`).join(', ')}`
			);
			// The frame itself fetches only its page and script; the Pyodide files come from the page.
			const wasm = after.filter((r) => r.path.endsWith('pyodide.asm.wasm'));
			expect(wasm.length).toBeLessThanOrEqual(1);
			expect(await runPython(page, 'print(1 + 1)')).toMatchObject({ stdout: ['2'] });
		},
		READY_TIMEOUT
	);
});
