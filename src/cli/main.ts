/**
 * `asyncio-playground`: the command-line tool. This file only dispatches to a subcommand;
 * each one lives in its own module, loaded on demand so `--help` starts instantly.
 *
 * To add a subcommand, write `src/cli/<name>.ts` exporting `command: Command` (command.ts) and
 * add one line to `commands` below: `name: { summary: '...', load: () => import('./name') }`.
 */
import { EXIT_OK, EXIT_USAGE, UsageError, type Command, type Io } from './command';

interface CommandEntry {
	/** One line for the list of commands in `--help` (kept here so `--help` loads nothing). */
	summary: string;
	load: () => Promise<{ command: Command }>;
}

const commands: Record<string, CommandEntry> = {
	run: {
		summary: 'run a Python file: its output, virtual timings and a summary',
		load: () => import('./run')
	},
	check: {
		summary: "check a solution against an exercise's checks (built in, or a teacher's pack)",
		load: () => import('./check')
	},
	lint: {
		summary: 'prove a pack of exercises sound: solutions pass, starters fail',
		load: () => import('./lint')
	}
};

const PROGRAM = 'asyncio-playground';

export const processIo: Io = {
	out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
	err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)
};

function overview(): string {
	const lines = [
		`${PROGRAM}: run Python asyncio programs on a virtual clock and see every task.`,
		'',
		`usage: ${PROGRAM} <command> [options]`,
		`       ${PROGRAM} <command> --help`,
		'',
		'commands:'
	];
	for (const [name, entry] of Object.entries(commands)) {
		lines.push(`  ${name.padEnd(8)} ${entry.summary}`);
	}
	return lines.join('\n');
}

/** Run the tool with `args` (process.argv without node and the script); resolves to the exit status. */
export async function main(args: string[], io: Io = processIo): Promise<number> {
	const [name, ...rest] = args;
	if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
		const text = overview();
		if (name === undefined) {
			io.err(text);
			return EXIT_USAGE;
		}
		io.out(text);
		return EXIT_OK;
	}
	const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
	if (!entry) {
		io.err(`${PROGRAM}: unknown command "${name}"\n\n${overview()}`);
		return EXIT_USAGE;
	}
	const { command } = await entry.load();
	if (rest.includes('--help') || rest.includes('-h')) {
		io.out(command.usage);
		return EXIT_OK;
	}
	try {
		return await command.run(rest, io);
	} catch (error) {
		if (error instanceof UsageError) {
			const usage = error.showUsage ? `\n\n${command.usage}` : '';
			io.err(`${PROGRAM} ${name}: ${error.message}${usage}`);
			return EXIT_USAGE;
		}
		throw error;
	}
}
