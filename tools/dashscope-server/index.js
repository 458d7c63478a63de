'use strict';
// DashScope-compatible dev server (async image-to-video API + result host) for tests and demos. Types: index.d.ts.
const { startDashScopeServer, DEFAULT_OPTIONS, COUNTER_NAMES, SUBMIT_PATH } = require('./server');
const { MODELS, modelsOf } = require('./models');
const { ERROR_CODES } = require('./errors');
const { REGION_IDS } = require('./tasks');

module.exports = {
	startDashScopeServer,
	DEFAULT_OPTIONS,
	COUNTER_NAMES,
	SUBMIT_PATH,
	MODELS,
	modelsOf,
	ERROR_CODES,
	REGIONS: Object.keys(REGION_IDS),
};
