'use strict';
// The rest of the Wan family (docs/DASHSCOPE-API.md, "The rest of the Wan video family"): first and last frame
// (kf2v, on its own endpoint), wan2.7-i2v's media entries, reference to video (2.6 URL lists, 2.7 media) and
// video edit. The models' table rows, the endpoint each takes, and the submit checks of their inputs.
//
// Choices where the contract is open, made strict so that a body the dev server takes is likely to pass for real:
// - wan2.7-i2v: first_frame (optionally with last_frame and/or driving_audio), or first_clip alone (a video to
//   continue); each type at most once.
// - reference to video: input.reference_urls (pictures or videos) or input.reference_video_urls (videos), not
//   both; 1-3 entries. wan2.7-r2v: 1-3 media entries of type reference_image / reference_video. Prompt required.
// - video edit: exactly one media entry of type video, at most 3 reference_image; prompt required; no
//   parameters.duration (the output keeps the input's length, 2-10 s).
// - Fields of another mode (img_url, first_frame_url, reference_urls, media…) or parameters of another model
//   (size vs resolution, audio_setting, shot_type) answer 400 InvalidParameter naming them.
const { invalidParameter } = require('./errors');

/**
 * @typedef {import('./models').ModelSpec} ModelSpec
 * @typedef {'image' | 'video' | 'audio' | 'image-or-video'} ExpectedKind
 * @typedef {{ role: string; url: string; expect: ExpectedKind }} MediaRef One media input of a task, in body order.
 */

const IMAGE2VIDEO_PATH = '/api/v1/services/aigc/image2video/video-synthesis';
// DashScope's answer when a model is sent to another mode's endpoint.
const WRONG_ENDPOINT_MESSAGE = 'url error, please check url!';
const INPUT_FIELDS = [
	'img_url',
	'first_frame_url',
	'last_frame_url',
	'reference_urls',
	'reference_video_urls',
	'media',
];
/** @type {Record<string, string[]>} */
const ALLOWED_INPUT = {
	kf2v: ['first_frame_url', 'last_frame_url'],
	media: ['media'],
	r2v: ['reference_urls', 'reference_video_urls'],
	'r2v-media': ['media'],
	videoedit: ['media'],
};
const NEW_BODIES = new Set(Object.keys(ALLOWED_INPUT));
/** @type {Record<string, Record<string, ExpectedKind>>} */
const MEDIA_TYPES = {
	media: { first_frame: 'image', last_frame: 'image', driving_audio: 'audio', first_clip: 'video' },
	'r2v-media': { reference_image: 'image', reference_video: 'video' },
	videoedit: { video: 'video', reference_image: 'image' },
};

/**
 * @param {number} from
 * @param {number} to
 */
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const R2V_SIZES = [
	'1920*1080',
	'1080*1920',
	'1440*1440',
	'1632*1248',
	'1248*1632',
	'1280*720',
	'720*1280',
	'960*960',
	'1088*832',
	'832*1088',
];
/** @type {import('./models').Region[]} */
const INTERNATIONAL = ['singapore', 'virginia'];

/** @type {Record<string, ModelSpec>} */
const MODE_MODELS = {
	'wanx2.1-kf2v-plus': {
		body: 'kf2v',
		resolutions: ['720P'],
		durations: [5],
		resolution: '720P',
		promptMax: 800,
		regions: ['beijing'],
	},
	'wan2.1-kf2v-plus': {
		body: 'kf2v',
		resolutions: ['720P'],
		durations: [5],
		resolution: '720P',
		promptMax: 800,
		regions: INTERNATIONAL,
	},
	'wan2.2-kf2v-flash': {
		body: 'kf2v',
		resolutions: ['480P', '720P', '1080P'],
		durations: [5],
		resolution: '720P',
		promptMax: 800,
	},
	'wan2.6-r2v': {
		body: 'r2v',
		resolutions: [],
		sizes: R2V_SIZES,
		durations: range(2, 10),
		resolution: '1080P',
		promptMax: 2000,
		audio: true,
	},
	'wan2.6-r2v-flash': {
		body: 'r2v',
		resolutions: [],
		sizes: R2V_SIZES,
		durations: range(2, 10),
		resolution: '1080P',
		promptMax: 2000,
		audio: true,
	},
	'wan2.7-r2v': {
		body: 'r2v-media',
		resolutions: [],
		sizes: R2V_SIZES,
		durations: range(2, 10),
		resolution: '1080P',
		promptMax: 2000,
		audio: true,
	},
	'wan2.7-videoedit': {
		body: 'videoedit',
		resolutions: ['720P', '1080P'],
		durations: [],
		resolution: '1080P',
		promptMax: 2000,
		audio: true,
	},
};

