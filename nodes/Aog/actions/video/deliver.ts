// The output item of a finished generation, either connection: the video's details, and the MP4 itself as binary data.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { outputFileName } from '../../helpers/fileName';
import { signedUrlExpiry } from '../../helpers/url';
import { downloadVideo } from '../../transport/download';
import type { ItemRun } from '../runItems';
import type { Generation } from './aogGeneration';
import type { DeliverySettings } from './settings';

/** `details` are the fields between the link and the file (model, prompt, image source, route). */
export async function deliver(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: DeliverySettings,
	generation: Generation,
	details: IDataObject,
	run: ItemRun,
): Promise<INodeExecutionData> {
	// From here the video exists: the stop report lists it as finished (its link given), and no cancel is sent for it.
	run.jobs.record(itemIndex, { videoUrl: generation.videoUrl, state: 'downloading' });
	const fileName = outputFileName(settings.fileName, generation.id, itemIndex);
	const json: IDataObject = {
		id: generation.id,
		videoUrl: generation.videoUrl,
		videoUrlExpiresAt: signedUrlExpiry(generation.videoUrl) ?? null,
		...details,
		fileName: settings.downloadVideo ? fileName : null,
		mimeType: 'video/mp4',
		fileSize: null,
		...generation.fields,
	};
	if (!settings.downloadVideo) return { json, pairedItem: { item: itemIndex } };

	const taskId = typeof generation.fields.taskId === 'string' ? generation.fields.taskId : undefined;
	const video = await downloadVideo.call(this, generation.videoUrl, fileName, { ...settings, taskId });
	Object.assign(json, { fileSize: video.fileSize, ...video.metadata });
	return { json, binary: { [settings.outputBinaryPropertyName]: video.binary }, pairedItem: { item: itemIndex } };
}
