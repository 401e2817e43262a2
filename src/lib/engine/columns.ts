/**
 * The trace as columns: a compact form of an event list that crosses a thread or process
 * boundary as a few typed arrays (moved with a transfer list, not cloned object by object) and
 * one string table, and that the receiver checks in one pass over the arrays.
 *
 * The layout is not written down beside the contract: it is read from the trace's validators
 * (events.ts, through the metadata every validator carries, validate.ts). The events are walked
 * in order, and each value goes to one stream:
 * - `kinds`: each event's kind, as its index among the union's variants;
 * - `integers`: every number, every list's length and every literal (as its index among the
 *   literal's values), in the order the schema names them; a number that is not a 32-bit integer
 *   (a time of 0.1, -0, a huge count) is ESCAPE here and its float64 is next in `floats`;
 * - `flags`: for every optional or nullable value, 1 when it is there, 0 when it is absent or null;
 * - `strings`: every string, as its index in the string table;
 * - the string table: every distinct string once, joined into `text`, with where each `ends`.
 *
 * `decodeColumns` is the page's side, and the columns are hostile: it reads every stream with a
 * cursor that may not pass the stream's end, applies to every value exactly the checks the
 * validator applies (ranges, integers, lengths, literals, list sizes, the handle facts' records),
 * spends the same work budget per value, and refuses columns with anything left over. What it
 * returns is what `traceValidator` would return for the same events: the trace contract test
 * (tests/engine/contract.spec.ts) checks that on every example and exercise, and the unit tests
 * fuzz the decoder and check that whatever it accepts, the object validator accepts too.
 */
import {
	Budget,
	object,
	string,
	typedArray,
	ValidationError,
	type Infer,
	type Validator
} from '$lib/validate';
import { TRACE_LIMITS, traceEventValidator, type TraceEvent } from './events';

/** In `integers`: this number is the next of `floats`. */
export const ESCAPE = -0x80000000;

const STREAMS = ['kinds', 'integers', 'floats', 'flags', 'strings', 'ends'] as const;

/** The buffers a columns object holds, for a transfer list. */
export function columnBuffers(columns: TraceColumns): ArrayBuffer[] {
	return STREAMS.map((name) => columns[name].buffer as ArrayBuffer);
}

export const COLUMN_LIMITS = {
	/** Most values in one stream: 256 MB of float64. */
	maxValues: 32 * 1024 * 1024,
	/**
	 * Longest string table, in characters: every distinct string of a trace once. The engine's
	 * caps allow about 2 M characters of output and short text, and a few tracebacks of 1 M.
	 */
	maxText: 64 * 1024 * 1024,
	/**
	 * Work units for one trace, as the object validator counts them (one per value, one per 16
	 * characters of each string where it is used): a string is stored once but counted at every
	 * use, so one long string named a million times is refused as its copies would be.
	 */
	budget: 40_000_000
} as const;

/** The streams' containers: their classes and sizes, checked before a value is read. */
export const traceColumnsValidator = object({
	kinds: typedArray(Uint8Array, COLUMN_LIMITS.maxValues),
	integers: typedArray(Int32Array, COLUMN_LIMITS.maxValues),
	floats: typedArray(Float64Array, COLUMN_LIMITS.maxValues),
	flags: typedArray(Uint8Array, COLUMN_LIMITS.maxValues),
	strings: typedArray(Uint32Array, COLUMN_LIMITS.maxValues),
	/** The string table: every distinct string, joined. */
	text: string(COLUMN_LIMITS.maxText),
	/** Where each string of the table ends in `text` (the first starts at 0). */
	ends: typedArray(Uint32Array, COLUMN_LIMITS.maxValues)
});

export type TraceColumns = Infer<typeof traceColumnsValidator>;

export type ColumnsResult = { events: TraceEvent[]; truncated: boolean } | { error: string };

// ---- the layout, read from the validators ----------------------------------------------------

