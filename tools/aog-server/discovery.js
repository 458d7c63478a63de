'use strict';
// Health, version and model discovery, with AOG's exact bodies.
const { sendGoJson } = require('./responses');

const I2V_MODEL = 'wan2.2-i2v-plus';
const I2V_SERVICE = 'image-to-video';

const HEALTH_BODY = { business_code: 80000, message: 'health interface call success', data: { status: 'UP' } };
// v0.7 answers GET /version with the health body: the version cannot be read over HTTP.
const VERSION_BODY = HEALTH_BODY;
const ENGINE_HEALTH_BODY = {
	business_code: 80000,
	message: 'health interface call success',
	data: { ollama: 'DOWN', openvino: 'DOWN' },
};

const MODEL_LIST_ITEM = {
	name: I2V_MODEL,
	avatar: '',
	desc: 'Tongyi Wanxiang 2.2 image-to-video, plus edition: 5 s, 30 fps, 480P or 1080P',
	type: I2V_SERVICE,
	flavor: 'aliyun',
	tags: ['image-to-video'],
	status: '',
	service_name: I2V_SERVICE,
	service_source: 'remote',
	size: '',
	context_length: 0,
	is_recommended: true,
	can_select: true,
	class: ['image-to-video'],
	ollama_id: '',
	think: false,
	think_switch: false,
	tools: false,
	input_length: 0,
	output_length: 0,
};

// /aog/v0.2/model ignores its filters and lists every model, so clients must filter by service and status.
// Models of other services, listed whatever the image-to-video setup is.
const OTHER_MODELS = [
	{
		model_name: 'qwen2.5:0.5b',
		provider_name: 'local_ollama_chat',
		status: 'downloaded',
		service_name: 'chat',
		service_source: 'local',
		is_default: true,
	},
	{
		model_name: 'text-embedding-v3',
		provider_name: 'remote_aliyun_embed',
		status: 'downloaded',
		service_name: 'embed',
		service_source: 'remote',
		is_default: true,
	},
	{
		model_name: 'wanx2.1-t2i-turbo',
		provider_name: 'remote_aliyun_text-to-image',
		status: 'downloaded',
		service_name: 'text-to-image',
		service_source: 'remote',
		is_default: true,
	},
];
const TIMES = { created_at: '2025-09-01T10:00:00.000000000+08:00', updated_at: '2025-09-01T10:00:00.000000000+08:00' };

/** @typedef {import('http').ServerResponse} ServerResponse */

/** @param {ServerResponse} res */
function sendHealth(res) {
	sendGoJson(res, 200, HEALTH_BODY);
}

/** @param {ServerResponse} res */
function sendVersion(res) {
	sendGoJson(res, 200, VERSION_BODY);
}

/** @param {ServerResponse} res */
function sendEngineHealth(res) {
	sendGoJson(res, 200, ENGINE_HEALTH_BODY);
}

/**
 * @param {string | null} text
 * @param {number} fallback
 */
function positiveInt(text, fallback) {
	const value = Number.parseInt(text ?? '', 10);
	return Number.isInteger(value) && value > 0 ? value : fallback;
}

/**
 * The modellist honours service_name / service_source / flavor, and pages the result: only the catalogue model,
 * whatever other names the provider lists; can_select once its row exists (`setup`: the AogSetup).
 * @param {ServerResponse} res
 * @param {URLSearchParams} query
 * @param {import('./setup').AogSetup} setup
 */
function sendModelList(res, query, setup) {
	/**
	 * @param {string} name
	 * @param {string} expected
	 */
	const matches = (name, expected) => !query.get(name) || query.get(name) === expected;
	const selected =
		matches('service_name', I2V_SERVICE) && matches('service_source', 'remote') && matches('flavor', 'aliyun');
	const all = selected ? [{ ...MODEL_LIST_ITEM, can_select: setup.catalogueModelInstalled() }] : [];
	const page = positiveInt(query.get('page'), 1);
	const pageSize = positiveInt(query.get('page_size'), 10);
	const data = all.slice((page - 1) * pageSize, page * pageSize);
	sendGoJson(res, 200, {
		business_code: 30000,
		message: 'service provider get models success',
		data: { data, page, page_size: pageSize, total: all.length, total_page: Math.ceil(all.length / pageSize) },
	});
}

/**
 * Every model row: the image-to-video rows of the setup (status downloaded) among other services' rows.
 * @param {ServerResponse} res
 * @param {import('./setup').AogSetup} setup
 */
function sendModels(res, setup) {
	const data = [OTHER_MODELS[0], ...setup.modelRows(), ...OTHER_MODELS.slice(1)].map((model) => ({
		...model,
		...TIMES,
	}));
	sendGoJson(res, 200, { business_code: 30000, message: 'get models success', data });
}

module.exports = {
	sendHealth,
	sendVersion,
	sendEngineHealth,
	sendModelList,
	sendModels,
	I2V_MODEL,
	I2V_SERVICE,
	HEALTH_BODY,
	VERSION_BODY,
	ENGINE_HEALTH_BODY,
};
