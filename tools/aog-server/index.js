'use strict';
// AOG-compatible dev server for tests, benchmarks and demos. Types: index.d.ts.
const { startAogServer, DEFAULT_OPTIONS, COUNTER_NAMES } = require('./server');
const { makeImage, imageFile, toDataUri, mimeType, IMAGE_FORMATS } = require('./images');
const { ffmpegPath, ffprobePath, probeVideo } = require('../ffmpeg');
const { detectImage } = require('./image-check');
const { GENERATION_KINDS, DOWNLOAD_KINDS } = require('./failures');

module.exports = {
	startAogServer,
	DEFAULT_OPTIONS,
	COUNTER_NAMES,
	GENERATION_FAILURE_KINDS: [...GENERATION_KINDS],
	DOWNLOAD_FAILURE_KINDS: [...DOWNLOAD_KINDS],
	makeImage,
	imageFile,
	toDataUri,
	mimeType,
	IMAGE_FORMATS,
	detectImage,
	ffmpegPath,
	ffprobePath,
	probeVideo,
};
