// What each DashScope first-frame image-to-video model accepts (docs/DASHSCOPE-API.md, "Models"). Where the
// documentation disagrees with itself, the permissive reading is kept and DashScope has the last word.

export interface DashScopeModel {
	displayName: string;
	resolutions: readonly string[];
	defaultResolution: string;
	/** Allowed whole seconds, or 'fixed 5' for models that make 5 s only (and take no `duration`). */
	durations: readonly number[] | 'fixed 5';
	/** `parameters.audio` (boolean: false makes a silent video). */
	audio: boolean;
	/** An audio track to use: `input.audio_url`, or a `driving_audio` media entry on `media` models. */
	audioUrl: boolean;
	/** `parameters.shot_type` (single/multi), honoured only with prompt extension. */
	shotType: boolean;
	maxPromptLength: number;
	bodyShape: 'img_url' | 'media';
}

export const DEFAULT_DURATION = 5;
export const MAX_NEGATIVE_PROMPT_LENGTH = 500;
export const MAX_SEED = 2147483647;
/** Wan 2.1/2.2 cut longer prompts silently. */
export const SHORT_PROMPT = 800;
/** Wan 2.5 and later take longer prompts: 1500 or 2000 depending on the doc page; the permissive reading is used. */
export const LONG_PROMPT = 2000;
const RANGE_2_TO_15 = Array.from({ length: 14 }, (_, i) => i + 2);

const wan21Turbo: DashScopeModel = {
	displayName: 'Wan 2.1 Turbo',
	resolutions: ['480P', '720P'],
	defaultResolution: '720P',
	durations: [3, 4, 5],
	audio: false,
	audioUrl: false,
	shotType: false,
	maxPromptLength: SHORT_PROMPT,
	bodyShape: 'img_url',
};
const wan21Plus: DashScopeModel = {
	...wan21Turbo,
	displayName: 'Wan 2.1 Plus',
	resolutions: ['720P'],
	durations: 'fixed 5',
};
const wan26: DashScopeModel = {
	displayName: 'Wan 2.6',
	resolutions: ['720P', '1080P'],
	defaultResolution: '1080P',
	// Some pages list 5/10/15 only: every whole second in 2–15 is allowed and DashScope has the last word.
	durations: RANGE_2_TO_15,
	audio: true,
	audioUrl: true,
	shotType: true,
	maxPromptLength: LONG_PROMPT,
	bodyShape: 'img_url',
};

/** The known models, by the name DashScope expects. */
export const DASHSCOPE_MODELS: Readonly<Record<string, DashScopeModel>> = {
	'wan2.2-i2v-plus': {
		displayName: 'Wan 2.2 Plus',
		resolutions: ['480P', '1080P'],
		defaultResolution: '1080P',
		durations: 'fixed 5',
		audio: false,
		audioUrl: false,
		shotType: false,
		maxPromptLength: SHORT_PROMPT,
		bodyShape: 'img_url',
	},
	'wan2.2-i2v-flash': {
		displayName: 'Wan 2.2 Flash',
		// Older pages offer no 1080P: allowed here (DashScope rejects it if that is still so), 720P stays the default.
		resolutions: ['480P', '720P', '1080P'],
		defaultResolution: '720P',
		durations: 'fixed 5',
		audio: false,
		audioUrl: false,
		shotType: false,
		maxPromptLength: SHORT_PROMPT,
		bodyShape: 'img_url',
	},
	'wan2.5-i2v-preview': {
		displayName: 'Wan 2.5 Preview',
		resolutions: ['480P', '720P', '1080P'],
		defaultResolution: '1080P',
		durations: [5, 10],
		// Sound is added automatically or taken from audio_url; there is no switch for it.
		audio: false,
		audioUrl: true,
		shotType: false,
		maxPromptLength: LONG_PROMPT,
		bodyShape: 'img_url',
	},
	'wan2.6-i2v-flash': { ...wan26, displayName: 'Wan 2.6 Flash' },
	'wan2.6-i2v': wan26,
	'wan2.7-i2v': {
		...wan26,
		displayName: 'Wan 2.7',
		// Sound is automatic or driven by an audio track; no audio switch is documented.
		audio: false,
		shotType: false,
		bodyShape: 'media',
	},
	'wanx2.1-i2v-turbo': wan21Turbo,
	'wanx2.1-i2v-plus': wan21Plus,
	'wan2.1-i2v-turbo': wan21Turbo,
	'wan2.1-i2v-plus': wan21Plus,
};

