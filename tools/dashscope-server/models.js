'use strict';
// First-frame image-to-video and text-to-video models (the other modes' rows come from modes.js), and DashScope's
// submit-time checks of the body (docs/DASHSCOPE-API.md, "Models").
const { apiError, invalidParameter } = require('./errors');
const { MODE_MODELS, NEW_BODIES, checkEndpoint, checkModeInput } = require('./modes');

/**
 * @typedef {'beijing' | 'singapore' | 'virginia' | 'frankfurt' | 'hongkong'} Region
 * @typedef {'480P' | '720P' | '1080P'} Resolution
 * @typedef {object} ModelSpec
 * @property {'img_url' | 'media' | 'text' | 'kf2v' | 'r2v' | 'r2v-media' | 'videoedit'} body text: text to video,
 *   `input.prompt` and `parameters.size`; media: wan2.7-i2v; the others: modes.js.
 * @property {Resolution[]} resolutions
 * @property {string[]} [sizes] Text to video: the "W*H" sizes it makes (the first is the default).
 * @property {number[]} durations
 * @property {Resolution} resolution Default resolution.
 * @property {number} promptMax
 * @property {boolean} [audio]
 * @property {Region[]} [regions] Regions where the name exists (all when absent).
 * @typedef {{ url: string; mismatch?: undefined } | { url?: undefined; mismatch: string }} FrameSource
 * @typedef {object} TaskSettings What a valid submit body asks for.
 * @property {string} model
 * @property {string} prompt As stored (2.1/2.2 prompts over 800 characters cut).
 * @property {string} negativePrompt
 * @property {FrameSource | undefined} source img_url models and a wan2.7-i2v body sent img_url (mismatch); else undefined.
 * @property {import('./modes').MediaRef[] | undefined} media The media inputs of the other modes (kf2v, wan2.7 media,
 *   r2v, video edit), in body order.
 * @property {string} body The model's body kind.
 * @property {'auto' | 'origin' | undefined} audioSetting Video edit.
 * @property {string} resolution 480P, 720P, 1080P; text to video: the shorter side's pixels, such as 1080P.
 * @property {{ width: number; height: number } | undefined} size Text to video: the frame asked for.
 * @property {number} height
 * @property {number} duration
 * @property {boolean} promptExtend
 * @property {number} [seed]
 * @property {boolean} audio
 */

const PROMPT_REQUIRED = new Set(['text', 'r2v', 'r2v-media', 'videoedit']);
/** @type {Record<Resolution, number>} */
const RESOLUTION_HEIGHTS = { '480P': 480, '720P': 720, '1080P': 1080 };
/**
 * @param {number} from
 * @param {number} to
 */
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** @type {Region[]} */
const INTERNATIONAL = ['singapore', 'virginia'];
const SIZES_480P = ['832*480', '480*832', '624*624'];
const SIZES_720P = ['1280*720', '720*1280', '960*960', '1088*832', '832*1088'];
const SIZES_1080P = ['1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'];
/** @param {Partial<ModelSpec>} spec */
const textModel = (spec) =>
	/** @type {ModelSpec} */ ({
		body: 'text',
		resolutions: [],
		resolution: '1080P',
		durations: [5],
		promptMax: 800,
		...spec,
	});

