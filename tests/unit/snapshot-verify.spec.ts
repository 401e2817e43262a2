/**
 * The page packs and measures a runner's snapshot once (packSnapshot); the runner's host checks
 * the stored packed bytes against that measurement and unpacks them before every restore
 * (checkSnapshot).
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SnapshotHandle } from '../../src/lib/runner/protocol';
import {
	checkSnapshot,
	packSnapshot,
	SnapshotRejected
} from '../../src/lib/runner/snapshot/verify';
import { expectPackedFrom, noise, sha256 } from './snapshot-bytes';

/** Repetitive, like much of a real snapshot's memory: packs to a small fraction. */
function bytes(size = 70_000): Uint8Array<ArrayBuffer> {
	return new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
}

async function packedBytes(handle: SnapshotHandle): Promise<Uint8Array<ArrayBuffer>> {
	return new Uint8Array(await handle.blob.arrayBuffer());
}

describe('packSnapshot', () => {
	it('gzips the bytes, recording the length and SHA-256 of the packed bytes', async () => {
		const data = bytes();
		const blob = new Blob([data]);
		const handle = await packSnapshot(blob);
		expect(handle.blob).not.toBe(blob);
		await expectPackedFrom(handle, data);
		// Packed for real, not merely wrapped in gzip's framing.
		expect(handle.length).toBeLessThan(data.byteLength / 10);
	});

	it('packs incompressible bytes too, to about their own length', async () => {
		const data = noise(200_000, 4);
		const handle = await packSnapshot(new Blob([data]));
		await expectPackedFrom(handle, data);
		expect(handle.length).toBeGreaterThanOrEqual(data.byteLength);
		expect(handle.length).toBeLessThan(data.byteLength * 1.01);
	});
});

describe('checkSnapshot', () => {
	it('passes packed bytes as measured, handing back the original unpacked bytes', async () => {
		const data = bytes();
		const verdict = await checkSnapshot(await packSnapshot(new Blob([data])));
		if (!('bytes' in verdict)) throw new Error(`rejected: ${verdict.problem}`);
		expect(verdict.bytes).toBeInstanceOf(ArrayBuffer);
		expect(Buffer.from(verdict.bytes).equals(Buffer.from(data))).toBe(true);
	});

	it('rejects packed bytes with one bit flipped since they were measured', async () => {
		const handle = await packSnapshot(new Blob([bytes()]));
		const flipped = await packedBytes(handle);
		flipped[Math.floor(flipped.byteLength / 2)] ^= 1;
		expect(await checkSnapshot({ ...handle, blob: new Blob([flipped]) })).toEqual({
			problem: 'SHA-256 does not match'
		});
	});

	it('rejects packed bytes of another length, saying both lengths', async () => {
		const handle = await packSnapshot(new Blob([bytes()]));
		const packed = await packedBytes(handle);
		const truncated = new Blob([packed.subarray(0, packed.byteLength - 1)]);
		expect(await checkSnapshot({ ...handle, blob: truncated })).toEqual({
			problem: `length ${packed.byteLength - 1} bytes, expected ${packed.byteLength}`
		});
		// A record whose length is wrong fails on the length, before any hashing.
		expect(await checkSnapshot({ ...handle, length: handle.length + 1 })).toEqual({
			problem: `length ${packed.byteLength} bytes, expected ${packed.byteLength + 1}`
		});
	});

	it('rejects a record with the right length but another hash', async () => {
		const handle = await packSnapshot(new Blob([bytes()]));
		expect(await checkSnapshot({ ...handle, sha256: '0'.repeat(64) })).toEqual({
			problem: 'SHA-256 does not match'
		});
	});

	it('rejects measured bytes that are not gzip (stored unpacked, as before format 2)', async () => {
		const data = bytes();
		const unpacked = { blob: new Blob([data]), length: data.byteLength, sha256: sha256(data) };
		expect(await checkSnapshot(unpacked)).toEqual({ problem: 'could not be unpacked' });
	});

	it('rejects measured gzip that is cut short', async () => {
		// Gzip of incompressible bytes: the cut falls inside the data, not in its framing.
		const handle = await packSnapshot(new Blob([noise(100_000, 6)]));
		const cut = (await packedBytes(handle)).slice(0, 50_000);
		expect(() => gunzipSync(cut)).toThrow();
		const truncated = { blob: new Blob([cut]), length: cut.byteLength, sha256: sha256(cut) };
		expect(await checkSnapshot(truncated)).toEqual({ problem: 'could not be unpacked' });
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
