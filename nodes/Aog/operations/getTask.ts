// Get Task: fetches a DashScope task by id, waiting for it like Image to Video: how a task is recovered after a
// timeout or a crash, or checked once by a Wait → Get Task loop.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { followTask, toGeneration } from '../dashscope/task';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import type { Operation } from './operation';
import { deliveryOptions, taskIdProperty } from './options';
import { readDeliverySettings, readTaskId } from './settings';

const properties: INodeProperties[] = [
	taskIdProperty('The ID of the DashScope video task (output "taskId", or named in an error), valid for 24 hours'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: deliveryOptions,
	},
];

export const operation: Operation = {
	value: 'getTask',
	name: 'Get Task',
	action: 'Get a video task',
	description:
		'Fetch a DashScope video task and its MP4 by task ID, waiting until it is done (DashScope directly only)',
	properties,
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	const taskId = readTaskId.call(this, itemIndex, run.connection.type, 'Get Task');
	const settings = readDeliverySettings.call(this, itemIndex, run.connection.type);
	const task = await followTask.call(this, itemIndex, taskId, settings, run);
	return await deliver.call(this, itemIndex, run, settings, toGeneration(task, run.connection.region), {
		prompt: task.origPrompt ?? null,
		route: 'direct',
	});
}
