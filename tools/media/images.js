'use strict';
// Test pictures made with ffmpeg's testsrc2 pattern, cached under <repo>/.cache/test-images/ (the dev servers'
// demos and benchmarks, and the tests).
const fs = require('fs');
const path = require('path');
const { CACHE_ROOT, runFfmpegSync } = require('./ffmpeg');

const IMAGE_CACHE_DIR = path.join(CACHE_ROOT, 'test-images');

/**
 * @typedef {'png' | 'jpeg' | 'bmp' | 'webp' | 'gif' | 'tiff'} ImageFormat
 * @typedef {object} MakeImageOptions
 * @property {number} width
 * @property {number} height
 * @property {ImageFormat} [format] Default 'png'.
 * @property {boolean} [alpha] Semi-transparent picture (png, bmp, webp, tiff; jpeg and gif throw).
 * @property {number} [variant] Different variants give different bytes (e.g. to defeat the servers' video cache). Default 0.
 * @typedef {{ ext: string; mime: string; codec: string; pixFmt: string; alphaPixFmt: string | null; extra?: string[] }} FormatSpec
 */

// pixFmt: without alpha; alphaPixFmt: with alpha (null: the format has no alpha channel).
/** @type {Record<ImageFormat, FormatSpec>} */
const FORMATS = {
	png: { ext: 'png', mime: 'image/png', codec: 'png', pixFmt: 'rgb24', alphaPixFmt: 'rgba' },
	jpeg: { ext: 'jpg', mime: 'image/jpeg', codec: 'mjpeg', pixFmt: 'yuvj444p', alphaPixFmt: null, extra: ['-q:v', '3'] },
	bmp: { ext: 'bmp', mime: 'image/bmp', codec: 'bmp', pixFmt: 'bgr24', alphaPixFmt: 'bgra' },
	webp: {
		ext: 'webp',
		mime: 'image/webp',
		codec: 'libwebp',
		pixFmt: 'yuv420p',
		alphaPixFmt: 'yuva420p',
		extra: ['-quality', '80'],
	},
	gif: { ext: 'gif', mime: 'image/gif', codec: 'gif', pixFmt: 'rgb8', alphaPixFmt: null },
	tiff: { ext: 'tif', mime: 'image/tiff', codec: 'tiff', pixFmt: 'rgb24', alphaPixFmt: 'rgba' },
};

/** @param {string} format */
function formatSpec(format) {
	const spec = FORMATS[/** @type {ImageFormat} */ (format)];
	if (!spec) throw new Error(`makeImage: unknown format "${format}" (use ${Object.keys(FORMATS).join(', ')})`);
	return spec;
}

/**
 * @param {number} width
 * @param {number} height
 */
function checkSize(width, height) {
	for (const [name, value] of /** @type {Array<[string, number]>} */ ([
		['width', width],
		['height', height],
	])) {
		if (!Number.isInteger(value) || value < 1 || value > 8192)
			throw new Error(`makeImage: ${name} must be an integer 1..8192, got ${value}`);
	}
}

/** @param {number} value */
function even(value) {
	return value + (value % 2);
}

/**
 * testsrc2 only makes even sizes, so draw a slightly larger frame and crop it in RGBA.
 * @param {{ width: number; height: number; alpha: boolean; variant: number }} options
 */
function filterFor({ width, height, alpha, variant }) {
	const steps = ['format=rgba', `crop=${width}:${height}:0:0`];
	if (variant) steps.push(`hue=h=${(variant * 47) % 360}`);
	if (alpha) steps.push('colorchannelmixer=aa=0.6');
	return steps.join(',');
}

/**
 * Path of a cached test picture (made on first use).
 * variant: any integer; different variants give different bytes (useful to defeat the servers' video cache).
 * @param {MakeImageOptions} options
 * @returns {string}
 */
function imageFile({ width, height, format = 'png', alpha = false, variant = 0 }) {
	checkSize(width, height);
	const spec = formatSpec(format);
	if (alpha && !spec.alphaPixFmt) throw new Error(`makeImage: format "${format}" cannot carry an alpha channel`);
	const file = path.join(
		IMAGE_CACHE_DIR,
		`testsrc2-${width}x${height}${alpha ? '-alpha' : ''}-v${variant}.${spec.ext}`,
	);
	if (fs.existsSync(file)) return file;
	fs.mkdirSync(IMAGE_CACHE_DIR, { recursive: true });
	// The temp name keeps the real extension so ffmpeg picks the right image muxer.
	const temp = path.join(IMAGE_CACHE_DIR, `.tmp-${process.pid}-${Date.now()}-${path.basename(file)}`);
	const source = `testsrc2=size=${even(width)}x${even(height)}:rate=1`;
	const pixFmt = (alpha && spec.alphaPixFmt) || spec.pixFmt; // alpha without alphaPixFmt threw above
	runFfmpegSync([
		'-f',
		'lavfi',
		'-i',
		source,
		'-vf',
		filterFor({ width, height, alpha, variant }),
		'-frames:v',
		'1',
		'-c:v',
		spec.codec,
		'-pix_fmt',
		pixFmt,
		...(spec.extra || []),
		'-f',
		'image2',
		temp,
	]);
	fs.renameSync(temp, file);
	return file;
}

/**
 * A test picture as a Buffer: makeImage({ width: 1280, height: 720, format: 'png' }).
 * @param {MakeImageOptions} options
 * @returns {Buffer}
 */
function makeImage(options) {
	return fs.readFileSync(imageFile(options));
}

/** @param {ImageFormat} format */
function mimeType(format) {
	return formatSpec(format).mime;
}

/**
 * `data:image/png;base64,...`: the only base64 form DashScope accepts.
 * @param {Buffer | Uint8Array} buffer
 * @param {ImageFormat} [format]
 */
function toDataUri(buffer, format = 'png') {
	return `data:${mimeType(format)};base64,${Buffer.from(buffer).toString('base64')}`;
}

module.exports = {
	makeImage,
	imageFile,
	toDataUri,
	mimeType,
	IMAGE_FORMATS: /** @type {ImageFormat[]} */ (Object.keys(FORMATS)),
	IMAGE_CACHE_DIR,
};
