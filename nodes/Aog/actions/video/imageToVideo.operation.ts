import {
	NodeApiError,
	NodeOperationError,
	sleepWithAbort,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { backoffDelayMs, mapWithConcurrency, SharedBackoff } from '../../helpers/concurrency';
import { outputFileName } from '../../helpers/fileName';
import {
	interpretNativeAnswer,
	interpretStandardAnswer,
	type GatewayFailure,
	type GenerationResult,
} from '../../helpers/gatewayResponse';
import { InputError, ItemFailure } from '../../helpers/failures';
import { IMAGE_SLOT, isInlineImage, jsonBody, type InlineImage } from '../../helpers/jsonBody';
import { parseUrl, redactText, redactUrl, signedUrlExpiry } from '../../helpers/url';
import { aogRequest, gatewayBaseUrl, headerValue, NATIVE_ROUTE, STANDARD_ROUTE } from '../../transport';
import { classifyRequestError, downloadVideo, type DownloadedVideo } from './download';
import { DEFAULT_MODEL, description as properties, LIMITS, MAX_PROMPT_LENGTH } from './imageToVideo.description';
import { readImage } from './readImage';

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['imageToVideo'] } }, properties);

/** Attempts of the job-creating POST when the gateway proves it created nothing (refused, rate-limited). */
const MAX_SUBMIT_ATTEMPTS = 4;

interface Settings {
	imageSource: string;
	prompt: string;
	model: string;
	route: 'standard' | 'native';
	outputBinaryPropertyName: string;
	fileName: string;
	downloadVideo: boolean;
	timeoutSeconds: number;
	maxVideoBytes: number;
	validateImage: boolean;
	native: { resolution?: string; negativePrompt?: string; seed?: number; promptExtend?: boolean; watermark?: boolean };
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const concurrency = readNumber.call(this, 0, 'concurrency', LIMITS.concurrency);
	const backoff = new SharedBackoff();
	const baseUrl = await gatewayBaseUrl.call(this);
	checkBaseUrl.call(this, baseUrl);
	const secrets = await knownSecrets.call(this);
	let stopLaunching = false;
	let firstError: Error | undefined;

	const results = await mapWithConcurrency(items, concurrency, async (_item, itemIndex) => {
		if (stopLaunching) return undefined;
		try {
			return await processItem.call(this, itemIndex, backoff, baseUrl);
		} catch (caught) {
			const error = toNodeError.call(this, caught, itemIndex, secrets);
			if (this.continueOnFail()) {
				const json: IDataObject = { error: error.message };
				if (error.description) json.message = error.description;
				return { json, pairedItem: { item: itemIndex } } satisfies INodeExecutionData;
			}
			// Let items already in flight finish (their videos are being billed) but start no new ones.
			stopLaunching = true;
			firstError ??= error;
			return undefined;
		}
	});
	if (firstError) throw firstError;
	return results.filter((result): result is INodeExecutionData => result !== undefined);
}

async function processItem(this: IExecuteFunctions, itemIndex: number, backoff: SharedBackoff, baseUrl: string): Promise<INodeExecutionData> {
	const settings = readSettings.call(this, itemIndex);
	const body = await requestBody.call(this, itemIndex, settings);
	const result = await submit.call(this, settings, body, backoff, baseUrl);

	const fileName = outputFileName(settings.fileName, result.id, itemIndex);
	const json: IDataObject = {
		id: result.id,
		videoUrl: result.videoUrl,
		videoUrlExpiresAt: signedUrlExpiry(result.videoUrl) ?? null,
		model: settings.model,
		prompt: settings.prompt,
		imageSource: settings.imageSource,
		route: settings.route,
		fileName: settings.downloadVideo ? fileName : null,
		mimeType: 'video/mp4',
		fileSize: null,
	};
	if (settings.route === 'native') {
		Object.assign(json, { taskId: result.taskId ?? null, actualPrompt: result.actualPrompt ?? null, usage: result.usage ?? null });
	}
	if (!settings.downloadVideo) return { json, pairedItem: { item: itemIndex } };

	const video: DownloadedVideo = await downloadVideo.call(this, result.videoUrl, fileName, settings);
	Object.assign(json, { fileSize: video.fileSize, ...video.metadata });
	return {
		json,
		binary: { [settings.outputBinaryPropertyName]: video.binary },
		pairedItem: { item: itemIndex },
	};
}

/**
 * The POST body, built once per item and reused by every retry. Only the body outlives this function: the picture's
 * bytes are garbage once encoded into it, not kept for the minute the generation takes.
 */
async function requestBody(this: IExecuteFunctions, itemIndex: number, settings: Settings): Promise<string | Buffer> {
	const { image, imageType } = await readImage.call(this, itemIndex, settings.imageSource, settings.validateImage);
	if (settings.route === 'native' && imageType === 'path') {
		throw new InputError('The native route cannot read a path on the AOG host', 'Use the standard route for "Path on AOG Host", or send the picture as Binary File or Base64.');
	}
	return settings.route === 'native' ? nativeBody(settings, image) : standardBody(settings, image, imageType);
}

