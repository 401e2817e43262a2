/**
 * A snapshot is interpreter memory that a runner will execute, so its bytes are measured by the
 * page when it first receives them and checked against that measurement before every restore.
 *
 * The page hands the stored Blob to the runner's host unread: reading and hashing 31.5 MB on the
 * page and copying it into the sandbox's process cost more than the restore itself. The host
 * checks it (the sandbox frame in production, static/runner/frame.js, which has WebCrypto where
 * its blob: worker has none; WorkerHost in development) while the worker loads Pyodide's own
 * code, and sends the verdict as a `snapshot` command.
 */
import type { SnapshotHandle } from '../protocol';
import { sha256Hex } from './key';

/** The bytes did not match what the page measured: a plain load replaces them. */
export class SnapshotRejected extends Error {
	override name = 'SnapshotRejected';
}

/** The bytes to restore, or why they must not be. */
export type SnapshotCheck = { bytes: ArrayBuffer } | { problem: string };

/**
 * What the page stores of a snapshot a runner made: gzipped (31.5 MB of interpreter memory is
 * about 6 MB packed, and every restore must read and hash what was stored, in the sandbox's own
 * process, which took up to 0.8 s for the unpacked bytes while the worker waited), with the
 * length and SHA-256 of the packed bytes, measured here by the page.
 */
export async function packSnapshot(snapshot: Blob): Promise<SnapshotHandle> {
	const packed = await new Response(
		snapshot.stream().pipeThrough(new CompressionStream('gzip'))
	).blob();
	const bytes = await packed.arrayBuffer();
	return { blob: packed, length: bytes.byteLength, sha256: await sha256Hex(bytes) };
}

/**
 * Reads the handle's packed bytes, checks their length and SHA-256 against the page's record and
 * unpacks them. The sandbox frame does the same in plain JavaScript (frame.js): keep the two in
 * step.
 */
export async function checkSnapshot(handle: SnapshotHandle): Promise<SnapshotCheck> {
	const packed = await handle.blob.arrayBuffer();
	if (packed.byteLength !== handle.length) {
		return { problem: `length ${packed.byteLength} bytes, expected ${handle.length}` };
	}
	if ((await sha256Hex(packed)) !== handle.sha256) return { problem: 'SHA-256 does not match' };
	try {
		const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
		return { bytes: await new Response(stream).arrayBuffer() };
	} catch {
		return { problem: 'could not be unpacked' };
	}
}
