import { sleepWithAbort, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { ItemFailure } from '../../helpers/failures';
import { describeNetworkFailure, type GatewayFailure, type NetworkErrorKind } from '../../helpers/gatewayResponse';
import { formatBytes } from '../../helpers/image';
import { Mp4Error, Mp4Inspector, type VideoMetadata } from '../../helpers/mp4';
import { redactUrl } from '../../helpers/url';
import { headerValue, openDownload, type StreamResponse } from '../../transport';

const MAX_REDIRECTS = 5;
const MAX_DOWNLOAD_ATTEMPTS = 3;
const RAISE_SIZE_LIMIT = 'Raise Options → Max Video Size (MB) if such a large file is expected.';

export interface DownloadedVideo {
	binary: IBinaryData;
	fileSize: number;
	metadata: VideoMetadata;
}

interface DownloadSettings {
	timeoutSeconds: number;
	maxVideoBytes: number;
}

/** A download failure; `retryable` when a new GET may succeed (a GET never creates a video). */
class DownloadFailure extends Error {
	constructor(
		message: string,
		readonly description: string,
		readonly retryable: boolean,
		readonly httpCode?: string,
	) {
		super(message);
	}
}

/**
 * Streams the MP4 from its signed URL into n8n's binary storage, checking on the way that the bytes are a whole
 * MP4 no larger than the cap. Only the moov index is kept in memory.
 */
export async function downloadVideo(this: IExecuteFunctions, url: string, fileName: string, settings: DownloadSettings): Promise<DownloadedVideo> {
	for (let attempt = 1; ; attempt++) {
		let failure: DownloadFailure;
		try {
			return await downloadOnce.call(this, url, fileName, settings);
		} catch (error) {
			failure = error instanceof DownloadFailure ? error : toDownloadFailure(this, error, settings.timeoutSeconds);
		}
		if (failure.retryable && attempt < MAX_DOWNLOAD_ATTEMPTS) {
			await sleepWithAbort(1000 * attempt, this.getExecutionCancelSignal());
			continue;
		}
		throw new ItemFailure({
			message: `The video was generated but could not be downloaded: ${failure.message}`,
			description: `${failure.description}${attempt > 1 ? ` The node tried ${attempt} times.` : ''} The video's address (valid about 24 hours) is ${redactUrl(url)}.`,
			retryable: false,
			mayHaveBilled: true,
			httpCode: failure.httpCode,
		});
	}
}

async function downloadOnce(this: IExecuteFunctions, url: string, fileName: string, settings: DownloadSettings): Promise<DownloadedVideo> {
	const response = await followRedirects.call(this, url, settings.timeoutSeconds * 1000);
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
	let tapError: DownloadFailure | undefined;
	const body = response.body;
	const stop = (failure: DownloadFailure) => {
		tapError ??= failure;
		body.destroy(tapError);
	};
	let lastChunkAt = Date.now();
	// The tap sees every chunk whichever way n8n consumes the stream (pipe, 'data' events or async iteration).
	// The stream stays paused, buffering, until n8n's storage attaches its own reader.
	body.on('data', (chunk: Uint8Array) => {
		lastChunkAt = Date.now();
		if (tapError) return;
		try {
			inspector.push(chunk);
			if (inspector.bytesReceived > settings.maxVideoBytes) {
				throw new DownloadFailure(
					`the video passed the ${formatBytes(settings.maxVideoBytes)} limit after ${formatBytes(inspector.bytesReceived)} (the storage host sent no size); the download was stopped`,
					RAISE_SIZE_LIMIT,
					false,
				);
			}
		} catch (error) {
			stop(error instanceof DownloadFailure ? error : notMp4(error));
		}
	});
	body.on('error', () => {}); // reported through prepareBinaryData's rejection
	body.pause();
	body.on('newListener', (event: string) => {
		if (event === 'data') body.resume(); // a paused stream does not restart for a new 'data' listener by itself
	});

	// The request's timeout ends once the headers arrive: a body that stalls, or an execution cancelled
	// mid-download, is stopped here.
	const idleMs = settings.timeoutSeconds * 1000;
	const cancelSignal = this.getExecutionCancelSignal();
	const onCancel = () => stop(new DownloadFailure('the execution was canceled', 'Nothing was stored.', false));
	cancelSignal?.addEventListener('abort', onCancel, { once: true });
	const watchdog = watchStall(idleMs, () => lastChunkAt, () =>
		stop(new DownloadFailure(`the storage host sent nothing for ${settings.timeoutSeconds} s after ${formatBytes(inspector.bytesReceived)}`, 'The connection stalled. Raise Options → Timeout for a slow network.', true, 'ETIMEDOUT')),
	);

	let binary: IBinaryData;
	try {
		binary = await this.helpers.prepareBinaryData(body as unknown as Buffer, fileName, 'video/mp4');
	} catch (error) {
		throw tapError ?? toDownloadFailure(this, error, settings.timeoutSeconds, inspector.bytesReceived);
	} finally {
		watchdog.stop();
		cancelSignal?.removeEventListener('abort', onCancel);
	}
	if (tapError) throw tapError;
	if (Number.isFinite(contentLength) && inspector.bytesReceived !== contentLength) {
		throw new DownloadFailure(`the download stopped after ${inspector.bytesReceived} of ${contentLength} bytes`, 'The connection to the storage host broke.', true);
	}
	let metadata: VideoMetadata;
	try {
		metadata = inspector.finish();
	} catch (error) {
		const incomplete = error instanceof Mp4Error && /incomplete/.test(error.message);
		throw incomplete ? new DownloadFailure(error.message, 'The connection to the storage host broke before the end of the file.', true) : notMp4(error);
	}
	binary.fileName = fileName;
	return { binary, fileSize: inspector.bytesReceived, metadata };
}

/**
 * Calls `onStall` once when `lastActivity()` is older than `idleMs`. Waits with sleepWithAbort (nodes may not use
 * timers), one abort controller per wait so no listeners pile up.
 */
function watchStall(idleMs: number, lastActivity: () => number, onStall: () => void): { stop: () => void } {
	let stopped = false;
	let tick: AbortController | undefined;
	const interval = Math.max(50, Math.min(1000, idleMs / 4));
	void (async () => {
		while (!stopped) {
			tick = new AbortController();
			try {
				await sleepWithAbort(interval, tick.signal);
			} catch {
				return;
			}
			if (!stopped && Date.now() - lastActivity() >= idleMs) {
				onStall();
				return;
			}
		}
	})();
	return {
		stop: () => {
			stopped = true;
			tick?.abort();
		},
	};
}

/** Follows at most MAX_REDIRECTS http(s) redirects, then checks the final answer is a video. */
async function followRedirects(this: IExecuteFunctions, url: string, timeoutMs: number): Promise<StreamResponse> {
	let current = url;
	for (let hop = 0; ; hop++) {
		const response = await openDownload.call(this, current, timeoutMs);
		const { statusCode } = response;
		if (statusCode >= 300 && statusCode < 400 && headerValue(response.headers, 'location')) {
			response.body.destroy();
			if (hop >= MAX_REDIRECTS) {
				throw new DownloadFailure(`the storage host redirected more than ${MAX_REDIRECTS} times`, 'The video link leads into a redirect loop; the storage or a proxy is misconfigured.', false, String(statusCode));
			}
			const next = new URL(headerValue(response.headers, 'location'), current);
			if (next.protocol !== 'http:' && next.protocol !== 'https:') {
				throw new DownloadFailure(`the storage host redirected to a ${next.protocol} address`, 'Only http and https downloads are allowed.', false, String(statusCode));
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

function statusFailure(statusCode: number): DownloadFailure {
	if (statusCode === 403) {
		return new DownloadFailure('the storage host refused it (403): the signed link has expired or was altered', 'Links from DashScope expire about 24 hours after generation; download at once, or generate the video again.', false, '403');
	}
	if (statusCode === 404) {
		return new DownloadFailure('the storage host has no such file (404)', 'The video was removed or the link was altered. Generate the video again.', false, '404');
	}
	const retryable = statusCode >= 500 || statusCode === 429;
	return new DownloadFailure(
		`the storage host answered ${statusCode}`,
		retryable ? 'The storage host failed or is overloaded; try again later.' : 'The storage host refused the download. Generate the video again.',
		retryable,
		String(statusCode),
	);
}

function notMp4(error: unknown): DownloadFailure {
	const detail = error instanceof Error ? error.message : String(error);
	return new DownloadFailure(`the file is not a valid MP4: ${detail}`, 'The storage host returned something other than the generated video.', false);
}

function toDownloadFailure(context: IExecuteFunctions, error: unknown, timeoutSeconds: number, bytesSoFar?: number): DownloadFailure {
	const kind = networkErrorKind(context, error);
	if (kind === 'cancelled') throw new DownloadFailure('the execution was canceled', 'Nothing was stored.', false);
	const progress = bytesSoFar ? ` after ${formatBytes(bytesSoFar)}` : '';
	if (kind === 'timeout') return new DownloadFailure(`the storage host sent nothing for ${timeoutSeconds} s${progress}`, 'The connection stalled.', true, 'ETIMEDOUT');
	return new DownloadFailure(`the connection failed${progress} (${errorCode(error) ?? 'network error'})`, 'The connection to the storage host broke.', true, errorCode(error));
}

/** Classifies a failed POST to AOG. Cancelling the execution is not a failure to report: it is rethrown. */
export function classifyRequestError(context: IExecuteFunctions, error: unknown, baseUrl: string, timeoutSeconds: number): GatewayFailure {
	const kind = networkErrorKind(context, error);
	if (kind === 'cancelled') {
		// "canceled" (n8n's spelling) in the message makes n8n record the run as canceled rather than failed.
		throw new ItemFailure({ message: 'The execution was canceled while waiting for AOG', description: 'The request to AOG was aborted. AOG may still finish the video upstream (and it is billed).', retryable: false, mayHaveBilled: true });
	}
	const detail = error instanceof Error ? error.message : String(error);
	return describeNetworkFailure(kind, redactUrl(baseUrl), timeoutSeconds, detail);
}

function networkErrorKind(context: IExecuteFunctions, error: unknown): NetworkErrorKind | 'cancelled' {
	if (context.getExecutionCancelSignal()?.aborted) return 'cancelled';
	const code = errorCode(error) ?? '';
	const text = error instanceof Error ? error.message : '';
	if (code === 'ECONNREFUSED') return 'refused';
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'notFound';
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout of \d+ms exceeded/.test(text)) return 'timeout';
	if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || /socket hang up|aborted/i.test(text)) return 'reset';
	if (/CERT|SSL|TLS/.test(code)) return 'tls';
	return 'other';
}

/**
 * n8n wraps request errors (NodeApiError → AxiosError → system error): the code may sit at any depth, and
 * httpRequestWithAuthentication's NodeApiError keeps it only as `httpCode` (its `cause` is not set).
 */
function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		for (const key of ['code', 'httpCode'] as const) {
			const code = (current as Record<string, unknown>)[key];
			if (typeof code === 'string' && /^E[A-Z_]+$|^ERR_/.test(code)) return code;
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

