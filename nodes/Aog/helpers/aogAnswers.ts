// Reads AOG's answers, including every trap listed in AOG-CONTRACT.md, and says in plain words what happened,
// what to do, and whether trying again could create (and bill) a second video.

import type { Failure as GatewayFailure } from './failures';

export type { GatewayFailure };

export interface GenerationResult {
	id: string;
	videoUrl: string;
	taskId?: string;
	actualPrompt?: string;
	usage?: Record<string, unknown>;
}

export interface GatewayAnswer {
	statusCode: number;
	contentType: string;
	body: string;
	retryAfterHeader?: string;
}

export const INSTALL_COMMAND = `aog install image-to-video --remote --flavor aliyun --auth_key '{"api_key":"sk-…"}'`;
const BILLING_WARNING =
	'The video may still be generated and billed upstream, so the node does not resubmit it automatically: check the DashScope console (Beijing region) before running this item again.';

/** Interprets an answer of the standard route POST /aog/v0.2/services/image-to-video. */
export function interpretStandardAnswer(answer: GatewayAnswer): GenerationResult | GatewayFailure {
	const parsed = parseJsonAnswer(answer);
	if ('message' in parsed) return parsed;
	const json = parsed.json;
	if (answer.statusCode !== 200) return describeErrorStatus(answer, json);
	if (typeof json.id !== 'string' && typeof json.data !== 'string') {
		return aogHidNothing(`AOG answered 200 with JSON that is not an image-to-video result: ${preview(answer.body)}`);
	}
	if (json.data === undefined || json.data === null || json.data === '') {
		return {
			message: 'The generation task failed upstream; AOG does not say why',
			description: `DashScope ended the task as FAILED or UNKNOWN (request id ${String(json.id ?? 'unknown')}); AOG's standard route drops the reason. Common causes are content moderation of the generated video and images DashScope cannot use. Try another image or prompt, or set Options → Route to "Native", which reports DashScope's reason.`,
			retryable: false,
			mayHaveBilled: false,
		};
	}
	return checkVideoUrl(String(json.id ?? ''), json.data);
}

/** Interprets an answer of the native route POST /aog/v0.2/api_flavors/aliyun/v1/image-to-video. */
export function interpretNativeAnswer(answer: GatewayAnswer): GenerationResult | GatewayFailure {
	const parsed = parseJsonAnswer(answer);
	if ('message' in parsed) return parsed;
	const json = parsed.json;
	if (answer.statusCode !== 200) return describeErrorStatus(answer, json);
	const output = isObject(json.output) ? json.output : undefined;
	if (!output) return aogHidNothing(`AOG answered 200 without DashScope's "output": ${preview(answer.body)}`);
	const status = String(output.task_status ?? '');
	if (status !== 'SUCCEEDED') {
		const code = typeof output.code === 'string' ? output.code : undefined;
		const explained = explainUpstream(400, code, typeof output.message === 'string' ? output.message : undefined);
		return {
			...explained,
			message: `The generation task ended ${status || 'without a status'} upstream: ${explained.message}`,
			description: `${explained.description} (task id ${String(output.task_id ?? 'unknown')})`,
			retryable: false,
			mayHaveBilled: false,
		};
	}
	const result = checkVideoUrl(String(json.request_id ?? output.task_id ?? ''), output.video_url);
	if ('message' in result) return result;
	return {
		...result,
		taskId: typeof output.task_id === 'string' ? output.task_id : undefined,
		actualPrompt: typeof output.actual_prompt === 'string' ? output.actual_prompt : undefined,
		usage: isObject(json.usage) ? json.usage : undefined,
	};
}

function checkVideoUrl(id: string, data: unknown): GenerationResult | GatewayFailure {
	if (typeof data !== 'string' || !/^https?:\/\//i.test(data)) {
		return aogHidNothing(`AOG returned a video address that is not an http(s) URL (${preview(String(data), 60)})`);
	}
	return { id, videoUrl: data };
}

