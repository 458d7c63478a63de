'use strict';
// Turns a picture into a 5 s, 30 fps H.264 MP4 with a slow diagonal pan, cached by image hash + height (both dev
// servers' videos), and stretches it to other durations. Text to video: a solid colour of an exact frame size and
// length (cheap to encode and to download), with a tone as its AAC track when the model makes sound.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { CACHE_ROOT, runFfmpeg } = require('./ffmpeg');

// The folder name predates the media kit; kept so that existing caches stay valid.
const VIDEO_CACHE_DIR = path.join(CACHE_ROOT, 'aog-server', 'videos');
const ENCODING_VERSION = 'pan-v1'; // change when the ffmpeg recipe changes, so old cache entries are ignored
const FPS = 30;
const SECONDS = 5;
const FRAMES = FPS * SECONDS;
const DERIVED_VERSION = 'ds-v1'; // change when the recipe of other durations (derivedArgs) changes
const TEXT_VERSION = 't2v-v2'; // change when textArgs changes
const PAN_MARGIN = 1.1; // the picture is scaled 10% larger than the frame; the frame slides across it

/**
 * @typedef {{ width: number; height: number }} FrameSize
 * @typedef {{ path: string; size: number }} VideoFile
 * @typedef {object} EncoderStats
 * @property {number} encodes ffmpeg encodes done (cache misses).
 * @property {number} cacheHits Videos found in the on-disk cache (or joined while being encoded).
 * @property {number} lastEncodeMs
 */

/** @param {number} value */
function roundEven(value) {
	return Math.max(2, Math.round(value / 2) * 2);
}

/**
 * Output frame size: the requested height, width from the input's aspect ratio (even, as yuv420p needs).
 * @param {number} width
 * @param {number} height
 * @param {number} outputHeight
 * @returns {FrameSize}
 */
function outputSize(width, height, outputHeight) {
	return { width: roundEven((outputHeight * width) / height), height: outputHeight };
}

/**
 * Scale once, repeat that single frame with `loop` (cheaper than re-decoding the image for every frame),
 * then move a crop window from the top-left to the bottom-right corner.
 * @param {FrameSize} size
 */
function panFilter(size) {
	const scaledWidth = roundEven(size.width * PAN_MARGIN);
	const scaledHeight = roundEven(size.height * PAN_MARGIN);
	const last = FRAMES - 1;
	return [
		`scale=${scaledWidth}:${scaledHeight}:flags=bicubic`,
		'format=yuv420p',
		`loop=loop=${last}:size=1:start=0`,
		`setpts=N/${FPS}/TB`,
		`crop=${size.width}:${size.height}:x='(iw-ow)*n/${last}':y='(ih-oh)*n/${last}'`,
	].join(',');
}

/**
 * @param {string} input
 * @param {string} output
 * @param {string} filter
 */
function encodeArgs(input, output, filter) {
	return [
		'-i',
		input,
		'-vf',
		filter,
		'-frames:v',
		String(FRAMES),
		'-r',
		String(FPS),
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-pix_fmt',
		'yuv420p',
		'-an',
		'-movflags',
		'+faststart',
		'-f',
		'mp4',
		output,
	];
}

/**
 * The 5 s video slowed down or sped up to `duration` seconds, at the same frame rate.
 * @param {string} input
 * @param {string} output
 * @param {number} duration
 */
function derivedArgs(input, output, duration) {
	return [
		'-i',
		input,
		'-vf',
		`setpts=${duration / SECONDS}*PTS,fps=${FPS}`,
		'-frames:v',
		String(duration * FPS),
		'-r',
		String(FPS),
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-pix_fmt',
		'yuv420p',
		'-an',
		'-movflags',
		'+faststart',
		'-f',
		'mp4',
		output,
	];
}

/**
 * A solid-colour video of exactly this size and length, with a 440 Hz AAC tone when `audio`.
 * @param {FrameSize} size
 * @param {number} duration whole seconds
 * @param {boolean} audio
 * @param {string} output
 */
