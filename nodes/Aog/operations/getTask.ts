import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { InputError } from '../run/failures';
import { connectionOf } from '../http/request';
import { dashScopeCredentials } from '../dashscope/request';
import type { ItemRun } from '../run/runItems';
import { toGeneration, waitForTask } from '../dashscope/task';
import { deliver } from './deliver';
import { deliveryOptions, taskIdProperty } from './options';
import { readDeliverySettings } from './settings';

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

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['getTask'] } }, properties);

/** Fetches a DashScope task by id, waiting for it like Image to Video: how a task is recovered after a timeout or a crash. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	const taskId = readTaskId.call(this, itemIndex, 'Get Task');
	const settings = readDeliverySettings.call(this, itemIndex, 'dashScopeApi');
	const { region } = await dashScopeCredentials.call(this);
	const task = await waitForTask.call(this, itemIndex, taskId, settings, run);
	return await deliver.call(this, itemIndex, settings, toGeneration(task, region), { prompt: task.origPrompt ?? null, route: 'direct' }, run);
}

/** The task id parameter; the task operations exist only on the direct connection (AOG never reveals task ids). */
export function readTaskId(this: IExecuteFunctions, itemIndex: number, operation: string): string {
	if (connectionOf(this) !== 'dashScopeApi') {
		throw new InputError(
			`${operation} needs the DashScope connection`,
			'AOG keeps DashScope task ids to itself, so tasks can only be looked up with DashScope directly: set Connect Via to "DashScope Directly" with a DashScope credential of the region the task was created in.',
		);
	}
	const taskId = String(this.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
	if (!taskId) throw new InputError('Task ID is empty', 'Give the id of a DashScope video task (the "taskId" of an Image to Video output, or the one named in its error).');
	if (!/^[\w-]{1,128}$/.test(taskId)) {
		throw new InputError(`Task ID "${taskId.slice(0, 60)}" is not a DashScope task id`, 'A task id is letters, digits and dashes, such as 0385dc79-5ff8-4d82-bcb6-8aeb0b9a5b2f.');
	}
	return taskId;
}
