import * as fs from 'fs';
import { imageSize } from 'image-size';

import {
	ACCEPTED_MIME_TYPES,
	checkImageLimits,
	formatBytes,
	IMAGE_LIMITS,
	sniffImage,
	SNIFF_BYTES,
	type ImageInfo,
} from '../../../../nodes/Aog/media/image';
import { cachedFile, probe, runFfmpegSync } from '../../../../tools/media/ffmpeg';
import {
	basicImage,
	exifSegment,
	jpegSegment,
	progressiveJpeg,
	variantImage,
	withSegmentsAfterSoi,
	type BasicFormat,
} from '../../../support/images';
import { videoBytes } from '../../../support/media';

// file-type 16 is CommonJS; its types declare fromBuffer.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fileType = require('file-type') as {
	fromBuffer(bytes: Buffer): Promise<{ ext: string; mime: string } | undefined>;
};

/** image-size's type names for the formats our sniffer labels. */
const IMAGE_SIZE_TYPE: Record<string, string> = {
	jpeg: 'jpg',
	png: 'png',
	bmp: 'bmp',
	webp: 'webp',
	gif: 'gif',
	tiff: 'tiff',
};
/** file-type's extensions for the same. */
const FILE_TYPE_EXT: Record<string, string> = {
	jpeg: 'jpg',
	png: 'png',
	bmp: 'bmp',
	webp: 'webp',
	gif: 'gif',
	tiff: 'tif',
	pdf: 'pdf',
	mp4: 'mp4',
	avif: 'avif',
	heic: 'heic',
};
/** ffprobe pixel formats that carry an alpha channel. */
const ALPHA_PIX_FMT = /^(rgba|bgra|argb|abgr|ya8|ya16|yuva|rgba64|bgra64|gbrap)/;

interface Sample {
	name: string;
	bytes: Buffer;
	format: BasicFormat;
	width: number;
	height: number;
	/** What we put in; undefined where the sniffer does not report alpha (BMP, GIF, TIFF). */
	alpha?: boolean;
	/** Compare hasAlpha with ffprobe's pixel format too (not for VP8L, which ffprobe always calls argb). */
	probeAlpha?: boolean;
}

function samples(): Sample[] {
	const list: Sample[] = [];
	const sizes: Array<[number, number]> = [
		[17, 33],
		[360, 360],
		[641, 363],
		[1080, 1920],
	];
	const boundary: Array<[number, number]> = [
		[2000, 2000],
		[2001, 359],
	];
	const formats: Array<[BasicFormat, boolean]> = [
		['png', true],
		['jpeg', false],
		['bmp', true],
		['webp', true],
		['gif', false],
		['tiff', true],
	];
	for (const [format, canAlpha] of formats) {
		const compressed = format !== 'bmp' && format !== 'tiff';
		for (const [width, height] of compressed ? [...sizes, ...boundary] : sizes) {
			for (const alpha of canAlpha ? [false, true] : [false]) {
				const reportsAlpha = format === 'png' || format === 'webp' || format === 'jpeg';
				list.push({
					name: `${format} ${width}x${height}${alpha ? ' alpha' : ''}`,
					bytes: basicImage(width, height, format, alpha),
					format,
					width,
					height,
					alpha: reportsAlpha ? alpha : undefined,
					probeAlpha: reportsAlpha,
				});
			}
		}
	}
	const variant = (
		name: string,
		format: BasicFormat,
		ext: string,
		codec: string,
		pixFmt: string,
		alpha: boolean,
		extra: string[] = [],
		probeAlpha = true,
	): Sample => ({
		name,
		format,
		width: 643,
		height: 365,
		alpha,
		probeAlpha,
		bytes: variantImage({ width: 643, height: 365, ext, codec, pixFmt, extra, alpha }),
	});
	list.push(
		variant('webp lossless (VP8L)', 'webp', 'webp', 'libwebp', 'yuv420p', false, ['-lossless', '1'], false),
		variant('webp lossless with alpha (VP8L)', 'webp', 'webp', 'libwebp', 'bgra', true, ['-lossless', '1'], false),
		variant('webp lossy with alpha (VP8X)', 'webp', 'webp', 'libwebp', 'yuva420p', true),
		variant('png grey', 'png', 'png', 'png', 'gray', false),
		variant('png grey+alpha', 'png', 'png', 'png', 'ya8', true),
		variant('png palette', 'png', 'png', 'png', 'pal8', false),
		variant('png 16-bit rgb', 'png', 'png', 'png', 'rgb48be', false),
		variant('png 16-bit rgba', 'png', 'png', 'png', 'rgba64be', true),
		variant('jpeg 4:2:0', 'jpeg', 'jpg', 'mjpeg', 'yuvj420p', false),
		{ ...variant('bmp 16-bit', 'bmp', 'bmp', 'bmp', 'rgb565le', false), alpha: undefined, probeAlpha: false },
		{ ...variant('bmp palette', 'bmp', 'bmp', 'bmp', 'pal8', false), alpha: undefined, probeAlpha: false },
		{
			...variant('tiff deflate', 'tiff', 'tif', 'tiff', 'rgb24', false, ['-compression_algo', 'deflate']),
			alpha: undefined,
			probeAlpha: false,
		},
		{
			name: 'progressive jpeg 640x480',
			format: 'jpeg',
			width: 640,
			height: 480,
			alpha: false,
			bytes: progressiveJpeg('progressive-640x480.jpg'),
		},
		{
			name: 'progressive jpeg 1999x361 (4:4:4)',
			format: 'jpeg',
			width: 1999,
			height: 361,
			alpha: false,
			bytes: progressiveJpeg('progressive-1999x361.jpg'),
		},
	);
	return list;
}

