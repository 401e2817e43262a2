/**
 * Memory snapshots end to end, on the runner's dev page (/dev/runner exposes `window.__runner`):
 * the first visit makes and stores a snapshot, a reload starts from it and says so, a corrupted
 * stored snapshot falls back to a full load that still runs code, and Stop restarts from it.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunnerStatus } from '../../src/lib/runner/client.svelte';
import { useE2E } from './harness';

const e2e = useE2E();
// The page's own watchdog stops runs after 10 s; on a loaded machine the first run after a
// restore can take longer than that, and this file tests start-up, not the watchdog.
const PAGE = '/dev/runner?watchdog=300000';
// A full load takes about 8 s on the two-core CI machine, a restore under 2 s: these guard hangs.
const READY_MS = 120_000;
const TEST_MS = 300_000;

interface RunnerWindow {
	__runner?: {
		status: RunnerStatus;
		run(source: string): Promise<{ kind: string; model?: { stdout: { text: string }[] } }>;
		stop(): void;
	};
}

async function ready(page: Page): Promise<RunnerStatus> {
	await page.waitForFunction(
		() => (window as RunnerWindow).__runner?.status.phase === 'ready',
		null,
		{ timeout: READY_MS, polling: 50 }
	);
	return page.evaluate(() => JSON.parse(JSON.stringify((window as RunnerWindow).__runner!.status)));
}

/** Runs `source` on the page's runner and returns its printed lines (or the outcome kind). */
async function run(page: Page, source: string): Promise<string[] | string> {
	return page.evaluate(async (code) => {
		const outcome = await (window as RunnerWindow).__runner!.run(code);
		return outcome.kind === 'finished' ? outcome.model!.stdout.map((l) => l.text) : outcome.kind;
	}, source);
}

interface Stored {
	key: string;
	length: number;
	created: number;
}

/**
 * The stored snapshot's key, length and time of storing, once the page has stored one (created
 * after `after`, when given). Polled: storing takes seconds after Python is ready.
 */
async function storedSnapshot(page: Page, after = 0): Promise<Stored> {
	const deadline = Date.now() + READY_MS;
	for (;;) {
		const stored = await page.evaluate(
			() =>
				new Promise<Stored | null>((resolve) => {
					const open = indexedDB.open('asyncio-playground-snapshots');
					open.onerror = () => resolve(null);
					open.onsuccess = () => {
						const db = open.result;
						if (!db.objectStoreNames.contains('snapshots')) {
							db.close();
							return resolve(null);
						}
						const all = db.transaction('snapshots').objectStore('snapshots').getAll();
						all.onsuccess = () => {
							const record = all.result[0] as Stored | undefined;
							db.close();
							resolve(
								record ? { key: record.key, length: record.length, created: record.created } : null
							);
						};
						all.onerror = () => resolve(null);
					};
				})
		);
		if (stored && stored.created > after) return stored;
		if (Date.now() > deadline) throw new Error('the page never stored a snapshot');
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Flips one byte in the middle of the stored snapshot, keeping its recorded length and hash. */
async function corruptStoredSnapshot(page: Page): Promise<void> {
	await page.evaluate(
		() =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('asyncio-playground-snapshots');
				open.onsuccess = () => {
					const tx = open.result.transaction('snapshots', 'readonly');
					const all = tx.objectStore('snapshots').getAll();
					all.onsuccess = async () => {
						const record = all.result[0] as { blob: Blob } | undefined;
						if (!record) return reject(new Error('no stored snapshot to corrupt'));
						const bytes = new Uint8Array(await record.blob.arrayBuffer());
						bytes[bytes.length >> 1] ^= 0xff;
						// A new transaction: this one ended while the bytes were read.
						const again = open.result.transaction('snapshots', 'readwrite');
						again.objectStore('snapshots').put({ ...record, blob: new Blob([bytes]) });
						again.oncomplete = () => {
							open.result.close();
							resolve();
						};
						again.onerror = () => reject(again.error);
					};
					tx.onerror = () => reject(tx.error);
				};
				open.onerror = () => reject(open.error);
			})
	);
}

const RANDOM = 'import random\nprint(random.random())\n';
const HELLO =
	'import asyncio\n\nasync def main():\n    await asyncio.sleep(1)\n    print("hello")\n\nasyncio.run(main())\n';

describe('memory snapshot', () => {
	// One browser context for the whole file: its IndexedDB carries the snapshot from visit to
	// visit, as a returning user's browser does. Each full load costs seconds, so it is shared.
	let page: Page;
	let first: RunnerStatus;
	beforeAll(async () => {
		page = (await e2e.open(PAGE)).page;
		first = await ready(page);
	}, TEST_MS);

	it(
		'first visit makes and stores one; a reload starts from it, with fresh randomness',
		async () => {
			expect(first.startup?.source).toBe('full');
			expect(first.detail).toMatch(/^Python 3\.\d+\.\d+ \(full load in \d+\.\d\d s\) ready$/);
			const stored = await storedSnapshot(page);
			expect(stored.key).toMatch(/^pyodide-314\.0\.7-[0-9a-f]{64}$/);
			expect(stored.length).toBeGreaterThan(10_000_000);

			await page.reload();
			const second = await ready(page);
			expect(second.startup).toMatchObject({ source: 'snapshot', note: '' });
			expect(second.detail).toMatch(/^Python 3\.\d+\.\d+ \(from snapshot in \d+\.\d\d s\) ready$/);
			expect(await run(page, HELLO)).toEqual(['hello']);
			const a = await run(page, RANDOM);

			await page.reload();
			expect((await ready(page)).startup?.source).toBe('snapshot');
			const b = await run(page, RANDOM);
			expect(a).toHaveLength(1);
			expect(b).toHaveLength(1);
			// Every restore starts from the same memory; reseeding makes the programs differ.
			expect(a).not.toEqual(b);
		},
		TEST_MS
	);

	it(
		'Stop on a runaway loop restarts from the snapshot, and the next run works',
		async () => {
			await page.reload();
			expect((await ready(page)).startup?.source).toBe('snapshot');
			const outcomes = await page.evaluate(async (hello) => {
				const runner = (window as RunnerWindow).__runner!;
				const sources: string[] = [];
				for (let i = 0; i < 2; i++) {
					const runaway = runner.run('while True:\n    pass\n');
					await new Promise((resolve) => setTimeout(resolve, 300));
					runner.stop();
					const stopped = await runaway;
					const next = await runner.run(hello);
					sources.push(`${stopped.kind}/${next.kind}/${runner.status.startup?.source}`);
				}
				return sources;
			}, HELLO);
			// The second Stop comes before a new spare could have loaded in full: it restored too.
			expect(outcomes).toEqual(['stopped/finished/snapshot', 'stopped/finished/snapshot']);
		},
		TEST_MS
	);

	it(
		'a corrupted stored snapshot is refused: a full load that says why, and code still runs',
		async () => {
			const before = await storedSnapshot(page);
			await corruptStoredSnapshot(page);

			await page.reload();
			const status = await ready(page);
			expect(status.startup?.source).toBe('full');
			expect(status.startup?.note).toMatch(/stored snapshot rejected: SHA-256 does not match/);
			expect(await run(page, HELLO)).toEqual(['hello']);
			// A fresh snapshot replaces the refused one, and the next visit uses it.
			const after = await storedSnapshot(page, before.created);
			expect(after.key).toBe(before.key);
			await page.reload();
			expect((await ready(page)).startup?.source).toBe('snapshot');
		},
		TEST_MS
	);
});
