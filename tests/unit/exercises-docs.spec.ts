import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/lib/exercises/checks';
import { PREDICTIONS } from '../../src/lib/exercises/predictions';

const docs = readFileSync(new URL('../../docs/exercises.md', import.meta.url), 'utf8');

describe('docs/exercises.md', () => {
	it('documents every check with its syntax', () => {
		// Prettier pads table cells, so the syntax is followed by any run of spaces.
		const rows = docs.split('\n').map((line) => line.replace(/\s+\|/g, ' |'));
		for (const kind of Object.values(CHECKS)) {
			expect(rows.some((row) => row.startsWith(`| \`${kind.syntax}\` |`))).toBe(true);
		}
	});

	it('documents no check or question that does not exist', () => {
		const documented = [...docs.matchAll(/^\| `([a-z-]+)[:`]/gm)].map((match) => match[1]);
		expect(documented.sort()).toEqual([...Object.keys(CHECKS), ...Object.keys(PREDICTIONS)].sort());
	});

	it('documents every prediction question with its syntax', () => {
		const rows = docs.split('\n').map((line) => line.replace(/\s+\|/g, ' |'));
		for (const kind of Object.values(PREDICTIONS)) {
			expect(rows.some((row) => row.startsWith(`| \`${kind.syntax}\` |`))).toBe(true);
		}
	});
});
