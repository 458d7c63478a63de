// AOG's error answers as a table of cases (docs/AOG-API.md): which case an error status is, first match wins.
import { preview } from '../dashscope/errors';
import { retryAfterMs, type HttpAnswer, type Json } from '../http/json';
import type { Failure } from '../run/failures';
import {
	AOG_SETUP_HINT,
	BILLING_WARNING,
	explainUpstream,
	parseEmbeddedUpstreamError,
	type UpstreamError,
} from './errors';

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

type ErrorCase = [
	name: string,
	matches: (answer: ErrorAnswer) => boolean,
	failure: (answer: ErrorAnswer) => Omit<Failure, 'httpCode'> & { httpCode?: string },
];

const notBilled = { retryable: false, mayHaveBilled: false };

/**
 * AOG's error answers (docs/AOG-API.md), first match wins: the specific answers of the gateway, then DashScope's error
 * embedded in AOG's message, then what only a proxy in front of AOG sends, then the catch-alls.
 */
const ERROR_CASES: ErrorCase[] = [
	[
		'no DashScope key stored in AOG',
		(a) => a.status === 400 && a.emptyObject,
		() => ({
			...notBilled,
			message: 'AOG has no DashScope key stored for image-to-video (it answered 400 {})',
			description: `AOG refuses the call without contacting DashScope when its image-to-video provider holds no key; AOG v0.7's install API (POST /aog/v0.2/service/install) leaves it that way. ${AOG_SETUP_HINT}`,
		}),
	],
	[
		'service not installed (10011)',
		(a) => a.status === 404 && (a.businessCode === 10011 || /service not found/i.test(a.text)),
		() => ({
			...notBilled,
			message: "AOG's image-to-video service is not installed",
			description: `Install the image-to-video service on the AOG host and store a Beijing-region DashScope key in it. ${AOG_SETUP_HINT}`,
		}),
	],
	[
		'model not registered (30003)',
		(a) => a.status === 404 && (a.businessCode === 30003 || /model not exist/i.test(a.text)),
		() => ({
			...notBilled,
			message: 'The model is not registered in AOG, or its image-to-video service is not installed',
			description: `AOG v0.7 answers both the same way (404, business code 30003). Pick a model from the list, or register the model and the service on the AOG host. ${AOG_SETUP_HINT}`,
		}),
	],
	[
		"DashScope's error inside AOG's message",
		(a) => a.upstream !== undefined,
		(a) => {
			const upstream = a.upstream!;
			const explained = explainUpstream(upstream.status, upstream.code, upstream.message);
			return {
				...explained,
				description: upstream.requestId
					? `${explained.description} (DashScope request id ${upstream.requestId})`
					: explained.description,
				retryAfterMs: upstream.retryAfterSeconds !== undefined ? upstream.retryAfterSeconds * 1000 : undefined,
				httpCode: String(upstream.status),
			};
		},
	],
	[
		'AOG gave up polling',
		(a) => /exceeded maximum number of retries .* polling task status/i.test(a.text),
		() => ({
			retryable: false,
			mayHaveBilled: true,
			message: 'AOG stopped waiting for the video after about one minute',
			description: `AOG polls DashScope at most 100 times (about 60 s) and then gives up without returning the task id, so this video cannot be fetched. AOG also submits a new task when DashScope answers with a server error, so two videos may be billed. ${BILLING_WARNING} To wait as long as the model needs, set Connect Via to "DashScope Directly" (the same DashScope key works); or, on AOG's native route, set Resolution to 480P, which finishes sooner.`,
		}),
	],
	[
		'image fields lost',
		(a) => /request param lost|unsupported image type/i.test(a.text),
		(a) => ({
			...notBilled,
			message: `AOG rejected the request: ${a.text}`,
			description:
				'AOG did not find the image fields the node sent. A proxy in front of AOG may be rewriting the body; make sure it passes JSON through unchanged.',
		}),
	],
	[
		'a proxy refused access',
		(a) => a.status === 401 || a.status === 403,
		(a) => ({
			...notBilled,
			message: `The gateway refused access (${a.status})`,
			description:
				'AOG itself checks no credentials, so this comes from a proxy in front of it: check the API Key in the AOG credential.',
		}),
	],
	[
		'a proxy rate-limits',
		(a) => a.status === 429,
		(a) => {
			return {
				message: 'The gateway is rate-limiting requests (429)',
				description: 'A proxy in front of AOG asked the node to slow down. Lower Options → Concurrency.',
				retryable: true,
				retryAfterMs: retryAfterMs(a.retryAfterHeader),
				mayHaveBilled: false,
			};
		},
	],
	[
		'AOG failed',
		(a) => a.status >= 500,
		(a) => ({
			retryable: false,
			mayHaveBilled: true,
			message: a.text
				? `AOG failed (${a.status}): ${preview(a.text, 200)}`
				: `AOG failed with status ${a.status} and gave no details`,
			description: `AOG's logs on the gateway host have the cause. ${BILLING_WARNING}`,
		}),
	],
	[
		'anything else',
		() => true,
		(a) => ({
			...notBilled,
			message: `AOG answered with status ${a.status}${a.text ? `: ${preview(a.text, 200)}` : ''}`,
			description: "Check the credential's Base URL and that the gateway is AOG v0.7 or compatible.",
		}),
	],
];

export function describeErrorStatus(answer: HttpAnswer, json: Json): Failure {
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
