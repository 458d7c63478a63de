// Reference to Video: the subjects of one to three pictures or clips of an item, in the scene the prompt describes,
// with DashScope directly. Files go through DashScope's temporary storage, whose policy is asked for the task's model.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { checkReferences, DEFAULT_REFERENCE_MODEL, referencesRequest } from '../dashscope/references';
import { runDashScopeTask } from '../dashscope/task';
import { dashScopeMediaUrls } from '../dashscope/upload';
import type { MediaInput } from '../media/mediaKind';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import { readModel, readParameters, requireDashScope } from './family';
import { readMediaSlot } from './mediaSlots';
import type { Operation } from './operation';
import { properties, REFERENCE_SLOTS } from './referenceToVideo.properties';
import { readDeliverySettings } from './settings';

export const operation: Operation = {
	value: 'referenceToVideo',
	name: 'Reference to Video',
	action: 'Generate a video from reference subjects',
	description:
		'Put the people or things of up to three pictures or clips into the scene the prompt describes (DashScope directly only)',
	properties,
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	requireDashScope(run, 'Reference to Video', '');
	const delivery = readDeliverySettings.call(this, itemIndex, run.connection.type);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	const model = readModel.call(this, itemIndex, DEFAULT_REFERENCE_MODEL);
	const parameters = readParameters.call(this, itemIndex, [
		'size',
		'duration',
		'shotType',
		'negativePrompt',
		'promptExtend',
		'seed',
		'watermark',
	]);
	checkReferences(model, prompt, parameters);
	const references: MediaInput[] = [];
	for (const slot of REFERENCE_SLOTS) {
		const input = await readMediaSlot.call(this, itemIndex, slot);
		if (input) references.push(input);
	}
	const generation = await runDashScopeTask.call(this, itemIndex, run, delivery, async () => {
		const { urls, headers } = await dashScopeMediaUrls.call(this, run.connection, model, references);
		const named = references.map(({ kind }, i) => ({ kind, url: urls[i] }));
		return referencesRequest(model, named, prompt, parameters, headers);
	});
	return await deliver.call(this, itemIndex, run, delivery, generation, { model, prompt, route: 'direct' });
}
