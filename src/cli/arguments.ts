/** Reading what a command was given: its options and positionals, and the Python file it names. */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A command's arguments: its `options` and positionals, strictly; a mistake is a UsageError. */
export function parseCommandLine<O extends Options>(args: string[], options: O) {
	try {
		return parseArgs({ args, options, allowPositionals: true, strict: true });
	} catch (error) {
		// parseArgs' first sentence says what is wrong ("Unknown option '--bogus'"); the rest is
		// advice about '--' that rarely applies here.
		const message = (error as Error).message.split(/\.\s/)[0];
		throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1));
	}
}

/** The text of the Python file a command was given; a file it cannot read is a UsageError. */
export function readProgram(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const reason =
			code === 'ENOENT'
				? 'no such file'
				: code === 'EISDIR'
					? 'it is a directory'
					: code === 'EACCES'
						? 'permission denied'
						: (error as Error).message;
		throw new UsageError(`cannot read ${file}: ${reason}`, { showUsage: false });
	}
}