// body: 'img_url' (wan2.1 – wan2.6) or 'media' (wan2.7). regions: where the name exists (all when absent).
/** @type {Record<string, ModelSpec>} */
const MODELS = {
	'wan2.2-i2v-plus': {
		body: 'img_url',
		resolutions: ['480P', '1080P'],
		durations: [5],
		resolution: '1080P',
		promptMax: 800,
	},
	'wan2.2-i2v-flash': {
		body: 'img_url',
		resolutions: ['480P', '720P', '1080P'],
		durations: [5],
		resolution: '720P',
		promptMax: 800,
	},
	'wan2.5-i2v-preview': {
		body: 'img_url',
		resolutions: ['480P', '720P', '1080P'],
		durations: [5, 10],
		resolution: '1080P',
		promptMax: 2000,
		audio: true,
	},
	'wan2.6-i2v': {
		body: 'img_url',
		resolutions: ['720P', '1080P'],
		durations: range(2, 15),
		resolution: '1080P',
		promptMax: 2000,
		audio: true,
	},
	'wan2.6-i2v-flash': {
		body: 'img_url',
		resolutions: ['720P', '1080P'],
		durations: range(2, 15),
		resolution: '1080P',
		promptMax: 2000,
		audio: true,
	},
	'wan2.7-i2v': {
		body: 'media',
		resolutions: ['720P', '1080P'],
		durations: range(2, 15),
		resolution: '1080P',
		promptMax: 2000,
		audio: true,
	},
	'wanx2.1-i2v-turbo': {
		body: 'img_url',
		resolutions: ['480P', '720P'],
		durations: [3, 4, 5],
		resolution: '720P',
		promptMax: 800,
		regions: ['beijing'],
	},
	'wanx2.1-i2v-plus': {
		body: 'img_url',
		resolutions: ['720P'],
		durations: [5],
		resolution: '720P',
		promptMax: 800,
		regions: ['beijing'],
	},
	'wan2.1-i2v-turbo': {
		body: 'img_url',
		resolutions: ['480P', '720P'],
		durations: [3, 4, 5],
		resolution: '720P',
		promptMax: 800,
		regions: INTERNATIONAL,
	},
	'wan2.1-i2v-plus': {
		body: 'img_url',
		resolutions: ['720P'],
		durations: [5],
		resolution: '720P',
		promptMax: 800,
		regions: INTERNATIONAL,
	},
	'wan2.2-t2v-plus': textModel({ sizes: [...SIZES_1080P.slice(0, 3), ...SIZES_480P, ...SIZES_1080P.slice(3)] }),
	'wan2.5-t2v-preview': textModel({
		sizes: [...SIZES_1080P, ...SIZES_720P, ...SIZES_480P],
		durations: [5, 10],
		promptMax: 2000,
		audio: true,
	}),
	'wan2.6-t2v': textModel({
		sizes: [...SIZES_1080P, ...SIZES_720P],
		durations: range(2, 15),
		promptMax: 2000,
		audio: true,
	}),
	'wan2.7-t2v': textModel({
		sizes: [...SIZES_1080P, ...SIZES_720P],
		durations: range(2, 15),
		promptMax: 2000,
		audio: true,
	}),
	'wanx2.1-t2v-turbo': textModel({ sizes: [...SIZES_720P, ...SIZES_480P], regions: ['beijing'] }),
	'wanx2.1-t2v-plus': textModel({ sizes: SIZES_720P, regions: ['beijing'] }),
	'wan2.1-t2v-turbo': textModel({ sizes: [...SIZES_720P, ...SIZES_480P], regions: INTERNATIONAL }),
	'wan2.1-t2v-plus': textModel({ sizes: SIZES_720P, regions: INTERNATIONAL }),
	...MODE_MODELS,
};

/**
 * Model names offered in a region.
 * @param {string} region
 */
