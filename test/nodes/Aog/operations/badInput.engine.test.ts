// The bad-input matrix (docs/RELIABILITY.md): everything DashScope would refuse (or the node cannot use) is refused by the node
// itself, with the cause, the fix and the item, before any request: the dev server counts zero calls.
// Options → Validate Image off lets the image checks through (the request is then made).
import type { INodeParameters } from 'n8n-workflow';

import type { InjectItem, RunNodeResult } from '../../../../tools/harness/engine';
import { jpegItem, makeImage, runAog, startAogServer, type AogServer } from '../support';

let server: AogServer;

beforeAll(async () => {
	server = await startAogServer({ port: 0 });
});
afterAll(async () => await server.close());
beforeEach(() => server.reset());

const text = (value: string) => Buffer.from(value, 'latin1');

/** Bytes that are not pictures DashScope takes. */
const FILES = {
	pdf: Buffer.concat([
		text('%PDF-1.7\n%'),
		Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]),
		text('\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
	]),
	mp4: Buffer.concat([
		Buffer.from([0, 0, 0, 0x18]),
		text('ftypisom\0\0\x02\0isomiso2'),
		Buffer.from([0, 0, 0, 8]),
		text('free'),
	]),
	text: text('Product photo: see attachment.\nThanks!\n'),
	svg: text(
		'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600"/></svg>\n',
	),
	avif: Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), text('ftypavif\0\0\0\0avifmif1miaf'), Buffer.alloc(64)]),
};

function binary(data: Buffer, mimeType: string, fileName: string, field = 'data'): InjectItem {
	return { json: {}, binary: { [field]: { data, mimeType, fileName } } };
}

interface Expected {
	message: string | RegExp;
	/** Cause, then fix. */
	description: RegExp[];
}

/** The run failed on item `item` with this message and description, and nothing reached the gateway. */
function expectRefused(result: RunNodeResult, expected: Expected, item = 0) {
	expect(result.output).toEqual([]);
	expect(result.error).toBeDefined();
	const { message, description } = result.error!;
	if (typeof expected.message === 'string') expect(message).toBe(expected.message);
	else expect(message).toMatch(expected.message);
	expect(result.error!.itemIndex).toBe(item);
	for (const pattern of expected.description) expect(description ?? '').toMatch(pattern);
	expect(server.counters.total).toBe(0);
}

async function runBinary(
	items: InjectItem[],
	parameters: INodeParameters = {},
	binaryMode: 'default' | 'filesystem' = 'default',
) {
	return await runAog({ imageSource: 'binary', ...parameters }, { server, items, binaryMode });
}

const LIMITS_FIX =
	/Resize or re-encode it \(JPEG, PNG without transparency, BMP or WEBP; each side 360–2000 px; at most 10 MB\).*turn off "Validate Image"/;
const CONVERT_FIX = /DashScope accepts JPEG, PNG, BMP and WEBP images\. Convert the file first/;

// ---------------------------------------------------------------------------------------------------------------

