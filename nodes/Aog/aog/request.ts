// Requests to the AOG gateway (docs/AOG-API.md). The credential adds the optional proxy key only for the gateway's
// own origin.
import type { IHttpRequestMethods } from 'n8n-workflow';

import { textRequest, type ConnectionSettings, type RequestContext, type TextResponse } from '../http/request';

export const STANDARD_ROUTE = '/aog/v0.2/services/image-to-video';
export const NATIVE_ROUTE = '/aog/v0.2/api_flavors/aliyun/v1/image-to-video';

/** The AOG credential, read once per execution. */
export async function readAogConnection(this: RequestContext): Promise<ConnectionSettings> {
	const credentials = await this.getCredentials<{ baseUrl?: string; apiKey?: string }>('aogApi');
	// The key trimmed as the credential sends it, so that an echo of it is found and hidden.
	const secret = credentials.apiKey ? String(credentials.apiKey).trim() : '';
	return {
		type: 'aogApi',
		baseUrl: String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, ''),
		region: 'beijing',
		secret: secret || undefined,
	};
}

/** Calls AOG and returns the raw answer, whatever its status or content type: the caller judges it. */
export async function aogRequest(
	this: RequestContext,
	connection: ConnectionSettings,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: string | Buffer; timeoutMs: number; qs?: Record<string, string | number> },
): Promise<TextResponse> {
	// AOG forwards the client's headers upstream and can only decode gzip (docs/AOG-API.md): textRequest asks for identity.
	return await textRequest.call(this, 'aogApi', { method, url: `${connection.baseUrl}${path}`, ...options });
}
