import type { INodeProperties } from 'n8n-workflow';

import * as cancelTask from './cancelTask';
import * as getTask from './getTask';
import * as imageToVideo from './imageToVideo';

export { cancelTask, getTask, imageToVideo };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Cancel Task',
				value: 'cancelTask',
				action: 'Cancel a queued video task',
				description: 'Cancel a DashScope video task that is still waiting in the queue (DashScope directly only)',
			},
			{
				name: 'Get Task',
				value: 'getTask',
				action: 'Get a video task',
				description: 'Fetch a DashScope video task and its MP4 by task ID, waiting until it is done (DashScope directly only)',
			},
			{
				name: 'Image to Video',
				value: 'imageToVideo',
				action: 'Generate a video from an image',
				description: 'Turn a picture and an optional prompt into a short MP4',
			},
		],
		default: 'imageToVideo',
	},
	...imageToVideo.description,
	...getTask.description,
	...cancelTask.description,
];
