import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TEXT_MODEL, DEFAULT_TEXT_SIZE } from '../dashscope/modelTable';
import { dashScopeOptions, modelField, promptField } from './family';
import { mediaSlotProperties, type MediaSlot } from './mediaSlots';
import { deliveryOptions, generationOptions } from './options';

/** A voice or music track that drives the video, for the models that take one. */
export const AUDIO_SLOT: MediaSlot = {
	name: 'audio',
	displayName: 'Audio',
	kinds: ['audio'],
	required: false,
	binaryProperty: 'audio',
	description: 'An audio track that drives the video (wan2.5, wan2.6 and wan2.7): WAV or MP3, 3–30 s, at most 15 MB',
};

/** DashScope's own "W*H" strings, labelled for people. */
const SIZES: Array<[string, string]> = [
	['1920*1080', '16:9, YouTube'],
	['1080*1920', '9:16, Shorts/Reels/TikTok'],
	['1440*1440', '1:1'],
	['1632*1248', '4:3'],
	['1248*1632', '3:4'],
	['1280*720', '16:9, 720p'],
	['720*1280', '9:16, 720p'],
	['960*960', '1:1, 720p'],
	['1088*832', '4:3, 720p'],
	['832*1088', '3:4, 720p'],
	['832*480', '16:9, 480p'],
	['480*832', '9:16, 480p'],
	['624*624', '1:1, 480p'],
];

/** Image to Video's entries that mean the same here (DashScope-only, model-checked). */
const shared = generationOptions.filter((option) => ['audio', 'duration', 'shotType'].includes(option.name));

const textOptions: INodeProperties[] = [
	...shared,
	...dashScopeOptions,
	{
		displayName: 'Size',
		name: 'size',
		type: 'options',
		options: SIZES.map(([value, label]) => ({ name: `${value.replace('*', '×')} (${label})`, value })),
		default: DEFAULT_TEXT_SIZE,
		description:
			"Width × height of the video. Which sizes a model makes is checked before the request (wan2.2: 480p and 1080p sizes, wan2.5: all, wan2.6: 720p and 1080p, wan2.1: 720p, turbo also 480p). Unset: the model's default (1920×1080 for most).",
	},
];

export const properties: INodeProperties[] = [
	promptField(
		true,
		'e.g. A lighthouse on a cliff at dusk, waves crashing, slow aerial orbit',
		'The video to make (at most 800 characters for wan2.1/2.2, 2000 for wan2.5 and later)',
	),
	modelField(DEFAULT_TEXT_MODEL, "The text-to-video model of the DashScope credential's region"),
	...mediaSlotProperties(AUDIO_SLOT),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...deliveryOptions, ...textOptions].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];