const accepted = (format: string) => format in ACCEPTED_MIME_TYPES;

describe('sniffImage on real pictures, cross-checked with image-size, file-type and ffprobe', () => {
	const all = samples();
	const probed = new Map<string, string | undefined>();

	beforeAll(async () => {
		// ffprobe reads the pixel format (and so whether there is an alpha channel) from the file itself.
		await Promise.all(
			all
				.filter((sample) => sample.probeAlpha)
				.map(async (sample) => {
					const file = cachedFile(
						'test-images',
						`unit-probe-${sample.name.replace(/[^A-Za-z0-9]+/g, '_')}-${sample.bytes.length}.${sample.format}`,
						(temp) => fs.writeFileSync(temp, sample.bytes),
					);
					const { streams } = await probe(file);
					probed.set(sample.name, streams[0]?.pix_fmt as string | undefined);
				}),
		);
		// Dozens of ffprobe processes: on a loaded 2-core machine this takes longer than jest's 5 s default.
	}, 120_000);

	it('covers every format, with and without alpha, at several sizes', () => {
		expect(new Set(all.map((sample) => sample.format))).toEqual(new Set(['png', 'jpeg', 'bmp', 'webp', 'gif', 'tiff']));
		expect(all.length).toBeGreaterThan(50);
	});

	it.each(all.map((sample) => [sample.name, sample] as const))('%s', async (_name, sample) => {
		const ours = sniffImage(sample.bytes);
		const theirs = imageSize(sample.bytes);
		const detected = await fileType.fromBuffer(sample.bytes);

		// What we put in…
		expect(theirs).toMatchObject({ width: sample.width, height: sample.height });
		// …is what all three parsers read.
		expect(ours.format).toBe(sample.format);
		expect(theirs.type).toBe(IMAGE_SIZE_TYPE[ours.format]);
		expect(detected?.ext).toBe(FILE_TYPE_EXT[ours.format]);
		expect(ours.corrupt).toBeUndefined();
		if (accepted(ours.format)) {
			expect(ours.mimeType).toBe(detected?.mime);
			expect({ width: ours.width, height: ours.height }).toEqual({ width: theirs.width, height: theirs.height });
		} else {
			// GIF and TIFF are labelled for the error message but are not images DashScope takes.
			expect(ours.mimeType).toBeUndefined();
		}
		if (sample.alpha !== undefined) expect(ours.hasAlpha).toBe(sample.alpha);
		if (sample.probeAlpha) expect(ours.hasAlpha).toBe(ALPHA_PIX_FMT.test(probed.get(sample.name) ?? ''));
	});

	it('reads the same size from the first bytes only (the node sniffs a 256 KB head of large files)', () => {
		for (const sample of all.filter((candidate) => accepted(candidate.format))) {
			const whole = sniffImage(sample.bytes);
			expect(sniffImage(sample.bytes.subarray(0, Math.min(sample.bytes.length, SNIFF_BYTES)))).toEqual(whole);
			// PNG, BMP and WEBP keep their size in the first 30 bytes.
			if (sample.format !== 'jpeg') expect(sniffImage(sample.bytes.subarray(0, 30))).toEqual(whole);
		}
	});

	it('reads a sliced Uint8Array that does not start at offset 0 of its buffer', () => {
		const png = basicImage(641, 363, 'png');
		const padded = Buffer.concat([Buffer.from('garbage-before'), png]);
		const view = new Uint8Array(padded.buffer, padded.byteOffset + 14, png.length);
		expect(sniffImage(view)).toEqual({
			format: 'png',
			mimeType: 'image/png',
			width: 641,
			height: 363,
			hasAlpha: false,
		});
	});
});