type Layout =
	| { type: 'number'; min: number; max: number; integer: boolean }
	| { type: 'string'; maxLength: number }
	| { type: 'literal'; values: readonly unknown[] }
	| { type: 'nullable'; inner: Layout }
	| {
			type: 'list';
			item: Layout;
			maxItems: number;
			/** A list validator with checks beyond its items (the handle facts), run on the list read. */
			whole: Validator<unknown> | null;
	  }
	| { type: 'object'; fields: Field[] };

interface Field {
	key: string;
	/** Where the field is in its event, for errors: "awaiting.task". */
	path: string;
	optional: boolean;
	layout: Layout;
	/** The value every event of a variant has here (its kind), written to no stream. */
	fixed?: unknown;
}

type Meta = Partial<{
	shape: Record<string, Validator<unknown> | { optional: Validator<unknown> }>;
	item: Validator<unknown>;
	maxItems: number;
	inner: Validator<unknown>;
	values: readonly unknown[];
	maxLength: number;
	range: { min: number; max: number; integer: boolean };
}>;

function layoutOf(validator: Validator<unknown>, path: string): Layout {
	const meta = validator as Meta;
	if (meta.range) return { type: 'number', ...meta.range };
	if (meta.maxLength !== undefined) return { type: 'string', maxLength: meta.maxLength };
	if (meta.values) return { type: 'literal', values: meta.values };
	if (meta.inner) return { type: 'nullable', inner: layoutOf(meta.inner, path) };
	if (meta.item) {
		const item = layoutOf(meta.item, `${path}[]`);
		// A list validator made by array() says its size; any other checks its whole list itself.
		if (meta.maxItems !== undefined) {
			return { type: 'list', item, maxItems: meta.maxItems, whole: null };
		}
		// Its items are read as bare numbers and handed to it: a list of anything else would need
		// its own reading.
		if (item.type !== 'number') throw new Error(`the list at ${path} is not of numbers`);
		return { type: 'list', item, maxItems: COLUMN_LIMITS.maxValues, whole: validator };
	}
	if (meta.shape) {
		const fields = Object.entries(meta.shape).map(([key, field]): Field => {
			const optional = 'optional' in field;
			const inner = optional ? field.optional : field;
			const fieldPath = path ? `${path}.${key}` : key;
			return { key, path: fieldPath, optional, layout: layoutOf(inner, fieldPath) };
		});
		return { type: 'object', fields };
	}
	throw new Error(`the trace's columns have no layout for ${path}`);
}

const KIND_KEY = traceEventValidator.key;
const KIND_NAMES = Object.keys(traceEventValidator.variants) as TraceEvent['kind'][];

/** Each kind's fields, in the validator's order; the kind itself is `fixed`. */
const VARIANTS: Field[][] = KIND_NAMES.map((kind) => {
	const layout = layoutOf(traceEventValidator.variants[kind] as Validator<unknown>, '');
	if (layout.type !== 'object') throw new Error(`event ${kind} is not an object`);
	return layout.fields.map((field) => (field.key === KIND_KEY ? { ...field, fixed: kind } : field));
});

const KIND_CODES = new Map<string, number>(KIND_NAMES.map((kind, code) => [kind, code]));

// ---- encoding (the worker's side) ------------------------------------------------------------

/** The events could not be laid out: they do not have the contract's shape. */
export class ColumnsError extends Error {
	override name = 'ColumnsError';
}

type TypedArray = Int32Array | Float64Array | Uint8Array | Uint32Array;

/** A stream being written: a typed array that doubles when full (no list of boxed numbers). */
class Stream<T extends TypedArray> {
	length = 0;

	constructor(
		private array: T,
		private readonly make: (length: number) => T
	) {}

	push(value: number): void {
		if (this.length === this.array.length) {
			const bigger = this.make(this.array.length * 2);
			bigger.set(this.array);
			this.array = bigger;
		}
		this.array[this.length++] = value;
	}

	/** The values written, in an array of their own size (its buffer is moved, so not shared). */
	done(): T {
		return this.array.slice(0, this.length) as T;
	}
}