/** A text-to-video model: `input.prompt` and `parameters.size` ("W*H"), at the same endpoint as Image to Video. */
export interface DashScopeTextModel {
	displayName: string;
	/** The "W*H" sizes it makes; undefined where the documentation is unsure (only what the user sets is sent). */
	sizes?: readonly string[];
	durations: readonly number[] | 'fixed 5';
	audio: boolean;
	audioUrl: boolean;
	shotType: boolean;
	maxPromptLength: number;
	/** 'media': an audio track goes as a `driving_audio` entry of `input.media` (Wan 2.7). */
	bodyShape: 'prompt' | 'media';
}

/** Text to Video's default model. */
export const DEFAULT_TEXT_MODEL = 'wan2.2-t2v-plus';
export const DEFAULT_TEXT_SIZE = '1920*1080';
const SIZES_480P = ['832*480', '480*832', '624*624'];
const SIZES_720P = ['1280*720', '720*1280', '960*960', '1088*832', '832*1088'];
const SIZES_1080P = ['1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'];
const wan21TextTurbo: DashScopeTextModel = {
	displayName: 'Wan 2.1 Turbo',
	sizes: [...SIZES_720P, ...SIZES_480P],
	durations: 'fixed 5',
	audio: false,
	audioUrl: false,
	shotType: false,
	maxPromptLength: SHORT_PROMPT,
	bodyShape: 'prompt',
};
const wan21TextPlus: DashScopeTextModel = { ...wan21TextTurbo, displayName: 'Wan 2.1 Plus', sizes: SIZES_720P };

/** The known text-to-video models, by the name DashScope expects. */
export const DASHSCOPE_TEXT_MODELS: Readonly<Record<string, DashScopeTextModel>> = {
	'wan2.2-t2v-plus': {
		...wan21TextTurbo,
		displayName: 'Wan 2.2 Plus',
		sizes: [...SIZES_480P, ...SIZES_1080P],
	},
	'wan2.5-t2v-preview': {
		displayName: 'Wan 2.5 Preview',
		sizes: [...SIZES_480P, ...SIZES_720P, ...SIZES_1080P],
		durations: [5, 10],
		// Sound is added automatically or taken from audio_url; there is no switch for it.
		audio: false,
		audioUrl: true,
		shotType: false,
		maxPromptLength: LONG_PROMPT,
		bodyShape: 'prompt',
	},
	'wan2.6-t2v': {
		displayName: 'Wan 2.6',
		// Whether 2.6 takes a size or a resolution tier is unsure: the sizes of 720P and 1080P are allowed.
		sizes: [...SIZES_720P, ...SIZES_1080P],
		durations: RANGE_2_TO_15,
		audio: true,
		audioUrl: true,
		shotType: true,
		maxPromptLength: LONG_PROMPT,
		bodyShape: 'prompt',
	},
	'wan2.7-t2v': {
		displayName: 'Wan 2.7',
		// Its size parameter is undocumented: a size the user sets is sent unchecked, none by default.
		durations: RANGE_2_TO_15,
		audio: false,
		audioUrl: true,
		shotType: false,
		maxPromptLength: LONG_PROMPT,
		bodyShape: 'media',
	},
	'wanx2.1-t2v-turbo': wan21TextTurbo,
	'wanx2.1-t2v-plus': wan21TextPlus,
	'wan2.1-t2v-turbo': wan21TextTurbo,
	'wan2.1-t2v-plus': wan21TextPlus,
};
