// Cancel Task: cancels a queued DashScope task and reports the task's status; a RUNNING task cannot be canceled, and
// the output says so.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { cancelDashScopeTask } from '../dashscope/cancelRequest';
import type { ItemRun } from '../run/runItems';
import type { Operation } from './operation';
import { taskIdProperty } from './options';
import { readTaskId } from './settings';

export const operation: Operation = {
	value: 'cancelTask',
	name: 'Cancel Task',
	action: 'Cancel a queued video task',
	description: 'Cancel a DashScope video task that is still waiting in the queue (DashScope directly only)',
	properties: [
		taskIdProperty(
			'The ID of the DashScope video task to cancel; only a task still waiting in the queue (PENDING) can be',
		),
	],
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	const taskId = readTaskId.call(this, itemIndex, run.connection.type, 'Cancel Task');
	const outcome = await cancelDashScopeTask.call(this, run.connection, taskId);
	return { json: { taskId, ...outcome, region: run.connection.region }, pairedItem: { item: itemIndex } };
}