function modelsOf(region) {
	return Object.keys(MODELS).filter((name) => {
		const { regions } = MODELS[name];
		return !regions || regions.includes(/** @type {Region} */ (region));
	});
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
function isObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * @param {unknown} value
 * @param {string} field
 * @param {number} [maxLength]
 * @returns {string}
 */
function optionalString(value, field, maxLength) {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw invalidParameter(`Input should be a valid string: ${field}`);
	if (maxLength !== undefined && value.length > maxLength)
		throw invalidParameter(`The length of ${field} exceeds the limit of ${maxLength} characters.`);
	return value;
}

/**
 * @param {unknown} value
 * @param {string} field
 * @param {boolean} fallback
 * @returns {boolean}
 */
function optionalBoolean(value, field, fallback) {
	if (value === undefined || value === null) return fallback;
	if (typeof value !== 'boolean') throw invalidParameter(`Input should be a valid boolean: ${field}`);
	return value;
}

/**
 * @param {string} name
 * @param {ModelSpec} model
 * @param {unknown} parameters
 */
function checkParameters(name, model, parameters) {
	if (parameters !== undefined && parameters !== null && !isObject(parameters))
		throw invalidParameter('Input should be a valid dictionary: parameters');
	const p = parameters || {};
	const frame = model.sizes ? checkSize(name, model.sizes, p.size) : checkResolution(name, model, p.resolution);
	/** @type {number} */
	const duration = p.duration ?? 5; // video edit (no durations): replaced by the input video's length
	if (model.durations.length > 0 && !model.durations.includes(duration)) {
		const allowed =
			model.durations.length > 3
				? `${model.durations[0]}-${model.durations[model.durations.length - 1]}`
				: model.durations.join(', ');
		throw invalidParameter(
			`The parameter parameters.duration is invalid: ${JSON.stringify(duration)} is not supported by ${name} (allowed: ${allowed}).`,
		);
	}
	const { seed } = p;
	if (seed !== undefined && seed !== null && !(Number.isInteger(seed) && seed >= 0 && seed <= 2147483647))
		throw invalidParameter('The parameter parameters.seed must be an integer between 0 and 2147483647.');
	const promptExtend = optionalBoolean(p.prompt_extend, 'parameters.prompt_extend', true);
	optionalBoolean(p.watermark, 'parameters.watermark', false);
	const audio = optionalBoolean(p.audio, 'parameters.audio', Boolean(model.audio));
	if (p.shot_type !== undefined && p.shot_type !== null) {
		if (!['single', 'multi'].includes(p.shot_type))
			throw invalidParameter(
				`The parameter parameters.shot_type is invalid: ${JSON.stringify(p.shot_type)} (allowed: single, multi).`,
			);
		if (p.shot_type === 'multi' && !promptExtend)
			throw invalidParameter(
				'The parameter parameters.shot_type "multi" requires parameters.prompt_extend to be true.',
			);
	}
	return {
		...frame,
		duration,
		promptExtend,
		seed: /** @type {number | undefined} */ (seed ?? undefined),
		audio: Boolean(model.audio) && audio,
	};
}

/**
 * @param {string} name
 * @param {ModelSpec} model
 * @param {unknown} value
 */
function checkResolution(name, model, value) {
	const resolution = /** @type {Resolution} */ (value ?? model.resolution);
	if (!model.resolutions.includes(resolution)) {
		throw invalidParameter(
			`The parameter parameters.resolution is invalid: ${JSON.stringify(resolution)} is not supported by ${name} (allowed: ${model.resolutions.join(', ')}).`,
		);
	}
	return { resolution, height: RESOLUTION_HEIGHTS[resolution], size: undefined };
}

/**
 * Text to video's `parameters.size`, "W*H" (default: the model's first size).
 * @param {string} name
 * @param {string[]} sizes
 * @param {unknown} value
 */
function checkSize(name, sizes, value) {
	const size = value ?? sizes[0];
	if (typeof size !== 'string' || !sizes.includes(size)) {
		throw invalidParameter(
			`The parameter parameters.size is invalid: ${JSON.stringify(size)} is not supported by ${name} (allowed: ${sizes.join(', ')}).`,
		);
	}
	const [width, height] = size.split('*').map(Number);
	return { resolution: `${Math.min(width, height)}P`, height, size: { width, height } };
}

/**
 * Where the first frame of an img_url model comes from. For a `media` model sent `img_url`, the submit is accepted
 * and the task fails later (mismatch), as the real service does.
 * @param {string} name
 * @param {ModelSpec} model
 * @param {Record<string, any>} input
 * @returns {FrameSource}
 */
function imageSource(name, model, input) {
	if (model.body === 'media')
		return {
			mismatch: `The model ${name} requires input.media (a first_frame item); input.img_url is not supported.`,
		};
	if (input.img_url === undefined || input.img_url === null || input.img_url === '')
		throw invalidParameter('Field required: input.img_url');
	if (typeof input.img_url !== 'string') throw invalidParameter('Input should be a valid string: input.img_url');
	return { url: input.img_url };
}

/**
 * DashScope's submit checks. Returns the task's settings or throws ApiError.
 * @param {unknown} body
 * @param {string} region
 * @param {string} endpoint The request's path (kf2v models have their own).
 * @returns {TaskSettings}
 */
function checkSubmitBody(body, region, endpoint) {
	if (!isObject(body)) throw invalidParameter('The request body must be a JSON object.');
	if (body.model === undefined || body.model === null || body.model === '')
		throw invalidParameter('Field required: model');
	const name = body.model;
	if (typeof name !== 'string' || !modelsOf(region).includes(name)) throw apiError('ModelNotFound', 'Model not exist.');
	const model = MODELS[name];
	checkEndpoint(model, endpoint);
	if (!isObject(body.input)) throw invalidParameter('Field required: input');
	const { input } = body;
	if (body.parameters !== undefined && body.parameters !== null && !isObject(body.parameters))
		throw invalidParameter('Input should be a valid dictionary: parameters');
	// A wan2.7-i2v body with img_url instead of media is accepted and fails in the task (imageSource).
	const mismatch = model.body === 'media' && input.media === undefined && typeof input.img_url === 'string';
	const media =
		NEW_BODIES.has(model.body) && !mismatch ? checkModeInput(name, model, input, body.parameters || {}) : undefined;
	// 2.1/2.2 cut longer prompts silently; newer models answer 400 (docs/DASHSCOPE-API.md).
	const rawPrompt = optionalString(input.prompt, 'input.prompt', model.promptMax > 800 ? model.promptMax : undefined);
	if (PROMPT_REQUIRED.has(model.body) && rawPrompt.trim() === '')
		throw invalidParameter('Field required: input.prompt');
	const prompt = rawPrompt.slice(0, model.promptMax);
	const negativePrompt = optionalString(input.negative_prompt, 'input.negative_prompt', 500);
	return {
		model: name,
		prompt,
		negativePrompt,
		source: model.body === 'img_url' || mismatch ? imageSource(name, model, input) : undefined,
		media,
		body: model.body,
		audioSetting: model.body === 'videoedit' ? (body.parameters?.audio_setting ?? 'auto') : undefined,
		...checkParameters(name, model, body.parameters),
	};
}

module.exports = { MODELS, RESOLUTION_HEIGHTS, modelsOf, checkSubmitBody };
