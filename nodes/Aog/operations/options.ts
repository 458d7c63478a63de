// The Options collections' entries: those of every operation that may emit the MP4, and the generation parameters,
// each shown only for the connection that honours it ('/authentication' is the node's Connect Via).
import type { INodeProperties } from 'n8n-workflow';

export const LIMITS = {
	/** AOG: the longest wait for the gateway's answer. */
	timeoutSeconds: { min: 1, max: 3600, default: 600 },
	/** DashScope directly: the total wait for a task (DashScope itself gives up after 3 hours). */
	taskTimeoutSeconds: { min: 1, max: 10800, default: 600 },
	/** DashScope directly, called by an AI agent as a tool: the agent is not held for minutes without an answer. */
	toolTimeoutSeconds: 120,
	pollIntervalSeconds: { min: 1, max: 60, default: 15 },
	concurrency: { min: 1, max: 10, default: 1 },
	maxVideoSizeMB: { min: 1, max: 10240, default: 1024 },
};

/** Options of every operation that may emit the MP4 (Image to Video, Get Task). */
export const deliveryOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: LIMITS.concurrency.min, maxValue: LIMITS.concurrency.max },
		default: 1,
		description:
			'How many items are generated at once. DashScope runs at most 2 tasks per account at a time; more queue upstream.',
	},
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: true,
		description:
			'Whether to download the MP4 into the item. Off: return the URL and details only (the link expires after about 24 hours).',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'product-video.mp4',
		description: 'Name of the output file; .mp4 is added when missing. Default: derived from the result ID.',
	},
	{
		displayName: 'Max Video Size (MB)',
		name: 'maxVideoSizeMB',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxVideoSizeMB.min, maxValue: LIMITS.maxVideoSizeMB.max },
		default: 1024,
		description: 'A larger download is stopped and the item fails',
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Binary field the MP4 is written to',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: LIMITS.pollIntervalSeconds.min, maxValue: LIMITS.pollIntervalSeconds.max },
		displayOptions: { show: { '/authentication': ['dashScopeApi'] } },
		default: 15,
		description:
			'How often the node asks DashScope whether the task is done (all workflows of an account share 20 queries per second)',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: LIMITS.timeoutSeconds.min, maxValue: LIMITS.taskTimeoutSeconds.max },
		default: 600,
		description:
			'Through AOG: the longest wait for the gateway to answer one item (at most 3600; AOG itself gives up after about one minute of generation). DashScope directly: the total wait for the task (at most 10800, 120 when an AI agent calls the node as a tool); the task keeps running after it, and Get Task fetches it later.',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		displayOptions: { show: { '/authentication': ['dashScopeApi'] } },
		default: true,
		description:
			'Whether to wait until the task ends and deliver its MP4. Off: answer at once with the task ID, its status and "done" (false while it runs), for a Wait → Get Task loop that holds no worker while the video is made.',
	},
];

/** The generation parameters; each shown only for the connection that honours it. */
export const generationOptions: INodeProperties[] = [
	{
		displayName: 'Audio',
		name: 'audio',
		type: 'boolean',
		displayOptions: { show: { '/authentication': ['dashScopeApi'] } },
		default: true,
		description:
			'Whether the video gets a generated soundtrack (wan2.6 models; the others are silent or take Audio URL)',
	},
	{
		displayName: 'Audio URL',
		name: 'audioUrl',
		type: 'string',
		displayOptions: { show: { '/authentication': ['dashScopeApi'] } },
		default: '',
		placeholder: 'https://example.com/voice.mp3',
		description:
			'Public http(s) link of a WAV or MP3 (3–30 s, at most 15 MB) to drive the video (wan2.5 and wan2.6 models)',
	},
	{
		displayName: 'Duration (Seconds)',
		name: 'duration',
		type: 'number',
		typeOptions: { minValue: 2, maxValue: 15 },
		displayOptions: { show: { '/authentication': ['dashScopeApi'] } },
		default: 5,
		description:
			'Length of the video; wan2.2 makes 5 s only, wan2.5 5 or 10, wan2.6 and wan2.7 2–15 (checked before the request)',
	},
	{
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description:
			'What the video should avoid. Through AOG only the native route honours this (set Route to Native); on the standard route it is an error, not ignored.',
	},
	{
		displayName: 'Prompt Extend',
		name: 'promptExtend',
		type: 'boolean',
		default: true,
		description:
			'Whether DashScope rewrites the prompt to add detail. Through AOG only the native route honours this (set Route to Native); on the standard route it is an error, not ignored.',
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		options: [
			{ name: '480P', value: '480P' },
			{ name: '720P', value: '720P' },
			{ name: '1080P', value: '1080P' },
		],
		default: '1080P',
		description:
			"Output resolution; which ones a model offers is checked before the request (AOG's standard route always makes 1080P). Through AOG only the native route honours this (set Route to Native); on the standard route it is an error, not ignored.",
	},
	{
		displayName: 'Route',
		name: 'route',
		type: 'options',
		options: [
			{
				name: 'Standard',
				value: 'standard',
				description: "AOG's image-to-video service: image and prompt only, 1080P",
			},
			{
				name: 'Native (Aliyun)',
				value: 'native',
				description: "AOG's Aliyun passthrough: every DashScope parameter, and the upstream reason when a task fails",
			},
		],
		displayOptions: { show: { '/authentication': ['aogApi'] } },
		default: 'standard',
		description: 'Which AOG route to call',
	},
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2147483647 },
		default: 0,
		description:
			'Random seed for repeatable results (0–2147483647). Through AOG only the native route honours this (set Route to Native); on the standard route it is an error, not ignored.',
	},
	{
		displayName: 'Shot Type',
		name: 'shotType',
		type: 'options',
		options: [
			{ name: 'Single Shot', value: 'single', description: 'One continuous shot' },
			{ name: 'Multiple Shots', value: 'multi', description: 'Several cuts in one video' },
		],
		displayOptions: { show: { '/authentication': ['dashScopeApi'] } },
		default: 'single',
		description:
			'Whether the video is one shot or several (wan2.6 models; DashScope honours it only with Prompt Extend on, checked before the request)',
	},
	{
		displayName: 'Validate Image',
		name: 'validateImage',
		type: 'boolean',
		default: true,
		description:
			"Whether to check the picture against DashScope's limits (JPEG/PNG/BMP/WEBP, 360–2000 px, 10 MB, no transparency, public URL) before calling AOG. Turn off for gateways with other limits.",
	},
	{
		displayName: 'Watermark',
		name: 'watermark',
		type: 'boolean',
		default: false,
		description:
			'Whether DashScope adds its "AI generated" watermark. Through AOG only the native route honours this (set Route to Native); on the standard route it is an error, not ignored.',
	},
];

export function taskIdProperty(description: string): INodeProperties {
	return {
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '0385dc79-5ff8-4d82-bcb6-8aeb0b9a5b2f',
		description,
	};
}