/** JSON text, or bytes with the picture's data URI encoded straight into them. */
function serialise(fields: IDataObject, image: string | InlineImage): string | Buffer {
	return isInlineImage(image) ? jsonBody(fields, image) : JSON.stringify(fields);
}

function standardBody(settings: Settings, image: string | InlineImage, imageType: string): string | Buffer {
	const nativeOptions = Object.entries(settings.native).filter(([, value]) => value !== undefined).map(([name]) => name);
	if (nativeOptions.length > 0) {
		throw new InputError(
			`Option${nativeOptions.length > 1 ? 's' : ''} ${nativeOptions.join(', ')} only work${nativeOptions.length > 1 ? '' : 's'} on the native route`,
			"AOG's standard route drops everything but the image and the prompt (and always makes 1080P). Set Options → Route to Native, or remove the option.",
		);
	}
	const fields = { model: settings.model, image: isInlineImage(image) ? IMAGE_SLOT : image, image_type: imageType, ...(settings.prompt ? { prompt: settings.prompt } : {}) };
	return serialise(fields, image);
}

function nativeBody(settings: Settings, image: string | InlineImage): string | Buffer {
	const { resolution, negativePrompt, seed, promptExtend, watermark } = settings.native;
	const input: IDataObject = { img_url: isInlineImage(image) ? IMAGE_SLOT : image };
	if (settings.prompt) input.prompt = settings.prompt;
	if (negativePrompt) input.negative_prompt = negativePrompt;
	const parameters: IDataObject = { resolution: resolution ?? '1080P' };
	if (promptExtend !== undefined) parameters.prompt_extend = promptExtend;
	if (seed !== undefined) parameters.seed = seed;
	if (watermark !== undefined) parameters.watermark = watermark;
	return serialise({ model: settings.model, input, parameters }, image);
}

/**
 * Sends the job-creating POST. It is repeated only when the answer proves no task exists upstream
 * (connection refused, rate-limited): after a 500, a reset or a timeout a new POST could bill a second video.
 */
async function submit(this: IExecuteFunctions, settings: Settings, body: string | Buffer, backoff: SharedBackoff, baseUrl: string): Promise<GenerationResult> {
	const signal = this.getExecutionCancelSignal();
	const deadline = Date.now() + settings.timeoutSeconds * 1000;
	const started = Date.now();
	let previous: GatewayFailure | undefined;
	for (let attempt = 1; ; attempt++) {
		const wait = backoff.remainingMs();
		if (wait > 0) await sleepWithAbort(wait, signal);
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0) {
			// The wait ran past the deadline: report this item's own last failure, else the account's rate limit.
			throw new ItemFailure(previous ? afterRetries(previous, attempt - 1, Date.now() - started) : timeoutWhileWaiting(settings.timeoutSeconds));
		}
		let failure: GatewayFailure;
		try {
			const answer = await aogRequest.call(this, 'POST', settings.route === 'native' ? NATIVE_ROUTE : STANDARD_ROUTE, { body, timeoutMs: remainingMs });
			const interpreted = (settings.route === 'native' ? interpretNativeAnswer : interpretStandardAnswer)({
				statusCode: answer.statusCode,
				contentType: headerValue(answer.headers, 'content-type'),
				body: answer.body,
				retryAfterHeader: headerValue(answer.headers, 'retry-after'),
			});
			if (!('message' in interpreted)) return interpreted;
			failure = interpreted;
		} catch (error) {
			failure = classifyRequestError(this, error, baseUrl, settings.timeoutSeconds);
		}
		if (!failure.retryable) throw new ItemFailure(failure);
		previous = failure;
		const delay = backoffDelayMs(attempt, failure.retryAfterMs);
		if (attempt >= MAX_SUBMIT_ATTEMPTS || Date.now() + delay >= deadline) throw new ItemFailure(afterRetries(failure, attempt, Date.now() - started));
		// A rate limit is the account's, so every item waits; a refused connection only delays this one.
		if (failure.httpCode === 'ECONNREFUSED' || failure.httpCode === 'ENOTFOUND') await sleepWithAbort(delay, signal);
		else backoff.pauseFor(delay);
	}
}

/** A retryable failure that outlasted the retries: say how often and how long the node tried. */
function afterRetries(failure: GatewayFailure, attempts: number, elapsedMs: number): GatewayFailure {
	if (attempts < 2) return failure;
	return { ...failure, description: `${failure.description} The node tried ${attempts} times over ${Math.round(elapsedMs / 1000)} s.` };
}

function timeoutWhileWaiting(timeoutSeconds: number): GatewayFailure {
	return {
		message: `The node's timeout of ${timeoutSeconds} s ran out while waiting to retry`,
		description: 'DashScope kept rate-limiting the account. Lower Options → Concurrency or raise Options → Timeout.',
		retryable: false,
		mayHaveBilled: false,
	};
}

