'use strict';
// The one wrapper of the ffmpeg/ffprobe binaries of the npm installer packages, used by the media kit, the dev
// servers and the tests (test/support): their paths, running ffmpeg, probing a file, and a file cache under
// <repo>/.cache/ so that media are made once and reused by later runs and parallel jest workers.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFile, execFileSync } = require('child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** <repo>/.cache: executable copies of the binaries (bin/) and media made once (cachedFile). */
const CACHE_ROOT = path.join(REPO_ROOT, '.cache');

const tempSuffix = () => `${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;

/** @param {string} file */
function isExecutable(file) {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/**
 * Write a file so that concurrent readers (other jest workers) never see it half written.
 * @param {string} file
 * @param {string | NodeJS.ArrayBufferView} data
 */
function writeFileAtomic(file, data) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const temp = `${file}.${tempSuffix()}`;
	fs.writeFileSync(temp, data);
	fs.renameSync(temp, file);
}

/**
 * Path of `<dir>/<name>` under .cache, made by `make(tempPath)` on first use. The temp path keeps the real
 * extension (ffmpeg picks its muxer from it) and is renamed into place, so no reader sees half a file.
 * @param {string} dir
 * @param {string} name
 * @param {(tempPath: string) => void} make
 * @returns {string}
 */
function cachedFile(dir, name, make) {
	const file = path.join(CACHE_ROOT, dir, name);
	if (fs.existsSync(file)) return file;
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const temp = path.join(path.dirname(file), `.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}-${name}`);
	try {
		make(temp);
		fs.renameSync(temp, file);
	} finally {
		fs.rmSync(temp, { force: true });
	}
	return file;
}

/**
 * The installers' postinstall `chmod u+x` does not run under `npm install --ignore-scripts`,
 * so fall back to an executable copy under .cache/bin instead of touching node_modules.
 * @param {string} original
 * @param {string} name
 */
function executableCopy(original, name) {
	if (isExecutable(original)) return original;
	const copy = path.join(CACHE_ROOT, 'bin', name);
	const sameSize = fs.existsSync(copy) && fs.statSync(copy).size === fs.statSync(original).size;
	if (!sameSize || !isExecutable(copy)) {
		const temp = `${copy}.${tempSuffix()}`;
		fs.mkdirSync(path.dirname(copy), { recursive: true });
		fs.copyFileSync(original, temp);
		fs.chmodSync(temp, 0o755);
		fs.renameSync(temp, copy);
	}
	return copy;
}

/** @type {string | undefined} */
let cachedFfmpeg;
/** @type {string | undefined} */
let cachedFfprobe;

/** Path of an executable ffmpeg (an executable copy under .cache/bin if the npm binary lacks the x bit). */
function ffmpegPath() {
	cachedFfmpeg ??= executableCopy(require('@ffmpeg-installer/ffmpeg').path, 'ffmpeg');
	return cachedFfmpeg;
}

/** Path of an executable ffprobe (same fallback as ffmpegPath). */
function ffprobePath() {
	cachedFfprobe ??= executableCopy(require('@ffprobe-installer/ffprobe').path, 'ffprobe');
	return cachedFfprobe;
}

const QUIET_ARGS = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];

/**
 * Run ffmpeg (quiet, overwriting); resolves when it exits 0. `onSpawn` receives the child so callers can kill it.
 * @param {string[]} args
 * @param {(child: import('child_process').ChildProcess) => void} [onSpawn]
 * @returns {Promise<void>}
 */
function runFfmpeg(args, onSpawn) {
	return new Promise((resolve, reject) => {
		const child = execFile(
			ffmpegPath(),
			[...QUIET_ARGS, ...args],
			{ maxBuffer: 16 * 1024 * 1024 },
			(error, _stdout, stderr) => {
				if (error)
					reject(
						new Error(
							`ffmpeg ${args.join(' ')} failed: ${String(stderr || error.message)
								.trim()
								.slice(-800)}`,
						),
					);
				else resolve();
			},
		);
		if (onSpawn) onSpawn(child);
	});
}

/**
 * Run ffmpeg (quiet, overwriting) and wait for it; throws with the end of its error output when it fails.
 * @param {string[]} args
 */
function runFfmpegSync(args) {
	try {
		execFileSync(ffmpegPath(), [...QUIET_ARGS, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
	} catch (caught) {
		const error = /** @type {Error & { stderr?: Buffer }} */ (caught);
		throw new Error(
			`ffmpeg ${args.join(' ')} failed: ${String(error.stderr || error.message)
				.trim()
				.slice(-800)}`,
		);
	}
}

/**
 * @typedef {Record<string, unknown> & { codec_type?: string; codec_name?: string; pix_fmt?: string; width?: number; height?: number; r_frame_rate?: string; avg_frame_rate?: string; nb_frames?: string }} ProbeStream
 * @typedef {Record<string, unknown> & { duration?: string; format_name?: string }} ProbeFormat
 * @typedef {{ streams: ProbeStream[]; format: ProbeFormat }} ProbeResult
 */

/**
 * ffprobe -show_streams -show_format -of json: every stream's and the container's fields.
 * @param {string} file
 * @returns {Promise<ProbeResult>}
 */
function probe(file) {
	return new Promise((resolve, reject) => {
		execFile(
			ffprobePath(),
			['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file],
			{ maxBuffer: 8 * 1024 * 1024 },
			(error, stdout, stderr) => {
				if (error) reject(new Error(`ffprobe ${file} failed: ${String(stderr || error.message).trim()}`));
				else resolve(JSON.parse(stdout));
			},
		);
	});
}

/**
 * "30000/1001" → 29.97002997… (ffprobe's frame rates).
 * @param {string | undefined} text
 */
function frameRate(text) {
	const [num, den] = String(text ?? '0/1')
		.split('/')
		.map(Number);
	return den ? num / den : num;
}

/**
 * @typedef {object} VideoProbe
 * @property {string} formatName
 * @property {number} duration
 * @property {string} codec
 * @property {string} pixelFormat
 * @property {number} width
 * @property {number} height
 * @property {number} fps
 * @property {number} frames
 * @property {boolean} hasAudio
 */

/**
 * Codec, size, frame rate, duration and audio presence of a video file, as ffprobe sees them.
 * @param {string} file
 * @returns {Promise<VideoProbe>}
 */
async function probeVideo(file) {
	const info = await probe(file);
	const streams = info.streams || [];
	/** @type {ProbeStream} */
	const video = streams.find((s) => s.codec_type === 'video') || {};
	const [num, den] = String(video.r_frame_rate || '0/1')
		.split('/')
		.map(Number);
	// Fields ffprobe leaves out stay undefined, as they always did.
	return /** @type {VideoProbe} */ ({
		formatName: info.format?.format_name,
		duration: Number(info.format?.duration),
		codec: video.codec_name,
		pixelFormat: video.pix_fmt,
		width: video.width,
		height: video.height,
		fps: den ? num / den : 0,
		frames: Number(video.nb_frames),
		hasAudio: streams.some((s) => s.codec_type === 'audio'),
	});
}

module.exports = {
	REPO_ROOT,
	CACHE_ROOT,
	ffmpegPath,
	ffprobePath,
	runFfmpeg,
	runFfmpegSync,
	probe,
	probeVideo,
	frameRate,
	cachedFile,
	writeFileAtomic,
};
