import { IMAGE_LIMITS, SNIFF_BYTES } from '../../../../nodes/Aog/media/image';
import { InputError } from '../../../../nodes/Aog/run/failures';
import {
	ABSOLUTE_MAX_BASE64_CHARS,
	base64ToDataUri,
	inspectImageBytes,
	MAX_BASE64_CHARS,
} from '../../../../nodes/Aog/media/imageInput';
import { basicImage, exifSegment, withSegmentsAfterSoi } from '../../../support/images';
import { inputError } from '../../../support/inputError';

const png = basicImage(641, 480, 'png');
const jpeg = basicImage(641, 480, 'jpeg');
const webp = basicImage(641, 480, 'webp');
const bmp = basicImage(641, 480, 'bmp');
const b64 = (bytes: Buffer) => bytes.toString('base64');
/** Wraps base64 text into lines, as MIME (76, CRLF), PEM (64) or GNU base64 (76, LF) do. */
const wrap = (text: string, width: number, eol: string) => text.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol);

/** A picture of `size` bytes: a real header followed by padding (the sniffer reads only the header). */
function paddedPng(size: number): Buffer {
	const bytes = Buffer.alloc(size);
	png.copy(bytes, 0, 0, Math.min(png.length, size));
	return bytes;
}

describe('base64ToDataUri: what users paste', () => {
	it.each([
		['PNG', png, 'image/png'],
		['JPEG', jpeg, 'image/jpeg'],
		['WEBP', webp, 'image/webp'],
		['BMP', bmp, 'image/bmp'],
	])('turns bare base64 of a %s into the data URI DashScope needs', (_name, bytes, mimeType) => {
		const result = base64ToDataUri(b64(bytes), true);
		expect(result.dataUri).toBe(`data:${mimeType};base64,${b64(bytes)}`);
		expect(result.mimeType).toBe(mimeType);
		expect(result.info).toMatchObject({ width: 641, height: 480 });
	});

	it('keeps a correct data URI, whatever the case of its prefix and with extra parameters', () => {
		for (const prefix of ['data:image/png;base64,', 'DATA:IMAGE/PNG;BASE64,', 'data:image/png;name=car.png;base64,']) {
			expect(base64ToDataUri(prefix + b64(png), true).dataUri).toBe(`data:image/png;base64,${b64(png)}`);
		}
	});

	it('accepts image/jpg and image/pjpeg for a JPEG and writes image/jpeg', () => {
		for (const declared of ['image/jpg', 'image/pjpeg', 'image/jpeg']) {
			expect(
				base64ToDataUri(`data:${declared};base64,${b64(jpeg)}`, true).dataUri.startsWith('data:image/jpeg;base64,/9j/'),
			).toBe(true);
		}
	});

	it('removes line breaks and surrounding whitespace (MIME, PEM and GNU base64 wrapping)', () => {
		for (const text of [
			wrap(b64(png), 76, '\r\n'),
			wrap(b64(png), 64, '\n'),
			`\n  ${b64(png)}  \n`,
			`data:image/png;base64,\n${wrap(b64(png), 76, '\n')}\n`,
		]) {
			expect(base64ToDataUri(text, true).dataUri).toBe(`data:image/png;base64,${b64(png)}`);
		}
	});

	it('refuses an empty field', () => {
		for (const text of ['', '   ', '\r\n']) {
			const error = inputError(() => base64ToDataUri(text, true));
			expect(error.message).toBe('The Image (Base64) field is empty');
			expect(error.description).toMatch(/\{\{ \$json\.image \}\}/);
		}
	});

	it('refuses a data URI with nothing after the comma as an empty image', () => {
		expect(inputError(() => base64ToDataUri('data:image/png;base64,', true)).message).toBe(
			'The image is empty (0 bytes)',
		);
	});

	it('refuses wrong padding or a cut-off text, with the length', () => {
		const text = b64(png);
		const cut = text.slice(0, text.length - 3);
		const error = inputError(() => base64ToDataUri(cut, true));
		expect(error.message).toBe('The base64 image has the wrong length or padding');
		expect(error.description).toContain(`Its length (${cut.length} characters) must be a multiple of 4`);
		expect(inputError(() => base64ToDataUri('Q===', true)).message).toBe(
			'The base64 image has the wrong length or padding',
		);
	});

	it('refuses a character that is not base64, and says where', () => {
		const text = `${b64(png).slice(0, 100)}*${b64(png).slice(101)}`;
		const error = inputError(() => base64ToDataUri(text, true));
		expect(error.message).toBe('The base64 image contains an invalid character "*" at position 101');
		expect(error.description).toMatch(/A–Z, a–z, 0–9, \+ and \//);
	});

	it('recognises URL-safe base64 and says how to convert it', () => {
		// Find a picture whose base64 has both + and /, then write it the URL-safe way.
		const standard = b64(jpeg);
		expect(standard).toMatch(/\+/);
		expect(standard).toMatch(/\//);
		const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_');
		const error = inputError(() => base64ToDataUri(urlSafe, true));
		const first = Math.min(urlSafe.indexOf('-'), urlSafe.indexOf('_'));
		expect(error.message).toBe(
			`The base64 image contains an invalid character "${urlSafe[first]}" at position ${first + 1} (this looks like URL-safe base64: replace - with + and _ with /)`,
		);
	});

	it('refuses "=" in the middle (two base64 texts joined)', () => {
		const error = inputError(() => base64ToDataUri(`${b64(Buffer.from('ab'))}${b64(png)}`, true));
		expect(b64(Buffer.from('ab'))).toBe('YWI=');
		expect(error.message).toBe('The base64 image has "=" padding in the middle');
		expect(error.description).toMatch(/two base64 strings joined together/);
	});

	it.each([
		['data:text/plain;base64,SGVsbG8=', 'The data URI declares "text/plain", not an image'],
		['data:application/pdf;base64,JVBERi0xLjc=', 'The data URI declares "application/pdf", not an image'],
		['data:;base64,SGVsbG8=', 'The data URI declares "no type", not an image'],
		['data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>', 'The data URI is not base64-encoded'],
		['data:image/png;charset=utf-8,iVBORw0KGgo', 'The data URI is not base64-encoded'],
		['data:image/png;base64', 'The data URI is malformed'],
	])('refuses the data URI %s', (text, message) => {
		for (const validate of [true, false])
			expect(inputError(() => base64ToDataUri(text, validate)).message).toBe(message);
	});

	it('refuses a data URI whose declared type is not what the bytes are', () => {
		const error = inputError(() => base64ToDataUri(`data:image/png;base64,${b64(jpeg)}`, true));
		expect(error.message).toBe('The data URI says image/png but the bytes are image/jpeg');
		expect(error.description).toMatch(/data:image\/jpeg;base64,/);
	});

	it.each([
		['a GIF', basicImage(641, 480, 'gif'), 'The input is a GIF, not an image Wan can animate'],
		['a TIFF', basicImage(641, 480, 'tiff'), 'The input is a TIFF, not an image Wan can animate'],
		['text', Buffer.from('just some words, not a picture'), 'The input is a text file, not an image Wan can animate'],
		['a PDF', Buffer.from('%PDF-1.7\n1 0 obj\n'), 'The input is a PDF document, not an image Wan can animate'],
	])('refuses %s with validation on', (_name, bytes, message) => {
		const error = inputError(() => base64ToDataUri(b64(bytes), true));
		expect(error.message).toBe(message);
		expect(error.description).toMatch(/^DashScope accepts JPEG, PNG, BMP and WEBP images/);
	});

	it('refuses pictures outside DashScope limits, naming every problem', () => {
		expect(inputError(() => base64ToDataUri(b64(basicImage(300, 480, 'png')), true)).message).toBe(
			"The image does not meet DashScope's limits: the image is 300×480 px; DashScope needs each side between 360 and 2000 px",
		);
		const both = inputError(() => base64ToDataUri(b64(basicImage(300, 480, 'png', true)), true));
		expect(both.message).toMatch(/300×480 px.*; the PNG has an alpha/);
		expect(both.description).toMatch(/turn off "Validate Image"/);
	});

	it('refuses a corrupt header', () => {
		expect(inputError(() => base64ToDataUri(b64(png.subarray(0, 20)), true)).message).toBe(
			'The PNG image is corrupt: the PNG header (IHDR) is missing or cut short',
		);
	});

	describe('with validation off', () => {
		it('passes pictures the limits would refuse, with the detected type', () => {
			for (const bytes of [basicImage(17, 33, 'png'), basicImage(641, 480, 'png', true)]) {
				expect(base64ToDataUri(b64(bytes), false)).toMatchObject({
					dataUri: `data:image/png;base64,${b64(bytes)}`,
					mimeType: 'image/png',
				});
			}
		});

		it('keeps the declared type of a data URI, even one that does not match or is not recognised', () => {
			const gif = basicImage(641, 480, 'gif');
			expect(base64ToDataUri(`data:image/gif;base64,${b64(gif)}`, false)).toMatchObject({
				dataUri: `data:image/gif;base64,${b64(gif)}`,
				mimeType: 'image/gif',
			});
			expect(
				base64ToDataUri(`data:image/png;base64,${b64(jpeg)}`, false).dataUri.startsWith('data:image/png;base64,'),
			).toBe(true);
		});

		it('still needs some type: bare base64 of an unknown format is refused', () => {
			const error = inputError(() => base64ToDataUri(b64(basicImage(641, 480, 'gif')), false));
			expect(error.message).toBe('The image type could not be recognised');
		});

		it('still checks the base64 syntax', () => {
			expect(inputError(() => base64ToDataUri('abc$', false)).message).toMatch(/invalid character "\$"/);
		});
	});
});

describe('base64ToDataUri: size limits checked before decoding', () => {
	/** Runs `fn` and reports how much ArrayBuffer memory (Buffers) it kept: decoding 20 MB of text would keep 15 MB. */
	function measure(fn: () => void) {
		const before = process.memoryUsage().arrayBuffers;
		fn();
		return { arrayBuffers: process.memoryUsage().arrayBuffers - before };
	}

	it('refuses 20 MB of text at once, without decoding it', () => {
		const huge = 'A'.repeat(20 * 1024 * 1024);
		let error: InputError | undefined;
		const cost = measure(() => {
			error = inputError(() => base64ToDataUri(huge, true));
		});
		expect(error!.message).toBe('The base64 image is too large (20.0 MB of text, about 15.0 MB decoded)');
		expect(error!.description).toMatch(/at most 10 MB/);
		expect(cost.arrayBuffers).toBeLessThan(1024 * 1024);

		// The same text as a data URI is refused the same way.
		expect(inputError(() => base64ToDataUri(`data:image/png;base64,${huge}`, true)).message).toMatch(/too large/);
	});

	it('caps even unvalidated input at 64 MB of text', () => {
		const error = inputError(() => base64ToDataUri('A'.repeat(ABSOLUTE_MAX_BASE64_CHARS + 1), false));
		expect(error.message).toMatch(/^The base64 image is too large \(64\.0 MB of text/);
		expect(error.description).toBe('Base64 input is capped at 64 MB of text.');
	});

	it('accepts an image just under 10 MB, even wrapped in lines (GNU base64, MIME)', () => {
		const bytes = paddedPng(IMAGE_LIMITS.maxBytes - 1024);
		for (const text of [
			b64(bytes),
			wrap(b64(bytes), 76, '\n'),
			wrap(b64(bytes), 76, '\r\n'),
			wrap(b64(bytes), 64, '\r\n'),
		]) {
			expect(text.length).toBeLessThan(ABSOLUTE_MAX_BASE64_CHARS);
			const result = base64ToDataUri(text, true);
			expect(result.mimeType).toBe('image/png');
			expect(result.dataUri.length).toBe('data:image/png;base64,'.length + b64(bytes).length);
		}
	});

	it('refuses an image just over 10 MB by its decoded size, not by its text', () => {
		const bytes = paddedPng(IMAGE_LIMITS.maxBytes + 1);
		expect(b64(bytes).length).toBeLessThan(MAX_BASE64_CHARS);
		expect(inputError(() => base64ToDataUri(b64(bytes), true)).message).toBe(
			"The image does not meet DashScope's limits: the image is 10.0 MB, over DashScope's limit of 10 MB",
		);
	});
});

describe('inspectImageBytes', () => {
	it('returns the MIME type from the bytes, not the one given', () => {
		expect(inspectImageBytes(png, png.length, true, 'application/octet-stream')).toMatchObject({
			mimeType: 'image/png',
			info: { width: 641, height: 480 },
		});
		expect(inspectImageBytes(jpeg, jpeg.length, false, 'image/png').mimeType).toBe('image/jpeg');
	});

	it('checks the whole size, not the head it was given', () => {
		const head = png.subarray(0, SNIFF_BYTES);
		expect(inputError(() => inspectImageBytes(head, 11 * 1024 * 1024, true)).message).toMatch(
			/the image is 11\.0 MB, over DashScope's limit of 10 MB/,
		);
	});

	it('refuses 0 bytes with validation on', () => {
		expect(inputError(() => inspectImageBytes(new Uint8Array(0), 0, true, 'image/png')).message).toBe(
			'The image is empty (0 bytes)',
		);
	});

	it('falls back to the given MIME type with validation off, or says the type is unknown', () => {
		const gif = basicImage(641, 480, 'gif');
		expect(inspectImageBytes(gif, gif.length, false, 'image/gif').mimeType).toBe('image/gif');
		const error = inputError(() => inspectImageBytes(gif, gif.length, false));
		expect(error.description).toMatch(/Give the binary a MIME type/);
	});

	describe('a JPEG whose metadata pushes the frame header past the first 256 KB', () => {
		// Photo editors can write hundreds of KB of XMP/EXIF before SOF; the node sniffs only SNIFF_BYTES of a stored file.
		const big = withSegmentsAfterSoi(basicImage(641, 480, 'jpeg'), [
			exifSegment(),
			exifSegment(),
			exifSegment(),
			exifSegment(),
			exifSegment(),
		]);

		it('really has its frame header after SNIFF_BYTES', () => {
			expect(big.indexOf(Buffer.from([0xff, 0xc0]))).toBeGreaterThan(SNIFF_BYTES);
		});

		it('is not called corrupt from its head alone, and is checked in full from the whole file', () => {
			expect(() => inspectImageBytes(big.subarray(0, SNIFF_BYTES), big.length, true)).not.toThrow();
			expect(inspectImageBytes(big, big.length, true)).toMatchObject({
				mimeType: 'image/jpeg',
				info: { width: 641, height: 480 },
			});
		});

		it('is still corrupt when the whole file has no frame header', () => {
			const cut = big.subarray(0, SNIFF_BYTES);
			expect(inputError(() => inspectImageBytes(cut, cut.length, true)).message).toMatch(
				/^The JPEG image is corrupt: the JPEG has no frame header/,
			);
		});

		it('is read in full from base64, so its size limits still apply', () => {
			expect(base64ToDataUri(b64(big), true)).toMatchObject({
				mimeType: 'image/jpeg',
				info: { width: 641, height: 480 },
			});
			const small = withSegmentsAfterSoi(basicImage(300, 200, 'jpeg'), [
				exifSegment(),
				exifSegment(),
				exifSegment(),
				exifSegment(),
				exifSegment(),
			]);
			expect(inputError(() => base64ToDataUri(b64(small), true)).message).toMatch(/300×200 px/);
		});
	});
});
