import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import {
	MAX_CODE_BYTES,
	MAX_LINK_CHARS,
	decodeShare,
	encodeShare,
	payloadFromHash,
	shareFragment
} from '../../src/lib/share/codec';

function encodeOk(code: string): string {
	const result = encodeShare(code);
	if (!result.ok) throw new Error(result.message);
	return result.payload;
}

function base64url(bytes: Uint8Array): string {
	return Buffer.from(bytes).toString('base64url');
}

const gather = `import asyncio

async def say(n):
    await asyncio.sleep(n)
    print("hello", n)

async def main():
    await asyncio.gather(say(1), say(2), say(3))

asyncio.run(main())
`;

describe('encodeShare then decodeShare', () => {
	it('gives back the exact code', () => {
		const payload = encodeOk(gather);
		expect(payload.startsWith('v1.')).toBe(true);
		expect(payload).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
		expect(decodeShare(payload)).toEqual({ ok: true, code: gather });
	});

	it('keeps unicode, tabs, CRLF and emoji intact', () => {
		const code = 'print("héllo, 世界 🐍")\r\n\tx = "\\u00e9"\n# ünïcödé\n';
		expect(decodeShare(encodeOk(code))).toEqual({ ok: true, code });
	});

	it('round-trips the empty program', () => {
		expect(decodeShare(encodeOk(''))).toEqual({ ok: true, code: '' });
	});

	it('compresses: a typical example gives a link shorter than its source', () => {
		const code = gather.repeat(4);
		expect(encodeOk(code).length).toBeLessThan(code.length);
	});

	it('survives a trip through a URL fragment', () => {
		const url = new URL('https://example.org/' + shareFragment(encodeOk(gather)));
		const payload = payloadFromHash(url.hash);
		expect(payload).not.toBeNull();
		expect(decodeShare(payload!)).toEqual({ ok: true, code: gather });
	});
});

describe('encodeShare of code that is too long', () => {
	it('refuses code over the size cap with a message', () => {
		const result = encodeShare('x'.repeat(MAX_CODE_BYTES + 1));
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.message).toMatch(/too long/);
	});

	it('refuses code whose compressed link would be too long', () => {
		// Random text barely compresses: just under the byte cap, it still makes too long a link.
		let seed = 7;
		let code = '';
		while (code.length < MAX_CODE_BYTES - 10) {
			// xorshift32: deterministic, and random enough that deflate cannot shrink it much.
			seed ^= seed << 13;
			seed ^= seed >>> 17;
			seed ^= seed << 5;
			code += String.fromCharCode(33 + ((seed >>> 0) % 94));
		}
		expect(encodeShare(code).ok).toBe(false);
	});
});

describe('decodeShare of a bad link', () => {
	it('reports bad base64 as malformed', () => {
		const result = decodeShare('v1.@@not*base64!!');
		expect(result).toMatchObject({ ok: false, error: 'malformed' });
		if (!result.ok) expect(result.message).toMatch(/unchanged/);
	});

	it('reports a link cut short as malformed', () => {
		const payload = encodeOk(gather.repeat(3));
		expect(decodeShare(payload.slice(0, payload.length - 10))).toMatchObject({
			ok: false,
			error: 'malformed'
		});
	});

	it('reports valid base64 that is not deflate data as malformed', () => {
		expect(decodeShare('v1.' + base64url(strToU8('print(1)')))).toMatchObject({
			ok: false,
			error: 'malformed'
		});
	});

	it('reports deflated bytes that are not UTF-8 as malformed', () => {
		const payload = 'v1.' + base64url(deflateSync(new Uint8Array([0xff, 0xfe, 0xc3])));
		expect(decodeShare(payload)).toMatchObject({ ok: false, error: 'malformed' });
	});

	it('reports a missing version or body as malformed', () => {
		expect(decodeShare('')).toMatchObject({ ok: false, error: 'malformed' });
		expect(decodeShare('hello')).toMatchObject({ ok: false, error: 'malformed' });
		expect(decodeShare('v1.')).toMatchObject({ ok: false, error: 'malformed' });
	});

	it('reports an unknown version, naming it', () => {
		const body = encodeOk(gather).slice(3);
		const result = decodeShare('v2.' + body);
		expect(result).toMatchObject({ ok: false, error: 'version' });
		if (!result.ok) expect(result.message).toContain('v2');
	});

	it('refuses an oversized link before decoding it', () => {
		const result = decodeShare('v1.' + 'A'.repeat(MAX_LINK_CHARS + 1));
		expect(result).toMatchObject({ ok: false, error: 'too_large' });
	});

	it('stops a deflate bomb at the inflated-size cap', () => {
		// 50 MB of zeros deflates to about 50 KB... of which a link holds the first part. Even a
		// legal-length prefix inflates to far more than the cap, so it must be cut off.
		const bomb = deflateSync(new Uint8Array(20 * 1024 * 1024), { level: 9 });
		const payload = 'v1.' + base64url(bomb);
		expect(payload.length).toBeLessThan(MAX_LINK_CHARS);
		const result = decodeShare(payload);
		expect(result).toMatchObject({ ok: false, error: 'too_large' });
	});

	it('accepts code exactly at the inflated-size cap', () => {
		const code = 'a'.repeat(MAX_CODE_BYTES);
		expect(decodeShare(encodeOk(code))).toEqual({ ok: true, code });
	});
});

describe('payloadFromHash', () => {
	it('finds the code parameter among others', () => {
		expect(payloadFromHash('#x=1&code=v1.abc&y=2')).toBe('v1.abc');
	});

	it('returns null for an ordinary visit', () => {
		expect(payloadFromHash('')).toBeNull();
		expect(payloadFromHash('#section')).toBeNull();
	});

	it('returns an empty payload for `#code=` so the page can report it', () => {
		expect(payloadFromHash('#code=')).toBe('');
	});
});
