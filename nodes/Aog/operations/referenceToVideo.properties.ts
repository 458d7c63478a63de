import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_REFERENCE_MODEL, REFERENCE_CLIP_SECONDS, REFERENCE_SIZES } from '../dashscope/references';
import { modelField, optionsNamed, promptField } from './family';
import { mediaSlotProperties, type MediaSlot } from './mediaSlots';
import { deliveryOptions, generationOptions } from './options';

const reference = (n: number): MediaSlot => ({
	name: `reference${n}`,
	displayName: `Reference ${n}`,
	kinds: ['image', 'video'],
	required: n === 1,
	binaryProperty: n === 1 ? 'data' : `reference${n}`,
	description: `A picture or a clip (2–30 s) of the subject the prompt calls character${n}`,
	clipSeconds: REFERENCE_CLIP_SECONDS,
});
export const REFERENCE_SLOTS: readonly MediaSlot[] = [reference(1), reference(2), reference(3)];

/** DashScope's own "W*H" strings, labelled for people as Text to Video labels them. */
const SIZE_LABELS: Record<(typeof REFERENCE_SIZES)[number], string> = {
	'1920*1080': '16:9, YouTube',
	'1080*1920': '9:16, Shorts/Reels/TikTok',
	'1440*1440': '1:1',
	'1632*1248': '4:3',
	'1248*1632': '3:4',
	'1280*720': '16:9, 720p',
	'720*1280': '9:16, 720p',
	'960*960': '1:1, 720p',
	'1088*832': '4:3, 720p',
	'832*1088': '3:4, 720p',
};

const referenceOptions: INodeProperties[] = [
	...optionsNamed('negativePrompt', 'promptExtend', 'seed', 'watermark'),
	...generationOptions.filter((option) => option.name === 'shotType'),
	{
		displayName: 'Duration (Seconds)',
		name: 'duration',
		type: 'number',
		typeOptions: { minValue: 2, maxValue: 10 },
		default: 5,
		description: 'Length of the video: 2–10 s (checked before the request)',
	},
	{
		displayName: 'Size',
		name: 'size',
		type: 'options',
		options: REFERENCE_SIZES.map((value) => ({
			name: `${value.replace('*', '×')} (${SIZE_LABELS[value]})`,
			value,
		})),
		default: '1920*1080',
		description: "Width × height of the video (720p or 1080p). Unset: the model's default (1920×1080).",
	},
];

export const properties: INodeProperties[] = [
	...REFERENCE_SLOTS.flatMap((slot) => mediaSlotProperties(slot)),
	promptField(
		true,
		'e.g. character1 hands character2 a cup of coffee in a sunny café',
		'The video to make. Call the subjects of the references character1, character2 and character3, in the order of Reference 1, 2 and 3 (at most 2000 characters).',
	),
	modelField(DEFAULT_REFERENCE_MODEL, 'The reference-to-video model: wan2.6-r2v, wan2.6-r2v-flash or wan2.7-r2v'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...deliveryOptions, ...referenceOptions].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];
