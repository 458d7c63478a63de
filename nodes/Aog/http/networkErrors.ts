// What kind of network failure a request met. Whether it is safe to repeat the request depends on the kind: only a
// failure before the request reached the server (refused, unknown host) proves no job was created.
import type { IExecuteFunctions } from 'n8n-workflow';

import type { NetworkErrorKind } from '../run/failures';

/** The kind of a failed request, or 'cancelled' when the stop button aborted it. */
export function networkErrorKind(context: IExecuteFunctions, error: unknown): NetworkErrorKind | 'cancelled' {
	if (context.getExecutionCancelSignal()?.aborted) return 'cancelled';
	const code = errorCode(error) ?? '';
	const text = error instanceof Error ? error.message : '';
	// n8n's SSRF protection refuses before connecting; its error carries no system code.
	if (/blocked because it resolves to a restricted IP address|\bSSRF\b/i.test(text)) return 'blocked';
	if (code === 'ECONNREFUSED') return 'refused';
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'notFound';
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout of \d+ms exceeded/.test(text)) return 'timeout';
	if (
		code === 'ECONNRESET' ||
		code === 'EPIPE' ||
		code === 'ERR_STREAM_PREMATURE_CLOSE' ||
		/socket hang up|aborted/i.test(text)
	)
		return 'reset';
	if (/CERT|SSL|TLS/.test(code)) return 'tls';
	return 'other';
}

/**
 * n8n wraps request errors (NodeApiError → AxiosError → system error): the code may sit at any depth, and
 * httpRequestWithAuthentication's NodeApiError keeps it only as `httpCode` (its `cause` is not set).
 */
export function errorCode(error: unknown): string | undefined {
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

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The stop button is not a failure to describe: its error goes on to the item loop, which reports the item's job. */
export function rethrowIfStopped(kind: NetworkErrorKind | 'cancelled', error: unknown): NetworkErrorKind {
	if (kind === 'cancelled') throw error;
	return kind;
}
