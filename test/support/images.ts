// Real test pictures for the image-sniffing tests. The common formats come from the shared generator
// (tools/media/images.js) when it loads; variants it does not make (lossless WEBP, grey and palette PNG,
// 4:2:0 JPEG…) are made here with the same ffmpeg, cached under .cache/test-images/unit-*.
import * as fs from 'fs';
import * as path from 'path';

import { cachedFile, REPO_ROOT, runFfmpegSync } from '../../tools/media/ffmpeg';

export type BasicFormat = 'png' | 'jpeg' | 'bmp' | 'webp' | 'gif' | 'tiff';

const BASIC: Record<
	BasicFormat,
	{ ext: string; codec: string; pixFmt: string; alphaPixFmt?: string; extra?: string[] }
> = {
	png: { ext: 'png', codec: 'png', pixFmt: 'rgb24', alphaPixFmt: 'rgba' },
	jpeg: { ext: 'jpg', codec: 'mjpeg', pixFmt: 'yuvj444p', extra: ['-q:v', '3'] },
	bmp: { ext: 'bmp', codec: 'bmp', pixFmt: 'bgr24', alphaPixFmt: 'bgra' },
	webp: { ext: 'webp', codec: 'libwebp', pixFmt: 'yuv420p', alphaPixFmt: 'yuva420p', extra: ['-quality', '80'] },
	gif: { ext: 'gif', codec: 'gif', pixFmt: 'rgb8' },
	tiff: { ext: 'tif', codec: 'tiff', pixFmt: 'rgb24', alphaPixFmt: 'rgba' },
};

interface SharedGenerator {
	makeImage(options: { width: number; height: number; format?: BasicFormat; alpha?: boolean }): Buffer;
}

let shared: SharedGenerator | null | undefined;

function sharedGenerator(): SharedGenerator | null {
	if (shared === undefined) {
		try {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const candidate = require('../../tools/media/images') as Partial<SharedGenerator>;
			shared = typeof candidate.makeImage === 'function' ? (candidate as SharedGenerator) : null;
		} catch {
			shared = null;
		}
	}
	return shared;
}

export interface VariantOptions {
	width: number;
	height: number;
	ext: string;
	codec: string;
	pixFmt: string;
	extra?: string[];
	/** Make the picture semi-transparent before encoding. */
	alpha?: boolean;
}

/** A testsrc2 picture encoded with the given ffmpeg codec and pixel format (cached). */
export function variantImage(options: VariantOptions): Buffer {
	const { width, height, ext, codec, pixFmt, extra = [], alpha = false } = options;
	const key = [width, height, codec, pixFmt, alpha ? 'alpha' : 'opaque', ...extra]
		.join('-')
		.replace(/[^A-Za-z0-9.-]/g, '_');
	const file = cachedFile('test-images', `unit-${key}.${ext}`, (temp) => {
		// testsrc2 only makes even sizes: draw a slightly larger frame and crop it in RGBA.
		const source = `testsrc2=size=${width + (width % 2)}x${height + (height % 2)}:rate=1`;
		const filter = ['format=rgba', `crop=${width}:${height}:0:0`, ...(alpha ? ['colorchannelmixer=aa=0.6'] : [])].join(
			',',
		);
		runFfmpegSync([
			'-f',
			'lavfi',
			'-i',
			source,
			'-vf',
			filter,
			'-frames:v',
			'1',
			'-c:v',
			codec,
			'-pix_fmt',
			pixFmt,
			...extra,
			'-f',
			'image2',
			temp,
		]);
	});
	return fs.readFileSync(file);
}

/** A picture in one of the common formats, from the shared generator when it works, else made here. */
export function basicImage(width: number, height: number, format: BasicFormat, alpha = false): Buffer {
	const generator = sharedGenerator();
	if (generator) {
		try {
			return generator.makeImage({ width, height, format, alpha });
		} catch {
			// fall through to our own encoder
		}
	}
	const spec = BASIC[format];
	const pixFmt = alpha ? spec.alphaPixFmt : spec.pixFmt;
	if (!pixFmt) throw new Error(`${format} cannot carry alpha`);
	return variantImage({ width, height, ext: spec.ext, codec: spec.codec, pixFmt, extra: spec.extra, alpha });
}

/** The progressive JPEGs committed under test/fixtures/images (ffmpeg writes baseline JPEG only). */
export function progressiveJpeg(name: 'progressive-640x480.jpg' | 'progressive-1999x361.jpg'): Buffer {
	return fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'images', name));
}

/** A JPEG segment: marker, big-endian length (payload + 2), payload. */
export function jpegSegment(marker: number, payload: Buffer): Buffer {
	if (payload.length > 65533) throw new Error('a JPEG segment holds at most 65533 bytes');
	const header = Buffer.from([0xff, marker, 0, 0]);
	header.writeUInt16BE(payload.length + 2, 2);
	return Buffer.concat([header, payload]);
}

/** An APP1 Exif segment with a valid (empty) TIFF directory, padded to `size` payload bytes. */
export function exifSegment(size = 65533): Buffer {
	const payload = Buffer.alloc(size, 0x20);
	payload.write('Exif\0\0MM\0*', 0, 'latin1');
	payload.writeUInt32BE(8, 10); // first IFD right after the TIFF header
	payload.writeUInt16BE(0, 14); // no entries
	payload.writeUInt32BE(0, 16); // no next IFD
	return jpegSegment(0xe1, payload);
}

/** Inserts segments right after SOI (where cameras put their EXIF block). */
export function withSegmentsAfterSoi(jpeg: Buffer, segments: Buffer[]): Buffer {
	if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
	return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}
