// Reads AOG's answers, including every trap listed in docs/AOG-API.md, and says in plain words what happened,
// what to do, and whether trying again could create (and bill) a second video.

import { isObject, type HttpAnswer, type Json } from '../http/json';
import { describeErrorStatus } from './errorCases';
import { BILLING_WARNING, explainUpstream } from './errors';
import { preview } from '../dashscope/errors';
import { blockedByN8n, type Failure, type NetworkErrorKind } from '../run/failures';
import { isRedirect, redirectFailure } from '../http/redirect';

export interface GenerationResult {
	id: string;
	videoUrl: string;
	taskId?: string;
	actualPrompt?: string;
	usage?: Record<string, unknown>;
}

/** Interprets an answer of the standard route POST /aog/v0.2/services/image-to-video. */
export function interpretStandardAnswer(answer: HttpAnswer): GenerationResult | Failure {
	if (isRedirect(answer.statusCode)) return redirectFailure('AOG', answer.statusCode, answer.location);
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
export function interpretNativeAnswer(answer: HttpAnswer): GenerationResult | Failure {
	if (isRedirect(answer.statusCode)) return redirectFailure('AOG', answer.statusCode, answer.location);
	const parsed = parseJsonAnswer(answer);
	if ('message' in parsed) return parsed;
	const json = parsed.json;
	if (answer.statusCode !== 200) return describeErrorStatus(answer, json);
	const output = isObject(json.output) ? json.output : undefined;
	if (!output) return aogHidNothing(`AOG answered 200 without DashScope's "output": ${preview(answer.body)}`);
	const status = String(output.task_status ?? '');
	if (status !== 'SUCCEEDED') {
		const code = typeof output.code === 'string' ? output.code : undefined;
		const explained = explainUpstream(400, code, typeof output.message === 'string' ? output.message : undefined, true);
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

function checkVideoUrl(id: string, data: unknown): GenerationResult | Failure {
	if (typeof data !== 'string' || !/^https?:\/\//i.test(data)) {
		return aogHidNothing(`AOG returned a video address that is not an http(s) URL (${preview(String(data), 60)})`);
	}
	return { id, videoUrl: data };
}

function aogHidNothing(message: string): Failure {
	return {
		message,
		description: `This is not an answer AOG normally gives: check that the credential's Base URL points at AOG (or a proxy that passes its answers through unchanged). ${BILLING_WARNING}`,
		retryable: false,
		mayHaveBilled: true,
	};
}

function parseJsonAnswer(answer: HttpAnswer): { json: Json } | Failure {
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

/** Network failures of the job-creating POST: only those before the request reached AOG are safe to retry. */
export function describeNetworkFailure(
	kind: NetworkErrorKind,
	baseUrl: string,
	timeoutSeconds: number,
	detail: string,
): Failure {
	switch (kind) {
		case 'refused':
			return {
				message: `Cannot reach AOG at ${baseUrl}: connection refused`,
				description:
					'AOG is not running or listens elsewhere. Start it with "aog server start". AOG binds 127.0.0.1:16688 only: n8n in Docker needs host networking or a reverse proxy on the host (see the README).',
				retryable: true,
				mayHaveBilled: false,
				httpCode: 'ECONNREFUSED',
			};
		case 'notFound':
			return {
				message: `Cannot reach AOG at ${baseUrl}: the host name does not resolve`,
				description: "Check the credential's Base URL.",
				retryable: true,
				mayHaveBilled: false,
				httpCode: 'ENOTFOUND',
			};
		case 'timeout':
			return {
				message: `AOG did not answer within ${timeoutSeconds} s`,
				description: `Generation usually takes one to a few minutes. Raise Options → Timeout if AOG is slow to answer. ${BILLING_WARNING}`,
				retryable: false,
				mayHaveBilled: true,
				httpCode: 'ETIMEDOUT',
			};
		case 'reset':
			return {
				message: 'The connection to AOG broke while the video was being generated',
				description: `AOG (or a proxy in front of it) closed the connection without an answer; it may have restarted. ${BILLING_WARNING}`,
				retryable: false,
				mayHaveBilled: true,
				httpCode: 'ECONNRESET',
			};
		case 'blocked':
			return blockedByN8n('AOG', baseUrl, detail);
		case 'tls':
			return {
				message: `Cannot make a secure connection to ${baseUrl}`,
				description: `${detail}. Check the proxy's TLS certificate, or use http:// for a gateway on the same host.`,
				retryable: false,
				mayHaveBilled: false,
			};
		default:
			return {
				message: `The request to AOG failed: ${detail}`,
				description: `${BILLING_WARNING}`,
				retryable: false,
				mayHaveBilled: true,
			};
	}
}
