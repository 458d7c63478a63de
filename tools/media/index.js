'use strict';
// The media kit of the dev servers and the tests: ffmpeg and ffprobe (ffmpeg.js), test pictures (images.js),
// DashScope's checks of a first frame (image-check.js), what a media file is (media-kind.js), the pan MP4s (video-maker.js) and how videos are served
// (video-body.js, oss.js). Callers may also require a module of the kit directly.
const {
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
} = require('./ffmpeg');
const { makeImage, imageFile, toDataUri, mimeType, IMAGE_FORMATS, IMAGE_CACHE_DIR } = require('./images');
const { detectImage, checkDashScopeImage, ImageRejected } = require('./image-check');
const { sniffMedia, inspectMedia, downloadMedia, makeWav } = require('./media-kind');

/**
 * @typedef {import('./ffmpeg').ProbeResult} ProbeResult
 * @typedef {import('./ffmpeg').VideoProbe} VideoProbe
 * @typedef {import('./images').ImageFormat} ImageFormat
 * @typedef {import('./images').MakeImageOptions} MakeImageOptions
 * @typedef {import('./image-check').ImageInfo} ImageInfo
 * @typedef {import('./video-maker').EncoderStats} EncoderStats
 * @typedef {import('./media-kind').MediaInfo} MediaInfo
 */

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
	makeImage,
	imageFile,
	toDataUri,
	mimeType,
	IMAGE_FORMATS,
	IMAGE_CACHE_DIR,
	detectImage,
	checkDashScopeImage,
	ImageRejected,
	sniffMedia,
	inspectMedia,
	downloadMedia,
	makeWav,
};
