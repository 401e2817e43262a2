/**
 * Small, strict validators for data that crosses the runner boundary, and the definition of the
 * trace contract (engine/events.ts) and the runner protocol (runner/protocol.ts).
 *
 * Everything the runner sends is untrusted: the runner executes a stranger's Python, and that
 * Python can post any message it likes. A validator never returns its input: it builds a fresh
 * object holding only the keys its schema names, read as own properties of a plain object, so
 * `__proto__` keys, getters, class instances and extra fields never reach the page.
 *
 * A shared `Budget` bounds the total work: every string, array item and object field counts
 * against it, so one huge message is rejected early instead of freezing the page.
 *
 * Every validator carries what it was built from (`shape`, `variants`, `item` and `maxItems`,
 * `inner`, `values`, a string's `maxLength`, a number's `range`), so code can read the schema
 * itself: the trace contract test (tests/engine/contract.spec.ts) finds fields the engine sends
 * that the schema does not name, which validation alone would silently drop, and the trace's
 * columns (engine/columns.ts) are laid out and checked from it.
 */

export class ValidationError extends Error {
	constructor(
		readonly path: string,
		readonly reason: string
	) {
		super(`${path}: ${reason}`);
		this.name = 'ValidationError';
	}
}

/** Limits on one message as a whole. */
export class Budget {
	constructor(
		/** Units left: one per value visited plus one per 16 string characters. */
		public units: number
	) {}

	spend(path: string, units: number): void {
		this.units -= units;
		if (this.units < 0) throw new ValidationError(path, 'message too large');
	}
}

export type Validator<T> = (value: unknown, path: string, budget: Budget) => T;

/** The type a validator returns: types are inferred from validators, never written beside them. */
export type Infer<V> = V extends Validator<infer T> ? T : never;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const proto = Object.getPrototypeOf(value);
	return proto === Object.prototype || proto === null;
}

function own(value: Record<string, unknown>, key: string): unknown {
	// Own data properties only: an inherited or accessor property is treated as absent.
	const descriptor = Object.getOwnPropertyDescriptor(value, key);
	return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

export function string(maxLength: number): Validator<string> & { readonly maxLength: number } {
	const validate: Validator<string> = (value, path, budget) => {
		if (typeof value !== 'string') throw new ValidationError(path, 'expected a string');
		if (value.length > maxLength)
			throw new ValidationError(path, `string longer than ${maxLength}`);
		budget.spend(path, 1 + (value.length >> 4));
		return value;
	};
	return Object.assign(validate, { maxLength });
}

export function number(
	options: { min?: number; max?: number; integer?: boolean } = {}
): Validator<number> & { readonly range: { min: number; max: number; integer: boolean } } {
	const { min = -Number.MAX_VALUE, max = Number.MAX_VALUE, integer = false } = options;
	const validate: Validator<number> = (value, path, budget) => {
		budget.spend(path, 1);
		if (typeof value !== 'number' || !Number.isFinite(value))
			throw new ValidationError(path, 'expected a finite number');
		if (integer && !Number.isInteger(value)) throw new ValidationError(path, 'expected an integer');
		if (value < min || value > max)
			throw new ValidationError(path, `number out of range [${min}, ${max}]`);
		return value;
	};
	return Object.assign(validate, { range: { min, max, integer } });
}

export function boolean(): Validator<boolean> {
	return (value, path, budget) => {
		budget.spend(path, 1);
		if (typeof value !== 'boolean') throw new ValidationError(path, 'expected a boolean');
		return value;
	};
}

export function literal<const L extends string | number | boolean>(
	...allowed: L[]
): Validator<L> & { readonly values: readonly L[] } {
	const validate: Validator<L> = (value, path, budget) => {
		budget.spend(path, 1);
		if (!(allowed as unknown[]).includes(value))
			throw new ValidationError(path, `expected one of ${allowed.join(', ')}`);
		return value as L;
	};
	return Object.assign(validate, { values: allowed });
}

export function nullable<T>(
	inner: Validator<T>
): Validator<T | null> & { readonly inner: Validator<T> } {
	const validate: Validator<T | null> = (value, path, budget) =>
		value === null ? null : inner(value, path, budget);
	return Object.assign(validate, { inner });
}

export function array<T>(
	item: Validator<T>,
	maxItems: number
): Validator<T[]> & { readonly item: Validator<T>; readonly maxItems: number } {
	const validate: Validator<T[]> = (value, path, budget) => {
		if (!Array.isArray(value)) throw new ValidationError(path, 'expected an array');
		if (value.length > maxItems) throw new ValidationError(path, `more than ${maxItems} items`);
		budget.spend(path, 1 + value.length);
		const out: T[] = [];
		for (let i = 0; i < value.length; i++) out.push(item(value[i], `${path}[${i}]`, budget));
		return out;
	};
	return Object.assign(validate, { item, maxItems });
}

/** An ArrayBuffer, for bytes moved (transferred) within one process. */
export function arrayBuffer(maxBytes: number): Validator<ArrayBuffer> {
	return (value, path, budget) => {
		budget.spend(path, 1);
		if (!(value instanceof ArrayBuffer)) throw new ValidationError(path, 'expected an ArrayBuffer');
		if (value.byteLength > maxBytes) throw new ValidationError(path, `more than ${maxBytes} bytes`);
		return value;
	};
}

/**
 * A typed array of exactly class `type` (no subclass) over a plain ArrayBuffer, for numbers moved
 * by transfer. Never a view of a SharedArrayBuffer: the sender could change it while it is read.
 */
export function typedArray<T extends ArrayBufferView>(
	type: abstract new (...args: never[]) => T,
	maxLength: number
): Validator<T> {
	return (value, path, budget) => {
		budget.spend(path, 1);
		if (
			!(value instanceof type) ||
			Object.getPrototypeOf(value) !== type.prototype ||
			!(value.buffer instanceof ArrayBuffer)
		) {
			throw new ValidationError(path, `expected a ${type.name}`);
		}
		if ((value as unknown as { length: number }).length > maxLength) {
			throw new ValidationError(path, `more than ${maxLength} items`);
		}
		return value;
	};
}

/**
 * A Blob, for bytes handed across the boundary: a Blob crosses between processes as a handle
 * (the sandbox frame may live in another process), where an ArrayBuffer is copied.
 */
export function blob(maxBytes: number): Validator<Blob> {
	return (value, path, budget) => {
		budget.spend(path, 1);
		if (typeof Blob === 'undefined' || !(value instanceof Blob)) {
			throw new ValidationError(path, 'expected a Blob');
		}
		if (value.size > maxBytes) throw new ValidationError(path, `more than ${maxBytes} bytes`);
		return value;
	};
}

/** Marks a field that may be absent; `undefined` (and `null`, when the type has no null) means absent. */
export interface Optional<T> {
	optional: Validator<T>;
}

export function optional<T>(inner: Validator<T>): Optional<T> {
	return { optional: inner };
}

type Field = Validator<unknown> | Optional<unknown>;
type Shape = Record<string, Field>;

type RequiredKeys<S extends Shape> = {
	[K in keyof S]: S[K] extends Optional<unknown> ? never : K;
}[keyof S];
type OptionalKeys<S extends Shape> = {
	[K in keyof S]: S[K] extends Optional<unknown> ? K : never;
}[keyof S];
type FieldType<F> = F extends Optional<infer T> ? T : F extends Validator<infer T> ? T : never;

export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: FieldType<S[K]> } & {
	[K in OptionalKeys<S>]?: FieldType<S[K]>;
};

