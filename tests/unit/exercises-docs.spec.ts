import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/lib/exercises/checks';

const docs = readFileSync(new URL('../../docs/exercises.md', import.meta.url), 'utf8');

describe('docs/exercises.md', () => {
	it('documents every check with its syntax', () => {
		// Prettier pads table cells, so the syntax is followed by any run of spaces.
		const rows = docs.split('\n').map((line) => line.replace(/\s+\|/g, ' |'));
		for (const kind of Object.values(CHECKS)) {
			expect(rows.some((row) => row.startsWith(`| \`${kind.syntax}\` |`))).toBe(true);
		}
	});

	it('documents no check that does not exist', () => {
		const documented = [...docs.matchAll(/^\| `([a-z-]+)[:`]/gm)].map((match) => match[1]);
		expect(documented.sort()).toEqual(Object.keys(CHECKS).sort());
	});
});