function readSettings(this: IExecuteFunctions, itemIndex: number): Settings {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	if (prompt.length > MAX_PROMPT_LENGTH) {
		throw new InputError(`The prompt has ${prompt.length} characters; DashScope takes at most ${MAX_PROMPT_LENGTH}`, `DashScope would cut it off silently. Shorten it to ${MAX_PROMPT_LENGTH} characters.`);
	}
	const model = String(this.getNodeParameter('model', itemIndex, DEFAULT_MODEL, { extractValue: true }) ?? '').trim();
	const route = (options.route as Settings['route']) ?? 'standard';
	const native: Settings['native'] = {};
	for (const name of ['resolution', 'negativePrompt', 'seed', 'promptExtend', 'watermark'] as const) {
		if (options[name] !== undefined && options[name] !== '') (native as IDataObject)[name] = options[name];
	}
	const outputBinaryPropertyName = String(options.outputBinaryPropertyName ?? 'data').trim();
	if (!outputBinaryPropertyName) throw new InputError('Output Binary Field is empty', 'Name the binary field the MP4 is written to, for example "data".');
	return {
		imageSource: this.getNodeParameter('imageSource', itemIndex) as string,
		prompt,
		model: model || DEFAULT_MODEL,
		route,
		outputBinaryPropertyName,
		fileName: String(options.fileName ?? ''),
		downloadVideo: options.downloadVideo !== false,
		timeoutSeconds: readNumber.call(this, itemIndex, 'timeout', LIMITS.timeoutSeconds),
		maxVideoBytes: readNumber.call(this, itemIndex, 'maxVideoSizeMB', LIMITS.maxVideoSizeMB) * 1024 * 1024,
		validateImage: options.validateImage !== false,
		native,
	};
}

const OPTION_LABELS: Record<string, string> = { timeout: 'Timeout (Seconds)', concurrency: 'Concurrency', maxVideoSizeMB: 'Max Video Size (MB)' };

function readNumber(this: IExecuteFunctions, itemIndex: number, name: string, limits: { min: number; max: number; default: number }): number {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const raw = options[name] ?? limits.default;
	const value = typeof raw === 'number' ? raw : Number(raw);
	if (!Number.isFinite(value) || value < limits.min || value > limits.max) {
		const label = `Options → ${OPTION_LABELS[name] ?? name}`;
		throw new NodeOperationError(this.getNode(), `${label} is ${redactText(String(raw)).slice(0, 40)}, outside ${limits.min}–${limits.max}`, {
			itemIndex,
			description: `Set ${label} to a number between ${limits.min} and ${limits.max} (default ${limits.default}).`,
		});
	}
	return value;
}

function checkBaseUrl(this: IExecuteFunctions, baseUrl: string) {
	const url = parseUrl(baseUrl);
	const problem = !url || !/^https?:$/.test(url.protocol)
		? `"${redactUrl(baseUrl)}" is not an http(s) URL`
		: url.search || url.hash
			? 'it contains a query string or fragment'
			: undefined;
	if (problem) {
		throw new NodeOperationError(this.getNode(), `The AOG credential's Base URL is invalid: ${problem}`, {
			description: 'Use the gateway root with its scheme, for example http://127.0.0.1:16688 (a path prefix for a proxy is fine, a query string is not).',
		});
	}
}

async function knownSecrets(this: IExecuteFunctions): Promise<string[]> {
	const credentials = await this.getCredentials<{ apiKey?: string }>('aogApi');
	return credentials.apiKey ? [String(credentials.apiKey)] : [];
}

/** The one place errors become n8n errors: phrased for the user, naming the item, with no secret in them. */
function toNodeError(this: IExecuteFunctions, caught: unknown, itemIndex: number, secrets: string[]): NodeOperationError | NodeApiError {
	const where = ` [item ${itemIndex}]`;
	if (this.getExecutionCancelSignal()?.aborted && !(caught instanceof ItemFailure)) {
		// A wait or a download interrupted by the stop button. "canceled" (n8n's spelling) in the message makes
		// n8n record the run as canceled rather than failed.
		return new NodeOperationError(this.getNode(), `The execution was canceled${where}`, { itemIndex, description: 'Nothing was stored for this item.' });
	}
	if (caught instanceof ItemFailure) {
		const { failure } = caught;
		const message = redactText(failure.message, secrets) + where;
		const description = redactText(failure.description, secrets);
		const error = new NodeApiError(this.getNode(), { message, description } as JsonObject, { message, description, httpCode: failure.httpCode, itemIndex });
		// NodeApiError swaps the message for a generic one when httpCode is a network code (ECONNRESET, ECONNREFUSED…).
		error.message = message;
		return error;
	}
	if (caught instanceof InputError) {
		return new NodeOperationError(this.getNode(), redactText(caught.message, secrets) + where, { itemIndex, description: redactText(caught.description, secrets) });
	}
	// Anything else (an expression or binary-storage error) is rebuilt from its text alone, so no request
	// details it may carry (headers with the key) reach the output.
	const text = (caught instanceof Error ? caught.message : String(caught)).replace(/ \[item \d+\]$/, '');
	const description = (caught as { description?: unknown })?.description;
	return new NodeOperationError(this.getNode(), redactText(text, secrets) + where, {
		itemIndex,
		description: typeof description === 'string' ? redactText(description, secrets) : undefined,
	});
}
