// The checks made against the model before any request, and the submit body in the shape the model expects
// (docs/DASHSCOPE-API.md, "Models" and "Submit"); the models themselves are in dashScopeModelTable.ts.

import { InputError } from '../run/failures';
import { checkCapabilities, listOf, othersOffering } from './capabilities';
import {
	DASHSCOPE_MODELS,
	DASHSCOPE_TEXT_MODELS,
	DEFAULT_DURATION,
	LONG_PROMPT,
	MAX_NEGATIVE_PROMPT_LENGTH,
	MAX_SEED,
	SHORT_PROMPT,
	type DashScopeModel,
	type DashScopeTextModel,
} from './modelTable';
import { IMAGE_SLOT, isInlineImage, jsonBody, type InlineImage } from '../media/jsonBody';

export interface DashScopeVideoOptions {
	resolution?: string;
	/** Text to video: "W*H". */
	size?: string;
	duration?: number;
	negativePrompt?: string;
	seed?: number;
	promptExtend?: boolean;
	watermark?: boolean;
	audio?: boolean;
	audioUrl?: string;
	shotType?: string;
}

/** The options as the node's UI names them, for error texts. */
export const DASHSCOPE_OPTION_LABELS: Record<keyof DashScopeVideoOptions | 'prompt', string> = {
	prompt: 'Prompt',
	resolution: 'Options → Resolution',
	size: 'Options → Size',
	duration: 'Options → Duration (Seconds)',
	negativePrompt: 'Options → Negative Prompt',
	seed: 'Options → Seed',
	promptExtend: 'Options → Prompt Extend',
	watermark: 'Options → Watermark',
	audio: 'Options → Audio',
	audioUrl: 'Options → Audio URL',
	shotType: 'Options → Shot Type',
};

/** A known model's capabilities; Virginia's `-us` variants are read as their base model. */
export function dashScopeModel(name: string): DashScopeModel | undefined {
	const key = name.trim().toLowerCase();
	return DASHSCOPE_MODELS[key] ?? DASHSCOPE_MODELS[key.replace(/-us$/, '')];
}

/** A known text-to-video model (Virginia's `-us` variants read as their base model). */
export function dashScopeTextModel(name: string): DashScopeTextModel | undefined {
	const key = name.trim().toLowerCase();
	return DASHSCOPE_TEXT_MODELS[key] ?? DASHSCOPE_TEXT_MODELS[key.replace(/-us$/, '')];
}

/** The Wan version in a model name (`wanx2.1-…` → 2.1; compared part by part, so 2.10 is newer than 2.7), or undefined. */
export function wanVersion(name: string): { major: number; minor: number } | undefined {
	const match = /^wanx?(\d+)\.(\d+)/i.exec(name.trim());
	return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** Wan 2.7 introduced `input.media`; newer versions are assumed to keep it (img_url sent to them fails only later). */
export function bodyShapeOf(name: string): 'img_url' | 'media' {
	const known = dashScopeModel(name);
	if (known) return known.bodyShape;
	const version = wanVersion(name);
	return version && (version.major > 2 || (version.major === 2 && version.minor >= 7)) ? 'media' : 'img_url';
}

function maxPromptLength(name: string): number {
	const known = dashScopeModel(name);
	if (known) return known.maxPromptLength;
	const version = wanVersion(name);
	return version && (version.major > 2 || (version.major === 2 && version.minor >= 5)) ? LONG_PROMPT : SHORT_PROMPT;
}

/** Checks the prompt and options against the model before anything is sent; throws InputError naming the option. */
export function checkDashScopeOptions(model: string, prompt: string, options: DashScopeVideoOptions): void {
	const label = DASHSCOPE_OPTION_LABELS;
	const promptMax = maxPromptLength(model);
	if (prompt.length > promptMax) {
		throw new InputError(
			`The prompt has ${prompt.length} characters; ${model} takes at most ${promptMax}`,
			`DashScope would cut it off silently. Shorten ${label.prompt} to ${promptMax} characters.`,
		);
	}
	const { negativePrompt, seed, duration, audioUrl } = options;
	if (negativePrompt !== undefined && negativePrompt.length > MAX_NEGATIVE_PROMPT_LENGTH) {
		throw new InputError(
			`${label.negativePrompt} has ${negativePrompt.length} characters; DashScope takes at most ${MAX_NEGATIVE_PROMPT_LENGTH}`,
			`Shorten it to ${MAX_NEGATIVE_PROMPT_LENGTH} characters.`,
		);
	}
	if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) {
		throw new InputError(
			`${label.seed} is ${String(seed)}, not a whole number in 0–${MAX_SEED}`,
			`Set ${label.seed} to a whole number between 0 and ${MAX_SEED}, or remove it for a random seed.`,
		);
	}
	if (duration !== undefined && !(Number.isInteger(duration) && duration > 0)) {
		throw new InputError(
			`${label.duration} is ${String(duration)}, not a whole number of seconds`,
			`Set ${label.duration} to a whole number of seconds the model allows.`,
		);
	}
	if (audioUrl !== undefined && audioUrl !== '' && !/^https?:\/\/[^\s/]+/i.test(audioUrl.trim())) {
		throw new InputError(
			`${label.audioUrl} is not an http(s) URL`,
			'DashScope downloads the audio itself: give a public http(s) link to a WAV or MP3 file (3–30 s, at most 15 MB).',
		);
	}

	const known = dashScopeModel(model);
	// A name the node does not know passes as is: it may be a newer model, and DashScope will say what it rejects.
	if (!known) return;
	if (options.resolution !== undefined && !known.resolutions.includes(options.resolution.toUpperCase())) {
		throw new InputError(
			`${label.resolution} is ${options.resolution}, which ${model} does not make`,
			`${model} (${known.displayName}) makes ${listOf(known.resolutions)}.${othersOffering(model, DASHSCOPE_MODELS, (m) => m.resolutions.includes(options.resolution!.toUpperCase()), options.resolution)} Pick one of those.`,
		);
	}
	checkCapabilities(model, known, DASHSCOPE_MODELS, options, {
		...label,
		audioTrack: { label: label.audioUrl, fix: 'Remove the option.' },
	});
}

