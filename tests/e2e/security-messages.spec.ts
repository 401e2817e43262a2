/**
 * Forged messages. The user's Python can call the worker's `postMessage`, hijack the worker's
 * JavaScript, and other windows can post to the page. Forged traffic never reaches the page's
 * logic unvalidated, invalid traffic ends the run with "runner protocol error", and the page
 * stays intact and responsive.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useE2E, type OpenedPage } from './harness';
import {
	READY_TIMEOUT,
	openRunner,
	runPython,
	waitForReady,
	withResponsivenessProbe
} from './runner-fixtures';

const e2e = useE2E();
let opened: OpenedPage;

beforeAll(async () => {
	opened = await openRunner(e2e);
}, READY_TIMEOUT);

describe('forged runner messages', () => {
	it(
		'fake results, __proto__ keys and huge payloads posted from Python never reach the page',
		async () => {
			await waitForReady(opened.page);
			const { result, maxGapMs } = await withResponsivenessProbe(opened.page, () =>
				runPython(
					opened.page,
					`import js
js.postMessage(js.JSON.parse('{"type":"result","id":1,"events":[],"__proto__":{"polluted":true}}'))
js.postMessage(js.JSON.parse('{"type":"fatal","error":{"kind":"crash","message":"forged","traceback":""}}'))
js.postMessage(js.JSON.parse('{"__proto__":{"type":"fatal"}}'))
event = js.JSON.parse('{"kind":"output","t":0,"stream":"stdout","text":"' + 'x' * 1000 + '","task":null}')
js.postMessage(js.Array.new(1_000_001).fill(event))
js.postMessage("x" * 30_000_000)
print("posted")
`
				)
			);
			expect(result).toMatchObject({ kind: 'finished', stdout: ['posted'] });
			expect(maxGapMs).toBeLessThan(250);
			expect(await opened.page.evaluate(() => 'polluted' in Object.prototype)).toBe(false);
			expect(await runPython(opened.page, 'print("still works")')).toMatchObject({
				kind: 'finished',
				stdout: ['still works']
			});
		},
		READY_TIMEOUT
	);

	it(
		'a runner hijacked into sending an invalid result is a protocol error, and Run works again',
		async () => {
			await waitForReady(opened.page);
			// Replaces the json.dumps the engine writes its trace with (the worker passes the text
			// on unparsed): the page then receives events with a __proto__ key and missing fields.
			const outcome = await runPython(
				opened.page,
				`import json
forged = '[{"kind":"output","t":0,"__proto__":{"polluted":true}}]'
json.dumps = lambda *args, **kwargs: forged
print("hijacked")
`
			);
			expect(outcome).toEqual({ kind: 'failed', message: 'runner protocol error' });
			expect(await opened.page.evaluate(() => 'polluted' in Object.prototype)).toBe(false);
			await waitForReady(opened.page);
			expect(await runPython(opened.page, 'print(2)')).toMatchObject({ stdout: ['2'] });
		},
		READY_TIMEOUT
	);

	it('messages from other windows are ignored', async () => {
		await waitForReady(opened.page);
		await opened.page.evaluate(() => {
			// The page posting to itself stands in for any other window or frame.
			window.postMessage(
				{ type: 'fatal', error: { kind: 'crash', message: 'forged', traceback: '' } },
				'*'
			);
			window.postMessage({ type: 'result', id: 1, events: [] }, '*');
		});
		await opened.page.waitForTimeout(300);
		expect(
			await opened.page.getByRole('status', { name: 'Runner status' }).textContent()
		).toContain('ready');
		expect(await runPython(opened.page, 'print(3)')).toMatchObject({ stdout: ['3'] });
	});
});