/** The streams being written. */
class Writer {
	integers = new Stream(new Int32Array(1024), (n) => new Int32Array(n));
	floats = new Stream(new Float64Array(1024), (n) => new Float64Array(n));
	flags = new Stream(new Uint8Array(1024), (n) => new Uint8Array(n));
	strings = new Stream(new Uint32Array(1024), (n) => new Uint32Array(n));
	table = new Map<string, number>();

	number(value: number): void {
		// -0 is an integer to `|`, but not to the page: it goes as a float.
		if ((value | 0) === value && value !== ESCAPE && (value !== 0 || 1 / value > 0)) {
			this.integers.push(value);
		} else {
			this.integers.push(ESCAPE);
			this.floats.push(value);
		}
	}

	string(value: string): void {
		let index = this.table.get(value);
		if (index === undefined) {
			index = this.table.size;
			this.table.set(value, index);
		}
		this.strings.push(index);
	}
}

type Write = (writer: Writer, value: unknown) => void;

/** A function that writes one value of `layout`, or throws when the value does not fit it. */
function writer(layout: Layout): Write {
	switch (layout.type) {
		case 'number':
			return (w, value) => {
				if (typeof value !== 'number') throw new ColumnsError('expected a number');
				w.number(value);
			};
		case 'string':
			return (w, value) => {
				if (typeof value !== 'string') throw new ColumnsError('expected a string');
				w.string(value);
			};
		case 'literal': {
			const { values } = layout;
			return (w, value) => {
				const index = values.indexOf(value);
				if (index === -1) throw new ColumnsError('expected a literal');
				w.integers.push(index);
			};
		}
		case 'nullable': {
			const inner = writer(layout.inner);
			return (w, value) => {
				w.flags.push(value === null ? 0 : 1);
				if (value !== null) inner(w, value);
			};
		}
		case 'list': {
			const item = writer(layout.item);
			return (w, value) => {
				if (!Array.isArray(value)) throw new ColumnsError('expected a list');
				w.integers.push(value.length);
				for (let i = 0; i < value.length; i++) item(w, value[i]);
			};
		}
		case 'object':
			return objectWriter(layout.fields);
	}
}

function objectWriter(fields: Field[]): Write {
	const writes = fields
		.filter((field) => field.fixed === undefined)
		.map((field) => ({
			key: field.key,
			optional: field.optional,
			// As the object validator reads an optional field: undefined is absent, and so is a null
			// the inner layout does not take.
			takesNull: field.layout.type === 'nullable',
			write: writer(field.layout)
		}));
	return (w, value) => {
		if (typeof value !== 'object' || value === null) throw new ColumnsError('expected an object');
		for (const field of writes) {
			const raw = (value as Record<string, unknown>)[field.key];
			if (!field.optional) {
				field.write(w, raw);
			} else if (raw === undefined || (raw === null && !field.takesNull)) {
				w.flags.push(0);
			} else {
				w.flags.push(1);
				field.write(w, raw);
			}
		}
	};
}

/** Each kind's writer, by kind code. */
const EVENT_WRITERS = VARIANTS.map(objectWriter);

/**
 * The columns of an event list: events in the contract's shape (the engine's own, parsed from its
 * JSON). Throws ColumnsError for events of another shape; the receiver checks them in any case.
 * At most `maxEvents` events are laid out: one past the page's cap tells it the trace was cut.
 */
export function encodeColumns(
	events: readonly unknown[],
	maxEvents: number = TRACE_LIMITS.maxEvents + 1
): TraceColumns {
	const w = new Writer();
	const count = Math.min(events.length, maxEvents);
	const kinds = new Uint8Array(count);
	for (let i = 0; i < count; i++) {
		const event = events[i];
		if (typeof event !== 'object' || event === null) throw new ColumnsError('expected an event');
		const code = KIND_CODES.get((event as Record<string, unknown>)[KIND_KEY] as string);
		if (code === undefined) throw new ColumnsError('unknown event kind');
		kinds[i] = code;
		EVENT_WRITERS[code](w, event);
	}
	const table = [...w.table.keys()];
	const ends = new Uint32Array(table.length);
	let end = 0;
	table.forEach((text, i) => (ends[i] = end += text.length));
	return {
		kinds,
		integers: w.integers.done(),
		floats: w.floats.done(),
		flags: w.flags.done(),
		strings: w.strings.done(),
		text: table.join(''),
		ends
	};
}

