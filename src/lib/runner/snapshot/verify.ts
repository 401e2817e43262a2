/**
 * A snapshot is interpreter memory that a runner will execute, so its bytes are measured by the
 * page when it first receives them and checked against that measurement before every restore.
 *
 * The page hands the stored Blob to the runner's host unread: reading and hashing 31.5 MB on the
 * page and copying it into the sandbox's process cost more than the restore itself. The host
 * checks it while the worker loads Pyodide's own code and sends the verdict as a `snapshot`
 * command (`snapshotVerdict`): the sandbox frame in production (sandbox/frame.ts, which has
 * WebCrypto where its blob: worker has none), WorkerHost in development. Both run this code: the
 * frame's script is built from it (sandbox/frame-script.ts).
 */
import type { SnapshotCommand, SnapshotHandle } from '../protocol';
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

/** Reads the handle's bytes and checks their length and SHA-256 against the page's record. */
export async function checkSnapshot(handle: SnapshotHandle): Promise<SnapshotCheck> {
	const bytes = await handle.blob.arrayBuffer();
	if (bytes.byteLength !== handle.length) {
		return { problem: `length ${bytes.byteLength} bytes, expected ${handle.length}` };
	}
	if ((await sha256Hex(bytes)) !== handle.sha256) return { problem: 'SHA-256 does not match' };
	return { bytes };
}

/**
 * The `snapshot` command for a runner told to restore `handle`: the checked bytes (for the caller
 * to transfer), or why they must not be restored. Never rejects.
 */
export async function snapshotVerdict(handle: SnapshotHandle): Promise<SnapshotCommand> {
	const check = await checkSnapshot(handle).catch((error: unknown) => ({
		problem: `could not be read: ${error instanceof Error ? error.message : String(error)}`
	}));
	return { type: 'snapshot', ...check };
}
