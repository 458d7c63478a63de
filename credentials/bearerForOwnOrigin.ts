import type { IHttpRequestOptions } from 'n8n-workflow';

/**
 * Adds `Authorization: Bearer <key>` only to a request for the credential's own origin, so that the key never reaches
 * another host (a video storage host, a redirect target). Both credentials authenticate this way.
 */
export function bearerForOwnOrigin(
	requestOptions: IHttpRequestOptions,
	apiKey: unknown,
	baseUrl: string,
): IHttpRequestOptions {
	const key = typeof apiKey === 'string' ? apiKey.trim() : '';
	if (!key || !isOwnOrigin(requestOptions, baseUrl.trim())) return requestOptions;
	return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${key}` } };
}

function isOwnOrigin(requestOptions: IHttpRequestOptions, baseUrl: string): boolean {
	try {
		const target = new URL(requestOptions.url, requestOptions.baseURL ?? baseUrl);
		return target.origin === new URL(baseUrl).origin;
	} catch {
		return false;
	}
}
