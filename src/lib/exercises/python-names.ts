/**
 * The names a piece of Python source refers to, with comments and string literals left out, so
 * that `# don't use asyncio.gather here` or `print("gather")` does not count as using gather.
 * A small hand-written scanner, not a Python parser: it only needs to know where comments and
 * strings start and end, and to join `a.b.c` into one dotted reference.
 */

const STRING_PREFIX = /^(?:[rRbBuUfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;
const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_]/u;

/** Every dotted reference in the code, e.g. ["import", "asyncio", "asyncio.gather", "print"]. */
export function dottedReferences(source: string): string[] {
	const refs: string[] = [];
	let chain: string[] = [];
	// True right after a "." that follows a name, so the next name extends the chain.
	let afterDot = false;
	const endChain = () => {
		if (chain.length) refs.push(chain.join('.'));
		chain = [];
		afterDot = false;
	};

	let i = 0;
	const n = source.length;
	while (i < n) {
		const c = source[i];
		if (c === '#') {
			while (i < n && source[i] !== '\n') i++;
			continue;
		}
		if (c === '"' || c === "'") {
			endChain();
			i = skipString(source, i);
			continue;
		}
		if (IDENT_START.test(c)) {
			let j = i + 1;
			while (j < n && IDENT_PART.test(source[j])) j++;
			const word = source.slice(i, j);
			if ((source[j] === '"' || source[j] === "'") && STRING_PREFIX.test(word)) {
				endChain();
				i = skipString(source, j);
				continue;
			}
			if (!afterDot) endChain();
			chain.push(word);
			afterDot = false;
			i = j;
			continue;
		}
		if (/\d/.test(c)) {
			endChain();
			while (i < n && /[\w.]/.test(source[i])) i++;
			continue;
		}
		if (c === '.' && chain.length && !afterDot) {
			afterDot = true;
			i++;
			continue;
		}
		// Spaces and line continuations may sit inside `asyncio . gather`; anything else ends it.
		if (c === ' ' || c === '\t' || (c === '\\' && source[i + 1] === '\n')) {
			i += c === '\\' ? 2 : 1;
			continue;
		}
		// `foo().bar`: the chain ends at ")", and ".bar" still names bar.
		endChain();
		if (c === '.') afterDot = false;
		i++;
	}
	endChain();
	return refs;
}

/** Returns the index just past the string literal whose opening quote is at `start`. */
function skipString(source: string, start: number): number {
	const quote = source[start];
	const triple = source.startsWith(quote.repeat(3), start);
	const closer = triple ? quote.repeat(3) : quote;
	let i = start + closer.length;
	while (i < source.length) {
		const c = source[i];
		if (c === '\\') {
			i += 2;
			continue;
		}
		if (!triple && c === '\n') return i; // an unterminated one-line string ends at the line
		if (source.startsWith(closer, i)) return i + closer.length;
		i++;
	}
	return source.length;
}

/**
 * Whether the code refers to `name`: "gather" matches `gather(...)` and `asyncio.gather(...)`;
 * "asyncio.gather" matches only a reference ending in `asyncio.gather`.
 */
export function refersTo(references: readonly string[], name: string): boolean {
	const wanted = name.split('.');
	return references.some((ref) => {
		const parts = ref.split('.');
		if (parts.length < wanted.length) return false;
		const tail = parts.slice(parts.length - wanted.length);
		return tail.every((part, k) => part === wanted[k]);
	});
}