/**
 * The engine's JSON trace as columns (the runner worker's step); null when it is not a list of
 * events in the contract's shape (a program replaced the engine's own code), for the page to
 * refuse as it refuses malformed columns.
 */
export function columnsOfJson(json: string): TraceColumns | null {
	try {
		const events: unknown = JSON.parse(json);
		return Array.isArray(events) ? encodeColumns(events) : null;
	} catch (error) {
		if (error instanceof SyntaxError || error instanceof ColumnsError) return null;
		throw error;
	}
}

// ---- decoding (the page's side) --------------------------------------------------------------

/** The streams being read, each with its cursor. */
class Reader {
	integer = 0;
	float = 0;
	flag = 0;
	string = 0;

	constructor(
		readonly columns: TraceColumns,
		readonly table: string[],
		readonly budget: Budget
	) {}

	/** The next number; a typed array read past its end is undefined, which is refused. */
	number(path: string): number {
		const value = this.columns.integers[this.integer++];
		if (value === undefined) throw new ValidationError(path, 'integers end early');
		if (value !== ESCAPE) return value;
		const float = this.columns.floats[this.float++];
		if (float === undefined) throw new ValidationError(path, 'floats end early');
		return float;
	}

	flagSet(path: string): boolean {
		const flag = this.columns.flags[this.flag++];
		if (flag === 1) return true;
		if (flag === 0) return false;
		throw new ValidationError(
			path,
			flag === undefined ? 'flags end early' : 'a flag is not 0 or 1'
		);
	}

	/** Values not yet read: every list item takes at least one of them. */
	valuesLeft(): number {
		const { integers, flags, strings } = this.columns;
		return integers.length - this.integer + flags.length - this.flag + strings.length - this.string;
	}
}

type Read = (reader: Reader) => unknown;

/** A function that reads one value of `layout` and checks it as its validator would. */
function reader(layout: Layout, path: string): Read {
	switch (layout.type) {
		case 'number': {
			const { min, max, integer } = layout;
			return (r) => {
				const value = r.number(path);
				r.budget.spend(path, 1);
				// NaN fails the comparisons, and ±Infinity lies outside every range (±MAX_VALUE).
				if (!(value >= min && value <= max)) {
					throw new ValidationError(path, 'number not finite or out of range');
				}
				if (integer && !Number.isInteger(value)) {
					throw new ValidationError(path, 'expected an integer');
				}
				return value;
			};
		}
		case 'string': {
			const { maxLength } = layout;
			return (r) => {
				const value = r.table[r.columns.strings[r.string++]];
				if (value === undefined) throw new ValidationError(path, 'no such string');
				if (value.length > maxLength) {
					throw new ValidationError(path, `string longer than ${maxLength}`);
				}
				r.budget.spend(path, 1 + (value.length >> 4));
				return value;
			};
		}
		case 'literal': {
			const { values } = layout;
			return (r) => {
				const index = r.number(path);
				r.budget.spend(path, 1);
				// Out of range (or not an integer), values[index] is undefined: no literal is.
				const value = values[index];
				if (value === undefined || !Number.isInteger(index)) {
					throw new ValidationError(path, 'no such literal');
				}
				return value;
			};
		}
		case 'nullable': {
			const inner = reader(layout.inner, path);
			return (r) => (r.flagSet(path) ? inner(r) : null);
		}
		case 'list': {
			const { maxItems, whole } = layout;
			const item = reader(layout.item, path);
			return (r) => {
				const length = r.number(path);
				if (!Number.isInteger(length) || length < 0 || length > maxItems) {
					throw new ValidationError(path, 'not a list length');
				}
				if (length > r.valuesLeft()) throw new ValidationError(path, 'list runs past the columns');
				if (!whole) r.budget.spend(path, 1 + length);
				const items: unknown[] = new Array(length);
				for (let i = 0; i < length; i++) items[i] = whole ? r.number(path) : item(r);
				// A validator with checks of its own checks (and counts) the items itself.
				return whole ? whole(items, path, r.budget) : items;
			};
		}
		case 'object':
			return objectReader(layout.fields, path);
	}
}

