import type { INodeProperties } from 'n8n-workflow';

import * as imageToVideo from './imageToVideo.operation';

export { imageToVideo };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Image to Video',
				value: 'imageToVideo',
				action: 'Generate a video from an image',
				description: 'Turn a picture and an optional prompt into a 5-second MP4',
			},
		],
		default: 'imageToVideo',
	},
	...imageToVideo.description,
];
