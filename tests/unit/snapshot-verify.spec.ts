/**
 * The page measures a runner's snapshot once (measureSnapshot); the runner's host checks the
 * stored bytes against that measurement before every restore (checkSnapshot).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	checkSnapshot,
	measureSnapshot,
	SnapshotRejected
} from '../../src/lib/runner/snapshot/verify';

function bytes(size = 70_000): Uint8Array<ArrayBuffer> {
	return new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
}

describe('measureSnapshot', () => {
	it('records the length and SHA-256 of the bytes, and keeps the Blob itself', async () => {
		const data = bytes();
		const blob = new Blob([data]);
		const handle = await measureSnapshot(blob);
		expect(handle.blob).toBe(blob);
		expect(handle.length).toBe(data.byteLength);
		expect(handle.sha256).toBe(createHash('sha256').update(data).digest('hex'));
	});
});

describe('checkSnapshot', () => {
	it('passes measured bytes, handing back the same bytes', async () => {
		const data = bytes();
		const verdict = await checkSnapshot(await measureSnapshot(new Blob([data])));
		if (!('bytes' in verdict)) throw new Error(`rejected: ${verdict.problem}`);
		expect(Buffer.from(verdict.bytes).equals(Buffer.from(data))).toBe(true);
	});

	it('rejects bytes with one bit flipped since they were measured', async () => {
		const data = bytes();
		const handle = await measureSnapshot(new Blob([data]));
		const flipped = data.slice();
		flipped[12_345] ^= 1;
		expect(await checkSnapshot({ ...handle, blob: new Blob([flipped]) })).toEqual({
			problem: 'SHA-256 does not match'
		});
	});

	it('rejects bytes of another length, saying both lengths', async () => {
		const data = bytes();
		const handle = await measureSnapshot(new Blob([data]));
		const truncated = new Blob([data.subarray(0, data.byteLength - 1)]);
		expect(await checkSnapshot({ ...handle, blob: truncated })).toEqual({
			problem: `length ${data.byteLength - 1} bytes, expected ${data.byteLength}`
		});
		// A record whose length is wrong fails on the length, before any hashing.
		expect(await checkSnapshot({ ...handle, length: handle.length + 1 })).toEqual({
			problem: `length ${data.byteLength} bytes, expected ${data.byteLength + 1}`
		});
	});

	it('rejects a record with the right length but another hash', async () => {
		const handle = await measureSnapshot(new Blob([bytes()]));
		expect(await checkSnapshot({ ...handle, sha256: '0'.repeat(64) })).toEqual({
			problem: 'SHA-256 does not match'
		});
	});
});

describe('SnapshotRejected', () => {
	it('is an Error with its own name, so boot can tell it from a failed restore', () => {
		const error = new SnapshotRejected('SHA-256 does not match');
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('SnapshotRejected');
		expect(error.message).toBe('SHA-256 does not match');
	});
});
