// Edit Video: one clip of an item changed as the prompt says, optionally after a reference picture, with DashScope
// directly. Files go through DashScope's temporary storage, whose policy is asked for the task's model.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runDashScopeTask } from '../dashscope/task';
import { dashScopeMediaUrls } from '../dashscope/upload';
import { checkVideoEdit, DEFAULT_EDIT_MODEL, videoEditRequest } from '../dashscope/videoEdit';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import { REFERENCE_IMAGE_SLOT, VIDEO_SLOT, properties } from './editVideo.properties';
import { readModel, readParameters, requireDashScope } from './family';
import { readMediaSlot } from './mediaSlots';
import type { Operation } from './operation';
import { readDeliverySettings } from './settings';

export const operation: Operation = {
	value: 'editVideo',
	name: 'Edit Video',
	action: 'Edit a video',
	description: 'Change a clip as the prompt says, optionally after a reference picture (DashScope directly only)',
	properties,
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	requireDashScope(run, 'Edit Video', '');
	const delivery = readDeliverySettings.call(this, itemIndex, run.connection.type);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	const model = readModel.call(this, itemIndex, DEFAULT_EDIT_MODEL);
	const parameters = readParameters.call(this, itemIndex, [
		'resolution',
		'negativePrompt',
		'promptExtend',
		'seed',
		'watermark',
	]);
	const { audioSetting } = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const options = { ...parameters, audioSetting: audioSetting ? String(audioSetting) : undefined };
	checkVideoEdit(model, prompt, options);
	const video = await readMediaSlot.call(this, itemIndex, VIDEO_SLOT);
	const referenceImage = await readMediaSlot.call(this, itemIndex, REFERENCE_IMAGE_SLOT);
	const inputs = [video, referenceImage].filter((input) => input !== undefined);
	const generation = await runDashScopeTask.call(this, itemIndex, run, delivery, async () => {
		const { urls, headers } = await dashScopeMediaUrls.call(this, run.connection, model, inputs);
		return videoEditRequest(model, urls[0], referenceImage ? urls[1] : undefined, prompt, options, headers);
	});
	return await deliver.call(this, itemIndex, run, delivery, generation, { model, prompt, route: 'direct' });
}
