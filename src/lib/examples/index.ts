/**
 * The built-in examples, one Python file each in this folder (see parse.ts for the format).
 * Vite inlines the files at build time; Node code (the command-line tool) uses read-examples.ts instead,
 * because import.meta.glob exists only under Vite and vitest.
 */
import { parseExample, sortExamples, type Example } from './parse';

export { parseExample, slugOf, type Example } from './parse';

const files = import.meta.glob('./*.py', {
	query: '?raw',
	import: 'default',
	eager: true
}) as Record<string, string>;

export const examples: Example[] = sortExamples(
	Object.entries(files).map(([path, text]) => parseExample(path, text))
);

/** The example shown on first load: gather versus one by one. */
export const firstExample: Example = examples[0];

export function exampleBySlug(slug: string): Example | undefined {
	return examples.find((example) => example.slug === slug);
}
