import {
	checkImageUrl,
	isPrivateHost,
	parseUrl,
	redactText,
	redactUrl,
	signedUrlExpiry,
} from '../../../../nodes/Aog/http/url';
import { inputError } from '../../../support/inputError';

describe('checkImageUrl', () => {
	it('returns a public http(s) URL as given, trimmed', () => {
		expect(checkImageUrl('  https://example.com/photos/car.jpg?x=1  ', true)).toBe(
			'https://example.com/photos/car.jpg?x=1',
		);
		expect(checkImageUrl('http://8.8.8.8/a.png', true)).toBe('http://8.8.8.8/a.png');
		expect(checkImageUrl('https://[2606:4700::1111]/a.png', true)).toBe('https://[2606:4700::1111]/a.png');
	});

	it('refuses an empty field', () => {
		for (const value of ['', '   ', '\n\t']) {
			const error = inputError(() => checkImageUrl(value, true));
			expect(error.message).toBe('The Image URL field is empty');
			expect(error.description).toMatch(/public http\(s\) address/);
		}
	});

	it('refuses text that is not a URL, without echoing a password', () => {
		expect(inputError(() => checkImageUrl('photo.jpg', true)).message).toBe('"photo.jpg" is not a valid URL');
		expect(inputError(() => checkImageUrl('//example.com/a.jpg', true)).message).toMatch(/is not a valid URL/);
		const error = inputError(() => checkImageUrl('http://me:hunter2@exa mple.com/a.jpg?sig=s3cret', true));
		expect(error.message).not.toContain('hunter2');
		expect(error.message).not.toContain('s3cret');
		expect(error.message).toBe('"http://***@exa mple.com/a.jpg?***" is not a valid URL');
	});

	it.each([
		['file:///home/me/photo.jpg', 'file:', /Image Source "Binary"/],
		['ftp://example.com/photo.jpg', 'ftp:', /give an http\(s\) address/],
		['javascript:alert(1)', 'javascript:', /give an http\(s\) address/],
		['data:image/png;base64,iVBORw0KGgo=', 'data:', /^For a data URI choose Image Source "Base64" instead\.$/],
		['blob:https://example.com/1f2e', 'blob:', /give an http\(s\) address/],
		['HTTPS+ssh://example.com/x', 'https+ssh:', /http\(s\)/],
	])('refuses %s whatever the validation setting', (value, protocol, description) => {
		for (const validate of [true, false]) {
			const error = inputError(() => checkImageUrl(value, validate));
			expect(error.message).toBe(`The image URL uses "${protocol}", but only http and https are supported`);
			expect(error.description).toMatch(description);
		}
	});

	it.each([
		['http://localhost/a.jpg', 'localhost'],
		['http://LOCALHOST:8080/a.jpg', 'localhost'],
		['http://localhost./a.jpg', 'localhost.'],
		['http://images.localhost/a.jpg', 'images.localhost'],
		['http://nas.local/a.jpg', 'nas.local'],
		['http://metadata.google.internal/a.jpg', 'metadata.google.internal'],
		['http://127.0.0.1:5678/a.jpg', '127.0.0.1'],
		['http://127.9.8.7/a.jpg', '127.9.8.7'],
		['http://2130706433/a.jpg', '127.0.0.1'],
		['http://0x7f.1/a.jpg', '127.0.0.1'],
		['http://0.0.0.0/a.jpg', '0.0.0.0'],
		['http://10.1.2.3/a.jpg', '10.1.2.3'],
		['http://172.16.0.1/a.jpg', '172.16.0.1'],
		['http://172.31.255.255/a.jpg', '172.31.255.255'],
		['http://192.168.1.20/a.jpg', '192.168.1.20'],
		['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
		['http://100.64.0.1/a.jpg', '100.64.0.1'],
		['http://[::1]/a.jpg', '[::1]'],
		['http://[::]/a.jpg', '[::]'],
		['http://[fc00::1]/a.jpg', '[fc00::1]'],
		['http://[fd12:3456::1]/a.jpg', '[fd12:3456::1]'],
		['http://[fe80::1]/a.jpg', '[fe80::1]'],
		['http://[febf::1]/a.jpg', '[febf::1]'],
		['http://[::ffff:127.0.0.1]/a.jpg', '[::ffff:7f00:1]'],
		['http://[::ffff:10.0.0.1]/a.jpg', '[::ffff:a00:1]'],
		['http://[::ffff:192.168.1.1]/a.jpg', '[::ffff:c0a8:101]'],
		['http://[0:0:0:0:0:ffff:7f00:1]/a.jpg', '[::ffff:7f00:1]'],
	])('refuses the private/local address %s (validation on) and accepts it with validation off', (value, shownHost) => {
		const error = inputError(() => checkImageUrl(value, true));
		expect(error.message).toBe(
			`The image URL points to a local or private address (${shownHost}) that Alibaba Cloud cannot reach`,
		);
		expect(error.description).toMatch(/Image Source "Binary".*turn off "Validate Image"/);
		expect(checkImageUrl(value, false)).toBe(value);
	});

	it.each([
		'http://172.15.255.255/a.jpg',
		'http://172.32.0.1/a.jpg',
		'http://192.169.0.1/a.jpg',
		'http://100.63.255.255/a.jpg',
		'http://100.128.0.1/a.jpg',
		'http://169.253.0.1/a.jpg',
		'http://11.0.0.1/a.jpg',
		'http://[::ffff:8.8.8.8]/a.jpg',
		'http://[2001:4860:4860::8888]/a.jpg',
		'https://fc00.example.com/a.jpg',
		'https://localhost.example.com/a.jpg',
		'https://my.localhost-cdn.com/a.jpg',
		'https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/a.jpg',
	])('accepts the public address %s', (value) => {
		expect(checkImageUrl(value, true)).toBe(value);
	});
});

describe('isPrivateHost on raw host names (not normalised by URL)', () => {
	it.each([
		'::ffff:127.0.0.1',
		'[::ffff:7f00:1]',
		'::ffff:7f00:1',
		'::FFFF:C0A8:0101',
		'LocalHost',
		'::1',
		'[FE80::abcd]',
	])('%s is private', (host) => {
		expect(isPrivateHost(host)).toBe(true);
	});

	it.each(['::ffff:808:808', '8.8.8.8', 'example.com', '2001:db8::1', '256.1.1.1.example'])('%s is public', (host) => {
		expect(isPrivateHost(host)).toBe(false);
	});
});

describe('parseUrl', () => {
	it('parses or returns undefined, never throws', () => {
		expect(parseUrl('https://example.com/x')?.hostname).toBe('example.com');
		expect(parseUrl('not a url')).toBeUndefined();
		expect(parseUrl('')).toBeUndefined();
	});
});

describe('redactUrl', () => {
	it('hides user:password', () => {
		expect(redactUrl('https://admin:s3cret@aog.example.com:8443/base')).toBe('https://***@aog.example.com:8443/base');
		expect(redactUrl('https://tokenonly@aog.example.com/')).toBe('https://***@aog.example.com/');
	});

	it('keeps a signed link exactly as the service returned it: its signature is what makes it work', () => {
		const signed =
			'https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/video.mp4?Expires=1764043200&OSSAccessKeyId=LTAI5tAbCdEf&Signature=q%2BwErTy%3D';
		expect(redactUrl(signed)).toBe(signed);
		const s3 =
			'https://bucket.s3.amazonaws.com/a.png?X-Amz-Credential=AKIA%2F20251124&X-Amz-Security-Token=FQo%2Bx&X-Amz-Signature=deadbeef&X-Amz-Expires=3600';
		expect(redactUrl(s3)).toBe(s3);
		const sts =
			'https://b.oss-cn-beijing.aliyuncs.com/v.mp4?Expires=1&OSSAccessKeyId=STS.x&Signature=a+b%2F&security-token=CAIS%2Bz';
		expect(redactUrl(sts)).toBe(sts);
	});

	it.each([
		['api_key'],
		['apikey'],
		['API-Key'],
		['x-api-key'],
		['key'],
		['token'],
		['access_token'],
		['refresh_token'],
		['auth'],
		['password'],
		['passwd'],
		['secret'],
		['client_secret'],
		['Token'],
		['access%5Ftoken'],
	])('hides the value of a credential-like parameter: %s', (name) => {
		const redacted = redactUrl(`https://api.example.com/v.mp4?Expires=1&${name}=abc123&Signature=sig1#frag`);
		expect(redacted).toBe(`https://api.example.com/v.mp4?Expires=1&${name}=***&Signature=sig1#frag`);
	});

	it('hides credential-like parameters in the fragment too (implicit OAuth answers)', () => {
		expect(redactUrl('https://app.example.com/cb#access_token=abc123&state=x')).toBe(
			'https://app.example.com/cb#access_token=***&state=x',
		);
	});

	it('hides user:password but keeps the signed query of the same link', () => {
		expect(redactUrl('https://ak:sk-77@oss.example.com/v/x.mp4?Signature=zz&Expires=1')).toBe(
			'https://***@oss.example.com/v/x.mp4?Signature=zz&Expires=1',
		);
	});

	it('leaves a URL without secrets as it was', () => {
		expect(redactUrl('http://127.0.0.1:16688/aog/v0.2/services/image-to-video')).toBe(
			'http://127.0.0.1:16688/aog/v0.2/services/image-to-video',
		);
	});

	it('hides user:password written without a scheme (it would parse as scheme "admin:")', () => {
		expect(redactUrl('admin:hunter2@127.0.0.1:16688/?token=abc')).toBe('***@127.0.0.1:16688/?token=***');
		expect(redactUrl('admin:hunter2@bad host/x')).toBe('***@bad host/x');
		expect(redactUrl('https://aog.example.com/a@b')).toBe('https://aog.example.com/a@b');
	});

	it('does not add a slash to a bare origin', () => {
		expect(redactUrl('http://127.0.0.1:16688')).toBe('http://127.0.0.1:16688');
		expect(redactUrl('https://u:p@aog.example.com')).toBe('https://***@aog.example.com');
		expect(redactUrl('http://127.0.0.1:16688/')).toBe('http://127.0.0.1:16688/');
	});

	it('still hides credentials and the whole query of text that does not parse as a URL (it is no usable link)', () => {
		expect(redactUrl('http://user:pw@bad host/?sig=abc')).toBe('http://***@bad host/?***');
	});

	it('is idempotent', () => {
		const once = redactUrl('https://u:p@h.example/x?Signature=abc&Expires=1&token=t');
		expect(redactUrl(once)).toBe(once);
	});
});

describe('redactText', () => {
	it('redacts the credentials of every URL inside arbitrary text, keeping signed links usable', () => {
		const text =
			'download of https://oss.example.com/v.mp4?Expires=1&Signature=SIG1 failed; retry via "http://admin:pw@proxy.lan/x?token=TOK2"';
		const redacted = redactText(text);
		expect(redacted).toBe(
			'download of https://oss.example.com/v.mp4?Expires=1&Signature=SIG1 failed; retry via "http://***@proxy.lan/x?token=***"',
		);
	});

	it("keeps a sentence's final dot and a list's separator out of the URL", () => {
		expect(redactText('The address is https://h.example/v.mp4?token=abc. Try again')).toBe(
			'The address is https://h.example/v.mp4?token=***. Try again',
		);
		expect(redactText('video https://h.example/a.mp4?key=k1; item 2 https://u:p@h.example/b.mp4.')).toBe(
			'video https://h.example/a.mp4?key=***; item 2 https://***@h.example/b.mp4.',
		);
	});

	it('replaces a known secret wherever it appears, several times, with regex characters taken literally', () => {
		const secret = 'sk-a1.b2*c3+d4?';
		const text = `Authorization: Bearer ${secret} was refused; key ${secret} (${secret.length} chars) in {"api_key":"${secret}"}`;
		const redacted = redactText(text, [secret]);
		expect(redacted).not.toContain(secret);
		expect(redacted).toBe(
			`Authorization: Bearer *** was refused; key *** (${secret.length} chars) in {"api_key":"***"}`,
		);
	});

	it('replaces a secret inside a URL path, which URL redaction keeps', () => {
		expect(redactText('GET https://proxy.example.com/keys/sk-live-123456/i2v failed', ['sk-live-123456'])).toBe(
			'GET https://proxy.example.com/keys/***/i2v failed',
		);
	});

	it('ignores empty and very short secrets (they would shred the text)', () => {
		expect(redactText('a b c abcd', ['', 'abcd'])).toBe('a b c ***');
		expect(redactText('a b c abc', ['abc'])).toBe('a b c abc');
	});

	it('leaves text without URLs or secrets unchanged', () => {
		expect(redactText('AOG stopped waiting for the video after about one minute')).toBe(
			'AOG stopped waiting for the video after about one minute',
		);
	});
});

describe('signedUrlExpiry', () => {
	it('reads the Unix Expires of an OSS link as an ISO date', () => {
		expect(signedUrlExpiry('https://x.oss-cn-beijing.aliyuncs.com/v.mp4?Expires=1764043200&Signature=abc')).toBe(
			'2025-11-25T04:00:00.000Z',
		);
		expect(signedUrlExpiry('https://x/v.mp4?Expires=1764043200&Signature=abc')).toBe(
			new Date(1764043200 * 1000).toISOString(),
		);
	});

	it.each([
		['no Expires', 'https://x/v.mp4?Signature=abc'],
		['Expires not a number', 'https://x/v.mp4?Expires=tomorrow'],
		['Expires 0', 'https://x/v.mp4?Expires=0'],
		['Expires negative', 'https://x/v.mp4?Expires=-5'],
		['not a URL', 'v.mp4?Expires=1764043200'],
	])('is undefined with %s', (_name, value) => {
		expect(signedUrlExpiry(value)).toBeUndefined();
	});
});
