import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TEXT_MODEL, DEFAULT_TEXT_SIZE } from '../dashscope/modelTable';
import { deliveryOptions, generationOptions } from './options';

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
	{
		displayName: 'Size',
		name: 'size',
		type: 'options',
		options: SIZES.map(([value, label]) => ({ name: `${value.replace('*', '×')} (${label})`, value })),
		default: DEFAULT_TEXT_SIZE,
		description:
			"Width × height of the video. Which sizes a model makes is checked before the request (wan2.2: 480p and 1080p sizes, wan2.5: all, wan2.6: 720p and 1080p, wan2.1: 720p, turbo also 480p). Unset: the model's default (1920×1080 for most).",
	},
	{
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'What the video should avoid (at most 500 characters)',
	},
	{
		displayName: 'Prompt Extend',
		name: 'promptExtend',
		type: 'boolean',
		default: true,
		description: 'Whether DashScope rewrites the prompt to add detail',
	},
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2147483647 },
		default: 0,
		description: 'Random seed for repeatable results (0–2147483647)',
	},
	{
		displayName: 'Watermark',
		name: 'watermark',
		type: 'boolean',
		default: false,
		description: 'Whether DashScope adds its "AI generated" watermark',
	},
];

export const properties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. A lighthouse on a cliff at dusk, waves crashing, slow aerial orbit',
		description: 'The video to make (at most 800 characters for wan2.1/2.2, 2000 for wan2.5 and later)',
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'resourceLocator',
		default: { mode: 'list', value: DEFAULT_TEXT_MODEL },
		required: true,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchModels', searchable: true },
			},
			{ displayName: 'By Name', name: 'id', type: 'string', placeholder: DEFAULT_TEXT_MODEL },
		],
		description: "The text-to-video model of the DashScope credential's region",
	},
	{
		displayName: 'Audio Source',
		name: 'audioSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none', description: "The model's own sound, or none" },
			{ name: 'URL', value: 'url', description: 'A public http(s) address that Alibaba Cloud downloads itself' },
		],
		default: 'none',
		description:
			"An audio track that drives the video (wan2.5, wan2.6 and wan2.7). A binary file from an earlier node needs DashScope's temporary storage and comes in a later version: until then give a URL.",
	},
	{
		displayName: 'Audio URL',
		name: 'audioUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/voice.mp3',
		displayOptions: { show: { audioSource: ['url'] } },
		description: 'Public http(s) link of a WAV or MP3 (3–30 s, at most 15 MB)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...deliveryOptions, ...textOptions].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];
