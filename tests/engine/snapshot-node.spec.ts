/**
 * bootNodeRuntime: the first start caches a snapshot, the next restores it, and a damaged cache
 * file is refused and replaced by a plain load.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/lib/engine/events';
import { pythonSources } from '../../src/lib/engine/python-sources';
import { bootNodeRuntime } from '../../src/lib/runner/snapshot/node-cache';

const cacheDir = mkdtempSync(join(tmpdir(), 'snapshot-node-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const PROGRAM =
	'import asyncio\nasync def main():\n    await asyncio.sleep(2)\n    print("done")\nasyncio.run(main())\n';

function printed(events: TraceEvent[]): string[] {
	return events.flatMap((e) => (e.kind === 'output' ? [e.text] : []));
}

function snapshotFile(): string {
	const bin = readdirSync(cacheDir).filter((name) => name.endsWith('.bin'));
	expect(bin).toHaveLength(1);
	return join(cacheDir, bin[0]);
}

describe('bootNodeRuntime', () => {
	it('caches a snapshot on the first start and restores it on the next', async () => {
		const first = await bootNodeRuntime({ sources: pythonSources, cacheDir });
		expect(first.source).toBe('full');
		expect(first.notes).toEqual(['no cached snapshot']);
		expect(printed(first.engine.run(PROGRAM))).toEqual(['done']);
		const file = snapshotFile();
		const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { length: number };
		expect(meta.length).toBe(readFileSync(file).length);

		const second = await bootNodeRuntime({ sources: pythonSources, cacheDir });
		expect(second.source).toBe('snapshot');
		expect(second.notes).toEqual([]);
		expect(printed(second.engine.run(PROGRAM))).toEqual(['done']);
	});

	it('refuses a damaged cache file, loads in full, and caches a good one again', async () => {
		const file = snapshotFile();
		const bytes = readFileSync(file);
		bytes[bytes.length >> 1] ^= 0xff;
		writeFileSync(file, bytes);

		const booted = await bootNodeRuntime({ sources: pythonSources, cacheDir });
		expect(booted.source).toBe('full');
		expect(booted.notes).toEqual(['cached snapshot SHA-256 does not match']);
		expect(printed(booted.engine.run(PROGRAM))).toEqual(['done']);
		expect(readFileSync(snapshotFile()).equals(bytes)).toBe(false);
	});

	it('keys the cache by the engine sources: edited sources miss it', async () => {
		const edited = { ...pythonSources, 'playground/zz_extra.py': '"""An extra module."""\n' };
		const booted = await bootNodeRuntime({ sources: edited, cacheDir });
		expect(booted.source).toBe('full');
		expect(booted.notes[0]).toBe('no cached snapshot');
		expect(readdirSync(cacheDir).filter((name) => name.endsWith('.bin'))).toHaveLength(2);
	});
});
