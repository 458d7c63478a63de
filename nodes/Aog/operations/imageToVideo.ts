// Image to Video: one item's picture and prompt into an MP4, through AOG or with DashScope directly.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { aogImageToVideoBody } from '../aog/body';
import { generateWithAog } from '../aog/generation';
import { checkDashScopeOptions, dashScopeImageToVideoBody } from '../dashscope/models';
import { IMAGE_TO_VIDEO_PATH } from '../dashscope/request';
import { runDashScopeTask } from '../dashscope/task';
import { readImage } from '../media/readImage';
import { InputError } from '../run/failures';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import { properties } from './imageToVideo.properties';
import type { Operation } from './operation';
import { readVideoSettings, type VideoSettings } from './settings';

export const operation: Operation = {
	value: 'imageToVideo',
	name: 'Image to Video',
	action: 'Generate a video from an image',
	description: 'Turn a picture and an optional prompt into a short MP4',
	properties,
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	const settings = readVideoSettings.call(this, itemIndex, run.connection.type);
	const generation =
		run.connection.type === 'dashScopeApi'
			? await runDashScopeTask.call(this, itemIndex, run, settings, async () => ({
					path: IMAGE_TO_VIDEO_PATH,
					body: await dashScopeBody.call(this, itemIndex, settings),
				}))
			: await generateWithAog.call(
					this,
					itemIndex,
					run,
					{ route: settings.route === 'native' ? 'native' : 'standard', timeoutSeconds: settings.timeoutSeconds },
					async () => {
						const { image, imageType } = await readImage.call(
							this,
							itemIndex,
							settings.imageSource,
							settings.validateImage,
						);
						return aogImageToVideoBody(settings.route === 'native' ? 'native' : 'standard', {
							...settings,
							image,
							imageType,
						});
					},
				);
	const details = {
		model: settings.model,
		prompt: settings.prompt,
		imageSource: settings.imageSource,
		route: settings.route,
	};
	return await deliver.call(this, itemIndex, run, settings, generation, details);
}

/** The checks against the model come first: nothing is read or sent for a combination the model refuses. */
async function dashScopeBody(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: VideoSettings,
): Promise<string | Buffer> {
	if (settings.imageSource === 'path') {
		throw new InputError(
			'"Path on AOG Host" works only through the AOG gateway',
			'DashScope cannot read a file on your machine. Choose Binary File (read the file first with "Read/Write Files from Disk"), URL or Base64.',
		);
	}
	checkDashScopeOptions(settings.model, settings.prompt, settings.parameters);
	const { image } = await readImage.call(this, itemIndex, settings.imageSource, settings.validateImage);
	return dashScopeImageToVideoBody(settings.model, image, settings.prompt, settings.parameters);
}
