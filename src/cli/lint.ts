/**
 * `asyncio-playground lint PACK`: proves a teacher's pack is ready to hand out, exactly as the
 * built-in exercises are proven by their tests: it parses (every mistake as `file:line: what is
 * wrong`, the page's own messages), every solution passes every check, every starter fails at
 * least one, and every prediction question can be answered from the starter's run.
 */
import { analyzeRun } from '../lib/engine/analyze';
import { lintExercise } from '../lib/exercises/lint';
import { plural } from '../lib/engine/format';
import { parseCommandLine } from './arguments';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type Io } from './command';
import { openPack } from './pack-argument';

const usage = `usage: asyncio-playground lint PACK

Checks a pack of exercises (a Markdown file, a zip of them or a folder of them; the format is
docs/exercises.md): it must parse, each solution must pass every check, each starter must fail
at least one, and each prediction question must be answerable from the starter's run. Runs
every solution and starter on the virtual clock.

options:
  -h, --help    show this help

exit status: 0 the pack is sound; 1 it has problems (each printed as file:line: what is wrong);
2 bad usage (no such file).`;

export const command: Command = {
	usage,
	async run(args: string[], io: Io): Promise<number> {
		const { positionals } = parseCommandLine(args, {});
		if (positionals.length !== 1) {
			throw new UsageError(
				positionals.length === 0
					? 'which pack? Give the path of a .md or .zip file'
					: 'one pack at a time'
			);
		}
		const opened = openPack(positionals[0]);
		if ('mistake' in opened) {
			io.err(opened.mistake);
			return EXIT_FAILED;
		}
		const { pack } = opened;
		const { createCliEngine } = await import('./runtime');
		const engine = await createCliEngine();
		const run = (source: string) => analyzeRun(engine.run(source));

		io.out(`${pack.title}: ${plural(pack.exercises.length, 'exercise')}`);
		let unsound = 0;
		for (const exercise of pack.exercises) {
			const problems = lintExercise(exercise, run);
			if (problems.length === 0) {
				io.out(`  ✓ ${exercise.slug}`);
				continue;
			}
			unsound++;
			io.out(`  ✗ ${exercise.slug}`);
			io.out(problems.join('\n'));
		}
		io.out(
			unsound === 0
				? `All ${plural(pack.exercises.length, 'exercise')} sound.`
				: `${unsound} of ${plural(pack.exercises.length, 'exercise')} with problems.`
		);
		return unsound === 0 ? EXIT_OK : EXIT_FAILED;
	}
};
