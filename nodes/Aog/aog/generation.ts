// Image to Video through the AOG gateway (docs/AOG-API.md): one synchronous call that returns the video's link, on the
// standard route (image and prompt) or the native one (DashScope's own body and answer).
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { describeNetworkFailure, interpretNativeAnswer, interpretStandardAnswer, type GenerationResult } from './answers';
import { InputError, type Failure } from '../run/failures';
import { IMAGE_SLOT, isInlineImage, jsonBody, type InlineImage } from '../media/jsonBody';
import { redactUrl } from '../http/url';
import { headerValue } from '../http/request';
import { aogRequest, gatewayBaseUrl, NATIVE_ROUTE, STANDARD_ROUTE } from './request';
import { errorText, networkErrorKind } from '../http/networkErrors';
import type { ItemRun } from '../run/runItems';
import { submitWithRetry } from '../run/submit';
import { readImage } from '../media/readImage';
import type { VideoSettings } from '../operations/settings';

export interface Generation {
	/** The output's `id`: AOG's result id, or the DashScope task id. */
	id: string;
	videoUrl: string;
	/** Output fields particular to the connection or route. */
	fields: IDataObject;
}

export async function generateWithAog(this: IExecuteFunctions, itemIndex: number, settings: VideoSettings, run: ItemRun): Promise<Generation> {
	const native = settings.route === 'native';
	// Retry On Fail: a video an earlier try generated is delivered again, not generated again.
	const earlier = run.jobs.get(itemIndex);
	if (earlier?.videoUrl) {
		const fields = native ? { taskId: earlier.taskId ?? null, actualPrompt: null, usage: null } : {};
		return { id: earlier.resultId ?? earlier.taskId ?? '', videoUrl: earlier.videoUrl, fields };
	}
	const body = await requestBody.call(this, itemIndex, settings);
	const baseUrl = await gatewayBaseUrl.call(this);
	const result = await submitWithRetry<GenerationResult>(this, run, itemIndex, settings.timeoutSeconds, async (remainingMs) => {
		try {
			const answer = await aogRequest.call(this, 'POST', native ? NATIVE_ROUTE : STANDARD_ROUTE, { body, timeoutMs: remainingMs });
			return (native ? interpretNativeAnswer : interpretStandardAnswer)({
				statusCode: answer.statusCode,
				contentType: headerValue(answer.headers, 'content-type'),
				body: answer.body,
				retryAfterHeader: headerValue(answer.headers, 'retry-after'),
				location: headerValue(answer.headers, 'location'),
			});
		} catch (error) {
			return networkFailure(this, error, baseUrl, settings.timeoutSeconds);
		}
	});
	run.jobs.record(itemIndex, { resultId: result.id, taskId: result.taskId, videoUrl: result.videoUrl, state: 'downloading', created: true });
	this.logger.info(`AOG: item ${itemIndex} generated result ${result.id}${result.taskId ? ` (DashScope task ${result.taskId})` : ''}`);
	return {
		id: result.id,
		videoUrl: result.videoUrl,
		fields: native ? { taskId: result.taskId ?? null, actualPrompt: result.actualPrompt ?? null, usage: result.usage ?? null } : {},
	};
}

/**
 * The POST body, built once per item and reused by every retry. Only the body outlives this function: the picture's
 * bytes are garbage once encoded into it, not kept for the minute the generation takes.
 */
async function requestBody(this: IExecuteFunctions, itemIndex: number, settings: VideoSettings): Promise<string | Buffer> {
	const { image, imageType } = await readImage.call(this, itemIndex, settings.imageSource, settings.validateImage);
	if (settings.route === 'native') {
		if (imageType === 'path') {
			throw new InputError('The native route cannot read a path on the AOG host', 'Use the standard route for "Path on AOG Host", or send the picture as Binary File or Base64.');
		}
		return nativeBody(settings, image);
	}
	return standardBody(settings, image, imageType);
}

/** JSON text, or bytes with the picture's data URI encoded straight into them. */
function serialise(fields: IDataObject, image: string | InlineImage): string | Buffer {
	return isInlineImage(image) ? jsonBody(fields, image) : JSON.stringify(fields);
}

const NATIVE_ONLY = ['resolution', 'negativePrompt', 'seed', 'promptExtend', 'watermark'] as const;

function standardBody(settings: VideoSettings, image: string | InlineImage, imageType: string): string | Buffer {
	const nativeOptions = NATIVE_ONLY.filter((name) => settings.parameters[name] !== undefined);
	if (nativeOptions.length > 0) {
		throw new InputError(
			`Option${nativeOptions.length > 1 ? 's' : ''} ${nativeOptions.join(', ')} only work${nativeOptions.length > 1 ? '' : 's'} on the native route`,
			"AOG's standard route drops everything but the image and the prompt (and always makes 1080P). Set Options → Route to Native, or remove the option.",
		);
	}
	const fields = { model: settings.model, image: isInlineImage(image) ? IMAGE_SLOT : image, image_type: imageType, ...(settings.prompt ? { prompt: settings.prompt } : {}) };
	return serialise(fields, image);
}

function nativeBody(settings: VideoSettings, image: string | InlineImage): string | Buffer {
	const { resolution, negativePrompt, seed, promptExtend, watermark } = settings.parameters;
	const input: IDataObject = { img_url: isInlineImage(image) ? IMAGE_SLOT : image };
	if (settings.prompt) input.prompt = settings.prompt;
	if (negativePrompt) input.negative_prompt = negativePrompt;
	const parameters: IDataObject = { resolution: resolution ?? '1080P' };
	if (promptExtend !== undefined) parameters.prompt_extend = promptExtend;
	if (seed !== undefined) parameters.seed = seed;
	if (watermark !== undefined) parameters.watermark = watermark;
	return serialise({ model: settings.model, input, parameters }, image);
}

/** A failed POST to AOG. The stop button is not a failure to report: it ends the item at once. */
function networkFailure(context: IExecuteFunctions, error: unknown, baseUrl: string, timeoutSeconds: number): Failure {
	const kind = networkErrorKind(context, error);
	if (kind === 'cancelled') throw error; // the stop button: the item loop reports the item's job
	return describeNetworkFailure(kind, redactUrl(baseUrl), timeoutSeconds, errorText(error));
}
