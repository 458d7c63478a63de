// Edit Video (docs/DASHSCOPE-API.md, "Video edit"): one clip changed as the prompt says, optionally after a
// reference picture; `input.media` with one `video` entry and an optional `reference_image`.
import { InputError } from '../run/failures';
import { listOf } from './capabilities';
import {
	checkDashScopeOptions,
	dashScopeModel,
	DASHSCOPE_OPTION_LABELS as label,
	type DashScopeVideoOptions,
} from './models';
import { IMAGE_TO_VIDEO_PATH } from './request';
import type { TaskRequest } from './task';

export const DEFAULT_EDIT_MODEL = 'wan2.7-videoedit';
export const AUDIO_SETTINGS = ['auto', 'origin'] as const;
/** How long the clip to edit may be (s): the edited video keeps its length. */
export const EDIT_CLIP_SECONDS: [number, number] = [2, 10];

interface EditModel {
	displayName: string;
	resolutions: readonly string[];
}

/** The known video-edit models, by the name DashScope expects. */
export const EDIT_MODELS: Readonly<Record<string, EditModel>> = {
	'wan2.7-videoedit': { displayName: 'Wan 2.7 Video Edit', resolutions: ['720P', '1080P'] },
};

export interface EditOptions extends DashScopeVideoOptions {
	audioSetting?: string;
}

/** Checks the prompt and options against the model before anything is sent; throws InputError naming the option. */
export function checkVideoEdit(model: string, prompt: string, options: EditOptions): void {
	if (prompt.trim() === '') {
		throw new InputError('Prompt is empty', 'Edit Video changes the clip as the prompt says: describe the change.');
	}
	if (dashScopeModel(model)) {
		throw new InputError(
			`${model} is an image-to-video model`,
			`Edit Video needs a video-edit model, such as ${DEFAULT_EDIT_MODEL}.`,
		);
	}
	const { negativePrompt, seed, resolution, audioSetting } = options;
	checkDashScopeOptions(model, prompt, { negativePrompt, seed });
	if (audioSetting !== undefined && !(AUDIO_SETTINGS as readonly string[]).includes(audioSetting)) {
		throw new InputError(
			`Options → Audio Setting is ${audioSetting}`,
			"Choose Auto (new sound) or Origin (keep the clip's sound).",
		);
	}
	const known = EDIT_MODELS[model.trim().toLowerCase()];
	// A name the node does not know passes as is: it may be a newer model, and DashScope will say what it rejects.
	if (known && resolution !== undefined && !known.resolutions.includes(resolution.toUpperCase())) {
		throw new InputError(
			`${label.resolution} is ${resolution}, which ${model} does not make`,
			`${model} (${known.displayName}) makes ${listOf(known.resolutions)}. Pick one of those.`,
		);
	}
}

/** The submit: the clip and the optional reference picture as media entries; only what the user set is sent. */
export function videoEditRequest(
	model: string,
	videoUrl: string,
	referenceImageUrl: string | undefined,
	prompt: string,
	options: EditOptions,
	headers?: Record<string, string>,
): TaskRequest {
	const media = [{ type: 'video', url: videoUrl }];
	if (referenceImageUrl) media.push({ type: 'reference_image', url: referenceImageUrl });
	const input: Record<string, unknown> = { prompt, media };
	if (options.negativePrompt) input.negative_prompt = options.negativePrompt;
	const parameters: Record<string, unknown> = {};
	if (options.resolution) parameters.resolution = options.resolution.toUpperCase();
	if (options.audioSetting) parameters.audio_setting = options.audioSetting;
	if (options.promptExtend !== undefined) parameters.prompt_extend = options.promptExtend;
	if (options.seed !== undefined) parameters.seed = options.seed;
	if (options.watermark !== undefined) parameters.watermark = options.watermark;
	return { path: IMAGE_TO_VIDEO_PATH, body: JSON.stringify({ model, input, parameters }), headers };
}
