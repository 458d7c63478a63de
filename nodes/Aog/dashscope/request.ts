// Requests to DashScope's async video API (docs/DASHSCOPE-API.md). The credential adds the key only for its region's
// host.
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { dashScopeBaseUrl } from '../../../credentials/DashScopeApi.credentials';
import { textRequest, type RequestContext, type TextResponse } from '../http/request';

export const SUBMIT_PATH = '/api/v1/services/aigc/video-generation/video-synthesis';
export const taskPath = (taskId: string) => `/api/v1/tasks/${encodeURIComponent(taskId)}`;

export async function dashScopeCredentials(this: RequestContext): Promise<{ baseUrl: string; region: string; apiKey: string }> {
	const credentials = await this.getCredentials<ICredentialDataDecryptedObject>('dashScopeApi');
	// Trimmed as the credential sends it: the key is also what every message is redacted of, and a pasted key often
	// ends in a newline that DashScope's echo of it would not contain.
	return { baseUrl: dashScopeBaseUrl(credentials), region: String(credentials.region ?? 'beijing'), apiKey: String(credentials.apiKey ?? '').trim() };
}

/** Calls DashScope and returns the raw answer, whatever its status: the caller judges it. */
export async function dashScopeRequest(
	this: RequestContext,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: string | Buffer; timeoutMs: number; qs?: Record<string, string | number> },
): Promise<TextResponse> {
	const { baseUrl } = await dashScopeCredentials.call(this);
	return await textRequest.call(this, 'dashScopeApi', {
		method,
		url: `${baseUrl}${path}`,
		...options,
		// Video synthesis exists only as an asynchronous task: without this header DashScope answers 403.
		headers: options.body !== undefined ? { 'X-DashScope-Async': 'enable' } : undefined,
	});
}

/**
 * A cancel request that still goes out after the stop button: n8n ties every request of a node to the execution's
 * cancel signal (already aborted by then), unless the context it is called with has none. Best effort, short timeout.
 */
export async function cancelAfterStop(this: IExecuteFunctions, taskId: string, timeoutMs: number): Promise<TextResponse> {
	const detached = { getCredentials: this.getCredentials.bind(this), helpers: this.helpers, logger: this.logger } as unknown as IExecuteFunctions;
	return await dashScopeRequest.call(detached, 'POST', `${taskPath(taskId)}/cancel`, { timeoutMs });
}