/**
 * The endpoint a model is sent to must be its mode's: kf2v models on image2video, every other on video-synthesis.
 * @param {ModelSpec} model
 * @param {string} endpoint the request's path
 */
function checkEndpoint(model, endpoint) {
	if ((model.body === 'kf2v') !== (endpoint === IMAGE2VIDEO_PATH)) throw invalidParameter(WRONG_ENDPOINT_MESSAGE);
}

/**
 * @param {unknown} value
 * @param {string} field
 * @returns {string}
 */
function requiredUrl(value, field) {
	if (value === undefined || value === null || value === '') throw invalidParameter(`Field required: ${field}`);
	if (typeof value !== 'string') throw invalidParameter(`Input should be a valid string: ${field}`);
	return value;
}

/**
 * A URL list of 2.6 reference to video: 1-3 strings.
 * @param {unknown} value
 * @param {string} field
 * @returns {string[]}
 */
function urlList(value, field) {
	if (!Array.isArray(value)) throw invalidParameter(`Input should be a valid list: ${field}`);
	if (value.length < 1 || value.length > 3)
		throw invalidParameter(`The parameter ${field} must have 1 to 3 entries (got ${value.length}).`);
	return value.map((url, i) => requiredUrl(url, `${field}[${i}]`));
}

/**
 * media entries of a media model: type known to the model, url a string, each type at most once unless listed.
 * @param {string} name
 * @param {string} body
 * @param {unknown} media
 * @returns {MediaRef[]}
 */
function mediaEntries(name, body, media) {
	if (!Array.isArray(media)) throw invalidParameter('Field required: input.media');
	const types = MEDIA_TYPES[body];
	return media.map((item, i) => {
		if (!item || typeof item !== 'object')
			throw invalidParameter(`Input should be a valid dictionary: input.media[${i}]`);
		const { type, url } = /** @type {Record<string, unknown>} */ (item);
		if (typeof type !== 'string' || !(type in types))
			throw invalidParameter(
				`The parameter input.media[${i}].type is invalid: ${JSON.stringify(type)} is not supported by ${name} (allowed: ${Object.keys(types).join(', ')}).`,
			);
		return { role: type, url: requiredUrl(url, `input.media[${type}].url`), expect: types[type] };
	});
}

/**
 * @param {MediaRef[]} refs
 * @param {string} role
 */
const countOf = (refs, role) => refs.filter((ref) => ref.role === role).length;

/**
 * wan2.7-i2v's combinations (see the header).
 * @param {MediaRef[]} refs
 */
function checkI2vCombination(refs) {
	for (const role of ['first_frame', 'last_frame', 'driving_audio', 'first_clip'])
		if (countOf(refs, role) > 1) throw invalidParameter(`input.media may contain at most one item of type ${role}.`);
	const clip = countOf(refs, 'first_clip') > 0;
	if (!clip && countOf(refs, 'first_frame') === 0)
		throw invalidParameter(
			'input.media must contain an item of type first_frame (or first_clip, to continue a video).',
		);
	if (clip && refs.length > 1)
		throw invalidParameter(
			`input.media with a first_clip cannot also contain ${refs
				.filter((ref) => ref.role !== 'first_clip')
				.map((ref) => ref.role)
				.join(', ')}.`,
		);
}

