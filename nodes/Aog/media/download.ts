// Downloads the generated MP4 from its signed link into n8n's binary storage. The request carries no key: each
// credential adds its key only for its own origin, and the storage host is another one.
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { ItemFailure, SSRF_ADVICE } from '../run/failures';
import { formatBytes } from './image';
import { Mp4Error, Mp4Inspector, type VideoMetadata } from './mp4';
import { redactUrl } from '../http/url';
import { headerValue, type Connection, type StreamResponse } from '../http/request';
import { errorCode, errorText, networkErrorKind } from '../http/networkErrors';
import { canceled, DownloadFailure, notMp4, statusFailure } from './downloadFailures';
import { watchStall } from './stallWatchdog';
import { tapStream } from './streamTap';
import { abortableSleep } from '../run/wait';

const MAX_REDIRECTS = 5;
const MAX_DOWNLOAD_ATTEMPTS = 3;
const RAISE_SIZE_LIMIT = 'Raise Options → Max Video Size (MB) if such a large file is expected.';

export interface DownloadedVideo {
	binary: IBinaryData;
	fileSize: number;
	metadata: VideoMetadata;
}

interface DownloadSettings {
	/** The node's connection: its credential adds nothing here (the storage host is another origin). */
	connection: Connection;
	timeoutSeconds: number;
	maxVideoBytes: number;
	/** The DashScope task that made the video, named in any failure so the video can be fetched again. */
	taskId?: string;
}

/**
 * Streams the MP4 from its signed URL into n8n's binary storage, checking on the way that the bytes are a whole
 * MP4 no larger than the cap. Only the moov index is kept in memory.
 */
export async function downloadVideo(
	this: IExecuteFunctions,
	url: string,
	fileName: string,
	settings: DownloadSettings,
): Promise<DownloadedVideo> {
	for (let attempt = 1; ; attempt++) {
		let failure: DownloadFailure;
		try {
			return await downloadOnce.call(this, url, fileName, settings);
		} catch (error) {
			failure = error instanceof DownloadFailure ? error : toDownloadFailure(this, error, settings.timeoutSeconds);
		}
		if (failure.retryable && attempt < MAX_DOWNLOAD_ATTEMPTS) {
			await abortableSleep(1000 * attempt, this.getExecutionCancelSignal());
			continue;
		}
		throw new ItemFailure({
			message: `The video was generated but could not be downloaded: ${failure.message}`,
			description: `${failure.description}${attempt > 1 ? ` The node tried ${attempt} times.` : ''} The video's address (valid about 24 hours) is ${redactUrl(url)}.${settings.taskId ? ` Get Task with the id ${settings.taskId} fetches it again within 24 hours.` : ''}`,
			retryable: false,
			mayHaveBilled: true,
			httpCode: failure.httpCode,
			taskId: settings.taskId,
		});
	}
}

async function downloadOnce(
	this: IExecuteFunctions,
	url: string,
	fileName: string,
	settings: DownloadSettings,
): Promise<DownloadedVideo> {
	const response = await followRedirects.call(this, url, settings.connection, settings.timeoutSeconds * 1000);
	const contentLength = Number(headerValue(response.headers, 'content-length') || NaN);
	if (contentLength > settings.maxVideoBytes) {
		response.body.destroy();
		throw new DownloadFailure(
			`the video is ${formatBytes(contentLength)}, larger than the ${formatBytes(settings.maxVideoBytes)} limit; nothing was downloaded`,
			RAISE_SIZE_LIMIT,
			false,
		);
	}

	const inspector = new Mp4Inspector();
	let lastChunkAt = Date.now();
	const tap = tapStream<DownloadFailure>(
		response.body,
		(chunk) => {
			lastChunkAt = Date.now();
			inspector.push(chunk);
			if (inspector.bytesReceived > settings.maxVideoBytes) {
				throw new DownloadFailure(
					`the video passed the ${formatBytes(settings.maxVideoBytes)} limit after ${formatBytes(inspector.bytesReceived)} (the storage host sent no size); the download was stopped`,
					RAISE_SIZE_LIMIT,
					false,
				);
			}
		},
		(error) => (error instanceof DownloadFailure ? error : notMp4(error)),
	);

	// A body that stalls, or an execution cancelled mid-download, is stopped here.
	const cancelSignal = this.getExecutionCancelSignal();
	const onCancel = () => tap.stop(canceled());
	cancelSignal?.addEventListener('abort', onCancel, { once: true });
	const watchdog = watchStall(
		settings.timeoutSeconds * 1000,
		() => lastChunkAt,
		() =>
			tap.stop(
				new DownloadFailure(
					`the storage host sent nothing for ${settings.timeoutSeconds} s after ${formatBytes(inspector.bytesReceived)}`,
					'The connection stalled. Raise Options → Timeout for a slow network.',
					true,
					'ETIMEDOUT',
				),
			),
	);

	let binary: IBinaryData;
	try {
		binary = await this.helpers.prepareBinaryData(response.body as unknown as Buffer, fileName, 'video/mp4');
	} catch (error) {
		throw tap.failure() ?? toDownloadFailure(this, error, settings.timeoutSeconds, inspector.bytesReceived);
	} finally {
		watchdog.stop();
		cancelSignal?.removeEventListener('abort', onCancel);
	}
	const tapFailure = tap.failure();
	if (tapFailure) throw tapFailure;
	if (Number.isFinite(contentLength) && inspector.bytesReceived !== contentLength) {
		throw new DownloadFailure(
			`the download stopped after ${inspector.bytesReceived} of ${contentLength} bytes`,
			'The connection to the storage host broke.',
			true,
		);
	}
	let metadata: VideoMetadata;
	try {
		metadata = inspector.finish();
	} catch (error) {
		const incomplete = error instanceof Mp4Error && /incomplete/.test(error.message);
		throw incomplete
			? new DownloadFailure(error.message, 'The connection to the storage host broke before the end of the file.', true)
			: notMp4(error);
	}
	binary.fileName = fileName;
	return { binary, fileSize: inspector.bytesReceived, metadata };
}

