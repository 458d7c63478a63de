// Requests to DashScope's async video API (docs/DASHSCOPE-API.md). The credential adds the key only for its region's
// host.
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { dashScopeBaseUrl } from '../../../credentials/DashScopeApi.credentials';
import { textRequest, type ConnectionSettings, type RequestContext, type TextResponse } from '../http/request';

/** Image to Video's endpoint. */
export const IMAGE_TO_VIDEO_PATH = '/api/v1/services/aigc/video-generation/video-synthesis';
export const taskPath = (taskId: string) => `/api/v1/tasks/${encodeURIComponent(taskId)}`;

/** The DashScope credential, read once per execution. */
export async function readDashScopeConnection(this: RequestContext): Promise<ConnectionSettings> {
	const credentials = await this.getCredentials<ICredentialDataDecryptedObject>('dashScopeApi');
	// Trimmed as the credential sends it: the key is also what every message is redacted of, and a pasted key often
	// ends in a newline that DashScope's echo of it would not contain.
	const secret = String(credentials.apiKey ?? '').trim();
	return {
		type: 'dashScopeApi',
		baseUrl: dashScopeBaseUrl(credentials),
		region: String(credentials.region ?? 'beijing'),
		secret: secret || undefined,
	};
}

/** Calls DashScope and returns the raw answer, whatever its status: the caller judges it. */
export async function dashScopeRequest(
	this: RequestContext,
	connection: ConnectionSettings,
	method: IHttpRequestMethods,
	path: string,
	options: {
		body?: string | Buffer;
		timeoutMs: number;
		qs?: Record<string, string | number>;
		headers?: Record<string, string>;
	},
): Promise<TextResponse> {
	return await textRequest.call(this, 'dashScopeApi', {
		method,
		url: `${connection.baseUrl}${path}`,
		...options,
		// Video synthesis exists only as an asynchronous task: without this header DashScope answers 403.
		headers: options.body !== undefined ? { 'X-DashScope-Async': 'enable', ...options.headers } : options.headers,
	});
}

/**
 * A cancel request that still goes out after the stop button: n8n ties every request of a node to the execution's
 * cancel signal (already aborted by then), unless the context it is called with has none. Best effort, short timeout.
 */
export async function cancelAfterStop(
	this: IExecuteFunctions,
	connection: ConnectionSettings,
	taskId: string,
	timeoutMs: number,
): Promise<TextResponse> {
	const detached = {
		getCredentials: this.getCredentials.bind(this),
		helpers: this.helpers,
		logger: this.logger,
	} as unknown as IExecuteFunctions;
	return await dashScopeRequest.call(detached, connection, 'POST', `${taskPath(taskId)}/cancel`, { timeoutMs });
}
