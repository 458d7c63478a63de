// AOG's error answers (docs/AOG-API.md): which case an error status is, and DashScope's own error buried in AOG's
// message text.
import { AOG_SETUP_HINT, BILLING_WARNING, IMAGE_RULES, preview, type Explained } from '../dashscope/errors';
import type { Failure } from '../run/failures';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface GatewayAnswer {
	statusCode: number;
	contentType: string;
	body: string;
	retryAfterHeader?: string;
	/** The Location header of a redirect. */
	location?: string;
}

/** Where a user sets AOG up so that image-to-video works (the `aog install` command of v0.7 does not). */
export const SETUP_HINT = AOG_SETUP_HINT;

/**
 * DashScope's error codes, in words a user can act on, for a key that AOG holds (so the fix is in AOG, not in n8n).
 * The direct connection's texts are helpers/dashScopeErrors.ts.
 */
export function explainUpstream(status: number, code: string | undefined, upstreamMessage: string | undefined, fromTask = false): Explained {
	const said = upstreamMessage ? ` DashScope said: "${preview(upstreamMessage, 300)}".` : '';
	const base = { retryable: false, mayHaveBilled: false, upstreamCode: code };
	if (code === 'DataInspectionFailed' || code === 'DataInspection') {
		return { ...base, message: 'Content moderation blocked the request (DataInspectionFailed)', description: `Alibaba Cloud's moderation flagged the input image, the prompt or the generated video.${said} Use another image or reword the prompt.` };
	}
	if (code === 'InvalidParameter.DataInspection') {
		return { ...base, message: 'DashScope could not read the image (InvalidParameter.DataInspection)', description: `The image could not be downloaded or decoded upstream.${said} Re-encode it as JPEG or PNG; for an image URL, make sure it is public and not expired.` };
	}
	if (code === 'Arrearage') {
		return { ...base, message: 'The Alibaba Cloud account is in arrears (Arrearage)', description: `DashScope refuses work while the account has an overdue payment.${said} Top up the account in the Alibaba Cloud console, then run again.` };
	}
	if (code === 'InvalidApiKey' || status === 401) {
		return { ...base, message: 'The DashScope API key configured in AOG is invalid (InvalidApiKey)', description: `AOG holds the DashScope key, not n8n.${said} Store a valid Beijing-region key in AOG's image-to-video provider. ${AOG_SETUP_HINT}` };
	}
	if (code === 'AccessDenied' || status === 403) {
		return { ...base, message: `DashScope denied access${code ? ` (${code})` : ''}`, description: `The account behind AOG's key may not use this model.${said} Activate Tongyi Wanxiang image-to-video in Alibaba Cloud Model Studio (Beijing region) for that account.` };
	}
	if (code === 'Throttling.AllocationQuota') {
		const message = "The account's quota for this model is used up (Throttling.AllocationQuota)";
		const fix = "Waiting will not help: raise the quota in Alibaba Cloud Model Studio (Beijing region) for the account whose key AOG holds, wait for it to renew, or pick another model.";
		if (fromTask) return { ...base, message, description: `${said.trim()} ${fix}`.trim() };
		return { ...base, mayHaveBilled: true, message, description: `${said.trim()} ${fix} ${THROTTLED_POLL} ${BILLING_WARNING}`.trim() };
	}
	if (status === 429 || (code ?? '').startsWith('Throttling')) {
		const message = `DashScope is rate-limiting the account (${code ?? '429'})`;
		if (fromTask) return { ...base, message, description: `DashScope was too busy to run the task.${said} The node does not start a new task by itself: run the item again later, or lower Options → Concurrency.` };
		// Ambiguous through AOG (docs/AOG-API.md): a throttled poll of a created, billed task reads like a throttled submit.
		return {
			...base,
			mayHaveBilled: true,
			message,
			description: `DashScope allows about 2 submissions per second and 2 running tasks per account, and about 20 status queries per second.${said} ${THROTTLED_POLL} Lower Options → Concurrency to 1 or 2: AOG polls each running task twice a second. ${BILLING_WARNING}`,
		};
	}
	if (code === 'InvalidParameter' || status === 400) {
		return { ...base, message: `DashScope rejected the request${code ? ` (${code})` : ''}`, description: `${said.trim() || 'No reason was given.'} Check the image (${IMAGE_RULES}; a public URL) and the prompt (at most 800 characters).` };
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

/** What an error answer says, read once so that each case below is one line of matching. */
interface ErrorAnswer {
	status: number;
	businessCode: unknown;
	/** AOG's `message`, where it buries DashScope's own error. */
	text: string;
	/** The body was exactly `{}`. */
	emptyObject: boolean;
	upstream?: UpstreamError;
	retryAfterHeader?: string;
}

type ErrorCase = [name: string, matches: (answer: ErrorAnswer) => boolean, failure: (answer: ErrorAnswer) => Omit<Failure, 'httpCode'> & { httpCode?: string }];

const notBilled = { retryable: false, mayHaveBilled: false };

/**
 * AOG's error answers (docs/AOG-API.md), first match wins: the specific answers of the gateway, then DashScope's error
 * embedded in AOG's message, then what only a proxy in front of AOG sends, then the catch-alls.
 */
const ERROR_CASES: ErrorCase[] = [
	['no DashScope key stored in AOG', (a) => a.status === 400 && a.emptyObject, () => ({
		...notBilled,
		message: 'AOG has no DashScope key stored for image-to-video (it answered 400 {})',
		description: `AOG refuses the call without contacting DashScope when its image-to-video provider holds no key; AOG v0.7's install API (POST /aog/v0.2/service/install) leaves it that way. ${SETUP_HINT}`,
	})],
	['service not installed (10011)', (a) => a.status === 404 && (a.businessCode === 10011 || /service not found/i.test(a.text)), () => ({
		...notBilled,
		message: "AOG's image-to-video service is not installed",
		description: `Install the image-to-video service on the AOG host and store a Beijing-region DashScope key in it. ${SETUP_HINT}`,
	})],
	['model not registered (30003)', (a) => a.status === 404 && (a.businessCode === 30003 || /model not exist/i.test(a.text)), () => ({
		...notBilled,
		message: 'The model is not registered in AOG, or its image-to-video service is not installed',
		description: `AOG v0.7 answers both the same way (404, business code 30003). Pick a model from the list, or register the model and the service on the AOG host. ${SETUP_HINT}`,
	})],
	["DashScope's error inside AOG's message", (a) => a.upstream !== undefined, (a) => {
		const upstream = a.upstream!;
		const explained = explainUpstream(upstream.status, upstream.code, upstream.message);
		return {
			...explained,
			description: upstream.requestId ? `${explained.description} (DashScope request id ${upstream.requestId})` : explained.description,
			retryAfterMs: upstream.retryAfterSeconds !== undefined ? upstream.retryAfterSeconds * 1000 : undefined,
			httpCode: String(upstream.status),
		};
	}],
	['AOG gave up polling', (a) => /exceeded maximum number of retries .* polling task status/i.test(a.text), () => ({
		retryable: false,
		mayHaveBilled: true,
		message: 'AOG stopped waiting for the video after about one minute',
		description: `AOG polls DashScope at most 100 times (about 60 s) and then gives up without returning the task id, so this video cannot be fetched. AOG also submits a new task when DashScope answers with a server error, so two videos may be billed. ${BILLING_WARNING} To wait as long as the model needs, set Connect Via to "DashScope Directly" (the same DashScope key works); or, on AOG's native route, set Resolution to 480P, which finishes sooner.`,
	})],
	['image fields lost', (a) => /request param lost|unsupported image type/i.test(a.text), (a) => ({
		...notBilled,
		message: `AOG rejected the request: ${a.text}`,
		description: 'AOG did not find the image fields the node sent. A proxy in front of AOG may be rewriting the body; make sure it passes JSON through unchanged.',
	})],
	['a proxy refused access', (a) => a.status === 401 || a.status === 403, (a) => ({
		...notBilled,
		message: `The gateway refused access (${a.status})`,
		description: 'AOG itself checks no credentials, so this comes from a proxy in front of it: check the API Key in the AOG credential.',
	})],
	['a proxy rate-limits', (a) => a.status === 429, (a) => {
		// Delta-seconds only: Number('') is 0, and the transport gives '' for a missing header.
		const seconds = /^\s*\d+\s*$/.test(a.retryAfterHeader ?? '') ? Number(a.retryAfterHeader) : undefined;
		return {
			message: 'The gateway is rate-limiting requests (429)',
			description: 'A proxy in front of AOG asked the node to slow down. Lower Options → Concurrency.',
			retryable: true,
			retryAfterMs: seconds !== undefined ? seconds * 1000 : undefined,
			mayHaveBilled: false,
		};
	}],
	['AOG failed', (a) => a.status >= 500, (a) => ({
		retryable: false,
		mayHaveBilled: true,
		message: a.text ? `AOG failed (${a.status}): ${preview(a.text, 200)}` : `AOG failed with status ${a.status} and gave no details`,
		description: `AOG's logs on the gateway host have the cause. ${BILLING_WARNING}`,
	})],
	['anything else', () => true, (a) => ({
		...notBilled,
		message: `AOG answered with status ${a.status}${a.text ? `: ${preview(a.text, 200)}` : ''}`,
		description: "Check the credential's Base URL and that the gateway is AOG v0.7 or compatible.",
	})],
];

export function describeErrorStatus(answer: GatewayAnswer, json: Json): Failure {
	const text = typeof json.message === 'string' ? json.message : '';
	const errorAnswer: ErrorAnswer = {
		status: answer.statusCode,
		businessCode: json.business_code,
		text,
		emptyObject: answer.body.trim() === '{}',
		upstream: parseEmbeddedUpstreamError(text),
		retryAfterHeader: answer.retryAfterHeader,
	};
	const [, , failure] = ERROR_CASES.find(([, matches]) => matches(errorAnswer))!;
	return { httpCode: String(answer.statusCode), ...failure(errorAnswer) };
}

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

