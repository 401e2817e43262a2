/**
 * Whether two Python sources are the same program as a reader sees it: equal once comments,
 * blank lines and spacing are set aside. The example's note beside the chart keeps showing while
 * the learner only reflows or annotates the example, and gives way once the code does something
 * else. A text comparison, not a parse: strings keep their spaces and their `#`s.
 */
export function sameProgram(a: string, b: string): boolean {
	return programText(a) === programText(b);
}

/**
 * The source without comments or blank lines, each line's indentation kept (it is the block
 * structure) and every other space outside strings dropped unless it separates two words.
 */
export function programText(source: string): string {
	let out = '';
	let quote: string | null = null; // the open string's delimiter: ', ", ''' or """
	let lineStart = true;
	let pendingSpace = false;
	const isWord = (char: string | undefined) => char !== undefined && /\w/.test(char);
	for (let i = 0; i < source.length; i++) {
		const char = source[i];
		if (quote !== null) {
			if (char === '\\') {
				out += source.slice(i, i + 2);
				i++;
			} else if (source.startsWith(quote, i)) {
				out += quote;
				i += quote.length - 1;
				quote = null;
			} else if (char === '\n' && quote.length === 1) {
				quote = null; // an unterminated one-line string ends with its line
				out += '\n';
				lineStart = true;
			} else {
				out += char;
			}
			continue;
		}
		if (char === ' ' || char === '\t' || char === '\r') {
			if (lineStart) out += char;
			else pendingSpace = true;
			continue;
		}
		if (char === '#') {
			while (i + 1 < source.length && source[i + 1] !== '\n') i++;
			continue;
		}
		if (char === '\n') {
			out += '\n';
			lineStart = true;
			pendingSpace = false;
			continue;
		}
		if (pendingSpace && isWord(out.at(-1)) && isWord(char)) out += ' ';
		pendingSpace = false;
		lineStart = false;
		if (char === "'" || char === '"') {
			quote = source.startsWith(char.repeat(3), i) ? char.repeat(3) : char;
			out += quote;
			i += quote.length - 1;
		} else {
			out += char;
		}
	}
	return out
		.split('\n')
		.filter((line) => line.trim() !== '')
		.join('\n');
}
