'use strict';
// Turns a picture into a 5 s, 30 fps H.264 MP4 with a slow diagonal pan, cached by image hash + height.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { CACHE_ROOT, runFfmpeg } = require('../ffmpeg');

const VIDEO_CACHE_DIR = path.join(CACHE_ROOT, 'aog-server', 'videos');
const ENCODING_VERSION = 'pan-v1'; // change when the ffmpeg recipe changes, so old cache entries are ignored
const FPS = 30;
const SECONDS = 5;
const FRAMES = FPS * SECONDS;
const PAN_MARGIN = 1.1; // the picture is scaled 10% larger than the frame; the frame slides across it

function roundEven(value) {
	return Math.max(2, Math.round(value / 2) * 2);
}

/** Output frame size: the requested height, width from the input's aspect ratio (even, as yuv420p needs). */
function outputSize(width, height, outputHeight) {
	return { width: roundEven((outputHeight * width) / height), height: outputHeight };
}

/**
 * Scale once, repeat that single frame with `loop` (cheaper than re-decoding the image for every frame),
 * then move a crop window from the top-left to the bottom-right corner.
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

function encodeArgs(input, output, filter) {
	return ['-i', input, '-vf', filter, '-frames:v', String(FRAMES), '-r', String(FPS),
		'-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', '-movflags', '+faststart', '-f', 'mp4', output];
}

function fileInfo(file) {
	return { path: file, size: fs.statSync(file).size };
}

function tempName(file, suffix) {
	return `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}${suffix}`;
}

class VideoMaker {
	constructor(cacheDir = VIDEO_CACHE_DIR) {
		this.cacheDir = cacheDir;
		this.inflight = new Map();
		this.children = new Set();
		this.stats = { encodes: 0, cacheHits: 0, lastEncodeMs: 0 };
		this.syntheticBase = undefined;
	}

	/** {path, size} of the MP4 for these image bytes ({width, height} from the header) at this output height. */
	async videoFor(imageBytes, imageInfo, outputHeight) {
		const key = `${crypto.createHash('sha256').update(imageBytes).digest('hex')}-${outputHeight}p-${ENCODING_VERSION}`;
		const file = path.join(this.cacheDir, `${key}.mp4`);
		if (fs.existsSync(file) || this.inflight.has(key)) {
			this.stats.cacheHits += 1;
			return this.inflight.get(key) || fileInfo(file);
		}
		const size = outputSize(imageInfo.width, imageInfo.height, outputHeight);
		const job = this.encode(imageBytes, file, panFilter(size)).finally(() => this.inflight.delete(key));
		this.inflight.set(key, job);
		return job;
	}

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
				await this.run(['-f', 'lavfi', '-i', source, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', '-movflags', '+faststart', '-f', 'mp4', output]);
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
