// Text to Video: one item's prompt into an MP4, with DashScope directly (AOG offers image to video only).
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { dashScopeTextToVideoBody } from '../dashscope/models';
import { IMAGE_TO_VIDEO_PATH } from '../dashscope/request';
import { runDashScopeTask } from '../dashscope/task';
import { checkTextToVideo } from '../dashscope/textModels';
import { DEFAULT_TEXT_MODEL } from '../dashscope/modelTable';
import { dashScopeMediaUrls } from '../dashscope/upload';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import { readModel, readParameters, requireDashScope } from './family';
import { readMediaSlot } from './mediaSlots';
import type { Operation } from './operation';
import { readDeliverySettings } from './settings';
import { AUDIO_SLOT, properties } from './textToVideo.properties';

/** The same endpoint as Image to Video: the model tells the modes apart. */
const TEXT_TO_VIDEO_PATH = IMAGE_TO_VIDEO_PATH;

export const operation: Operation = {
	value: 'textToVideo',
	name: 'Text to Video',
	action: 'Generate a video from text',
	description: 'Turn a prompt into a short MP4 (DashScope directly only)',
	properties,
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	requireDashScope(run, 'Text to Video', 'make the video from a picture with Image to Video');
	const delivery = readDeliverySettings.call(this, itemIndex, run.connection.type);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	const model = readModel.call(this, itemIndex, DEFAULT_TEXT_MODEL);
	const parameters = readParameters.call(this, itemIndex, [
		'size',
		'duration',
		'audio',
		'shotType',
		'negativePrompt',
		'promptExtend',
		'seed',
		'watermark',
	]);
	const audio = await readMediaSlot.call(this, itemIndex, AUDIO_SLOT);
	// A file is checked as the oss:// URL it will have: the upload comes only once a task is to be submitted.
	if (audio) parameters.audioUrl = 'url' in audio ? audio.url : `oss://${audio.file.fileName}`;
	checkTextToVideo(model, prompt, parameters);
	const generation = await runDashScopeTask.call(this, itemIndex, run, delivery, async () => {
		const { urls, headers } = await dashScopeMediaUrls.call(this, run.connection, model, audio ? [audio] : []);
		return {
			path: TEXT_TO_VIDEO_PATH,
			body: dashScopeTextToVideoBody(model, prompt, { ...parameters, audioUrl: urls[0] }),
			headers,
		};
	});
	return await deliver.call(this, itemIndex, run, delivery, generation, { model, prompt, route: 'direct' });
}
