// The only code that talks HTTP: the AOG gateway (aog.ts), DashScope (dashScope.ts) and the video download
// (download.ts), every request through httpRequestWithAuthentication. Each credential adds its key only for its own
// origin, so no key reaches a video storage host.
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

/** How the node connects: through the AOG gateway, or to DashScope directly. Also the credential's type name. */
export type Connection = 'aogApi' | 'dashScopeApi';

export function connectionOf(context: RequestContext): Connection {
	return context.getNodeParameter('authentication', 0, 'aogApi') === 'dashScopeApi' ? 'dashScopeApi' : 'aogApi';
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

/** The body of a text answer, whatever n8n's HTTP client made of it. */
export function bodyText(body: unknown): string {
	return typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
}