/** Follows at most MAX_REDIRECTS http(s) redirects, then checks the final answer is a video. */
async function followRedirects(
	this: IExecuteFunctions,
	url: string,
	connection: Connection,
	timeoutMs: number,
): Promise<StreamResponse> {
	let current = url;
	for (let hop = 0; ; hop++) {
		const response = await openDownload.call(this, current, connection, timeoutMs);
		const { statusCode } = response;
		if (statusCode >= 300 && statusCode < 400 && headerValue(response.headers, 'location')) {
			response.body.destroy();
			if (hop >= MAX_REDIRECTS) {
				throw new DownloadFailure(
					`the storage host redirected more than ${MAX_REDIRECTS} times`,
					'The video link leads into a redirect loop; the storage or a proxy is misconfigured.',
					false,
					String(statusCode),
				);
			}
			const next = new URL(headerValue(response.headers, 'location'), current);
			if (next.protocol !== 'http:' && next.protocol !== 'https:') {
				throw new DownloadFailure(
					`the storage host redirected to a ${next.protocol} address`,
					'Only http and https downloads are allowed.',
					false,
					String(statusCode),
				);
			}
			current = next.toString();
			continue;
		}
		if (statusCode !== 200) {
			response.body.destroy();
			throw statusFailure(statusCode);
		}
		const contentType = headerValue(response.headers, 'content-type').toLowerCase();
		if (/text\/|json|xml/.test(contentType)) {
			response.body.destroy();
			throw new DownloadFailure(
				`the video address served ${contentType.split(';')[0]} instead of an MP4`,
				'The link no longer points at the video (an error page or a proxy answered instead). Generate the video again.',
				false,
			);
		}
		return response;
	}
}

function toDownloadFailure(
	context: IExecuteFunctions,
	error: unknown,
	timeoutSeconds: number,
	bytesSoFar?: number,
): DownloadFailure {
	const kind = networkErrorKind(context, error);
	if (kind === 'cancelled') throw canceled();
	const progress = bytesSoFar ? ` after ${formatBytes(bytesSoFar)}` : '';
	if (kind === 'timeout')
		return new DownloadFailure(
			`the storage host sent nothing for ${timeoutSeconds} s${progress}`,
			'The connection stalled.',
			true,
			'ETIMEDOUT',
		);
	if (kind === 'blocked')
		return new DownloadFailure(`n8n blocked the download: ${errorText(error)}`, SSRF_ADVICE, false);
	return new DownloadFailure(
		`the connection failed${progress} (${errorCode(error) ?? 'network error'})`,
		'The connection to the storage host broke.',
		true,
		errorCode(error),
	);
}

/**
 * Opens a video download without following redirects (the caller follows at most a few, and checks each hop).
 * Through the active connection's credential, which adds no key for a host that is not its own.
 */
async function openDownload(
	this: IExecuteFunctions,
	url: string,
	connection: Connection,
	timeoutMs: number,
): Promise<StreamResponse> {
	return (await this.helpers.httpRequestWithAuthentication.call(this, connection, {
		method: 'GET',
		url,
		headers: { Accept: 'video/mp4,*/*;q=0.5', 'Accept-Encoding': 'identity' },
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		timeout: timeoutMs,
	})) as StreamResponse;
}
