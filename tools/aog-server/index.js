'use strict';
// AOG-compatible dev server for tests, benchmarks and demos (the gateway it imitates: docs/AOG-API.md). Its
// pictures, videos and ffmpeg come from the media kit, tools/media.
const { startAogServer, DEFAULT_OPTIONS, COUNTER_NAMES } = require('./server');
const { GENERATION_KINDS, DOWNLOAD_KINDS } = require('./failures');

/**
 * @typedef {import('./server').AogServer} AogServer
 * @typedef {import('./server').AogServerOptions} AogServerOptions
 * @typedef {import('./server').RuntimeOptions} RuntimeOptions
 * @typedef {import('./server').AogCounters} AogCounters
 * @typedef {import('./server').RecordedRequest} RecordedRequest
 * @typedef {import('./failures').ScriptedFailure} ScriptedFailure
 * @typedef {import('./failures').GenerationFailure} GenerationFailure
 * @typedef {import('./failures').DownloadFailure} DownloadFailure
 * @typedef {import('./gauges').GenerationRequest} GenerationRequest
 * @typedef {import('./setup').AogSetupView} AogSetupView
 */

module.exports = {
	startAogServer,
	DEFAULT_OPTIONS,
	COUNTER_NAMES,
	GENERATION_FAILURE_KINDS: [...GENERATION_KINDS],
	DOWNLOAD_FAILURE_KINDS: [...DOWNLOAD_KINDS],
};
