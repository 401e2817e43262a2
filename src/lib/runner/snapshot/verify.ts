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

/** What the page records about snapshot bytes it received from a runner. */
export async function measureSnapshot(blob: Blob): Promise<SnapshotHandle> {
	const bytes = await blob.arrayBuffer();
	return { blob, length: bytes.byteLength, sha256: await sha256Hex(bytes) };
}

/**
 * Reads the handle's bytes and checks their length and SHA-256 against the page's record. The
 * sandbox frame does the same in plain JavaScript (frame.js): keep the two in step.
 */
export async function checkSnapshot(handle: SnapshotHandle): Promise<SnapshotCheck> {
	const bytes = await handle.blob.arrayBuffer();
	if (bytes.byteLength !== handle.length) {
		return { problem: `length ${bytes.byteLength} bytes, expected ${handle.length}` };
	}
	if ((await sha256Hex(bytes)) !== handle.sha256) return { problem: 'SHA-256 does not match' };
	return { bytes };
}
