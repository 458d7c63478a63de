// DashScope's errors as AOG relays them (docs/AOG-API.md): buried in AOG's message text, and explained for a key that
// AOG holds. AOG's own error answers are aog/errorCases.ts.
import { explainDashScopeError, preview, type Explained } from '../dashscope/errors';
import { IMAGE_RULES } from '../dashscope/errorTable';
import { isObject, type Json } from '../http/json';

/** Said wherever AOG may have created (and billed) a video whose id it never told. */
export const BILLING_WARNING =
	'The video may still be generated and billed upstream, so the node does not resubmit it automatically: check the DashScope console (Beijing region) before running this item again.';

/** Where AOG keeps the DashScope key and how to store it. */
export const AOG_SETUP_HINT =
	'Store the key with PUT /aog/v0.2/service_provider, in the control panel, or with "aog edit provider remote_aliyun_image-to-video -f file.json": see "Setting up AOG" in the README.';

const KEY_INDEPENDENT_CODES = [
	'DataInspectionFailed',
	'DataInspection',
	'InvalidParameter.DataInspection',
	'Arrearage',
];

/**
 * DashScope's error codes, in words a user can act on, for a key that AOG holds (so the fix is in AOG, not in n8n).
 * The direct connection's texts are dashscope/errors.ts.
 */
export function explainUpstream(
	status: number,
	code: string | undefined,
	upstreamMessage: string | undefined,
	fromTask = false,
): Explained {
	const said = upstreamMessage ? ` DashScope said: "${preview(upstreamMessage, 300)}".` : '';
	const base = { retryable: false, mayHaveBilled: false, upstreamCode: code };
	// Where the key lives makes no difference to these: DashScope's own table phrases them.
	if (code && KEY_INDEPENDENT_CODES.includes(code)) return explainDashScopeError(400, code, upstreamMessage);
	if (code === 'InvalidApiKey' || status === 401) {
		return {
			...base,
			message: 'The DashScope API key configured in AOG is invalid (InvalidApiKey)',
			description: `AOG holds the DashScope key, not n8n.${said} Store a valid Beijing-region key in AOG's image-to-video provider. ${AOG_SETUP_HINT}`,
		};
	}
	if (code === 'AccessDenied' || status === 403) {
		return {
			...base,
			message: `DashScope denied access${code ? ` (${code})` : ''}`,
			description: `The account behind AOG's key may not use this model.${said} Activate Tongyi Wanxiang image-to-video in Alibaba Cloud Model Studio (Beijing region) for that account.`,
		};
	}
	if (code === 'Throttling.AllocationQuota') {
		const message = "The account's quota for this model is used up (Throttling.AllocationQuota)";
		const fix =
			'Waiting will not help: raise the quota in Alibaba Cloud Model Studio (Beijing region) for the account whose key AOG holds, wait for it to renew, or pick another model.';
		if (fromTask) return { ...base, message, description: `${said.trim()} ${fix}`.trim() };
		return {
			...base,
			mayHaveBilled: true,
			message,
			description: `${said.trim()} ${fix} ${THROTTLED_POLL} ${BILLING_WARNING}`.trim(),
		};
	}
	if (status === 429 || (code ?? '').startsWith('Throttling')) {
		const message = `DashScope is rate-limiting the account (${code ?? '429'})`;
		if (fromTask)
			return {
				...base,
				message,
				description: `DashScope was too busy to run the task.${said} The node does not start a new task by itself: run the item again later, or lower Options → Concurrency.`,
			};
		// Ambiguous through AOG (docs/AOG-API.md): a throttled poll of a created, billed task reads like a throttled submit.
		return {
			...base,
			mayHaveBilled: true,
			message,
			description: `DashScope allows about 2 submissions per second and 2 running tasks per account, and about 20 status queries per second.${said} ${THROTTLED_POLL} Lower Options → Concurrency to 1 or 2: AOG polls each running task twice a second. ${BILLING_WARNING}`,
		};
	}
	if (code === 'InvalidParameter' || status === 400) {
		return {
			...base,
			message: `DashScope rejected the request${code ? ` (${code})` : ''}`,
			description: `${said.trim() || 'No reason was given.'} Check the image (${IMAGE_RULES}; a public URL) and the prompt (at most 800 characters).`,
		};
	}
	return {
		...base,
		mayHaveBilled: status >= 500,
		message: `DashScope answered ${status}${code ? ` (${code})` : ''}`,
		description: `${said.trim() || 'No reason was given.'}${status >= 500 ? ` ${BILLING_WARNING}` : ''}`,
	};
}

/** Why a throttling error relayed by AOG does not prove that no task exists (docs/AOG-API.md). */
const THROTTLED_POLL =
	'AOG relays a throttled status query of a task it already created exactly like a throttled submit, so a video may be generating although AOG gave up on it.';

export interface UpstreamError {
	status: number;
	code?: string;
	message?: string;
	requestId?: string;
	retryAfterSeconds?: number;
}

/**
 * Digs DashScope's status, code and message out of AOG's text, e.g.
 * `max retries exceeded: retryable error: HTTPErrorResponse{StatusCode: 429, Header: map[…], Body: {"code":"Throttling",…}}`.
 */
export function parseEmbeddedUpstreamError(text: string): UpstreamError | undefined {
	const statusMatch = /HTTPErrorResponse\{\s*StatusCode:\s*(\d{3})/.exec(text);
	if (!statusMatch) return undefined;
	const result: UpstreamError = { status: Number(statusMatch[1]) };
	const retryAfter = /Retry-After:\[(\d+)\]/i.exec(text);
	if (retryAfter) result.retryAfterSeconds = Number(retryAfter[1]);
	const bodyStart = text.indexOf('Body:', statusMatch.index);
	if (bodyStart !== -1) {
		const body = extractJsonObject(text, text.indexOf('{', bodyStart));
		if (body) {
			if (typeof body.code === 'string') result.code = body.code;
			if (typeof body.message === 'string') result.message = body.message;
			if (typeof body.request_id === 'string') result.requestId = body.request_id;
		}
	}
	return result;
}

/** Reads the balanced JSON object that starts at `start`, or undefined when it does not parse. */
function extractJsonObject(text: string, start: number): Json | undefined {
	if (start < 0) return undefined;
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const char = text[i];
		if (inString) {
			if (char === '\\') i++;
			else if (char === '"') inString = false;
		} else if (char === '"') inString = true;
		else if (char === '{') depth++;
		else if (char === '}' && --depth === 0) {
			try {
				const parsed: unknown = JSON.parse(text.slice(start, i + 1));
				return isObject(parsed) ? parsed : undefined;
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}