type Fields = Record<string, unknown>;

/**
 * The submit body: `img_url` for Wan ≤ 2.6, `input.media` for 2.7 and later. A known model's default resolution
 * (and duration) is sent explicitly; for an unknown model only what the user set is sent.
 */
export function dashScopeImageToVideoBody(
	model: string,
	image: string | InlineImage,
	prompt: string,
	options: DashScopeVideoOptions,
	extraMedia: Array<{ type: string; url: string }> = [],
): string | Buffer {
	const known = dashScopeModel(model);
	const imageValue = isInlineImage(image) ? IMAGE_SLOT : image;
	const input: Fields = {};
	if (bodyShapeOf(model) === 'media') {
		// A continuation (a first_clip entry) starts from the clip: the picture is not sent.
		const continues = extraMedia.some((entry) => entry.type === 'first_clip');
		const media: Fields[] = continues ? [] : [{ type: 'first_frame', url: imageValue }];
		if (options.audioUrl) media.push({ type: 'driving_audio', url: options.audioUrl.trim() });
		input.media = [...media, ...extraMedia];
	} else {
		input.img_url = imageValue;
		if (options.audioUrl) input.audio_url = options.audioUrl.trim();
	}
	if (prompt) input.prompt = prompt;
	if (options.negativePrompt) input.negative_prompt = options.negativePrompt;

	const parameters: Fields = {};
	const resolution = options.resolution?.toUpperCase() ?? known?.defaultResolution;
	if (resolution) parameters.resolution = resolution;
	// Fixed-length models take no duration (docs/DASHSCOPE-API.md, "Models").
	if (known?.durations !== 'fixed 5') {
		const duration = options.duration ?? (known ? DEFAULT_DURATION : undefined);
		if (duration !== undefined) parameters.duration = duration;
	}
	if (options.promptExtend !== undefined) parameters.prompt_extend = options.promptExtend;
	if (options.seed !== undefined) parameters.seed = options.seed;
	if (options.watermark !== undefined) parameters.watermark = options.watermark;
	if (options.audio !== undefined) parameters.audio = options.audio;
	if (options.shotType) parameters.shot_type = options.shotType;

	const fields = { model, input, parameters };
	return isInlineImage(image) ? jsonBody(fields, image) : JSON.stringify(fields);
}

/** Text to video's body: `input.prompt`, `parameters.size` "W*H"; only what the user set is sent. */
export function dashScopeTextToVideoBody(model: string, prompt: string, options: DashScopeVideoOptions): string {
	const media = dashScopeTextModel(model)?.bodyShape === 'media' || bodyShapeOf(model) === 'media';
	const input: Fields = { prompt };
	if (options.negativePrompt) input.negative_prompt = options.negativePrompt;
	const audioUrl = options.audioUrl?.trim();
	if (audioUrl && media) input.media = [{ type: 'driving_audio', url: audioUrl }];
	else if (audioUrl) input.audio_url = audioUrl;
	const parameters: Fields = {};
	if (options.size) parameters.size = options.size;
	if (options.duration !== undefined) parameters.duration = options.duration;
	if (options.promptExtend !== undefined) parameters.prompt_extend = options.promptExtend;
	if (options.seed !== undefined) parameters.seed = options.seed;
	if (options.watermark !== undefined) parameters.watermark = options.watermark;
	if (options.audio !== undefined) parameters.audio = options.audio;
	if (options.shotType) parameters.shot_type = options.shotType;
	return JSON.stringify({ model, input, parameters });
}