function aogHidNothing(message: string): GatewayFailure {
	return {
		message,
		description: `This is not an answer AOG normally gives: check that the credential's Base URL points at AOG (or a proxy that passes its answers through unchanged). ${BILLING_WARNING}`,
		retryable: false,
		mayHaveBilled: true,
	};
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonAnswer(answer: GatewayAnswer): { json: Json } | GatewayFailure {
	const type = answer.contentType.toLowerCase();
	const body = answer.body.trim();
	if (type.includes('text/html') || /^<!doctype html|^<html/i.test(body)) {
		if (answer.statusCode >= 400) return describeErrorStatus(answer, {});
		return {
			message: 'AOG answered with a web page (HTML) instead of JSON',
			description:
				"AOG answers every unknown /aog/v0.2/… path with its control panel's page, status 200. Set the credential's Base URL to the gateway root (default http://127.0.0.1:16688, no /aog/v0.2 at the end); behind a reverse proxy, make sure it forwards /aog/v0.2/services/image-to-video unchanged.",
			retryable: false,
			mayHaveBilled: false,
			httpCode: String(answer.statusCode),
		};
	}
	if (body === '') {
		if (answer.statusCode >= 400) return describeErrorStatus(answer, {});
		return aogHidNothing('AOG answered 200 with an empty body');
	}
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		if (answer.statusCode >= 400) return describeErrorStatus(answer, { message: body });
		return aogHidNothing(`AOG answered 200 with text that is not valid JSON: ${preview(body)}`);
	}
	if (!isObject(json)) {
		if (answer.statusCode >= 400) return describeErrorStatus(answer, {});
		return aogHidNothing(`AOG answered 200 with JSON that is not an object: ${preview(body)}`);
	}
	return { json };
}

function describeErrorStatus(answer: GatewayAnswer, json: Json): GatewayFailure {
	const status = answer.statusCode;
	const aogMessage = typeof json.message === 'string' ? json.message : '';
	const httpCode = String(status);
	if (status === 404 && (json.business_code === 10011 || /service not found/i.test(aogMessage))) {
		return {
			message: "AOG's image-to-video service is not installed",
			description: `Install it on the AOG host with: ${INSTALL_COMMAND} (a DashScope API key of the Beijing region).`,
			retryable: false, mayHaveBilled: false, httpCode,
		};
	}
	if (status === 404 && (json.business_code === 30003 || /model not exist/i.test(aogMessage))) {
		return {
			message: 'The chosen model is not installed in AOG',
			description: `Pick a model from the list (today only wan2.2-i2v-plus), or install the service and its model on the AOG host with: ${INSTALL_COMMAND}`,
			retryable: false, mayHaveBilled: false, httpCode,
		};
	}
	const upstream = parseEmbeddedUpstreamError(aogMessage);
	if (upstream) {
		const explained = explainUpstream(upstream.status, upstream.code, upstream.message);
		const retryAfterMs = upstream.retryAfterSeconds !== undefined ? upstream.retryAfterSeconds * 1000 : undefined;
		return {
			...explained,
			description: upstream.requestId ? `${explained.description} (DashScope request id ${upstream.requestId})` : explained.description,
			retryAfterMs,
			httpCode: String(upstream.status),
		};
	}
	if (/exceeded maximum number of retries .* polling task status/i.test(aogMessage)) {
		return {
			message: 'AOG stopped waiting for the video after about one minute',
			description: `AOG polls DashScope at most 100 times (about 60 s) and then gives up without returning the task id, so this video cannot be fetched. ${BILLING_WARNING} DashScope is often faster outside peak hours; the cap is built into AOG and cannot be raised.`,
			retryable: false, mayHaveBilled: true, httpCode,
		};
	}
	if (/request param lost|unsupported image type/i.test(aogMessage)) {
		return {
			message: `AOG rejected the request: ${aogMessage}`,
			description: 'AOG did not find the image fields the node sent. A proxy in front of AOG may be rewriting the body; make sure it passes JSON through unchanged.',
			retryable: false, mayHaveBilled: false, httpCode,
		};
	}
	if (status === 401 || status === 403) {
		return {
			message: `The gateway refused access (${status})`,
			description: 'AOG itself checks no credentials, so this comes from a proxy in front of it: check the API Key in the AOG credential.',
			retryable: false, mayHaveBilled: false, httpCode,
		};
	}
	if (status === 429) {
		// Delta-seconds only: Number('') is 0, and the transport gives '' for a missing header.
		const seconds = /^\s*\d+\s*$/.test(answer.retryAfterHeader ?? '') ? Number(answer.retryAfterHeader) : undefined;
		return {
			message: 'The gateway is rate-limiting requests (429)',
			description: 'A proxy in front of AOG asked the node to slow down. Lower Options → Concurrency.',
			retryable: true,
			retryAfterMs: seconds !== undefined ? seconds * 1000 : undefined,
			mayHaveBilled: false, httpCode,
		};
	}
	if (status >= 500) {
		return {
			message: aogMessage ? `AOG failed (${status}): ${preview(aogMessage, 200)}` : `AOG failed with status ${status} and gave no details`,
			description: `AOG's logs on the gateway host have the cause. ${BILLING_WARNING}`,
			retryable: false, mayHaveBilled: true, httpCode,
		};
	}
	return {
		message: `AOG answered with status ${status}${aogMessage ? `: ${preview(aogMessage, 200)}` : ''}`,
		description: "Check the credential's Base URL and that the gateway is AOG v0.7 or compatible.",
		retryable: false, mayHaveBilled: false, httpCode,
	};
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

type Explained = Pick<GatewayFailure, 'message' | 'description' | 'retryable' | 'mayHaveBilled' | 'upstreamCode'>;

/** DashScope's error codes, in words a user can act on. */
export function explainUpstream(status: number, code: string | undefined, upstreamMessage: string | undefined): Explained {
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
		return { ...base, message: 'The DashScope API key configured in AOG is invalid (InvalidApiKey)', description: `AOG holds the DashScope key, not n8n.${said} Re-install the service on the AOG host with a valid Beijing-region key: ${INSTALL_COMMAND}` };
	}
	if (code === 'AccessDenied' || status === 403) {
		return { ...base, message: `DashScope denied access${code ? ` (${code})` : ''}`, description: `The account behind AOG's key may not use this model.${said} Activate Tongyi Wanxiang image-to-video in Alibaba Cloud Model Studio (Beijing region) for that account.` };
	}
	if (status === 429 || (code ?? '').startsWith('Throttling')) {
		return { ...base, retryable: true, message: `DashScope is rate-limiting the account (${code ?? '429'})`, description: `DashScope allows about 2 submissions per second and 2 running tasks per account.${said} The node waits and retries by itself; if this persists, lower Options → Concurrency to 1 or 2.` };
	}
	if (code === 'InvalidParameter' || status === 400) {
		return { ...base, message: `DashScope rejected the request${code ? ` (${code})` : ''}`, description: `${said.trim() || 'No reason was given.'} Check the image (JPEG, PNG, BMP or WEBP; sides 360–2000 px; at most 10 MB; a public URL) and the prompt (at most 800 characters).` };
	}
	return {
		...base,
		mayHaveBilled: status >= 500,
		message: `DashScope answered ${status}${code ? ` (${code})` : ''}`,
		description: `${said.trim() || 'No reason was given.'}${status >= 500 ? ` ${BILLING_WARNING}` : ''}`,
	};
}

