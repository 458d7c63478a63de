// Reference to Video (docs/DASHSCOPE-API.md, "Reference to video"): one to three pictures or clips whose subjects the
// prompt names character1, character2… in order; 2.6 takes URL lists, 2.7 (and newer) `input.media` entries.
import type { MediaKind } from '../media/mediaKind';
import { InputError } from '../run/failures';
import { checkCapabilities, listOf, othersOffering, type Capabilities } from './capabilities';
import {
	bodyShapeOf,
	checkDashScopeOptions,
	dashScopeModel,
	dashScopeTextModel,
	DASHSCOPE_OPTION_LABELS as label,
	type DashScopeVideoOptions,
} from './models';
import { IMAGE_TO_VIDEO_PATH } from './request';
import type { TaskRequest } from './task';

export const DEFAULT_REFERENCE_MODEL = 'wan2.6-r2v';
/** DashScope's "W*H" sizes of the r2v models: 720p and 1080p in five aspect ratios. */
export const REFERENCE_SIZES = [
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
] as const;
/** How long a reference clip may be (s), as Alibaba's r2v reference states it. */
export const REFERENCE_CLIP_SECONDS: [number, number] = [2, 30];

interface ReferenceModel extends Capabilities {
	sizes: readonly string[];
	bodyShape: 'urls' | 'media';
}

const wan26: ReferenceModel = {
	displayName: 'Wan 2.6',
	sizes: REFERENCE_SIZES,
	durations: Array.from({ length: 9 }, (_, i) => i + 2),
	audio: false,
	audioUrl: false,
	shotType: true,
	bodyShape: 'urls',
};

/** The known reference-to-video models, by the name DashScope expects. */
export const REFERENCE_MODELS: Readonly<Record<string, ReferenceModel>> = {
	'wan2.6-r2v': wan26,
	'wan2.6-r2v-flash': { ...wan26, displayName: 'Wan 2.6 Flash' },
	'wan2.7-r2v': { ...wan26, displayName: 'Wan 2.7', bodyShape: 'media' },
};

const referenceModel = (name: string) => {
	const key = name.trim().toLowerCase();
	return REFERENCE_MODELS[key] ?? REFERENCE_MODELS[key.replace(/-us$/, '')];
};

/** A known model's shape; an unknown one takes the family's: `media` from Wan 2.7 on, URL lists before. */
const usesMedia = (model: string) => (referenceModel(model)?.bodyShape ?? bodyShapeOf(model)) === 'media';

/** Checks the prompt and options against the model before anything is sent; throws InputError naming the option. */
export function checkReferences(model: string, prompt: string, options: DashScopeVideoOptions): void {
	if (prompt.trim() === '') {
		throw new InputError(
			'Prompt is empty',
			'Reference to Video makes the video the prompt describes: name the subjects of the references character1, character2… in their order.',
		);
	}
	if (dashScopeModel(model) || dashScopeTextModel(model)) {
		throw new InputError(
			`${model} is not a reference-to-video model`,
			`Reference to Video needs an r2v model, such as ${DEFAULT_REFERENCE_MODEL}; ${model} belongs to ${dashScopeModel(model) ? 'Image to Video' : 'Text to Video'}.`,
		);
	}
	const { negativePrompt, seed, duration, size } = options;
	checkDashScopeOptions(model, prompt, { negativePrompt, seed, duration });
	if (size !== undefined && !/^\d{2,5}\*\d{2,5}$/.test(size)) {
		throw new InputError(`${label.size} is ${size}, not a size`, 'A size is width*height, such as 1280*720.');
	}
	const known = referenceModel(model);
	// A name the node does not know passes as is: it may be a newer model, and DashScope will say what it rejects.
	if (!known) return;
	if (size !== undefined && !known.sizes.includes(size)) {
		throw new InputError(
			`${label.size} is ${size}, which ${model} does not make`,
			`${model} (${known.displayName}) makes ${listOf(known.sizes)}.${othersOffering(model, REFERENCE_MODELS, (m) => m.sizes.includes(size), size)} Pick one of those.`,
		);
	}
	checkCapabilities(model, known, REFERENCE_MODELS, options, {
		...label,
		audioTrack: { label: 'An audio track', fix: 'Reference to Video takes none.' },
	});
}

/** A reference as the submit names it: its URL (as given, or `oss://` once uploaded) and what it is. */
export interface Reference {
	kind: MediaKind;
	url: string;
}

/**
 * The submit. Wan 2.6's documented field is `reference_video_urls` (clips only); the later reference adds pictures
 * through `reference_urls`, which mixes both. Clips alone go in the long-documented field, anything with a picture in
 * the only one that can carry it (docs/DASHSCOPE-API.md, "Reference to video").
 */
export function referencesRequest(
	model: string,
	references: readonly Reference[],
	prompt: string,
	options: DashScopeVideoOptions,
	headers?: Record<string, string>,
): TaskRequest {
	const input: Record<string, unknown> = { prompt };
	if (usesMedia(model)) {
		input.media = references.map(({ kind, url }) => ({
			type: kind === 'video' ? 'reference_video' : 'reference_image',
			url,
		}));
	} else {
		const field = references.every(({ kind }) => kind === 'video') ? 'reference_video_urls' : 'reference_urls';
		input[field] = references.map(({ url }) => url);
	}
	if (options.negativePrompt) input.negative_prompt = options.negativePrompt;
	const parameters: Record<string, unknown> = {};
	if (options.size) parameters.size = options.size;
	if (options.duration !== undefined) parameters.duration = options.duration;
	if (options.shotType) parameters.shot_type = options.shotType;
	if (options.promptExtend !== undefined) parameters.prompt_extend = options.promptExtend;
	if (options.seed !== undefined) parameters.seed = options.seed;
	if (options.watermark !== undefined) parameters.watermark = options.watermark;
	return { path: IMAGE_TO_VIDEO_PATH, body: JSON.stringify({ model, input, parameters }), headers };
}
