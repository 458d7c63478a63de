// DashScope's error codes in words a user can act on, for both connections: through AOG (the key lives in AOG) and
// directly (the key lives in the n8n credential). The table and what the node does per code: docs/DASHSCOPE-API.md.

import type { Failure } from '../run/failures';
import {
	DASHSCOPE_ERRORS,
	MAY_EXIST,
	reason,
	type DashScopeErrorRow,
	type DashScopeRegion,
	type ErrorContext,
} from './errorTable';

export type Explained = Pick<Failure, 'message' | 'description' | 'retryable' | 'mayHaveBilled' | 'upstreamCode'>;

/** The row for a code (exact match first, then a prefix row), or for the status alone when there is no code. */
export function findDashScopeError(status: number, code: string | undefined): DashScopeErrorRow | undefined {
	if (code) {
		const exact = DASHSCOPE_ERRORS.find((row) => row.codes.includes(code));
		if (exact) return exact;
		const prefixed = DASHSCOPE_ERRORS.find((row) =>
			row.codes.some((pattern) => pattern.endsWith('*') && code.startsWith(pattern.slice(0, -1))),
		);
		if (prefixed) return prefixed;
	}
	// Without a known code the status picks the family; 404 is left out: without ModelNotFound it is usually a wrong host.
	const family =
		status >= 500
			? 'InternalError'
			: (
					{ 400: 'InvalidParameter', 401: 'InvalidApiKey', 403: 'AccessDenied', 429: 'Throttling' } as Record<
						number,
						string
					>
				)[status];
	return family ? DASHSCOPE_ERRORS.find((row) => row.codes.includes(family)) : undefined;
}

/**
 * DashScope's error in words a user can act on, for the direct connection (the key is the n8n credential's; through
 * AOG, aog/errors.ts phrases them). `status` is the HTTP status (0 when the code comes from a FAILED task).
 */
export function explainDashScopeError(
	status: number,
	code: string | undefined,
	upstreamMessage: string | undefined,
	regionName?: DashScopeRegion,
): Explained {
	const said = upstreamMessage ? ` DashScope said: "${preview(upstreamMessage, 300)}".` : '';
	const context: ErrorContext = { said, code, status, region: regionName, upstreamMessage };
	const row = findDashScopeError(status, code);
	// A 5xx on the job-creating POST may hide a created task, whatever the code says.
	const mayHaveBilled = status >= 500;
	if (!row) {
		return {
			message: `DashScope answered ${status}${code ? ` (${code})` : ''}`,
			description: `${reason(context)}${mayHaveBilled ? ` ${MAY_EXIST(context)}` : ''}`,
			retryable: false,
			mayHaveBilled,
			upstreamCode: code,
		};
	}
	let description = row.description(context);
	if (mayHaveBilled && !row.codes.includes('InternalError')) description += ` ${MAY_EXIST(context)}`;
	return {
		message: row.message(context),
		description,
		retryable: row.retryable && !mayHaveBilled,
		mayHaveBilled,
		upstreamCode: code,
	};
}

/** The explanation of a FAILED task's code: the task exists, so nothing is retried and the submit advice does not apply. */
export function explainTaskError(
	code: string | undefined,
	upstreamMessage: string | undefined,
	regionName?: DashScopeRegion,
): Explained {
	const said = upstreamMessage ? ` DashScope said: "${preview(upstreamMessage, 300)}".` : '';
	const context: ErrorContext = { said, code, status: 0, region: regionName, upstreamMessage };
	const row = code ? findDashScopeError(0, code) : undefined;
	if (!row) {
		return {
			message: code ? `DashScope reported ${code}` : 'DashScope gave no reason',
			description: `${reason(context)} Run the item again, or try another image or prompt.`,
			retryable: false,
			mayHaveBilled: false,
			upstreamCode: code,
		};
	}
	return {
		message: row.message(context),
		description: (row.taskDescription ?? row.description)(context),
		retryable: false,
		mayHaveBilled: false,
		upstreamCode: code,
	};
}

export function preview(text: string, max = 120): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
