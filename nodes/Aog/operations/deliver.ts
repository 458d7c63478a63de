// The output item of a finished generation, either connection: the video's details, and the MP4 itself as binary data.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { outputFileName } from '../media/fileName';
import { signedUrlExpiry } from '../http/url';
import { downloadVideo } from '../media/download';
import { aspectRatio, platformFits } from '../media/platforms';
import type { Generation, ItemRun } from '../run/runItems';
import type { DeliverySettings } from './settings';

/** `details` are the fields between the link and the file (model, prompt, image source, route). */
export async function deliver(
	this: IExecuteFunctions,
	itemIndex: number,
	run: ItemRun,
	settings: DeliverySettings,
	generation: Generation,
	details: IDataObject,
): Promise<INodeExecutionData> {
	if (!generation.videoUrl) {
		// Not done yet (Wait for Completion off, or an agent's tool call that ran out of time): the task is the result.
		const next = `The video is still being generated: call Get Task with the task ID ${generation.id} later (within 24 h) to get it.`;
		run.jobs.record(itemIndex, { created: false }); // handed to the workflow: the stop button no longer cancels it
		return {
			json: { id: generation.id, videoUrl: null, ...details, ...generation.fields, nextStep: next },
			pairedItem: { item: itemIndex },
		};
	}
	// From here the video exists: the stop report lists it as finished (its link given), and no cancel is sent for it.
	run.jobs.record(itemIndex, { videoUrl: generation.videoUrl, state: 'downloading' });
	const fileName = outputFileName(
		settings.fileName,
		run.connection.type === 'dashScopeApi' ? 'dashscope' : 'aog',
		generation.id,
		itemIndex,
	);
	const json: IDataObject = {
		id: generation.id,
		videoUrl: generation.videoUrl,
		videoUrlExpiresAt: signedUrlExpiry(generation.videoUrl) ?? null,
		...details,
		fileName: settings.downloadVideo ? fileName : null,
		mimeType: 'video/mp4',
		fileSize: null,
		done: true,
		...generation.fields,
	};
	if (settings.toolCall)
		json.nextStep = `The video is ready at videoUrl (a signed link valid until ${json.videoUrlExpiresAt ?? 'about 24 hours from now'}).`;
	if (!settings.downloadVideo) return { json, pairedItem: { item: itemIndex } };

	const taskId = typeof generation.fields.taskId === 'string' ? generation.fields.taskId : undefined;
	const video = await downloadVideo.call(this, generation.videoUrl, fileName, {
		...settings,
		connection: run.connection.type,
		taskId,
	});
	const { metadata, fileSize } = video;
	Object.assign(json, {
		fileSize,
		...metadata,
		aspectRatio: aspectRatio(metadata.width, metadata.height),
		fits: platformFits({ ...metadata, fileSize }),
	});
	return { json, binary: { [settings.outputBinaryPropertyName]: video.binary }, pairedItem: { item: itemIndex } };
}