/**
 * The media inputs of a new-mode body (kf2v, wan2.7-i2v media, r2v, video edit); throws ApiError.
 * @param {string} name
 * @param {ModelSpec} model
 * @param {Record<string, any>} input
 * @param {Record<string, any>} parameters
 * @returns {MediaRef[]}
 */
function checkModeInput(name, model, input, parameters) {
	const allowed = ALLOWED_INPUT[model.body];
	for (const field of INPUT_FIELDS)
		if (input[field] !== undefined && !allowed.includes(field))
			throw invalidParameter(`The parameter input.${field} is not supported by ${name}.`);
	if (parameters.audio_setting !== undefined && model.body !== 'videoedit')
		throw invalidParameter(`The parameter parameters.audio_setting is not supported by ${name}.`);
	if (parameters.shot_type !== undefined && model.body !== 'r2v' && model.body !== 'r2v-media')
		throw invalidParameter(`The parameter parameters.shot_type is not supported by ${name}.`);
	if (parameters.size !== undefined && !model.sizes)
		throw invalidParameter(`The parameter parameters.size is not supported by ${name}: use parameters.resolution.`);
	if (parameters.resolution !== undefined && model.sizes)
		throw invalidParameter(`The parameter parameters.resolution is not supported by ${name}: use parameters.size.`);
	if (model.body === 'kf2v') {
		/** @type {MediaRef[]} */
		const refs = [
			{ role: 'first_frame', url: requiredUrl(input.first_frame_url, 'input.first_frame_url'), expect: 'image' },
		];
		if (input.last_frame_url !== undefined)
			refs.push({
				role: 'last_frame',
				url: requiredUrl(input.last_frame_url, 'input.last_frame_url'),
				expect: 'image',
			});
		return refs;
	}
	if (model.body === 'r2v') {
		if (input.reference_urls !== undefined && input.reference_video_urls !== undefined)
			throw invalidParameter('Use either input.reference_urls or input.reference_video_urls, not both.');
		if (input.reference_urls === undefined && input.reference_video_urls === undefined)
			throw invalidParameter('Field required: input.reference_video_urls (or input.reference_urls)');
		return input.reference_video_urls !== undefined
			? urlList(input.reference_video_urls, 'input.reference_video_urls').map((url) => ({
					role: 'reference',
					url,
					expect: 'video',
				}))
			: urlList(input.reference_urls, 'input.reference_urls').map((url) => ({
					role: 'reference',
					url,
					expect: 'image-or-video',
				}));
	}
	const refs = mediaEntries(name, model.body, input.media);
	if (model.body === 'media') checkI2vCombination(refs);
	if (model.body === 'r2v-media' && (refs.length < 1 || refs.length > 3))
		throw invalidParameter(
			`input.media must have 1 to 3 reference_image / reference_video items (got ${refs.length}).`,
		);
	if (model.body === 'videoedit') {
		if (countOf(refs, 'video') !== 1)
			throw invalidParameter(
				`input.media must contain exactly one item of type video (got ${countOf(refs, 'video')}).`,
			);
		if (countOf(refs, 'reference_image') > 3)
			throw invalidParameter('input.media may contain at most 3 items of type reference_image.');
		const setting = parameters.audio_setting ?? 'auto';
		if (!['auto', 'origin'].includes(setting))
			throw invalidParameter(
				`The parameter parameters.audio_setting is invalid: ${JSON.stringify(setting)} (allowed: auto, origin).`,
			);
		if (parameters.duration !== undefined)
			throw invalidParameter(
				`The parameter parameters.duration is not supported by ${name}: the output keeps the input video's length.`,
			);
	}
	return refs;
}

module.exports = {
	MODE_MODELS,
	NEW_BODIES,
	IMAGE2VIDEO_PATH,
	WRONG_ENDPOINT_MESSAGE,
	checkEndpoint,
	checkModeInput,
};
