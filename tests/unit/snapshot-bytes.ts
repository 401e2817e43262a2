/**
 * Stand-in snapshot bytes for the snapshot tests, and a check of what the page keeps of them.
 *
 * Snapshots are stored gzipped (verify.ts packSnapshot), and the store refuses anything whose
 * PACKED length is below MIN_SNAPSHOT_BYTES. Bytes of one value would pack to a few KB, so the
 * stand-ins are pseudo-random: they pack to slightly more than their own length.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { SnapshotHandle } from '../../src/lib/runner/protocol';

export const sha256 = (bytes: Uint8Array | string) =>
	createHash('sha256').update(bytes).digest('hex');

/**
 * `size` incompressible bytes, the same for the same seed (xorshift32), different for another:
 * tests tell snapshots apart by their seed.
 */
export function noise(size: number, seed = 1): Uint8Array<ArrayBuffer> {
	const key = `${size}:${seed}`;
	let made = generated.get(key);
	if (!made) generated.set(key, (made = xorshift(size, seed)));
	return made.slice(); // a copy: tests flip bytes in theirs
}

/** A MiB takes a few ms to generate, and the same one serves many tests. */
const generated = new Map<string, Uint8Array<ArrayBuffer>>();

function xorshift(size: number, seed: number): Uint8Array<ArrayBuffer> {
	const words = new Uint32Array(Math.ceil(size / 4));
	// Distinct small seeds give distinct non-zero states (an odd multiplier is invertible).
	let x = Math.imul(seed + 1, 0x9e3779b9);
	for (let i = 0; i < words.length; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		words[i] = x;
	}
	return new Uint8Array(words.buffer).slice(0, size);
}

/**
 * Checks that `handle` is what the page makes of `original`: a gzip Blob that unpacks to exactly
 * those bytes, with the length and SHA-256 of the packed bytes (what the runner's host checks).
 */
export async function expectPackedFrom(
	handle: SnapshotHandle | null | undefined,
	original: Uint8Array
): Promise<void> {
	if (!handle) throw new Error('no snapshot');
	expect(handle.blob).toBeInstanceOf(Blob);
	const packed = new Uint8Array(await handle.blob.arrayBuffer());
	expect(handle.length).toBe(packed.byteLength);
	expect(handle.sha256).toBe(sha256(packed));
	// gunzipSync throws on bytes that are not gzip, such as the runner's own bytes stored as-is.
	expect(gunzipSync(packed).equals(original)).toBe(true);
}
