// First and Last Frame to Video: two pictures of one item into the MP4 that moves from one to the other, with
// DashScope directly. Files go through DashScope's temporary storage, whose policy is asked for the task's model.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { checkFrames, DEFAULT_FRAME_MODEL, framesRequest } from '../dashscope/frames';
import { runDashScopeTask } from '../dashscope/task';
import { dashScopeMediaUrls } from '../dashscope/upload';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import { readModel, readParameters, requireDashScope } from './family';
import { FIRST_FRAME_SLOT, LAST_FRAME_SLOT, properties } from './firstLastFrameToVideo.properties';
import { readMediaSlot } from './mediaSlots';
import type { Operation } from './operation';
import { readDeliverySettings } from './settings';

export const operation: Operation = {
	value: 'firstLastFrameToVideo',
	name: 'First and Last Frame to Video',
	action: 'Generate a video between two frames',
	description: 'Turn a first and a last picture into the MP4 between them (DashScope directly only)',
	properties,
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	requireDashScope(run, 'First and Last Frame to Video', '');
	const delivery = readDeliverySettings.call(this, itemIndex, run.connection.type);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	const model = readModel.call(this, itemIndex, DEFAULT_FRAME_MODEL);
	const parameters = readParameters.call(this, itemIndex, [
		'resolution',
		'duration',
		'negativePrompt',
		'promptExtend',
		'seed',
		'watermark',
	]);
	checkFrames(model, prompt, parameters);
	const frames = [
		await readMediaSlot.call(this, itemIndex, FIRST_FRAME_SLOT),
		await readMediaSlot.call(this, itemIndex, LAST_FRAME_SLOT),
	].filter((frame) => frame !== undefined);
	const generation = await runDashScopeTask.call(this, itemIndex, run, delivery, async () => {
		const { urls, headers } = await dashScopeMediaUrls.call(this, run.connection, model, frames);
		return framesRequest(model, urls[0], urls[1], prompt, parameters, headers);
	});
	return await deliver.call(this, itemIndex, run, delivery, generation, { model, prompt, route: 'direct' });
}
