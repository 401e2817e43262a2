/** Node only: read the examples from disk, for the command-line tool and scripts outside Vite. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExample, sortExamples, type Example } from './parse';

/** The folder holding the example .py files. */
export const examplesDir = fileURLToPath(new URL('.', import.meta.url));

export function readExamples(dir: string = examplesDir): Example[] {
	const names = readdirSync(dir).filter((name) => /^\d+-[\w-]+\.py$/.test(name));
	return sortExamples(
		names.map((name) => parseExample(name, readFileSync(join(dir, name), 'utf8')))
	);
}
