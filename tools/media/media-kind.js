'use strict';
// What a media input is, as DashScope's data inspection sees it: a picture, a video or an audio file, told apart by
// their first bytes, with a video's or a sound's size, length and audio track from ffprobe. Also the download of
// any media URL (videos up to 100 MB) and a WAV tone for tests.
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { detectImage } = require('./image-check');
const { probe } = require('./ffmpeg');
const { downloadMedia, MAX_MEDIA_BYTES } = require('./download');

const IMAGE_FORMATS = new Set(['jpeg', 'png', 'bmp', 'webp']);

/**
 * @typedef {'image' | 'video' | 'audio' | 'unknown'} MediaKind
 * @typedef {object} MediaInfo
 * @property {MediaKind} kind
 * @property {string} format jpeg, png, bmp, webp, mp4, mov, webm, wav, mp3 or unknown.
 * @property {number} [width] Pictures and videos.
 * @property {number} [height]
 * @property {number} [duration] Seconds, videos and sounds (ffprobe).
 * @property {boolean} [hasAudio] Videos: whether they carry an audio track.
 */

/**
 * Kind and format from the first bytes (no decoding).
 * @param {Buffer} bytes
 * @returns {{ kind: MediaKind; format: string }}
 */
function sniffMedia(bytes) {
	const image = detectImage(bytes);
	if (IMAGE_FORMATS.has(image.format)) return { kind: 'image', format: image.format };
	const ascii = bytes.subarray(0, 12).toString('latin1');
	if (ascii.slice(4, 8) === 'ftyp') {
		const brand = ascii.slice(8, 12);
		if (brand === 'M4A ' || brand === 'M4B ') return { kind: 'audio', format: 'm4a' };
		return { kind: 'video', format: brand === 'qt  ' ? 'mov' : 'mp4' };
	}
	if (bytes.readUInt32BE(0) === 0x1a45dfa3) return { kind: 'video', format: 'webm' };
	if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WAVE') return { kind: 'audio', format: 'wav' };
	if (ascii.startsWith('ID3') || (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0))
		return { kind: 'audio', format: 'mp3' };
	return { kind: 'unknown', format: image.format === 'unknown' ? 'unknown' : image.format };
}

/**
 * Kind, format, and for videos and sounds what ffprobe reads (a file it cannot read is 'unknown').
 * @param {Buffer} bytes
 * @returns {Promise<MediaInfo>}
 */
async function inspectMedia(bytes) {
	const sniffed = sniffMedia(bytes);
	if (sniffed.kind === 'image') {
		const { width, height } = detectImage(bytes);
		return { ...sniffed, width, height };
	}
	if (sniffed.kind === 'unknown') return sniffed;
	const file = path.join(os.tmpdir(), `media-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
	fs.writeFileSync(file, bytes);
	try {
		const info = await probe(file);
		const streams = info.streams || [];
		const video = streams.find((s) => s.codec_type === 'video');
		const audio = streams.some((s) => s.codec_type === 'audio');
		const duration = Number(info.format?.duration);
		if (sniffed.kind === 'video') {
			if (!video) return { kind: 'unknown', format: sniffed.format };
			return { ...sniffed, width: video.width, height: video.height, duration, hasAudio: audio };
		}
		return audio ? { ...sniffed, duration } : { kind: 'unknown', format: sniffed.format };
	} catch {
		return { kind: 'unknown', format: sniffed.format };
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * A mono 16-bit PCM WAV of a 440 Hz tone, `seconds` long (tests' driving audio).
 * @param {number} seconds
 * @param {number} [rate]
 */
function makeWav(seconds, rate = 8000) {
	const samples = Math.round(seconds * rate);
	const out = Buffer.alloc(44 + samples * 2);
	out.write('RIFF', 0, 'latin1');
	out.writeUInt32LE(36 + samples * 2, 4);
	out.write('WAVEfmt ', 8, 'latin1');
	out.writeUInt32LE(16, 16);
	out.writeUInt16LE(1, 20);
	out.writeUInt16LE(1, 22);
	out.writeUInt32LE(rate, 24);
	out.writeUInt32LE(rate * 2, 28);
	out.writeUInt16LE(2, 32);
	out.writeUInt16LE(16, 34);
	out.write('data', 36, 'latin1');
	out.writeUInt32LE(samples * 2, 40);
	for (let i = 0; i < samples; i++)
		out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
	return out;
}

module.exports = { sniffMedia, inspectMedia, downloadMedia, makeWav, MAX_MEDIA_BYTES };
