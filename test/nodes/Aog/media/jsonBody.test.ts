import { randomBytes } from 'node:crypto';

import { IMAGE_SLOT, isInlineImage, jsonBody } from '../../../../nodes/Aog/media/jsonBody';

const SLICE = 3 * 256 * 1024;
const dataUri = (bytes: Uint8Array, mimeType: string) =>
	`data:${mimeType};base64,${Buffer.from(bytes).toString('base64')}`;

describe('jsonBody', () => {
	it.each([0, 1, 2, 3, 4, 1000, SLICE - 1, SLICE, SLICE + 1, 2 * SLICE + 2, 5 * 1024 * 1024])(
		'is byte for byte JSON.stringify with the data URI in the slot (%i picture bytes)',
		(size) => {
			const bytes = randomBytes(size);
			const fields = { model: 'wan2.2-i2v-plus', image: IMAGE_SLOT, image_type: 'base64', prompt: 'A slow push-in' };
			const body = jsonBody(fields, { bytes, mimeType: 'image/jpeg' });
			expect(Buffer.isBuffer(body)).toBe(true);
			expect(body.toString('utf8')).toBe(JSON.stringify({ ...fields, image: dataUri(bytes, 'image/jpeg') }));
		},
	);

	it('encodes a view into a larger buffer from its own offset, and fills a nested slot (native route)', () => {
		const backing = randomBytes(SLICE * 2 + 10);
		const view = new Uint8Array(backing.buffer, backing.byteOffset + 7, SLICE + 5);
		const fields = { model: 'm', input: { img_url: IMAGE_SLOT, prompt: 'p' }, parameters: { resolution: '480P' } };
		const body = jsonBody(fields, { bytes: view, mimeType: 'image/png' });
		expect(JSON.parse(body.toString('utf8'))).toEqual({
			...fields,
			input: { img_url: dataUri(view, 'image/png'), prompt: 'p' },
		});
	});

	it('keeps non-ASCII text (UTF-8) and escapes whatever the fields and a declared MIME type hold', () => {
		const bytes = randomBytes(100);
		const fields = { prompt: '镜头缓缓推近，夕阳 🌅 "quoted" \\ back\nslash', image: IMAGE_SLOT, other: '\u0000' };
		const mimeType = 'image/x-"odd"';
		const body = jsonBody(fields, { bytes, mimeType });
		expect(body.toString('utf8')).toBe(JSON.stringify({ ...fields, image: dataUri(bytes, mimeType) }));
		expect(JSON.parse(body.toString('utf8')).prompt).toBe(fields.prompt);
	});

	it('refuses fields without the slot, or with it twice', () => {
		const image = { bytes: randomBytes(3), mimeType: 'image/png' };
		expect(() => jsonBody({ image: 'x' }, image)).toThrow(/exactly once/);
		expect(() => jsonBody({ a: IMAGE_SLOT, b: IMAGE_SLOT }, image)).toThrow(/exactly once/);
	});

	it('tells an inline image from a string', () => {
		expect(isInlineImage({ bytes: new Uint8Array(1), mimeType: 'image/png' })).toBe(true);
		expect(isInlineImage(Buffer.alloc(1))).toBe(false);
		expect(isInlineImage('data:image/png;base64,AAAA')).toBe(false);
		expect(isInlineImage(null)).toBe(false);
	});
});
