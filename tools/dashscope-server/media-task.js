'use strict';
// The media inputs of the other modes as a task reads them, and the video they lead to. A data URI (pictures only)
// is checked at submit, an oss:// file is taken from temporary storage at submit; an http(s) URL is downloaded by
// the task. What each input turns out to be is checked in the task: a wrong kind, format or length FAILS it with
// InvalidParameter (DashScope inspects media after the submit).
//
// The MP4 (a solid colour, cheap to encode) follows the request:
// - size: `parameters.size` for reference to video; otherwise the resolution tier as the shorter side, with the
//   aspect of the first frame (kf2v, wan2.7-i2v), of the first_clip, or of the video to edit. (The first-frame
//   img_url models keep their older rule: the tier is the height.)
// - length: `parameters.duration` (5 s fixed for kf2v); video edit keeps the input video's length (rounded).
// - an AAC track: never for kf2v; wan2.7-i2v with a driving_audio, or auto (parameters.audio, default true);
//   reference to video per parameters.audio (default true); video edit with audio_setting auto, or origin when
//   the input video has sound.
const { inspectMedia, downloadMedia } = require('../media/media-kind');
const { checkDashScopeImage, ImageRejected } = require('../media/image-check');
const { outputSize } = require('../media/video-maker');
const { ApiError, apiError, invalidParameter } = require('./errors');
const { loadInlineImage } = require('./image');

/**
 * @typedef {import('./modes').MediaRef} MediaRef
 * @typedef {import('./models').TaskSettings} TaskSettings
 * @typedef {import('../media/media-kind').MediaInfo} MediaInfo
 * @typedef {{ size: { width: number; height: number }; duration: number; audio: boolean }} VideoPlan
 */

const FETCHER = 'dashscope-dev-server (media fetcher)';
/** Allowed lengths (s) of videos and sounds, by role. */
/** @type {Record<string, [number, number]>} */
const LENGTHS = {
	driving_audio: [2, 30],
	first_clip: [2, 10],
	video: [2, 10],
	reference: [1, 30],
	reference_video: [1, 30],
};

/**
 * A media reference's bytes: now for a data URI (a picture, checked) or an oss:// file; `later` for a URL (the
 * task downloads it). Throws ApiError at submit.
 * @param {import('./server').State} state
 * @param {MediaRef} ref
 * @param {string} model
 * @returns {Promise<{ later: Promise<Buffer> } | { now: Buffer }>}
 */
async function loadRef(state, ref, model) {
	if (/^oss:\/\//i.test(ref.url)) return { now: state.storage.resolve(ref.url, model).bytes };
	if (/^https?:\/\//i.test(ref.url)) {
		const later = downloadMedia(ref.url, FETCHER).catch((error) => {
			throw apiError(
				'InvalidParameter.DataInspection',
				`Unable to download the media resource during the data inspection process: ${error.message} (url: ${ref.url})`,
			);
		});
		later.catch(() => {}); // read by the task
		return { later };
	}
	if (ref.expect === 'image' || ref.expect === 'image-or-video') return { now: (await loadInlineImage(ref.url)).bytes };
	throw invalidParameter(
		`The ${ref.role} input must be an http(s) URL or an oss:// file: data URIs are accepted for pictures only.`,
	);
}

/**
 * @param {MediaRef} ref
 * @param {MediaInfo} info
 * @param {Buffer} bytes
 */
function checkKind(ref, info, bytes) {
	const wanted = ref.expect === 'image-or-video' ? ['image', 'video'] : [ref.expect];
	const label =
		ref.expect === 'audio'
			? 'an audio file (wav, mp3)'
			: ref.expect
					.replace('image', 'a picture')
					.replace('-or-', ' or ')
					.replace(/video$/, 'a video');
	if (!wanted.includes(info.kind) || (info.kind === 'audio' && !['wav', 'mp3'].includes(info.format)))
		throw invalidParameter(
			`The ${ref.role} input is ${info.kind === 'unknown' ? 'not a readable media file' : `${info.kind === 'image' ? 'a picture' : `a ${info.kind}`} (${info.format})`}; ${ref.role} takes ${label}.`,
		);
	if (info.kind === 'image') {
		try {
			checkDashScopeImage(bytes);
		} catch (error) {
			if (error instanceof ImageRejected) throw new ApiError(error.status, error.code, `${ref.role}: ${error.message}`);
			throw error;
		}
	}
	const limits = LENGTHS[ref.role];
	if (info.kind !== 'image' && limits && info.duration !== undefined) {
		const [min, max] = limits;
		if (!(info.duration >= min - 0.05 && info.duration <= max + 0.05))
			throw invalidParameter(
				`The ${ref.role} input is ${info.duration.toFixed(1)} s long; ${ref.role} takes ${min} to ${max} seconds.`,
			);
	}
}

/**
 * The frame of a resolution tier for an input of this shape: the shorter side is the tier (720P portrait: 720 wide).
 * @param {number} width
 * @param {number} height
 * @param {number} tier
 */
function tierSize(width, height, tier) {
	if (width >= height) return outputSize(width, height, tier);
	const turned = outputSize(height, width, tier);
	return { width: turned.height, height: turned.width };
}

/**
 * Reads and checks every input, then returns what the video must be; rejects with ApiError (the task FAILS).
 * @param {TaskSettings} settings
 * @param {Array<Buffer | Promise<Buffer>>} loads
 * @returns {Promise<VideoPlan>}
 */
async function planVideo(settings, loads) {
	const refs = /** @type {MediaRef[]} */ (settings.media);
	/** @type {Record<string, MediaInfo>} */
	const byRole = {};
	for (const [i, ref] of refs.entries()) {
		const bytes = await loads[i];
		const info = await inspectMedia(bytes);
		checkKind(ref, info, bytes);
		if (!byRole[ref.role]) byRole[ref.role] = info;
	}
	const shape = byRole.first_frame || byRole.first_clip || byRole.video;
	const size =
		settings.size ||
		tierSize(/** @type {number} */ (shape.width), /** @type {number} */ (shape.height), settings.height);
	if (settings.body === 'videoedit') {
		const video = byRole.video;
		const audio = settings.audioSetting === 'origin' ? Boolean(video.hasAudio) : true;
		return { size, duration: Math.max(2, Math.round(/** @type {number} */ (video.duration))), audio };
	}
	const audio = settings.body === 'kf2v' ? false : Boolean(byRole.driving_audio) || settings.audio;
	return { size, duration: settings.duration, audio };
}

/**
 * At submit: the loads (ApiError for data URIs and oss:// files), and the plan as a promise the task reads.
 * @param {import('./server').State} state
 * @param {TaskSettings} settings
 * @returns {Promise<{ plan: Promise<VideoPlan> }>}
 */
async function prepareMedia(state, settings) {
	const refs = /** @type {MediaRef[]} */ (settings.media);
	const loads = [];
	for (const ref of refs) {
		const load = await loadRef(state, ref, settings.model);
		loads.push('now' in load ? load.now : load.later);
	}
	const plan = planVideo(settings, loads);
	plan.catch(() => {}); // read by the task
	return { plan };
}

module.exports = { prepareMedia, planVideo };
