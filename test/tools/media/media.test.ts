// The media kit (tools/media) both dev servers use: the test pictures, read back by detectImage (the servers' image checks).
import * as fs from 'fs';
import { makeImage, imageFile, detectImage, IMAGE_FORMATS } from '../../../tools/media';

describe('test images', () => {
	it.each(IMAGE_FORMATS)('makes %s pictures of the requested size', (format) => {
		const bytes = makeImage({ width: 501, height: 363, format });
		const info = detectImage(bytes);
		expect(info.format).toBe(format);
		if (format !== 'tiff') expect([info.width, info.height]).toEqual([501, 363]);
		expect(fs.existsSync(imageFile({ width: 501, height: 363, format }))).toBe(true);
	});

	it('makes alpha and variant pictures, and refuses alpha where the format has none', () => {
		expect(makeImage({ width: 400, height: 400, alpha: true }).equals(makeImage({ width: 400, height: 400 }))).toBe(
			false,
		);
		expect(makeImage({ width: 400, height: 400, variant: 2 }).equals(makeImage({ width: 400, height: 400 }))).toBe(
			false,
		);
		expect(() => makeImage({ width: 400, height: 400, format: 'jpeg', alpha: true })).toThrow(/alpha/);
	});
});
