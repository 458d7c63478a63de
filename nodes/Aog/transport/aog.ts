// The one place that talks HTTP. Every request goes through httpRequestWithAuthentication, whose credential
// adds the optional API key only for the gateway's own host (never for the video's storage host).
import type { IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

export type AogContext = IExecuteFunctions | ILoadOptionsFunctions;

export const STANDARD_ROUTE = '/aog/v0.2/services/image-to-video';
export const NATIVE_ROUTE = '/aog/v0.2/api_flavors/aliyun/v1/image-to-video';

/** The stream n8n gives for `encoding: 'stream'`, typed by what the node uses (importing 'stream' is not allowed). */
export interface ByteStream {
	on(event: 'data', listener: (chunk: Uint8Array) => void): this;
	on(event: 'error', listener: (error: Error) => void): this;
	on(event: 'newListener', listener: (event: string) => void): this;
	pause(): this;
	destroy(error?: Error): this;
	resume(): this;
}

export interface TextResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export interface StreamResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: ByteStream;
}

export async function gatewayBaseUrl(this: AogContext): Promise<string> {
	const credentials = await this.getCredentials<{ baseUrl: string }>('aogApi');
	return String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
}

/** Calls AOG and returns the raw answer, whatever its status or content type: the caller judges it. */
export async function aogRequest(
	this: AogContext,
	method: IHttpRequestMethods,
	path: string,
	/** A Buffer body is sent as it is (no copy); a string one is encoded as UTF-8. */
	options: { body?: string | Buffer; timeoutMs: number; qs?: Record<string, string | number> },
): Promise<TextResponse> {
	const baseUrl = await gatewayBaseUrl.call(this);
	const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'aogApi', {
		method,
		url: `${baseUrl}${path}`,
		qs: options.qs,
		headers: {
			Accept: 'application/json',
			// AOG forwards the client's headers upstream and can only decode gzip.
			'Accept-Encoding': 'identity',
			...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
		},
		body: options.body,
		encoding: 'text',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: options.timeoutMs,
	})) as { statusCode: number; headers: TextResponse['headers']; body: unknown };
	const body = typeof response.body === 'string' ? response.body : response.body === undefined ? '' : JSON.stringify(response.body);
	return { statusCode: response.statusCode, headers: response.headers ?? {}, body };
}

/**
 * Opens a video download without following redirects (the caller follows at most a few, and checks each hop).
 * The credential sends no key to a host that is not the gateway's.
 */
export async function openDownload(this: IExecuteFunctions, url: string, timeoutMs: number): Promise<StreamResponse> {
	const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'aogApi', {
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
	return response;
}

export function headerValue(headers: TextResponse['headers'], name: string): string {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