describe('JPEG headers', () => {
	const baseline = basicImage(641, 363, 'jpeg');

	it('finds the frame header of a progressive JPEG (SOF2)', () => {
		const bytes = progressiveJpeg('progressive-640x480.jpg');
		expect(bytes.includes(Buffer.from([0xff, 0xc2]))).toBe(true);
		expect(bytes.includes(Buffer.from([0xff, 0xc0]))).toBe(false);
		expect(sniffImage(bytes)).toEqual({
			format: 'jpeg',
			mimeType: 'image/jpeg',
			width: 640,
			height: 480,
			hasAlpha: false,
		});
	});

	it('skips a large EXIF block and comments before the frame header, like image-size, and the file still decodes', async () => {
		const bytes = withSegmentsAfterSoi(baseline, [
			exifSegment(),
			exifSegment(),
			jpegSegment(0xfe, Buffer.alloc(60000, 'c')),
			exifSegment(40000),
		]);
		expect(bytes.indexOf(Buffer.from([0xff, 0xc0]))).toBeGreaterThan(200 * 1024);
		expect(bytes.indexOf(Buffer.from([0xff, 0xc0]))).toBeLessThan(SNIFF_BYTES);
		const ours = sniffImage(bytes);
		expect(ours).toEqual({ format: 'jpeg', mimeType: 'image/jpeg', width: 641, height: 363, hasAlpha: false });
		expect(imageSize(bytes)).toMatchObject({ width: 641, height: 363, type: 'jpg' });
		expect((await fileType.fromBuffer(bytes))?.mime).toBe('image/jpeg');
		const file = cachedFile('test-images', `unit-exif-${bytes.length}.jpg`, (temp) => fs.writeFileSync(temp, bytes));
		const { streams } = await probe(file);
		expect(streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 641, height: 363 });
		runFfmpegSync(['-i', file, '-f', 'null', '-']); // throws if the JPEG does not decode
	});

	it('skips fill bytes (0xFF padding) before a marker, which ffmpeg decodes (image-size does not)', async () => {
		// JPEG (T.81 B.1.1.2): any marker may be preceded by 0xFF fill bytes. image-size 2.1 throws on them.
		const app0End = 4 + baseline.readUInt16BE(4);
		const bytes = Buffer.concat([
			baseline.subarray(0, app0End),
			Buffer.from([0xff, 0xff, 0xff]),
			baseline.subarray(app0End),
		]);
		expect(sniffImage(bytes)).toEqual({
			format: 'jpeg',
			mimeType: 'image/jpeg',
			width: 641,
			height: 363,
			hasAlpha: false,
		});
		const file = cachedFile('test-images', `unit-fill-bytes-${bytes.length}.jpg`, (temp) =>
			fs.writeFileSync(temp, bytes),
		);
		expect((await probe(file)).streams[0]).toMatchObject({ width: 641, height: 363 });
		runFfmpegSync(['-i', file, '-f', 'null', '-']);
	});

	it('says a JPEG cut before its frame header is cut short, not which size it has', () => {
		const sof = baseline.indexOf(Buffer.from([0xff, 0xc0]));
		for (const cut of [3, 4, 20, sof, sof + 5]) {
			const info = sniffImage(baseline.subarray(0, cut));
			expect(info.format).toBe('jpeg');
			expect(info.width).toBeUndefined();
			expect(info.corrupt).toMatch(/no frame header \(SOF\).*cut short or corrupt/);
			expect(info.truncated).toBe(true); // more bytes could hold the frame header
		}
		expect(() => imageSize(baseline.subarray(0, sof))).toThrow();
	});

	it('reports a broken marker and an impossible segment length', () => {
		const second = 4 + baseline.readUInt16BE(4); // the marker after APP0
		const brokenMarker = Buffer.from(baseline);
		brokenMarker[second] = 0x00;
		expect(sniffImage(brokenMarker)).toMatchObject({
			format: 'jpeg',
			corrupt: `the JPEG marker at byte ${second} is corrupt`,
		});
		const shortSegment = Buffer.from(baseline);
		shortSegment.writeUInt16BE(1, 4); // APP0's length
		expect(sniffImage(shortSegment).corrupt).toBe('the JPEG segment at byte 2 has an impossible length');
	});

	it('stops at a start of scan or end of image that comes before any frame header', () => {
		for (const marker of [0xda, 0xd9]) {
			const bytes = Buffer.from([
				0xff,
				0xd8,
				0xff,
				marker,
				0x00,
				0x08,
				0,
				0,
				0,
				0,
				0,
				0,
				0,
				0,
				0xff,
				0xc0,
				0,
				17,
				8,
				1,
				0,
				2,
				0,
			]);
			expect(sniffImage(bytes)).toMatchObject({ format: 'jpeg', corrupt: expect.stringMatching(/no frame header/) });
			expect(sniffImage(bytes).truncated).toBeUndefined(); // more bytes would not help
		}
	});
});

