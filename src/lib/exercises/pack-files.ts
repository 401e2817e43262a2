/**
 * The files of a pack from the bytes a teacher gives: one Markdown file, or a zip of them. Used
 * by the page (file picker, drop) and the command line alike.
 *
 * A zip is someone else's input, so it is read defensively, as share links are: the input is
 * capped before anything is inflated, and the inflated text is capped *while* inflating (the
 * sizes a zip declares can lie), so a small "zip bomb" cannot make the page allocate megabytes.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import { PackError, type PackFile } from './pack';

export const PACK_LIMITS = {
	/** The largest file (Markdown or zip) accepted, before anything is read from it. */
	inputBytes: 1024 * 1024,
	/** All the pack's text together, once inflated. A 20-exercise pack is about 60 KB. */
	textBytes: 512 * 1024,
	/** Markdown files in one zip. */
	files: 200
} as const;

/** The zip is fed to the inflater in slices this small, so one push yields at most ~260 KB. */
const UNZIP_SLICE = 256;

const kilobytes = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;

function utf8(name: string, bytes: Uint8Array): string {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new PackError(`${name} is not UTF-8 text`);
	}
}

/** True for the four bytes every zip file starts with ("PK\3\4"), or an empty zip's ("PK\5\6"). */
function looksLikeZip(bytes: Uint8Array): boolean {
	return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Entries that are not exercises: folders, macOS resource forks, hidden files, other files. */
function isExerciseEntry(path: string): boolean {
	const parts = path.split('/');
	const base = parts[parts.length - 1];
	return (
		base !== '' &&
		!base.startsWith('.') &&
		!parts.includes('__MACOSX') &&
		/\.(md|markdown)$/i.test(base)
	);
}

class CapExceeded extends Error {}

function unzipCapped(name: string, bytes: Uint8Array): PackFile[] {
	const entries: { name: string; chunks: Uint8Array[] }[] = [];
	let total = 0;
	const tooLarge = `${name} unzips to more than ${kilobytes(PACK_LIMITS.textBytes)} of text, so it was not opened`;
	const unzip = new Unzip((file) => {
		if (!isExerciseEntry(file.name)) return;
		if (entries.length >= PACK_LIMITS.files) {
			throw new PackError(`${name} holds more than ${PACK_LIMITS.files} Markdown files`);
		}
		const entry = { name: file.name, chunks: [] as Uint8Array[] };
		entries.push(entry);
		file.ondata = (error, data) => {
			if (error) throw error;
			total += data.length;
			if (total > PACK_LIMITS.textBytes) throw new CapExceeded();
			entry.chunks.push(data);
		};
		file.start();
	});
	unzip.register(UnzipInflate);
	unzip.register(UnzipPassThrough);
	try {
		for (let i = 0; i < bytes.length; i += UNZIP_SLICE) {
			unzip.push(bytes.subarray(i, i + UNZIP_SLICE), i + UNZIP_SLICE >= bytes.length);
		}
	} catch (error) {
		if (error instanceof CapExceeded) throw new PackError(tooLarge);
		if (error instanceof PackError) throw error;
		throw new PackError(`${name} is not a zip file that can be read`);
	}
	return entries.map((entry) => {
		const joined = new Uint8Array(entry.chunks.reduce((sum, chunk) => sum + chunk.length, 0));
		let offset = 0;
		for (const chunk of entry.chunks) {
			joined.set(chunk, offset);
			offset += chunk.length;
		}
		return { name: entry.name, text: utf8(entry.name, joined) };
	});
}

/** Refuses a file too large to be a pack, before anything is read from it. */
export function checkPackSize(name: string, size: number): void {
	if (size > PACK_LIMITS.inputBytes) {
		throw new PackError(
			`${name} is larger than ${kilobytes(PACK_LIMITS.inputBytes)}, too large for a pack`
		);
	}
}

/** The pack's files from a Markdown file or a zip of them; a PackError says what is wrong. */
export function readPackFiles(name: string, bytes: Uint8Array): PackFile[] {
	checkPackSize(name, bytes.length);
	if (/\.zip$/i.test(name) || looksLikeZip(bytes)) {
		const files = unzipCapped(name, bytes);
		if (files.length === 0) throw new PackError(`${name} holds no exercise file (.md)`);
		return files;
	}
	if (bytes.length > PACK_LIMITS.textBytes) {
		throw new PackError(
			`${name} is larger than ${kilobytes(PACK_LIMITS.textBytes)}, too large for a pack`
		);
	}
	return [{ name, text: utf8(name, bytes) }];
}

/** "workshop.md" → "workshop", "week-1.zip" → "week-1": a pack's title when it gives none. */
export function titleFromFileName(name: string): string {
	return name.replace(/^.*[\\/]/, '').replace(/\.(md|markdown|zip)$/i, '') || 'Exercise pack';
}
