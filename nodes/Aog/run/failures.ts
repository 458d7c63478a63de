// The node's failure model, shared by both connections (AOG and DashScope directly): what the user reads, whether
// repeating the request is safe, and whether a video may exist (and be billed) although the node delivered none.

/** A failure phrased for the user. */
export interface Failure {
	message: string;
	description: string;
	/** True only when the answer proves no upstream job was created and waiting may help. */
	retryable: boolean;
	retryAfterMs?: number;
	/** True when a video may have been generated and billed although the node got none. */
	mayHaveBilled: boolean;
	httpCode?: string;
	/** DashScope's own error code (`InvalidParameter`, `Throttling.RateQuota`…), when known. */
	upstreamCode?: string;
	/** The DashScope task this failure belongs to, once one exists: every outcome after the submit names it. */
	taskId?: string;
}

/** A failure already phrased for the user, carried to the one place that turns it into an n8n error. */
export class ItemFailure extends Error {
	constructor(readonly failure: Failure) {
		super(failure.message);
	}
}

/** Bad input found before any request: the text is written for the user; the router wraps it in NodeOperationError. */
export class InputError extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

/** What kind of network failure a request met: only a failure before the request arrived proves no job exists. */
export type NetworkErrorKind = 'refused' | 'notFound' | 'reset' | 'timeout' | 'tls' | 'blocked' | 'other';

/**
 * n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED, n8n 2.12 and later) refused the address before sending
 * anything: loopback and private addresses are blocked by default, and a local AOG listens on 127.0.0.1.
 */
export function blockedByN8n(service: string, address: string, detail: string): Failure {
	return {
		message: `n8n blocked the request to ${service} at ${address}: ${detail}`,
		description: `Nothing was sent, so nothing is billed. ${SSRF_ADVICE}`,
		retryable: false,
		mayHaveBilled: false,
	};
}

export const SSRF_ADVICE =
	"n8n's SSRF protection blocks loopback and private addresses by default: allow this one with N8N_SSRF_ALLOWED_IP_RANGES (for example 127.0.0.1/32 for AOG on the same host) or N8N_SSRF_ALLOWED_HOSTNAMES, then restart n8n.";

/** Tells a failure from a result in the answer of an interpreter. */
export function isFailure(value: object): value is Failure {
	return 'retryable' in value && 'mayHaveBilled' in value;
}
