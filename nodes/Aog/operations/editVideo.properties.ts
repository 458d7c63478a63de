import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_EDIT_MODEL, EDIT_CLIP_SECONDS } from '../dashscope/videoEdit';
import { modelField, optionsNamed, promptField } from './family';
import { mediaSlotProperties, type MediaSlot } from './mediaSlots';
import { deliveryOptions } from './options';

export const VIDEO_SLOT: MediaSlot = {
	name: 'video',
	displayName: 'Video',
	kinds: ['video'],
	required: true,
	binaryProperty: 'data',
	description: 'The clip to edit (2–10 s); the edited video keeps its length and aspect ratio',
	clipSeconds: EDIT_CLIP_SECONDS,
};
export const REFERENCE_IMAGE_SLOT: MediaSlot = {
	name: 'referenceImage',
	displayName: 'Reference Image',
	kinds: ['image'],
	required: false,
	binaryProperty: 'referenceImage',
	description: 'A picture the edit follows, such as a new outfit or a style (optional)',
};

const editOptions: INodeProperties[] = [
	...optionsNamed('resolution', 'negativePrompt', 'promptExtend', 'seed', 'watermark'),
	{
		displayName: 'Audio Setting',
		name: 'audioSetting',
		type: 'options',
		options: [
			{ name: 'Auto', value: 'auto', description: 'DashScope makes the sound of the edited video' },
			{ name: 'Origin', value: 'origin', description: "The clip's own sound is kept" },
		],
		default: 'auto',
		description: 'The sound of the edited video. Unset: DashScope decides (auto).',
	},
];

export const properties: INodeProperties[] = [
	...mediaSlotProperties(VIDEO_SLOT),
	...mediaSlotProperties(REFERENCE_IMAGE_SLOT),
	promptField(
		true,
		'e.g. Turn the scene into a snowy winter evening',
		'How to change the video (at most 2000 characters)',
	),
	modelField(DEFAULT_EDIT_MODEL, 'The video-edit model: wan2.7-videoedit'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...deliveryOptions, ...editOptions].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];
