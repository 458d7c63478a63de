import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import * as video from './actions/video';
import { listSearch } from './methods';

export class Aog implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AOG',
		name: 'aog',
		icon: { light: 'file:aog.svg', dark: 'file:aog.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "imageToVideo" ? "Image to Video" : $parameter["operation"] }}',
		description: 'Turn images into short MP4 videos with AOG (AIPC Open Gateway) and Tongyi Wanxiang',
		defaults: { name: 'AOG' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aogApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Video', value: 'video' }],
				default: 'video',
			},
			...video.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
