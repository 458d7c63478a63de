// URL checks for images DashScope must fetch, and redaction of secrets inside URLs before they reach a message.
import { InputError } from './failures';

export function checkImageUrl(raw: string, validate: boolean): string {
	const value = raw.trim();
	if (value === '') {
		throw new InputError('The Image URL field is empty', 'Map the picture\'s public http(s) address into "Image URL".');
	}
	const url = parseUrl(value);
	if (!url) throw new InputError(`"${redactUrl(value)}" is not a valid URL`, 'Use a full address such as https://example.com/photo.jpg.');
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new InputError(
			`The image URL uses "${url.protocol}", but only http and https are supported`,
			url.protocol === 'data:' ? 'For a data URI choose Image Source "Base64" instead.' : 'DashScope downloads the image from the internet: give an http(s) address, or use Image Source "Binary" for a file you have.',
		);
	}
	if (validate && isPrivateHost(url.hostname)) {
		throw new InputError(
			`The image URL points to a local or private address (${url.hostname}) that Alibaba Cloud cannot reach`,
			'DashScope fetches URLs from the internet. Download the image in n8n first and use Image Source "Binary" instead, or turn off "Validate Image" if your gateway fetches it itself.',
		);
	}
	return value;
}

export function parseUrl(value: string): URL | undefined {
	try {
		return new URL(value);
	} catch {
		return undefined;
	}
}

/** True for loopback, private, link-local and unique-local addresses and local-only host names. */
export function isPrivateHost(hostname: string): boolean {
	// A trailing dot ("localhost.") is the same fully-qualified name.
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
	const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (ipv4) {
		const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
		return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
	}
	if (host.includes(':')) {
		const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
		if (mapped) return isPrivateHost(mapped[1]);
		// WHATWG URL writes IPv4-mapped addresses in hex: [::ffff:127.0.0.1] has the hostname [::ffff:7f00:1].
		const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
		if (mappedHex) {
			const [high, low] = [parseInt(mappedHex[1], 16), parseInt(mappedHex[2], 16)];
			return isPrivateHost(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
		}
		return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
	}
	return false;
}

const KEEP_QUERY_KEYS = new Set(['expires']);

/** Hides user:password and query values (signatures, tokens) in a URL for use in messages. */
export function redactUrl(raw: string): string {
	try {
		const url = new URL(raw);
		if (url.username || url.password) {
			url.username = '***';
			url.password = '';
		}
		for (const key of [...url.searchParams.keys()]) {
			if (!KEEP_QUERY_KEYS.has(key.toLowerCase())) url.searchParams.set(key, '***');
		}
		const redacted = url.toString().replace(/%2A%2A%2A/g, '***');
		// URL adds "/" to a bare origin ("http://host:1" becomes "http://host:1/"): keep what the user wrote.
		return hideUserInfo(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*$/i.test(raw.trim()) ? redacted.replace(/\/$/, '') : redacted);
	} catch {
		return hideUserInfo(raw.replace(/\/\/[^/@\s]*@/g, '//***@').replace(/\?.*$/, '?***'));
	}
}

/**
 * Hides "user:password@" before the host even when there is no "//" ("admin:pw@host:1/" parses as scheme "admin:"
 * with the password in its path, so URL finds no user name to clear).
 */
function hideUserInfo(text: string): string {
	return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#\s@]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

/** Replaces every known secret and every URL in a text with a redacted form. */
export function redactText(text: string, secrets: string[] = []): string {
	let result = text.replace(/https?:\/\/[^\s"'<>\\]+/g, (url) => redactUrl(url));
	for (const secret of secrets) {
		if (secret && secret.length >= 4) result = result.split(secret).join('***');
	}
	return result;
}

/** Reads the Unix "Expires" of a signed OSS link as an ISO date, when present. */
export function signedUrlExpiry(raw: string): string | undefined {
	try {
		const expires = Number(new URL(raw).searchParams.get('Expires'));
		return Number.isFinite(expires) && expires > 0 ? new Date(expires * 1000).toISOString() : undefined;
	} catch {
		return undefined;
	}
}
