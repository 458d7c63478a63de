// First and Last Frame to Video (docs/DASHSCOPE-API.md, "First and last frame"): the kf2v models on their own
// endpoint with `first_frame_url`/`last_frame_url`, and the `media` models (wan2.7-i2v) on the common one.
import { InputError } from '../run/failures';
import { bodyShapeOf, checkDashScopeOptions, DASHSCOPE_OPTION_LABELS, type DashScopeVideoOptions } from './models';
import { listOf, othersOffering } from './capabilities';
import { DASHSCOPE_MODELS } from './modelTable';
import { IMAGE_TO_VIDEO_PATH } from './request';
import type { TaskRequest } from './task';

/** The kf2v models' own endpoint (the official SDK switches to it when the model name contains "kf2v"). */
export const FRAMES_PATH = '/api/v1/services/aigc/image2video/video-synthesis';
export const DEFAULT_FRAME_MODEL = 'wan2.2-kf2v-flash';

interface KeyframeModel {
	displayName: string;
	resolutions: readonly string[];
}

/** The kf2v models (5 s fixed); wan2.7-i2v's rules are Image to Video's (modelTable.ts). */
export const KEYFRAME_MODELS: Readonly<Record<string, KeyframeModel>> = {
	'wan2.2-kf2v-flash': { displayName: 'Wan 2.2 Flash', resolutions: ['480P', '720P', '1080P'] },
	'wanx2.1-kf2v-plus': { displayName: 'Wan 2.1 Plus', resolutions: ['720P'] },
	'wan2.1-kf2v-plus': { displayName: 'Wan 2.1 Plus', resolutions: ['720P'] },
};

/** The models the editor lists for this mode. */
export const FRAME_MODELS: Readonly<Record<string, { displayName: string }>> = {
	...KEYFRAME_MODELS,
	'wan2.7-i2v': DASHSCOPE_MODELS['wan2.7-i2v'],
};

/** A kf2v name (known or not) takes the keyframe body; any other the family's `media` body or, before 2.7, kf2v's. */
const isKeyframe = (model: string) => /kf2v/i.test(model) || bodyShapeOf(model) !== 'media';

export function checkFrames(model: string, prompt: string, options: DashScopeVideoOptions): void {
	checkDashScopeOptions(model, prompt, options);
	const known = KEYFRAME_MODELS[model.trim().toLowerCase()];
	if (!known) return;
	const { resolution, duration } = options;
	if (resolution !== undefined && !known.resolutions.includes(resolution.toUpperCase())) {
		throw new InputError(
			`${DASHSCOPE_OPTION_LABELS.resolution} is ${resolution}, which ${model} does not make`,
			`${model} (${known.displayName}) makes ${listOf(known.resolutions)}.${othersOffering(model, KEYFRAME_MODELS, (m) => m.resolutions.includes(resolution.toUpperCase()), resolution)} Pick one of those.`,
		);
	}
	if (duration !== undefined && duration !== 5) {
		throw new InputError(
			`${DASHSCOPE_OPTION_LABELS.duration} is ${duration}, but ${model} makes 5-second videos only`,
			'Remove the option, or choose wan2.7-i2v, which makes 2–15 s.',
		);
	}
}

/** The submit: endpoint, body and headers, from the two frames' URLs (an `oss://` URL needs the resolve header). */
export function framesRequest(
	model: string,
	firstFrame: string,
	lastFrame: string,
	prompt: string,
	options: DashScopeVideoOptions,
	headers?: Record<string, string>,
): TaskRequest {
	const keyframe = isKeyframe(model);
	const input: Record<string, unknown> = keyframe
		? { first_frame_url: firstFrame, last_frame_url: lastFrame }
		: {
				media: [
					{ type: 'first_frame', url: firstFrame },
					{ type: 'last_frame', url: lastFrame },
				],
			};
	if (prompt) input.prompt = prompt;
	if (options.negativePrompt) input.negative_prompt = options.negativePrompt;
	const parameters: Record<string, unknown> = {};
	if (options.resolution) parameters.resolution = options.resolution.toUpperCase();
	if (options.duration !== undefined && !keyframe) parameters.duration = options.duration;
	if (options.promptExtend !== undefined) parameters.prompt_extend = options.promptExtend;
	if (options.seed !== undefined) parameters.seed = options.seed;
	if (options.watermark !== undefined) parameters.watermark = options.watermark;
	return {
		path: keyframe ? FRAMES_PATH : IMAGE_TO_VIDEO_PATH,
		body: JSON.stringify({ model, input, parameters }),
		headers,
	};
}