describe('PNG, BMP and WEBP headers', () => {
	const png = basicImage(641, 363, 'png');
	const bmp = basicImage(641, 363, 'bmp');
	const webpLossy = basicImage(641, 363, 'webp');
	const webpLossless = variantImage({
		width: 643,
		height: 365,
		ext: 'webp',
		codec: 'libwebp',
		pixFmt: 'yuv420p',
		extra: ['-lossless', '1'],
	});

	it('checks the WEBP chunks the fixtures really use', () => {
		expect(webpLossy.toString('latin1', 12, 16)).toBe('VP8 ');
		expect(webpLossless.toString('latin1', 12, 16)).toBe('VP8L');
		expect(basicImage(641, 363, 'webp', true).toString('latin1', 12, 16)).toBe('VP8X');
	});

	it('says a PNG without IHDR, or cut short, is corrupt', () => {
		expect(sniffImage(png.subarray(0, 20))).toEqual({
			format: 'png',
			mimeType: 'image/png',
			corrupt: 'the PNG header (IHDR) is missing or cut short',
		});
		const renamed = Buffer.from(png);
		renamed.write('IHDX', 12, 'latin1');
		expect(sniffImage(renamed).corrupt).toMatch(/IHDR/);
	});

	it('reads a top-down BMP (negative height) as image-size does, and an OS/2 BMP header', () => {
		const topDown = Buffer.from(bmp);
		topDown.writeInt32LE(-363, 22);
		expect(sniffImage(topDown)).toMatchObject({ width: 641, height: 363 });
		expect(imageSize(topDown)).toMatchObject({ width: 641, height: 363 });

		const os2 = Buffer.alloc(26);
		os2.write('BM', 0, 'latin1');
		os2.writeUInt32LE(12, 14);
		os2.writeUInt16LE(800, 18);
		os2.writeUInt16LE(600, 20);
		expect(sniffImage(os2)).toMatchObject({ format: 'bmp', width: 800, height: 600 });
	});

	it('says a BMP cut short or with an unknown header size is corrupt', () => {
		expect(sniffImage(bmp.subarray(0, 20)).corrupt).toBe('the BMP header is cut short');
		const odd = Buffer.from(bmp);
		odd.writeUInt32LE(30, 14);
		expect(sniffImage(odd).corrupt).toBe('the BMP header size 30 is not valid');
	});

	it('says a WEBP cut short, with a broken frame header or an unknown first chunk is corrupt', () => {
		expect(sniffImage(webpLossy.subarray(0, 20)).corrupt).toBe('the WEBP header is cut short');
		const badVp8 = Buffer.from(webpLossy);
		badVp8[24] = 0;
		expect(sniffImage(badVp8).corrupt).toBe('the WEBP (VP8) frame header is corrupt');
		const badVp8l = Buffer.from(webpLossless);
		badVp8l[20] = 0;
		expect(sniffImage(badVp8l).corrupt).toBe('the WEBP (lossless) header is corrupt');
		const anim = Buffer.from(webpLossy);
		anim.write('ANIM', 12, 'latin1');
		expect(sniffImage(anim).corrupt).toBe('the WEBP chunk "ANIM" is not one a WEBP image starts with');
	});
});