export function object<S extends Shape>(shape: S): Validator<ObjectOf<S>> & { readonly shape: S } {
	const keys = Object.keys(shape);
	const validate: Validator<ObjectOf<S>> = (value, path, budget) => {
		if (!isPlainObject(value)) throw new ValidationError(path, 'expected a plain object');
		budget.spend(path, 1 + keys.length);
		// A fresh object with a null prototype while filling, then a normal one: no key from the
		// data is ever used as a property name.
		const out: Record<string, unknown> = {};
		for (const key of keys) {
			const field = shape[key];
			const raw = own(value, key);
			if ('optional' in field) {
				if (raw === undefined || raw === null) {
					// null is kept only when the inner validator accepts it (a nullable type).
					if (raw === null) {
						try {
							out[key] = field.optional(null, `${path}.${key}`, budget);
						} catch {
							/* absent */
						}
					}
					continue;
				}
				out[key] = field.optional(raw, `${path}.${key}`, budget);
			} else {
				out[key] = field(raw, `${path}.${key}`, budget);
			}
		}
		return out as ObjectOf<S>;
	};
	return Object.assign(validate, { shape });
}

/** A discriminated union on `key`: picks the validator by the tag, so errors name the right variant. */
export function union<K extends string, V extends Record<string, Validator<unknown>>>(
	key: K,
	variants: V
): Validator<{ [T in keyof V]: V[T] extends Validator<infer R> ? R : never }[keyof V]> & {
	readonly key: K;
	readonly variants: V;
} {
	const validate: Validator<
		{ [T in keyof V]: V[T] extends Validator<infer R> ? R : never }[keyof V]
	> = (value, path, budget) => {
		if (!isPlainObject(value)) throw new ValidationError(path, 'expected a plain object');
		const tag = own(value, key);
		if (typeof tag !== 'string' || !Object.prototype.hasOwnProperty.call(variants, tag)) {
			throw new ValidationError(`${path}.${key}`, 'unknown message kind');
		}
		return variants[tag](value, path, budget) as never;
	};
	return Object.assign(validate, { key, variants });
}
