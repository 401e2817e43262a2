/** What every subcommand of `asyncio-playground` provides, so main.ts can dispatch to it. */

/** Where a command writes; the real process streams, or strings in a test. */
export interface Io {
	out(text: string): void;
	err(text: string): void;
}

export interface Command {
	/** The command's own usage text, printed for `<command> --help` and after a usage error. */
	usage: string;
	/** Run with the arguments after the command name; resolves to the process exit status. */
	run(args: string[], io: Io): Promise<number>;
}

/** Exit statuses shared by every command. */
export const EXIT_OK = 0;
/** The program raised, deadlocked or hit a limit (or, for `check`, a check failed). */
export const EXIT_FAILED = 1;
/** Bad usage: an unknown flag, a missing argument, a file that cannot be read. */
export const EXIT_USAGE = 2;

/**
 * A usage error: main.ts prints the message (and the command's usage, unless the arguments were
 * well formed and only, say, the file is missing) and exits with status 2.
 */
export class UsageError extends Error {
	readonly showUsage: boolean;

	constructor(message: string, options: { showUsage?: boolean } = {}) {
		super(message);
		this.showUsage = options.showUsage ?? true;
	}
}
