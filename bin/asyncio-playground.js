#!/usr/bin/env node
// The tool is written in TypeScript (src/cli). tsx's loader compiles it on the fly, so it works
// straight from a clone after `npm install`, with no build step. tsconfig.node.json gives it the
// `$lib` alias without SvelteKit's generated files.
import { register } from 'tsx/esm/api';

register({ tsconfig: new URL('../tsconfig.node.json', import.meta.url).pathname });
// `asyncio-playground ... | head` closes the pipe early: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EPIPE') process.exit(0);
	throw error;
});
// A URL rather than a literal path: TypeScript's checkJs would reject importing a .ts file.
const entry = new URL('../src/cli/main.ts', import.meta.url).href;
/** @type {{ main(args: string[]): Promise<number> }} */
const cli = await import(entry);
process.exitCode = await cli.main(process.argv.slice(2));