function objectReader(fields: Field[], path: string): (reader: Reader) => Record<string, unknown> {
	const reads = fields.map((field) => ({
		key: field.key,
		fixed: field.fixed,
		optional: field.optional,
		path: field.path,
		read: reader(field.layout, field.path)
	}));
	const units = 1 + fields.length;
	return (r) => {
		r.budget.spend(path, units);
		const out: Record<string, unknown> = {};
		for (const field of reads) {
			if (field.fixed !== undefined) out[field.key] = field.fixed;
			else if (!field.optional || r.flagSet(field.path)) out[field.key] = field.read(r);
		}
		return out;
	};
}

/** Each kind's reader, by kind code. */
const EVENT_READERS = VARIANTS.map((fields) => objectReader(fields, ''));

/** The string table as strings, after checking that its ends rise within `text`. */
function stringTable({ text, ends }: TraceColumns): string[] {
	const table: string[] = new Array(ends.length);
	let start = 0;
	for (let i = 0; i < ends.length; i++) {
		const end = ends[i];
		if (end < start || end > text.length) {
			throw new ValidationError(`$.ends[${i}]`, 'string ends out of order');
		}
		table[i] = text.slice(start, end);
		start = end;
	}
	if (start !== text.length) throw new ValidationError('$.text', 'text past the last string');
	return table;
}

/** Events read between two pauses of `decodeColumns`. */
const DECODE_SLICE = 20_000;

/**
 * The events of `columns` (their containers checked by traceColumnsValidator), checked as
 * `traceValidator` checks a list of events, or why they were refused; `pause` lets the page
 * breathe between slices. At most TRACE_LIMITS.maxEvents are read; past them the trace is
 * `truncated` and the rest is not read. Every value is checked as it is read, in one pass, and
 * columns with values left over are refused: the streams must hold exactly these events.
 */
export async function decodeColumns(
	columns: TraceColumns,
	pause: () => Promise<void>
): Promise<ColumnsResult> {
	try {
		const r = new Reader(columns, stringTable(columns), new Budget(COLUMN_LIMITS.budget));
		const truncated = columns.kinds.length > TRACE_LIMITS.maxEvents;
		const count = truncated ? TRACE_LIMITS.maxEvents : columns.kinds.length;
		const events: TraceEvent[] = new Array(count);
		let i = 0;
		try {
			for (; i < count; i++) {
				if (i > 0 && i % DECODE_SLICE === 0) await pause();
				const read = EVENT_READERS[columns.kinds[i]];
				if (!read) throw new ValidationError('kind', 'unknown event kind');
				events[i] = read(r) as TraceEvent;
			}
		} catch (error) {
			if (!(error instanceof ValidationError)) throw error;
			throw new ValidationError(`$[${i}].${error.path}`, error.reason);
		}
		if (!truncated) {
			const { integers, floats, flags, strings } = columns;
			const cursors = [
				['integers', r.integer, integers.length],
				['floats', r.float, floats.length],
				['flags', r.flag, flags.length],
				['strings', r.string, strings.length]
			] as const;
			for (const [name, read, length] of cursors) {
				if (read !== length) throw new ValidationError(`$.${name}`, 'values left over');
			}
		}
		return { events, truncated };
	} catch (error) {
		if (error instanceof ValidationError) return { error: error.message };
		return { error: `$: ${error instanceof Error ? error.name : 'invalid columns'}` };
	}
}
