'use strict';
// DashScope-compatible dev server (async Wan video API + result and upload host) for tests and demos. Its pictures,
// videos and ffmpeg come from the media kit, tools/media.
const { startDashScopeServer, DEFAULT_OPTIONS, COUNTER_NAMES, SUBMIT_PATH, IMAGE2VIDEO_PATH } = require('./server');
const { WRONG_ENDPOINT_MESSAGE } = require('./modes');
const { MODELS, modelsOf } = require('./models');
const { ERROR_CODES } = require('./errors');
const { REGION_IDS } = require('./tasks');
const { UNRESOLVED_OSS_MESSAGE, NO_STORAGE_MESSAGE } = require('./uploads');

/**
 * @typedef {import('./server').DashScopeServer} DashScopeServer
 * @typedef {import('./server').DashScopeServerOptions} DashScopeServerOptions
 * @typedef {import('./server').DashScopeRuntimeOptions} DashScopeRuntimeOptions
 * @typedef {import('./server').DashScopeOptionsInForce} DashScopeOptionsInForce
 * @typedef {import('./server').DashScopeCounters} DashScopeCounters
 * @typedef {import('./server').RecordedRequest} RecordedRequest
 * @typedef {import('./server').TrackedRequest} TrackedRequest
 * @typedef {import('./server').RequestGauge} RequestGauge
 * @typedef {import('./models').Region} Region
 * @typedef {import('./models').ModelSpec} ModelSpec
 * @typedef {import('./tasks').DashScopeTask} DashScopeTask
 * @typedef {import('./tasks').TaskStatus} TaskStatus
 * @typedef {import('./tasks').TaskGauge} TaskGauge
 * @typedef {import('./script').DashScopeScript} DashScopeScript
 * @typedef {import('./script').TaskScript} TaskScript
 * @typedef {import('./script').RequestScript} RequestScript
 * @typedef {import('./uploads').UploadRecord} UploadRecord
 */

module.exports = {
	startDashScopeServer,
	DEFAULT_OPTIONS,
	COUNTER_NAMES,
	SUBMIT_PATH,
	/** The kf2v models' submit path. */
	IMAGE2VIDEO_PATH,
	/** 400 InvalidParameter message for a model sent to another mode's path. */
	WRONG_ENDPOINT_MESSAGE,
	MODELS,
	modelsOf,
	/** Codes with a default status and message. */
	ERROR_CODES,
	/** The submit's 400 InvalidParameter message for an oss:// URL without X-DashScope-OssResourceResolve: enable. */
	UNRESOLVED_OSS_MESSAGE,
	/** getPolicy's 403 AccessDenied message with the option temporaryStorage false. */
	NO_STORAGE_MESSAGE,
	REGIONS: /** @type {Region[]} */ (Object.keys(REGION_IDS)),
};
