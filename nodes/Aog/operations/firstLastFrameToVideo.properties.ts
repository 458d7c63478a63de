import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_FRAME_MODEL } from '../dashscope/frames';
import { modelField, optionsNamed, promptField } from './family';
import { mediaSlotProperties, type MediaSlot } from './mediaSlots';
import { deliveryOptions } from './options';

export const FIRST_FRAME_SLOT: MediaSlot = {
	name: 'firstFrame',
	displayName: 'First Frame',
	kinds: ['image'],
	required: true,
	binaryProperty: 'data',
	description: 'The picture the video starts from',
};
export const LAST_FRAME_SLOT: MediaSlot = {
	name: 'lastFrame',
	displayName: 'Last Frame',
	kinds: ['image'],
	required: true,
	binaryProperty: 'lastFrame',
	description: 'The picture the video ends on',
};

export const properties: INodeProperties[] = [
	...mediaSlotProperties(FIRST_FRAME_SLOT),
	...mediaSlotProperties(LAST_FRAME_SLOT),
	promptField(
		false,
		'e.g. The empty room fills with furniture, smooth time-lapse',
		'How the video moves from the first frame to the last (optional; at most 800 characters for wan2.1/2.2)',
	),
	modelField(
		DEFAULT_FRAME_MODEL,
		'The first-and-last-frame model: wan2.2-kf2v-flash, wanx2.1-kf2v-plus (wan2.1-kf2v-plus outside China) or wan2.7-i2v',
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...deliveryOptions,
			...optionsNamed('resolution', 'duration', 'negativePrompt', 'promptExtend', 'seed', 'watermark'),
		].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];
