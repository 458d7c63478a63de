// Image to Video: one item's picture and prompt into an MP4, through AOG or with DashScope directly.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { aogImageToVideoBody } from '../aog/body';
import { generateWithAog } from '../aog/generation';
import { checkImageExtras, extraMedia, type ImageExtras } from '../dashscope/imageExtras';
import { bodyShapeOf, checkDashScopeOptions, dashScopeImageToVideoBody } from '../dashscope/models';
import { IMAGE_TO_VIDEO_PATH } from '../dashscope/request';
import { runDashScopeTask, type TaskRequest } from '../dashscope/task';
import { dashScopeMediaUrls } from '../dashscope/upload';
import { isInlineImage } from '../media/jsonBody';
import { readImage } from '../media/readImage';
import { InputError } from '../run/failures';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import { EXTRA_SLOTS, properties } from './imageToVideo.properties';
import { readMediaSlot } from './mediaSlots';
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
			? await runDashScopeTask.call(
					this,
					itemIndex,
					run,
					settings,
					async () => await dashScopeRequestFor.call(this, itemIndex, run, settings),
				)
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

/** The checks against the model come first: nothing is read, uploaded or sent for a combination the model refuses. */
async function dashScopeRequestFor(
	this: IExecuteFunctions,
	itemIndex: number,
	run: ItemRun,
	settings: VideoSettings,
): Promise<TaskRequest> {
	if (settings.imageSource === 'path') {
		throw new InputError(
			'"Path on AOG Host" works only through the AOG gateway',
			'DashScope cannot read a file on your machine. Choose Binary File (read the file first with "Read/Write Files from Disk"), URL or Base64.',
		);
	}
	const { model, prompt, parameters } = settings;
	checkDashScopeOptions(model, prompt, parameters);
	const extras: ImageExtras = {};
	for (const slot of EXTRA_SLOTS)
		extras[slot.name as keyof ImageExtras] = await readMediaSlot.call(this, itemIndex, slot);
	checkImageExtras(model, extras, parameters.audioUrl);
	// A clip to continue replaces the picture, which is then neither read nor sent.
	const { image } = extras.firstClip
		? { image: '' }
		: await readImage.call(this, itemIndex, settings.imageSource, settings.validateImage);
	if (bodyShapeOf(model) !== 'media') {
		return { path: IMAGE_TO_VIDEO_PATH, body: dashScopeImageToVideoBody(model, image, prompt, parameters) };
	}
	// The media models' fields are not known to take a data URI: a binary picture goes through temporary storage too.
	const names = Object.keys(extras).filter((name) => extras[name as keyof ImageExtras]) as Array<keyof ImageExtras>;
	const inputs = names.map((name) => extras[name]!);
	if (isInlineImage(image))
		inputs.unshift({ kind: 'image', file: { ...image, fileName: `firstFrame.${extensionOf(image.mimeType)}` } });
	const { urls, headers } = await dashScopeMediaUrls.call(this, run.connection, model, inputs);
	const firstFrame = isInlineImage(image) ? urls.shift()! : image;
	const extraUrls = Object.fromEntries(names.map((name, index) => [name, urls[index]]));
	return {
		path: IMAGE_TO_VIDEO_PATH,
		body: dashScopeImageToVideoBody(model, firstFrame, prompt, parameters, extraMedia(extraUrls)),
		headers,
	};
}

const extensionOf = (mimeType: string) => (mimeType === 'image/jpeg' ? 'jpg' : mimeType.replace(/^image\//, ''));
