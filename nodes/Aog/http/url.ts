// URL checks for images DashScope must fetch, and redaction of credentials inside URLs before they reach a message.
import { InputError } from '../run/failures';

export function checkImageUrl(raw: string, validate: boolean): string {
	const value = raw.trim();
	if (value === '') {
		throw new InputError('The Image URL field is empty', 'Map the picture\'s public http(s) address into "Image URL".');
	}
	const url = parseUrl(value);
	if (!url)
		throw new InputError(
			`"${redactUrl(value)}" is not a valid URL`,
			'Use a full address such as https://example.com/photo.jpg.',
		);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new InputError(
			`The image URL uses "${url.protocol}", but only http and https are supported`,
			url.protocol === 'data:'
				? 'For a data URI choose Image Source "Base64" instead.'
				: 'DashScope downloads the image from the internet: give an http(s) address, or use Image Source "Binary" for a file you have.',
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
	const host = hostname
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '');
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal'))
		return true;
	const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (ipv4) {
		const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127)
		);
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

/**
 * Query (and fragment) parameters that carry a credential of their own: an API key, a token, a password. Compared
 * with case, "-" and "_" ignored. An object store's signed-link parameters (OSS `Signature`, `OSSAccessKeyId`,
 * `Expires`, `security-token`; S3 `X-Amz-*`) are not in it: without them the link answers 403, and a signed link
 * grants access to that one object only until it expires (docs/TROUBLESHOOTING.md).
 */
const CREDENTIAL_PARAMETERS = new Set([
	'apikey',
	'xapikey',
	'key',
	'apitoken',
	'token',
	'accesstoken',
	'refreshtoken',
	'idtoken',
	'authtoken',
	'bearer',
	'auth',
	'authorization',
	'password',
	'passwd',
	'pwd',
	'pass',
	'secret',
	'clientsecret',
	'secretkey',
	'accesskey',
	'privatekey',
]);

function isCredentialParameter(name: string): boolean {
	let decoded = name;
	try {
		decoded = decodeURIComponent(name.replace(/\+/g, ' '));
	} catch {
		// keep the raw name
	}
	return CREDENTIAL_PARAMETERS.has(decoded.toLowerCase().replace(/[-_\s]/g, ''));
}

/** `a=1&token=x` with the values of credential-like parameters replaced by `***`, everything else byte for byte. */
function redactParameters(query: string): string {
	return query
		.split('&')
		.map((pair) => {
			const equals = pair.indexOf('=');
			return equals > 0 && isCredentialParameter(pair.slice(0, equals)) ? `${pair.slice(0, equals)}=***` : pair;
		})
		.join('&');
}

/**
 * Hides the credentials in a URL for use in messages: user:password, and the values of credential-like query
 * parameters (token, api_key, password…). Everything else is kept exactly as written, so that a signed video link
 * shown in a message still works (its signature is not a credential: it opens that one object until it expires).
 */
export function redactUrl(raw: string): string {
	// Text that is not a URL is no usable link: hide its whole query.
	if (!parseUrl(raw.trim())) return hideUserInfo(raw.replace(/\/\/[^/@\s]*@/g, '//***@').replace(/\?.*$/, '?***'));
	const hashAt = raw.indexOf('#');
	const beforeHash = hashAt === -1 ? raw : raw.slice(0, hashAt);
	const fragment = hashAt === -1 ? '' : `#${redactParameters(raw.slice(hashAt + 1))}`;
	const queryAt = beforeHash.indexOf('?');
	const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
	const query = queryAt === -1 ? '' : `?${redactParameters(beforeHash.slice(queryAt + 1))}`;
	return `${hideUserInfo(base)}${query}${fragment}`;
}

/**
 * Hides "user:password@" before the host, also when there is no "//" ("admin:pw@host:1/" parses as scheme "admin:"
 * with the password in its path).
 */
function hideUserInfo(text: string): string {
	return text.replace(
		/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#\s@]*@/i,
		(_match, scheme: string | undefined) => `${scheme ?? ''}***@`,
	);
}

/** Replaces every known secret and every URL in a text with a redacted form. */
export function redactText(text: string, secrets: string[] = []): string {
	// A URL ends before whitespace or a quote; a sentence's final dot (or a list's ";") is not part of it.
	let result = text.replace(/https?:\/\/[^\s"'<>\\]+?(?=[.,;:)]?(?:[\s"'<>\\]|$))/g, (url) => redactUrl(url));
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