export type NetworkErrorKind = 'refused' | 'notFound' | 'reset' | 'timeout' | 'tls' | 'other';

/** Network failures of the job-creating POST: only those before the request reached AOG are safe to retry. */
export function describeNetworkFailure(kind: NetworkErrorKind, baseUrl: string, timeoutSeconds: number, detail: string): GatewayFailure {
	switch (kind) {
		case 'refused':
			return {
				message: `Cannot reach AOG at ${baseUrl}: connection refused`,
				description: 'AOG is not running or listens elsewhere. Start it with "aog server start". AOG binds 127.0.0.1:16688 only: n8n in Docker needs host networking or a reverse proxy on the host (see the README).',
				retryable: true, mayHaveBilled: false, httpCode: 'ECONNREFUSED',
			};
		case 'notFound':
			return {
				message: `Cannot reach AOG at ${baseUrl}: the host name does not resolve`,
				description: "Check the credential's Base URL.",
				retryable: true, mayHaveBilled: false, httpCode: 'ENOTFOUND',
			};
		case 'timeout':
			return {
				message: `AOG did not answer within ${timeoutSeconds} s`,
				description: `Generation usually takes one to a few minutes. Raise Options → Timeout if AOG is slow to answer. ${BILLING_WARNING}`,
				retryable: false, mayHaveBilled: true, httpCode: 'ETIMEDOUT',
			};
		case 'reset':
			return {
				message: 'The connection to AOG broke while the video was being generated',
				description: `AOG (or a proxy in front of it) closed the connection without an answer; it may have restarted. ${BILLING_WARNING}`,
				retryable: false, mayHaveBilled: true, httpCode: 'ECONNRESET',
			};
		case 'tls':
			return {
				message: `Cannot make a secure connection to ${baseUrl}`,
				description: `${detail}. Check the proxy's TLS certificate, or use http:// for a gateway on the same host.`,
				retryable: false, mayHaveBilled: false,
			};
		default:
			return {
				message: `The request to AOG failed: ${detail}`,
				description: `${BILLING_WARNING}`,
				retryable: false, mayHaveBilled: true,
			};
	}
}

function preview(text: string, max = 120): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
