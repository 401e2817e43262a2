/**
 * SVG snapshots in the manner of Observable Plot's tests: render in Node, normalise (ids
 * renumbered, one element per line), compare with the committed file. A mismatch writes
 * `<name>-changed.svg` beside the original for a look; UPDATE_SNAPSHOTS=1 rewrites the originals.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHTML } from 'linkedom';

export const SNAPSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'snapshots');

export function nodeDocument(): Document {
	return parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
}

/** Renumber ids in order of appearance, and put one element on each line. */
export function normalizeSvg(svg: string): string {
	const ids = new Map<string, string>();
	for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
		if (!ids.has(match[1])) ids.set(match[1], `id${ids.size}`);
	}
	let out = svg.replace(/(\sid="|url\(#)([^")]+)/g, (all, head: string, id: string) =>
		ids.has(id) ? head + ids.get(id) : all
	);
	out = out.replace(/></g, '>\n<');
	return out.endsWith('\n') ? out : out + '\n';
}

export type SnapshotResult = { status: 'match' | 'written' } | { status: 'changed'; path: string };

export function compareSnapshot(name: string, svg: string): SnapshotResult {
	mkdirSync(SNAPSHOT_DIR, { recursive: true });
	const expectedPath = join(SNAPSHOT_DIR, `${name}.svg`);
	const changedPath = join(SNAPSHOT_DIR, `${name}-changed.svg`);
	const actual = normalizeSvg(svg);
	if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(expectedPath)) {
		writeFileSync(expectedPath, actual);
		rmSync(changedPath, { force: true });
		return { status: 'written' };
	}
	if (readFileSync(expectedPath, 'utf8') === actual) {
		rmSync(changedPath, { force: true });
		return { status: 'match' };
	}
	writeFileSync(changedPath, actual);
	return { status: 'changed', path: changedPath };
}
