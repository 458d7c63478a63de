// Text to Video: one item's prompt into an MP4, with DashScope directly (AOG offers image to video only).
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { dashScopeTextToVideoBody, type DashScopeVideoOptions } from '../dashscope/models';
import { IMAGE_TO_VIDEO_PATH } from '../dashscope/request';
import { runDashScopeTask } from '../dashscope/task';
import { checkTextToVideo } from '../dashscope/textModels';
import { DEFAULT_TEXT_MODEL } from '../dashscope/modelTable';
import { InputError } from '../run/failures';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import type { Operation } from './operation';
import { readDeliverySettings } from './settings';
import { properties } from './textToVideo.properties';

/** The same endpoint as Image to Video: the model tells the modes apart. */
const TEXT_TO_VIDEO_PATH = IMAGE_TO_VIDEO_PATH;
const OPTION_NAMES = [
	'size',
	'duration',
	'audio',
	'shotType',
	'negativePrompt',
	'promptExtend',
	'seed',
	'watermark',
] as const;

export const operation: Operation = {
	value: 'textToVideo',
	name: 'Text to Video',
	action: 'Generate a video from text',
	description: 'Turn a prompt into a short MP4 (DashScope directly only)',
	properties,
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	if (run.connection.type !== 'dashScopeApi') {
		throw new InputError(
			'Text to Video needs DashScope directly: AOG v0.7 offers image to video only',
			'Set Connect Via to "DashScope Directly" with a DashScope credential, or make the video from a picture with Image to Video.',
		);
	}
	const delivery = readDeliverySettings.call(this, itemIndex, run.connection.type);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	const model =
		String(this.getNodeParameter('model', itemIndex, DEFAULT_TEXT_MODEL, { extractValue: true }) ?? '').trim() ||
		DEFAULT_TEXT_MODEL;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const parameters: DashScopeVideoOptions = {};
	for (const name of OPTION_NAMES) {
		if (options[name] !== undefined && options[name] !== '') (parameters as IDataObject)[name] = options[name];
	}
	if (this.getNodeParameter('audioSource', itemIndex, 'none') === 'url') {
		parameters.audioUrl = String(this.getNodeParameter('audioUrl', itemIndex, '') ?? '').trim();
	}
	checkTextToVideo(model, prompt, parameters);
	const generation = await runDashScopeTask.call(this, itemIndex, run, delivery, async () => ({
		path: TEXT_TO_VIDEO_PATH,
		body: dashScopeTextToVideoBody(model, prompt, parameters),
	}));
	return await deliver.call(this, itemIndex, run, delivery, generation, { model, prompt, route: 'direct' });
}