function textArgs(size, duration, audio, output) {
	const video = ['-f', 'lavfi', '-i', `color=c=0x2b5797:s=${size.width}x${size.height}:r=${FPS}:d=${duration}`];
	const sound = audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${duration}`] : [];
	const codecs = audio ? ['-c:a', 'aac', '-b:a', '64k', '-shortest'] : ['-an'];
	return [
		...video,
		...sound,
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-pix_fmt',
		'yuv420p',
		...codecs,
		'-movflags',
		'+faststart',
		'-f',
		'mp4',
		output,
	];
}

/**
 * @param {string} file
 * @returns {VideoFile}
 */
function fileInfo(file) {
	return { path: file, size: fs.statSync(file).size };
}

/**
 * @param {string} file
 * @param {string} suffix
 */
function tempName(file, suffix) {
	return `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}${suffix}`;
}

class VideoMaker {
	constructor(cacheDir = VIDEO_CACHE_DIR) {
		this.cacheDir = cacheDir;
		/** @type {Map<string, Promise<VideoFile>>} */
		this.inflight = new Map();
		/** @type {Set<import('child_process').ChildProcess>} */
		this.children = new Set();
		/** @type {EncoderStats} */
		this.stats = { encodes: 0, cacheHits: 0, lastEncodeMs: 0 };
		/** @type {Promise<Buffer> | undefined} */
		this.syntheticBase = undefined;
		/** @type {Map<string, Promise<void>>} */
		this.derived = new Map();
	}

	/**
	 * {path, size} of the MP4 for these image bytes ({width, height} from the header) at this output height.
	 * @param {Buffer} imageBytes
	 * @param {FrameSize} imageInfo
	 * @param {number} outputHeight
	 * @returns {Promise<VideoFile>}
	 */
	async videoFor(imageBytes, imageInfo, outputHeight) {
		const key = `${crypto.createHash('sha256').update(imageBytes).digest('hex')}-${outputHeight}p-${ENCODING_VERSION}`;
		const file = path.join(this.cacheDir, `${key}.mp4`);
		const joined = this.inflight.get(key);
		if (joined || fs.existsSync(file)) {
			this.stats.cacheHits += 1;
			return joined || fileInfo(file);
		}
		const size = outputSize(imageInfo.width, imageInfo.height, outputHeight);
		const job = this.encode(imageBytes, file, panFilter(size)).finally(() => this.inflight.delete(key));
		this.inflight.set(key, job);
		return job;
	}

	/**
	 * The pan video at another duration: the 5 s one stretched or squeezed, next to it in the same cache.
	 * @param {Buffer} imageBytes
	 * @param {FrameSize} imageInfo
	 * @param {number} outputHeight
	 * @param {number} duration whole seconds
	 * @returns {Promise<VideoFile>}
	 */
	async videoOfDuration(imageBytes, imageInfo, outputHeight, duration) {
		const base = await this.videoFor(imageBytes, imageInfo, outputHeight);
		if (duration === SECONDS) return base;
		const file = base.path.replace(/\.mp4$/, `-${duration}s-${DERIVED_VERSION}.mp4`);
		if (fs.existsSync(file)) return fileInfo(file);
		let job = this.derived.get(file);
		if (!job) {
			const temp = tempName(file, '.mp4');
			job = this.run(derivedArgs(base.path, temp, duration))
				.then(() => fs.renameSync(temp, file)) // atomic: parallel jest workers share the cache
				.finally(() => {
					fs.rmSync(temp, { force: true });
					this.derived.delete(file);
				});
			this.derived.set(file, job);
		}
		await job;
		return fileInfo(file);
	}

	/**
	 * Text to video's MP4: `size` exactly, `duration` seconds, an AAC track when `audio`. Cached like the others.
	 * @param {FrameSize} size
	 * @param {number} duration whole seconds
	 * @param {boolean} audio
	 * @returns {Promise<VideoFile>}
	 */
	async textVideo(size, duration, audio) {
		const key = `text-${size.width}x${size.height}-${duration}s-${audio ? 'aac' : 'silent'}-${TEXT_VERSION}`;
		const file = path.join(this.cacheDir, `${key}.mp4`);
		if (fs.existsSync(file)) {
			this.stats.cacheHits += 1;
			return fileInfo(file);
		}
		let job = this.derived.get(file);
		if (!job) {
			fs.mkdirSync(this.cacheDir, { recursive: true });
			const temp = tempName(file, '.mp4');
			const started = Date.now();
			job = this.run(textArgs(size, duration, audio, temp))
				.then(() => {
					fs.renameSync(temp, file); // atomic: parallel jest workers share the cache
					this.stats.encodes += 1;
					this.stats.lastEncodeMs = Date.now() - started;
				})
				.finally(() => {
					fs.rmSync(temp, { force: true });
					this.derived.delete(file);
				});
			this.derived.set(file, job);
		}
		await job;
		return fileInfo(file);
	}

	/**
	 * @param {Buffer} imageBytes
	 * @param {string} file
	 * @param {string} filter
	 */
	async encode(imageBytes, file, filter) {
		fs.mkdirSync(this.cacheDir, { recursive: true });
		const input = tempName(file, '.img');
		const output = tempName(file, '.mp4');
		const started = Date.now();
		fs.writeFileSync(input, imageBytes);
		try {
			await this.run(encodeArgs(input, output, filter));
			fs.renameSync(output, file); // atomic: other processes sharing the cache never see half a file
		} finally {
			fs.rmSync(input, { force: true });
			fs.rmSync(output, { force: true });
		}
		this.stats.encodes += 1;
		this.stats.lastEncodeMs = Date.now() - started;
		return fileInfo(file);
	}

	/** @param {string[]} args */
	run(args) {
		return runFfmpeg(args, (child) => {
			this.children.add(child);
			child.on('exit', () => this.children.delete(child));
		});
	}

	/** A small real 1080p MP4 (solid colour, faststart), the start of every synthetic video. Made once. */
	async syntheticBaseBytes() {
		this.syntheticBase ??= this.makeSyntheticBase().catch((error) => {
			this.syntheticBase = undefined;
			throw error;
		});
		return this.syntheticBase;
	}

	async makeSyntheticBase() {
		const file = path.join(this.cacheDir, `synthetic-base-${ENCODING_VERSION}.mp4`);
		if (!fs.existsSync(file)) {
			fs.mkdirSync(this.cacheDir, { recursive: true });
			const output = tempName(file, '.mp4');
			const source = `color=c=0x2b5797:s=1920x1080:r=${FPS}:d=${SECONDS}`;
			try {
				await this.run([
					'-f',
					'lavfi',
					'-i',
					source,
					'-c:v',
					'libx264',
					'-preset',
					'ultrafast',
					'-pix_fmt',
					'yuv420p',
					'-an',
					'-movflags',
					'+faststart',
					'-f',
					'mp4',
					output,
				]);
				fs.renameSync(output, file);
			} finally {
				fs.rmSync(output, { force: true });
			}
		}
		return fs.readFileSync(file);
	}

	/** Stop running encodes (used when the server closes). */
	killAll() {
		for (const child of this.children) child.kill('SIGKILL');
		this.children.clear();
	}
}

module.exports = { VideoMaker, outputSize, panFilter, VIDEO_CACHE_DIR, FPS, SECONDS };
