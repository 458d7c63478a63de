'use strict';
// Paths to the ffmpeg/ffprobe binaries of the npm installer packages, and small helpers to run them.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFile, execFileSync } = require('child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CACHE_ROOT = path.join(REPO_ROOT, '.cache');

function isExecutable(file) {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** Write a file so that concurrent readers (other jest workers) never see it half written. */
function writeFileAtomic(file, data) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
	fs.writeFileSync(temp, data);
	fs.renameSync(temp, file);
}

/**
 * The installers' postinstall `chmod u+x` does not run under `npm install --ignore-scripts`,
 * so fall back to an executable copy under .cache/bin instead of touching node_modules.
 */
function executableCopy(original, name) {
	if (isExecutable(original)) return original;
	const copy = path.join(CACHE_ROOT, 'bin', name);
	const sameSize = fs.existsSync(copy) && fs.statSync(copy).size === fs.statSync(original).size;
	if (!sameSize || !isExecutable(copy)) {
		const temp = `${copy}.${process.pid}.tmp`;
		fs.mkdirSync(path.dirname(copy), { recursive: true });
		fs.copyFileSync(original, temp);
		fs.chmodSync(temp, 0o755);
		fs.renameSync(temp, copy);
	}
	return copy;
}

let cachedFfmpeg;
let cachedFfprobe;

function ffmpegPath() {
	cachedFfmpeg ??= executableCopy(require('@ffmpeg-installer/ffmpeg').path, 'ffmpeg');
	return cachedFfmpeg;
}

function ffprobePath() {
	cachedFfprobe ??= executableCopy(require('@ffprobe-installer/ffprobe').path, 'ffprobe');
	return cachedFfprobe;
}

const QUIET_ARGS = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];

/** Run ffmpeg; resolves when it exits 0. `onSpawn` receives the child so callers can kill it. */
function runFfmpeg(args, onSpawn) {
	return new Promise((resolve, reject) => {
		const child = execFile(ffmpegPath(), [...QUIET_ARGS, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
			if (error) reject(new Error(`ffmpeg failed: ${String(stderr || error.message).trim().slice(-600)}`));
			else resolve();
		});
		if (onSpawn) onSpawn(child);
	});
}

function runFfmpegSync(args) {
	try {
		execFileSync(ffmpegPath(), [...QUIET_ARGS, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
	} catch (error) {
		throw new Error(`ffmpeg failed: ${String(error.stderr || error.message).trim().slice(-600)}`);
	}
}

/** Codec, size, frame rate, duration and audio presence of a video file, as ffprobe sees them. */
function probeVideo(file) {
	return new Promise((resolve, reject) => {
		const args = ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,pix_fmt,r_frame_rate,nb_frames:format=format_name,duration', '-of', 'json', file];
		execFile(ffprobePath(), args, (error, stdout, stderr) => {
			if (error) return reject(new Error(`ffprobe failed: ${String(stderr || error.message).trim()}`));
			const info = JSON.parse(stdout);
			const streams = info.streams || [];
			const video = streams.find((s) => s.codec_type === 'video') || {};
			const [num, den] = String(video.r_frame_rate || '0/1').split('/').map(Number);
			resolve({
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
		});
	});
}

module.exports = { REPO_ROOT, CACHE_ROOT, ffmpegPath, ffprobePath, runFfmpeg, runFfmpegSync, probeVideo, writeFileAtomic };
