// Every request of the node goes through here or through the video download (media/download.ts), and always through
// httpRequestWithAuthentication: each credential adds its key only for its own origin, so no key reaches a video
// storage host. The backends (aog/request.ts, dashscope/request.ts) add their paths and headers.
import type { IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

import type { HttpAnswer } from './json';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

/** How the node connects: through the AOG gateway, or to DashScope directly. Also the credential's type name. */
export type Connection = 'aogApi' | 'dashScopeApi';

export function connectionOf(context: RequestContext): Connection {
	return context.getNodeParameter('authentication', 0, 'aogApi') === 'dashScopeApi' ? 'dashScopeApi' : 'aogApi';
}

/** The connection and its credential, read once per execution and handed to every item. */
export interface ConnectionSettings {
	type: Connection;
	/** The API root, without a trailing slash. */
	baseUrl: string;
	/** DashScope directly: the credential's region. */
	region: string;
	/** The credential's key (trimmed as it is sent), hidden from every text the node keeps or shows. */
	secret?: string;
}

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

export function headerValue(headers: TextResponse['headers'], name: string): string {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** What the answer interpreters read of a response. */
export function toAnswer(response: TextResponse): HttpAnswer {
	return {
		statusCode: response.statusCode,
		contentType: headerValue(response.headers, 'content-type'),
		body: response.body,
		retryAfterHeader: headerValue(response.headers, 'retry-after'),
		location: headerValue(response.headers, 'location'),
	};
}

export interface TextRequest {
	method: IHttpRequestMethods;
	url: string;
	/** A Buffer body is sent as it is (no copy); a string one is encoded as UTF-8. */
	body?: string | Buffer;
	timeoutMs: number;
	qs?: Record<string, string | number>;
	headers?: Record<string, string>;
}

/**
 * A JSON API call through the connection's credential, returning the raw answer whatever its status or content type:
 * the caller's interpreter judges it. Identity encoding: AOG can relay only gzip, and nothing here needs compression.
 */
export async function textRequest(
	this: RequestContext,
	connection: Connection,
	request: TextRequest,
): Promise<TextResponse> {
	// The node's own timeout aborts the request through the signal n8n attaches (the execution's, joined with it), so
	// the connection is closed: axios' own timeout leaves it open when redirects are not followed.
	const deadline = AbortSignal.timeout(request.timeoutMs);
	const execution = 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined;
	const signal = execution ? AbortSignal.any([execution, deadline]) : deadline;
	const context = Object.create(this, { getExecutionCancelSignal: { value: () => signal } }) as RequestContext;
	const response = (await this.helpers.httpRequestWithAuthentication
		.call(context, connection, {
			method: request.method,
			url: request.url,
			qs: request.qs,
			headers: {
				Accept: 'application/json',
				'Accept-Encoding': 'identity',
				...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
				...request.headers,
			},
			body: request.body,
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect is answered to the caller, never followed: n8n would re-add the key for the new address,
			// whatever its origin. The interpreters turn it into "the Base URL redirects to …".
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			// A backstop only: the deadline above comes first.
			timeout: request.timeoutMs + 1000,
		})
		.catch((error: unknown) => {
			// The caller classifies network errors (networkErrors.ts): the deadline is a timeout, not the stop button.
			throw deadline.aborted && !execution?.aborted
				? Object.assign(new Error(`timeout of ${request.timeoutMs}ms exceeded`), { code: 'ETIMEDOUT' })
				: error;
		})) as { statusCode: number; headers: TextResponse['headers']; body: unknown };
	const body = response.body;
	return {
		statusCode: response.statusCode,
		headers: response.headers ?? {},
		body: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
	};
}