describe('binary input', () => {
	test('missing binary field: names the fields the item does have', async () => {
		const photo = jpegItem().binary!.data;
		const result = await runBinary([{ json: {}, binary: { photo, thumbnail: photo } }], { binaryPropertyName: 'data' });
		expectRefused(result, {
			message: 'The item has no binary field "data"',
			description: [/^It has: "photo", "thumbnail"\./, /Set "Input Binary Field" to the one holding the picture/],
		});
	});

	test('missing binary field on an item without any binary: says so and what to add', async () => {
		const result = await runBinary([{ json: { sku: 'A-1' } }]);
		expectRefused(result, {
			message: 'The item has no binary field "data"',
			description: [
				/It has no binary data at all/,
				/Put a node that outputs the picture as a file .* before this one, or choose another Image Source/,
			],
		});
	});

	test('the failing item is named: the second of two items', async () => {
		const result = await runBinary([jpegItem(), binary(FILES.pdf, 'application/pdf', 'order.pdf')], {
			options: { concurrency: 1 },
		});
		// Item 0 is fine and is generated; item 1 is refused before its request.
		expect(result.error?.message).toBe('The input is a PDF document, not an image Wan can animate');
		expect(server.counters.i2vPosts).toBe(1);
	});

	describe.each(['default', 'filesystem'] as const)('%s binary mode', (binaryMode) => {
		test.each([
			['a PDF', FILES.pdf, 'application/pdf', 'The input is a PDF document, not an image Wan can animate'],
			['an MP4', FILES.mp4, 'video/mp4', 'The input is a MP4/MOV video, not an image Wan can animate'],
			['a text file', FILES.text, 'text/plain', 'The input is a text file, not an image Wan can animate'],
			[
				'a GIF',
				makeImage({ width: 640, height: 480, format: 'gif' }),
				'image/gif',
				'The input is a GIF, not an image Wan can animate',
			],
			[
				'a TIFF',
				makeImage({ width: 640, height: 480, format: 'tiff' }),
				'image/tiff',
				'The input is a TIFF, not an image Wan can animate',
			],
			['an SVG', FILES.svg, 'image/svg+xml', 'The input is a SVG, not an image Wan can animate'],
			['an AVIF', FILES.avif, 'image/avif', 'The input is a AVIF, not an image Wan can animate'],
		])('not an image DashScope takes: %s', async (_name, bytes, mimeType, message) => {
			const result = await runBinary([binary(bytes, mimeType, 'upload')], {}, binaryMode);
			expectRefused(result, { message, description: [CONVERT_FIX, /or pick the right binary field/] });
		});

		test.each([
			[
				'over 10 MB (2000×2000 BMP, 11.4 MB)',
				() => makeImage({ width: 2000, height: 2000, format: 'bmp' }),
				'image/bmp',
				/the image is 11\.4 MB, over DashScope's limit of 10 MB/,
			],
			[
				'a side under 360 px (359×640)',
				() => makeImage({ width: 359, height: 640, format: 'jpeg' }),
				'image/jpeg',
				/the image is 359×640 px; DashScope needs each side between 360 and 2000 px/,
			],
			[
				'a side over 2000 px (2001×900)',
				() => makeImage({ width: 2001, height: 900, format: 'jpeg' }),
				'image/jpeg',
				/the image is 2001×900 px; DashScope needs each side between 360 and 2000 px/,
			],
			[
				'a PNG with an alpha channel',
				() => makeImage({ width: 640, height: 480, format: 'png', alpha: true }),
				'image/png',
				/the PNG has an alpha \(transparency\) channel, which DashScope rejects/,
			],
		])('outside DashScope limits: %s', async (_name, bytes, mimeType, problem) => {
			const result = await runBinary([binary(bytes(), mimeType, 'photo')], {}, binaryMode);
			expectRefused(result, { message: /^The image does not meet DashScope's limits: .*$/, description: [LIMITS_FIX] });
			expect(result.error!.message).toMatch(problem);
		});

		test.each([
			[
				'a PNG cut inside its header',
				() => makeImage({ width: 640, height: 480, format: 'png' }).subarray(0, 20),
				'The PNG image is corrupt: the PNG header (IHDR) is missing or cut short',
			],
			[
				'a JPEG cut before its frame header',
				() => jpegWithoutFrame(),
				'The JPEG image is corrupt: the JPEG has no frame header (SOF) in its first bytes: the file is cut short or corrupt',
			],
			[
				'a JPEG with a corrupt marker',
				() =>
					Buffer.concat([
						Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]),
						text('JFIF\0\x01\x01\0\0\x01\0\x01\0\0'),
						Buffer.from([0x12, 0x34, 0x56, 0x78]),
						Buffer.alloc(100),
					]),
				'The JPEG image is corrupt: the JPEG marker at byte 20 is corrupt',
			],
			[
				'a WEBP with a broken VP8 frame header',
				() => corruptWebp(),
				'The WEBP image is corrupt: the WEBP (VP8) frame header is corrupt',
			],
		])('truncated or corrupt header: %s', async (_name, bytes, message) => {
			const result = await runBinary([binary(bytes(), 'image/jpeg', 'photo.jpg')], {}, binaryMode);
			expectRefused(result, {
				message,
				description: [/the file as given cannot be decoded/, /Re-export or re-download the image/],
			});
		});

		test('an empty file', async () => {
			const result = await runBinary([binary(Buffer.alloc(0), 'image/jpeg', 'photo.jpg')], {}, binaryMode);
			expectRefused(result, {
				message: 'The image is empty (0 bytes)',
				description: [/Check the node that produced the file: it wrote no data/],
			});
		});
	});

	describe('Options → Validate Image off lets the image checks through (the request is made)', () => {
		// What happens next is the gateway's call: the dev server applies DashScope's documented limits (it takes
		// a PNG with alpha, as the contract lists no such rule) and its reason reaches the user.
		test.each([
			[
				'a side under 360 px',
				() => makeImage({ width: 200, height: 200, format: 'png' }),
				'image/png',
				/The resolution of the input image is invalid: 200x200/,
			],
			[
				'a PNG with an alpha channel',
				() => makeImage({ width: 640, height: 480, format: 'png', alpha: true }),
				'image/png',
				undefined,
			],
			[
				'a GIF',
				() => makeImage({ width: 640, height: 480, format: 'gif' }),
				'image/gif',
				/The format of the input image is not supported \(image\/gif\)/,
			],
			[
				'over 10 MB',
				() => makeImage({ width: 2000, height: 2000, format: 'bmp' }),
				'image/bmp',
				/The size of the input image exceeds the limit: 11\.44 MB/,
			],
		])('%s', async (_name, bytes, mimeType, gatewayReason) => {
			const result = await runBinary([binary(bytes(), mimeType, 'photo')], {
				options: { validateImage: false, downloadVideo: false },
			});
			expect(server.counters.i2vPosts).toBe(1);
			const image = String(
				(server.lastRequests.find((request) => request.method === 'POST')!.body as { image: string }).image,
			);
			expect(image.startsWith(`data:${mimeType};base64,`)).toBe(true);
			if (gatewayReason) {
				expect(result.error?.message).toBe('DashScope rejected the request (InvalidParameter)');
				expect(result.error?.description).toMatch(gatewayReason);
			} else {
				expect(result.error).toBeUndefined();
				expect(result.output).toHaveLength(1);
			}
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('image URL', () => {
	const run = (imageUrl: string, options: INodeParameters = {}) =>
		runAog({ imageSource: 'url', imageUrl, options }, { server });

	test.each([
		[
			'empty (an expression that gives "")',
			'={{ $json.missing ?? "" }}',
			'The Image URL field is empty',
			[/Map the picture's public http\(s\) address into "Image URL"/],
		],
		['blank', '   ', 'The Image URL field is empty', [/Map the picture's public http\(s\) address/]],
		[
			'not a URL',
			'photo.jpg',
			'"photo.jpg" is not a valid URL',
			[/Use a full address such as https:\/\/example\.com\/photo\.jpg/],
		],
		[
			'file:',
			'file:///home/me/photo.jpg',
			'The image URL uses "file:", but only http and https are supported',
			[/DashScope downloads the image from the internet/, /use Image Source "Binary"/],
		],
		[
			'ftp:',
			'ftp://files.example.com/photo.jpg',
			'The image URL uses "ftp:", but only http and https are supported',
			[/give an http\(s\) address/],
		],
		[
			'javascript:',
			'javascript:alert(1)',
			'The image URL uses "javascript:", but only http and https are supported',
			[/give an http\(s\) address/],
		],
		[
			'data:',
			'data:image/png;base64,iVBORw0KGgo=',
			'The image URL uses "data:", but only http and https are supported',
			[/For a data URI choose Image Source "Base64" instead/],
		],
	] as Array<[string, string, string, RegExp[]]>)('%s', async (_name, url, message, description) => {
		expectRefused(await run(url), { message, description });
	});

	test.each([
		['localhost', 'http://localhost:8080/photo.jpg', 'localhost'],
		['loopback IPv4', 'http://127.0.0.1/photo.jpg', '127.0.0.1'],
		['loopback IPv6', 'http://[::1]/photo.jpg', '[::1]'],
		['private 192.168/16', 'https://192.168.1.20/photo.jpg', '192.168.1.20'],
		['private 10/8', 'http://10.0.0.7/photo.jpg', '10.0.0.7'],
		['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data', '169.254.169.254'],
		['.local host', 'http://nas.local/photo.jpg', 'nas.local'],
	])('a %s URL, which the cloud cannot fetch', async (_name, url, host) => {
		expectRefused(await run(url), {
			message: `The image URL points to a local or private address (${host}) that Alibaba Cloud cannot reach`,
			description: [
				/DashScope fetches URLs from the internet/,
				/Download the image in n8n first and use Image Source "Binary" instead/,
				/or turn off "Validate Image"/,
			],
		});
	});

	test('a private URL goes through with Validate Image off (for a gateway that fetches it itself)', async () => {
		const result = await run('http://192.168.1.20/photo.jpg', { validateImage: false });
		expect(server.counters.i2vPosts).toBe(1);
		expect(server.lastRequests[0].body).toMatchObject({ image: 'http://192.168.1.20/photo.jpg', image_type: 'url' });
		expect(result.error).toBeDefined(); // the dev server (like DashScope) cannot download it
	});

	test('a non-http(s) URL is refused even with Validate Image off', async () => {
		expectRefused(await run('file:///etc/passwd', { validateImage: false }), {
			message: 'The image URL uses "file:", but only http and https are supported',
			description: [/give an http\(s\) address/],
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('base64 input', () => {
	const run = (imageBase64: string, options: INodeParameters = {}) =>
		runAog({ imageSource: 'base64', imageBase64, options }, { server });
	const png = makeImage({ width: 640, height: 480, format: 'png' }).toString('base64');

	test.each([
		[
			'empty (an expression that gives "")',
			'={{ $json.missing ?? "" }}',
			'The Image (Base64) field is empty',
			[/Map the base64 text of the picture into "Image \(Base64\)"/],
		],
		['blank', ' \n ', 'The Image (Base64) field is empty', [/Map the base64 text of the picture/]],
		[
			'bad characters',
			`${png.slice(0, 40)}$%${png.slice(42)}`,
			'The base64 image contains an invalid character "$" at position 41',
			[/Base64 uses only A–Z, a–z, 0–9, \+ and \//],
		],
		[
			'URL-safe alphabet',
			png.replace(/\+/g, '-').replace(/\//g, '_'),
			/^The base64 image contains an invalid character "[-_]" at position \d+ \(this looks like URL-safe base64: replace - with \+ and _ with \/\)$/,
			[/Base64 uses only/],
		],
		[
			'wrong padding (cut off)',
			png.slice(0, png.length - 3),
			'The base64 image has the wrong length or padding',
			[/must be a multiple of 4 with at most two "=" at the end: the text was probably cut off/],
		],
		[
			'padding in the middle',
			`${png}${png}`.replace(/=+/, '=='),
			/^The base64 image (has "=" padding in the middle|has the wrong length or padding)$/,
			[/./],
		],
		[
			'a data URI with a non-image MIME type',
			`data:application/pdf;base64,${FILES.pdf.toString('base64')}`,
			'The data URI declares "application/pdf", not an image',
			[/DashScope accepts JPEG, PNG, BMP and WEBP images; the data URI must start with data:image\/…/],
		],
		[
			'a data URI that is not base64',
			'data:image/png,iVBORw0KGgo',
			'The data URI is not base64-encoded',
			[/data:image\/png;base64,/],
		],
		[
			'a data URI whose type and bytes disagree',
			`data:image/jpeg;base64,${png}`,
			'The data URI says image/jpeg but the bytes are image/png',
			[/Correct the prefix to data:image\/png;base64,/],
		],
		[
			'base64 of a PDF',
			FILES.pdf.toString('base64'),
			'The input is a PDF document, not an image Wan can animate',
			[CONVERT_FIX],
		],
	] as Array<[string, string, string | RegExp, RegExp[]]>)('%s', async (_name, value, message, description) => {
		expectRefused(await run(value), { message, description });
	});

	test('base64 larger than 10 MB of image is refused before it is decoded', async () => {
		const huge = 'A'.repeat(15 * 1024 * 1024);
		expectRefused(await run(huge), {
			message: 'The base64 image is too large (15.0 MB of text, about 11.3 MB decoded)',
			description: [/DashScope accepts images of at most 10 MB: resize or compress the picture first/],
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('other parameters', () => {
	test.each([
		['an expression that gives ""', '={{ $json.missing ?? "" }}'],
		['blank', '  '],
	])('an empty path on the AOG host (%s)', async (_name, imagePath) => {
		expectRefused(await runAog({ imageSource: 'path', imagePath }, { server }), {
			message: 'The Image Path field is empty',
			description: [/Give the full path of the picture on the machine where AOG runs/],
		});
	});

	test.each([
		['url', 'imageUrl'],
		['base64', 'imageBase64'],
		['path', 'imagePath'],
	])('a required %s field left literally empty: n8n itself refuses to start the run', async (imageSource, field) => {
		await expect(runAog({ imageSource, [field]: '' }, { server })).rejects.toThrow(
			'The workflow has issues and cannot be executed',
		);
		expect(server.counters.total).toBe(0);
	});

	test('a prompt over 800 characters (DashScope would cut it silently)', async () => {
		expectRefused(await runBinary([jpegItem()], { prompt: 'x'.repeat(801) }), {
			message: 'The prompt has 801 characters; DashScope takes at most 800',
			description: [/DashScope would cut it off silently/, /Shorten it to 800 characters/],
		});
	});

	test('a prompt of exactly 800 characters is accepted', async () => {
		const result = await runBinary([jpegItem()], { prompt: 'x'.repeat(800), options: { downloadVideo: false } });
		expect(result.error).toBeUndefined();
		expect(server.counters.i2vPosts).toBe(1);
	});

	test.each([
		[0, '0'],
		[3601, '3601'],
		[-5, '-5'],
	])('Options → Timeout %s (outside 1–3600)', async (timeout, shown) => {
		expectRefused(await runBinary([jpegItem()], { options: { timeout } }), {
			message: `Options → Timeout (Seconds) is ${shown}, outside 1–3600`,
			description: [/Set Options → Timeout \(Seconds\) to a number between 1 and 3600 \(default 600\)/],
		});
	});

	test('Options → Max Video Size 0 (outside 1–10240)', async () => {
		expectRefused(await runBinary([jpegItem()], { options: { maxVideoSizeMB: 0 } }), {
			message: 'Options → Max Video Size (MB) is 0, outside 1–10240',
			description: [/Set Options → Max Video Size \(MB\) to a number between 1 and 10240 \(default 1024\)/],
		});
	});

	// Concurrency applies to the whole run, so its error names no item.
	test.each([[0], [11]])('Options → Concurrency %s (outside 1–10): a node-level error', async (concurrency) => {
		const result = await runBinary([jpegItem()], { options: { concurrency } });
		expect(result.error?.message).toBe(`Options → Concurrency is ${concurrency}, outside 1–10`);
		expect(result.error?.description).toBe('Set Options → Concurrency to a number between 1 and 10 (default 1).');
		expect(server.counters.total).toBe(0);
	});

	test('native-only options on the standard route', async () => {
		expectRefused(await runBinary([jpegItem()], { options: { negativePrompt: 'blur' } }), {
			message: 'Option negativePrompt only works on the native route',
			description: [
				/AOG's standard route drops everything but the image and the prompt/,
				/Set Options → Route to Native, or remove the option/,
			],
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('credential Base URL (a node-level error: it concerns every item)', () => {
	test.each([
		[
			'without a scheme (host:port)',
			'127.0.0.1:16688',
			'The AOG credential\'s Base URL is invalid: "127.0.0.1:16688" is not an http(s) URL',
		],
		[
			'without a scheme (name:port)',
			'localhost:16688',
			'The AOG credential\'s Base URL is invalid: "localhost:16688" is not an http(s) URL',
		],
		[
			'with another scheme',
			'ftp://127.0.0.1:16688',
			'The AOG credential\'s Base URL is invalid: "ftp://127.0.0.1:16688" is not an http(s) URL',
		],
		[
			'with a query string',
			'http://127.0.0.1:16688?token=abc',
			"The AOG credential's Base URL is invalid: it contains a query string or fragment",
		],
		[
			'with a fragment',
			'http://127.0.0.1:16688/#/dashboard',
			"The AOG credential's Base URL is invalid: it contains a query string or fragment",
		],
	])('%s', async (_name, baseUrl, message) => {
		const result = await runAog({ imageSource: 'binary' }, { server, items: [jpegItem()], credentials: { baseUrl } });
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toMatch(
			/Use the gateway root with its scheme, for example http:\/\/127\.0\.0\.1:16688 \(a path prefix for a proxy is fine, a query string is not\)/,
		);
		expect(result.output).toEqual([]);
		expect(server.counters.total).toBe(0);
	});

	test('a secret in the query string of a bad Base URL is not echoed', async () => {
		const result = await runAog(
			{ imageSource: 'binary' },
			{ server, items: [jpegItem()], credentials: { baseUrl: 'localhost:16688?token=s3cr3t-t0ken' } },
		);
		expect(result.error?.message).toBe(
			'The AOG credential\'s Base URL is invalid: "localhost:16688?token=***" is not an http(s) URL',
		);
		expect(JSON.stringify(result.run)).not.toContain('s3cr3t-t0ken');
		expect(server.counters.total).toBe(0);
	});
});

// ---------------------------------------------------------------------------------------------------------------

/** A JPEG that has SOI and a JFIF segment, then ends: no frame header anywhere. */
function jpegWithoutFrame(): Buffer {
	return Buffer.concat([
		Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]),
		text('JFIF\0\x01\x01\0\0\x01\0\x01\0\0'),
		Buffer.from([0xff, 0xd9]),
	]);
}

/** A lossy WEBP whose VP8 start code is damaged. */
function corruptWebp(): Buffer {
	const webp = Buffer.from(makeImage({ width: 640, height: 480, format: 'webp' }));
	const vp8 = webp.indexOf('VP8 ');
	if (vp8 !== 12) throw new Error('expected a simple lossy WEBP');
	webp[23] = 0x00; // the 0x9d 0x01 0x2a start code begins at byte 23
	return webp;
}
