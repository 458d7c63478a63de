import type { INodeProperties } from 'n8n-workflow';

import { modelField } from './family';
import { mediaSlotProperties, type MediaSlot } from './mediaSlots';
import { deliveryOptions, generationOptions } from './options';

/** wan2.7-i2v's extra inputs, DashScope directly only (optional; checked against the model before any request). */
export const EXTRA_SLOTS: MediaSlot[] = [
	{
		name: 'lastFrame',
		displayName: 'Last Frame',
		kinds: ['image'],
		required: false,
		binaryProperty: 'lastFrame',
		description: 'A picture the video ends on (wan2.7-i2v)',
	},
	{
		name: 'drivingAudio',
		displayName: 'Driving Audio',
		kinds: ['audio'],
		required: false,
		binaryProperty: 'drivingAudio',
		description:
			'A voice or music track the video follows (wan2.7-i2v; WAV or MP3, 2–30 s, at most 15 MB). Options → Audio URL is its URL form for the other models.',
	},
	{
		name: 'firstClip',
		displayName: 'First Clip',
		kinds: ['video'],
		required: false,
		binaryProperty: 'firstClip',
		description:
			'A video clip to continue instead of starting from the picture, which is then not sent (wan2.7-i2v; MP4 or MOV, 2–10 s, at most 100 MB; without Last Frame or Driving Audio)',
		clipSeconds: [2, 10],
	},
];

export const DEFAULT_MODEL = 'wan2.2-i2v-plus';
export const MAX_PROMPT_LENGTH = 800;
export const properties: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description: 'A picture from an earlier node (upload, Read File, HTTP Request…)',
			},
			{ name: 'URL', value: 'url', description: 'A public http(s) address that Alibaba Cloud downloads itself' },
			{ name: 'Base64', value: 'base64', description: 'Base64 text or a data URI' },
			{
				name: 'Path on AOG Host',
				value: 'path',
				description: 'A file on the machine where AOG runs (not where n8n runs); AOG gateway only',
			},
		],
		default: 'binary',
		description: 'Where the picture comes from',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { imageSource: ['binary'] } },
		hint: 'The name of the binary field that holds the picture',
		description: 'Binary field of the incoming item that holds the picture (JPEG, PNG, BMP or WEBP)',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/product.jpg',
		displayOptions: { show: { imageSource: ['url'] } },
		description:
			'Public http(s) URL of the picture; it must be reachable from the internet (no localhost, private addresses or expired links)',
	},
	{
		displayName: 'Image (Base64)',
		name: 'imageBase64',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		displayOptions: { show: { imageSource: ['base64'] } },
		description:
			'Bare base64 or a data URI (data:image/png;base64,…); the node adds the data URI prefix DashScope needs',
	},
	{
		displayName: 'Image Path',
		name: 'imagePath',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/home/me/pictures/product.jpg',
		displayOptions: { show: { imageSource: ['path'] } },
		description: 'Path of the picture on the AOG host; AOG reads it from its own disk',
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. A slow cinematic push-in, soft light, leaves moving in the wind',
		description: `The motion you want (optional, at most ${MAX_PROMPT_LENGTH} characters)`,
	},
	modelField(
		DEFAULT_MODEL,
		"The image-to-video model: through AOG one registered in the gateway, with DashScope directly a first-frame model of the credential's region",
	),
	...EXTRA_SLOTS.flatMap((slot) => mediaSlotProperties(slot, { authentication: ['dashScopeApi'] })),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...deliveryOptions, ...generationOptions].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];
