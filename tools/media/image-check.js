'use strict';
// The first frame as DashScope reads it: a data URI decoded, or an http(s) URL downloaded, then its format, size
// and dimensions checked. Both dev servers use it; each turns an ImageRejected into its own error answer.
const { downloadMedia } = require('./download');

const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const MIN_SIDE = 360;
const MAX_SIDE = 2000;
const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'bmp', 'webp']);
const DATA_URI = /^data:([\w.+-]+\/[\w.+-]+);base64,/i;
const DATA_URI_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/bmp', 'image/webp']);

/** DashScope refused the picture: 400 InvalidParameter with this message. */
class ImageRejected extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.status = 400;
		this.code = 'InvalidParameter';
	}
}

/**
 * @typedef {'png' | 'jpeg' | 'bmp' | 'webp' | 'gif' | 'tiff' | 'unknown'} DetectedFormat
 * @typedef {{ width: number; height: number }} PixelSize
 * @typedef {{ format: DetectedFormat; width?: number; height?: number }} ImageInfo
 * @typedef {{ format: DetectedFormat; width: number; height: number }} CheckedImageInfo
 * @typedef {{ bytes: Buffer; info: CheckedImageInfo }} CheckedImage
 */

/**
 * @param {Buffer} bytes
 * @returns {PixelSize | null}
 */
function jpegSize(bytes) {
	let i = 2;
	while (i + 9 < bytes.length) {
		if (bytes[i] !== 0xff) return null;
		const marker = bytes[i + 1];
		if (marker === 0xff) {
			i += 1;
			continue;
		} // fill byte
		const isStandalone = marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
		if (isStandalone) {
			i += 2;
			continue;
		}
		const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
		if (isStartOfFrame) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
		i += 2 + bytes.readUInt16BE(i + 2);
	}
	return null;
}

/**
 * @param {Buffer} bytes
 * @returns {PixelSize | null}
 */
function webpSize(bytes) {
	const chunk = bytes.toString('latin1', 12, 16);
	if (chunk === 'VP8 ' && bytes.length >= 30)
		return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
	if (chunk === 'VP8L' && bytes.length >= 25) {
		const bits = bytes.readUInt32LE(21);
		return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
	}
	if (chunk === 'VP8X' && bytes.length >= 30)
		return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
	return null;
}

/**
 * @param {Buffer} bytes
 * @returns {PixelSize | null}
 */
function bmpSize(bytes) {
	if (bytes.length < 26) return null;
	if (bytes.readUInt32LE(14) === 12) return { width: bytes.readUInt16LE(18), height: bytes.readUInt16LE(20) };
	return { width: Math.abs(bytes.readInt32LE(18)), height: Math.abs(bytes.readInt32LE(22)) }; // negative height = top-down rows
}

/**
 * Format from the magic bytes, and the pixel size read from the header (absent when unreadable).
 * @param {Buffer} bytes
 * @returns {ImageInfo}
 */
function detectImage(bytes) {
	const ascii = bytes.toString('latin1', 0, 12);
	if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) {
		return {
			format: 'png',
			...(bytes.toString('latin1', 12, 16) === 'IHDR'
				? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
				: {}),
		};
	}
	if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { format: 'jpeg', ...jpegSize(bytes) };
	if (ascii.startsWith('BM')) return { format: 'bmp', ...bmpSize(bytes) };
	if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return { format: 'webp', ...webpSize(bytes) };
	if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a'))
		return { format: 'gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
	if (ascii.startsWith('II*\0') || ascii.startsWith('MM\0*')) return { format: 'tiff' };
	return { format: 'unknown' };
}

/**
 * DashScope's input limits for wan2.x image-to-video. Returns {format, width, height} or throws ImageRejected.
 * @param {Buffer} bytes
 * @returns {CheckedImageInfo}
 */
function checkDashScopeImage(bytes) {
	if (bytes.length > MAX_IMAGE_BYTES) {
		throw new ImageRejected(
			`The size of the input image exceeds the limit: ${(bytes.length / 1048576).toFixed(2)} MB, the maximum is 10 MB.`,
		);
	}
	const info = detectImage(bytes);
	if (!SUPPORTED_FORMATS.has(info.format)) {
		throw new ImageRejected(
			`The format of the input image is not supported (${info.format}). Supported formats: JPEG, JPG, PNG, BMP, WEBP.`,
		);
	}
	const { width, height } = info;
	if (!width || !height) throw new ImageRejected('The input image could not be decoded.');
	/** @param {number} side */
	const fits = (side) => side >= MIN_SIDE && side <= MAX_SIDE;
	if (!fits(width) || !fits(height)) {
		throw new ImageRejected(
			`The resolution of the input image is invalid: ${width}x${height}. Width and height must each be between ${MIN_SIDE} and ${MAX_SIDE} pixels.`,
		);
	}
	return { format: info.format, width, height };
}

/**
 * @param {string} imgUrl a data URI (DATA_URI matches it)
 * @returns {Buffer}
 */
function decodeDataUri(imgUrl) {
	const match = /** @type {RegExpExecArray} */ (DATA_URI.exec(imgUrl));
	if (!DATA_URI_IMAGE_TYPES.has(match[1].toLowerCase())) {
		throw new ImageRejected(
			`The format of the input image is not supported (${match[1]}). Supported formats: JPEG, JPG, PNG, BMP, WEBP.`,
		);
	}
	const payload = imgUrl.slice(match[0].length).replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload))
		throw new ImageRejected('The base64 data of the input image is invalid.');
	return Buffer.from(payload, 'base64');
}

/**
 * GET a picture (following up to 5 redirects), at most MAX_IMAGE_BYTES + 1 bytes of body. Rejects with a short
 * reason (HTTP 404, ECONNREFUSED, timeout…).
 * @param {string} url
 * @param {string} userAgent
 * @returns {Promise<Buffer>}
 */
function downloadImage(url, userAgent) {
	return downloadMedia(url, userAgent, MAX_IMAGE_BYTES);
}

/**
 * DashScope's view of `img_url` in one step: a data URI, or an http(s) URL it downloads (a failed download is
 * InvalidParameter "download image failed"). Returns {bytes, info}; throws ImageRejected.
 * @param {unknown} imgUrl
 * @param {string} userAgent
 * @returns {Promise<CheckedImage>}
 */
async function loadImgUrl(imgUrl, userAgent) {
	if (typeof imgUrl !== 'string' || imgUrl.trim() === '') throw new ImageRejected('Field required: input.img_url');
	let bytes;
	if (DATA_URI.test(imgUrl)) bytes = decodeDataUri(imgUrl);
	else if (/^https?:\/\//i.test(imgUrl)) {
		try {
			bytes = await downloadImage(imgUrl, userAgent);
		} catch (error) {
			throw new ImageRejected(`download image failed: ${/** @type {Error} */ (error).message} (url: ${imgUrl})`);
		}
	} else throw new ImageRejected('url error, please check url!');
	return { bytes, info: checkDashScopeImage(bytes) };
}

module.exports = {
	ImageRejected,
	detectImage,
	checkDashScopeImage,
	downloadImage,
	loadImgUrl,
	MAX_IMAGE_BYTES,
	MIN_SIDE,
	MAX_SIDE,
};