describe('files that are not images DashScope takes', () => {
	const text = (value: string) => Buffer.from(value, 'utf8');

	it.each([
		['an SVG', text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'svg'],
		[
			'an SVG with an XML prolog',
			text(
				'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n<svg xmlns="http://www.w3.org/2000/svg"></svg>',
			),
			'svg',
		],
		['an SVG after blank lines', text('\n\n   <svg></svg>'), 'svg'],
		[
			'a PDF',
			Buffer.concat([text('%PDF-1.7\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), text('\n1 0 obj\n<<>>\nendobj\n')]),
			'pdf',
		],
		['plain text', text('A product photo, please: the one with the red car.\n'), 'text'],
		['UTF-8 text', text('一张红色汽车的照片\n'), 'text'],
		['an HTML page', text('<!DOCTYPE html><html><body>AOG control panel</body></html>'), 'text'],
		['JSON', text('{"id":"abc","data":"https://example.com/v.mp4"}'), 'text'],
		['an empty file', Buffer.alloc(0), 'unknown'],
		['binary noise', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x10, 0x20]), 'unknown'],
		['a GIF87a header', text('GIF87a\x10\x00\x10\x00'), 'gif'],
		['a big-endian TIFF header', Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), 'tiff'],
		['an AVIF header', Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), text('ftypavif\0\0\0\0avifmif1miaf')]), 'avif'],
		['a HEIC header', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), text('ftypheic\0\0\0\0mif1heic')]), 'heic'],
		['a MOV header', Buffer.concat([Buffer.from([0, 0, 0, 0x14]), text('ftypqt  \0\0\0\0qt  ')]), 'mp4'],
	])('labels %s', async (_name, bytes, format) => {
		const info = sniffImage(bytes);
		expect(info.format).toBe(format);
		expect(info.mimeType).toBeUndefined();
		expect(info.width).toBeUndefined();
		if (['pdf', 'avif', 'heic', 'gif'].includes(format))
			expect((await fileType.fromBuffer(bytes))?.ext).toBe(FILE_TYPE_EXT[format]);
	});

	it('labels a real MP4 as video, as file-type does', async () => {
		const mp4 = videoBytes({ width: 640, height: 360, rate: '30', seconds: 2, codec: 'libx264', faststart: true });
		expect(sniffImage(mp4)).toEqual({ format: 'mp4' });
		expect((await fileType.fromBuffer(mp4))?.mime).toBe('video/mp4');
	});
});

describe('checkImageLimits', () => {
	const info = (width: number, height: number, extra: Partial<ImageInfo> = {}): ImageInfo => ({
		format: 'jpeg',
		mimeType: 'image/jpeg',
		width,
		height,
		...extra,
	});

	it.each([
		[360, 360],
		[2000, 2000],
		[360, 2000],
		[1920, 1080],
		[1080, 1920],
	])('accepts %i×%i', (width, height) => {
		expect(checkImageLimits(info(width, height), 1000)).toEqual([]);
	});

	it.each([
		[359, 1000],
		[1000, 359],
		[2001, 1000],
		[1000, 2001],
		[17, 33],
		[4000, 3000],
	])('refuses %i×%i and says the range', (width, height) => {
		expect(checkImageLimits(info(width, height), 1000)).toEqual([
			`the image is ${width}×${height} px; DashScope needs each side between 360 and 2000 px`,
		]);
	});

	it('refuses more than 10 MB, and not exactly 10 MB', () => {
		expect(checkImageLimits(info(1000, 1000), IMAGE_LIMITS.maxBytes)).toEqual([]);
		expect(checkImageLimits(info(1000, 1000), IMAGE_LIMITS.maxBytes + 1)).toEqual([
			"the image is 10.0 MB, over DashScope's limit of 10 MB",
		]);
	});

	it('refuses a PNG with an alpha channel (DashScope: PNG without transparency)', () => {
		const problems = checkImageLimits(sniffImage(basicImage(641, 480, 'png', true)), 5000);
		expect(problems).toEqual([expect.stringMatching(/PNG has an alpha \(transparency\) channel/)]);
	});

	it('does not refuse a WEBP with alpha: the no-transparency rule is for PNG', () => {
		const webp = sniffImage(basicImage(641, 480, 'webp', true));
		expect(webp.hasAlpha).toBe(true);
		expect(checkImageLimits(webp, 5000)).toEqual([]);
	});

	it('lists every problem at once', () => {
		expect(
			checkImageLimits(
				{ format: 'png', mimeType: 'image/png', width: 100, height: 100, hasAlpha: true },
				11 * 1024 * 1024,
			),
		).toHaveLength(3);
	});

	it('cannot check the size of a picture whose header gave none', () => {
		expect(checkImageLimits({ format: 'jpeg', mimeType: 'image/jpeg' }, 1000)).toEqual([]);
	});
});

describe('formatBytes', () => {
	it.each([
		[0, '0 B'],
		[1023, '1023 B'],
		[1024, '1.0 KB'],
		[1536, '1.5 KB'],
		[1024 * 1024 - 1, '1024.0 KB'],
		[1024 * 1024, '1.0 MB'],
		[10 * 1024 * 1024 + 1, '10.0 MB'],
		[15.5 * 1024 * 1024, '15.5 MB'],
	])('%i bytes → %s', (bytes, text) => {
		expect(formatBytes(bytes)).toBe(text);
	});
});
