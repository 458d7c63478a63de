import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './router';
import * as operations from './operations';
import { listSearch } from './methods';

export class Aog implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AOG',
		name: 'aog',
		icon: { light: 'file:aog.svg', dark: 'file:aog.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operations.SUBTITLE,
		description:
			'Turn images into short MP4 videos with Tongyi Wanxiang, through AOG (AIPC Open Gateway) or DashScope directly',
		defaults: { name: 'AOG' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'aogApi', required: true, displayOptions: { show: { authentication: ['aogApi'] } } },
			{ name: 'dashScopeApi', required: true, displayOptions: { show: { authentication: ['dashScopeApi'] } } },
		],
		properties: [
			{
				displayName: 'Connect Via',
				name: 'authentication',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'AOG Gateway',
						value: 'aogApi',
						description: 'The local AOG gateway, which waits about one minute at most',
					},
					{
						name: 'DashScope Directly',
						value: 'dashScopeApi',
						description: 'Alibaba Cloud Model Studio with your own key: waits as long as the video needs',
					},
				],
				default: 'aogApi',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Video', value: 'video' }],
				default: 'video',
			},
			...operations.properties,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
