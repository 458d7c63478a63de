import {
	describeNetworkFailure,
	interpretNativeAnswer,
	interpretStandardAnswer,
	type GenerationResult,
} from '../../../../nodes/Aog/aog/answers';
import {
	AOG_SETUP_HINT as SETUP_HINT,
	BILLING_WARNING,
	explainUpstream,
	parseEmbeddedUpstreamError,
} from '../../../../nodes/Aog/aog/errors';
import type { HttpAnswer as GatewayAnswer } from '../../../../nodes/Aog/http/json';
import { ItemFailure, type Failure } from '../../../../nodes/Aog/run/failures';

// ---- AOG's answers, built the way the Go gateway builds them (see docs/AOG-API.md) ----

const JSON_TYPE = 'application/json; charset=utf-8';
const VIDEO_URL =
	'https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/ab/20251124/3f2a/video.mp4?Expires=1764043200&OSSAccessKeyId=LTAI5tExample&Signature=abc%2Bdef%3D';

/** Go's `%+v` of an http.Header (map[string][]string): keys sorted, values space-separated in brackets. */
function goHeader(headers: Record<string, string[]>): string {
	return `map[${Object.keys(headers)
		.sort()
		.map((key) => `${key}:[${headers[key].join(' ')}]`)
		.join(' ')}]`;
}

/** (*HTTPErrorResponse).Error(): fmt.Sprintf("HTTPErrorResponse{StatusCode: %d, Header: %+v, Body: %s}", …). */
function httpErrorResponse(status: number, body: string, extraHeaders: Record<string, string[]> = {}): string {
	const headers = {
		'Content-Type': ['application/json'],
		Date: ['Mon, 24 Nov 2025 04:00:00 GMT'],
		'Req-Cost-Time': ['12'],
		Server: ['istio-envoy'],
		Vary: ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers', 'Accept-Encoding'],
		'X-Request-Id': ['5b1c0ea3-1f0e-9a4b-8c3d-2e6f0a1b2c3d'],
		...extraHeaders,
	};
	return `HTTPErrorResponse{StatusCode: ${status}, Header: ${goHeader(headers)}, Body: ${body}}`;
}

const dashScopeBody = (code: string, message: string, requestId = 'b7d6a1c2-0000-4e5f-9a8b-123456789abc') =>
	JSON.stringify({ request_id: requestId, code, message });

/** AOG's error envelope. */
const aog = (statusCode: number, message: string, businessCode = 500): GatewayAnswer => ({
	statusCode,
	contentType: JSON_TYPE,
	body: JSON.stringify({ business_code: businessCode, message }),
});

const answer = (
	statusCode: number,
	body: string,
	contentType = JSON_TYPE,
	retryAfterHeader?: string,
): GatewayAnswer => ({ statusCode, contentType, body, retryAfterHeader });

function failure(result: GenerationResult | Failure): Failure {
	expect(result).toHaveProperty('message');
	expect(result).toHaveProperty('description');
	return result as Failure;
}

const BILLING = /may still be generated and billed upstream.*DashScope console/;

describe('success', () => {
	it('returns the request id and the signed video URL of the standard route', () => {
		expect(interpretStandardAnswer(answer(200, JSON.stringify({ id: 'b7d6a1c2-0000', data: VIDEO_URL })))).toEqual({
			id: 'b7d6a1c2-0000',
			videoUrl: VIDEO_URL,
		});
	});

	it('accepts JSON with surrounding whitespace and a content type without charset', () => {
		expect(
			interpretStandardAnswer(
				answer(200, `\n  ${JSON.stringify({ id: 'x', data: 'http://127.0.0.1:9000/v.mp4' })}\n`, 'application/json'),
			),
		).toEqual({ id: 'x', videoUrl: 'http://127.0.0.1:9000/v.mp4' });
	});
});

describe('every failure row of docs/AOG-API.md (standard route)', () => {
	it('upstream task FAILED/UNKNOWN: 200 {"id"} without data', () => {
		for (const body of [{ id: 'req-1' }, { id: 'req-1', data: '' }, { id: 'req-1', data: null }]) {
			const result = failure(interpretStandardAnswer(answer(200, JSON.stringify(body))));
			expect(result.message).toBe('The generation task failed upstream; AOG does not say why');
			expect(result.description).toContain('request id req-1');
			expect(result.description).toMatch(/Route to "Native", which reports DashScope's reason/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false });
		}
	});

	it('AOG stopped polling after 100 polls: 500, the task may still be billed, never resubmitted', () => {
		const result = failure(
			interpretStandardAnswer(aog(500, 'exceeded maximum number of retries (100) while polling task status')),
		);
		expect(result.message).toBe('AOG stopped waiting for the video after about one minute');
		expect(result.description).toMatch(/at most 100 times \(about 60 s\)/);
		expect(result.description).toMatch(BILLING);
		// AOG re-submits on an upstream 5xx; the way out is the direct connection, or 480P on the native route.
		expect(result.description).toMatch(
			/submits a new task when DashScope answers with a server error, so two videos may be billed/,
		);
		expect(result.description).toMatch(/set Connect Via to "DashScope Directly" \(the same DashScope key works\)/);
		expect(result.description).toMatch(/native route, set Resolution to 480P/);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, httpCode: '500' });
	});

	describe('upstream rejection embedded in a 500 as HTTPErrorResponse{…}', () => {
		const PREFIXES = ['', 'max retries exceeded: retryable error: '];

		it.each(PREFIXES)('InvalidParameter (400), prefix %j', (prefix) => {
			const body = dashScopeBody('InvalidParameter', 'The image resolution is invalid: width 200 is smaller than 360.');
			const result = failure(interpretStandardAnswer(aog(500, prefix + httpErrorResponse(400, body))));
			expect(result.message).toBe('DashScope rejected the request (InvalidParameter)');
			expect(result.description).toContain(
				'DashScope said: "The image resolution is invalid: width 200 is smaller than 360."',
			);
			expect(result.description).toMatch(/JPEG, PNG, BMP or WEBP; sides 360–2000 px; at most 10 MB/);
			expect(result.description).toContain('(DashScope request id b7d6a1c2-0000-4e5f-9a8b-123456789abc)');
			expect(result).toMatchObject({
				retryable: false,
				mayHaveBilled: false,
				httpCode: '400',
				upstreamCode: 'InvalidParameter',
			});
			expect(result.retryAfterMs).toBeUndefined();
		});

		it.each(PREFIXES)('DataInspectionFailed (moderation), prefix %j', (prefix) => {
			const body = dashScopeBody('DataInspectionFailed', 'Input data may contain inappropriate content.');
			const result = failure(interpretStandardAnswer(aog(500, prefix + httpErrorResponse(400, body))));
			expect(result.message).toBe('Content moderation blocked the request (DataInspectionFailed)');
			expect(result.description).toMatch(/Use another image or reword the prompt/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, upstreamCode: 'DataInspectionFailed' });
		});

		it('InvalidParameter.DataInspection (unreadable image)', () => {
			const body = dashScopeBody(
				'InvalidParameter.DataInspection',
				'Download the media resource timed out during the data inspection process.',
			);
			const result = failure(interpretStandardAnswer(aog(500, httpErrorResponse(400, body))));
			expect(result.message).toBe('DashScope could not read the image (InvalidParameter.DataInspection)');
			expect(result.description).toMatch(/public \(not localhost.*re-encode it as JPEG or PNG/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false });
		});

		it('Arrearage (account unpaid)', () => {
			const body = dashScopeBody('Arrearage', 'Access denied, please make sure your account is in good standing.');
			const result = failure(interpretStandardAnswer(aog(500, httpErrorResponse(400, body))));
			expect(result.message).toBe('The Alibaba Cloud account is in arrears (Arrearage)');
			expect(result.description).toMatch(/Top up the account/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false });
		});

		it('InvalidApiKey (401): the fix is storing a valid key in AOG (the working way, not the broken install command)', () => {
			const body = dashScopeBody('InvalidApiKey', 'Invalid API-key provided.');
			const result = failure(interpretStandardAnswer(aog(500, httpErrorResponse(401, body))));
			expect(result.message).toBe('The DashScope API key configured in AOG is invalid (InvalidApiKey)');
			expect(result.description).toMatch(/image-to-video provider/);
			expect(result.description).toContain('Setting up AOG');
			expect(result.description).not.toMatch(/aog install|--flavor aliyun/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: '401' });
		});

		it('AccessDenied (403)', () => {
			const body = dashScopeBody('AccessDenied', 'Access denied.');
			const result = failure(interpretStandardAnswer(aog(500, httpErrorResponse(403, body))));
			expect(result.message).toBe('DashScope denied access (AccessDenied)');
			expect(result.description).toMatch(/Activate Tongyi Wanxiang image-to-video in Alibaba Cloud Model Studio/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: '403' });
		});

		it.each([
			['Throttling', 'Requests throttling triggered.', 'DashScope is rate-limiting the account (Throttling)'],
			[
				'Throttling.RateQuota',
				'Requests rate limit exceeded, please try again later.',
				'DashScope is rate-limiting the account (Throttling.RateQuota)',
			],
			[
				'Throttling.AllocationQuota',
				'Allocated quota exceeded, please increase your quota limit.',
				"The account's quota for this model is used up (Throttling.AllocationQuota)",
			],
		])(
			'%s (429) embedded by AOG is ambiguous (a throttled poll reads the same): not retried, may have billed',
			(code, message, said) => {
				for (const prefix of PREFIXES) {
					const text = prefix + httpErrorResponse(429, dashScopeBody(code, message), { 'Retry-After': ['7'] });
					expect(text).toContain('Retry-After:[7]');
					const result = failure(interpretStandardAnswer(aog(500, text)));
					expect(result.message).toBe(said);
					expect(result.description).toContain(BILLING_WARNING);
					expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, httpCode: '429', upstreamCode: code });
					expect(failure(interpretNativeAnswer(aog(500, text)))).toMatchObject({
						retryable: false,
						mayHaveBilled: true,
					});
				}
			},
		);

		it('an upstream 5xx that AOG retried by submitting again: may have billed, not retryable', () => {
			const text = `max retries exceeded: retryable error: ${httpErrorResponse(500, dashScopeBody('InternalError', 'An internal error has occured, please try again later.'))}`;
			const result = failure(interpretStandardAnswer(aog(500, text)));
			expect(result.message).toBe('DashScope answered 500 (InternalError)');
			expect(result.description).toMatch(BILLING);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, httpCode: '500' });
		});

		it('a body with braces and escaped quotes inside strings, and non-ASCII text', () => {
			const body = dashScopeBody('InvalidParameter', 'Field {"img_url"} is invalid: 图片格式不支持 } {');
			const result = failure(interpretStandardAnswer(aog(500, httpErrorResponse(400, body))));
			expect(result.description).toContain('DashScope said: "Field {"img_url"} is invalid: 图片格式不支持 } {"');
		});

		it('a binary or unreadable body: the status alone decides', () => {
			const text = httpErrorResponse(503, '<Binary Data: 1532 bytes>', {
				'Content-Type': ['application/octet-stream'],
			});
			const result = failure(interpretStandardAnswer(aog(500, text)));
			expect(result.message).toBe('DashScope answered 503');
			expect(result.description).toMatch(/^No reason was given\./);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, httpCode: '503' });
		});
	});

	it('model not registered or service not installed (AOG v0.7 answers both the same): 404 business_code 30003', () => {
		const result = failure(interpretStandardAnswer(aog(404, 'model not exist', 30003)));
		expect(result.message).toBe('The model is not registered in AOG, or its image-to-video service is not installed');
		expect(result.description).toMatch(/answers both the same way/);
		expect(result.description).toContain(SETUP_HINT);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: '404' });
	});

	it('service not installed: 404 business_code 10011 (other AOG-compatible gateways), with the way that works', () => {
		const result = failure(interpretStandardAnswer(aog(404, 'service not found', 10011)));
		expect(result.message).toBe("AOG's image-to-video service is not installed");
		expect(result.description).toBe(
			`Install the image-to-video service on the AOG host and store a Beijing-region DashScope key in it. ${SETUP_HINT}`,
		);
		expect(SETUP_HINT).toMatch(/PUT \/aog\/v0\.2\/service_provider/);
		expect(SETUP_HINT).not.toMatch(/aog install/);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: '404' });
	});

	it.each(['image_type request param lost', 'image request param lost', 'unsupported image type'])(
		'image/image_type inconsistent: 500 "middleware execution failed: %s"',
		(text) => {
			const message = `middleware execution failed: ${text}`;
			const result = failure(interpretStandardAnswer(aog(500, message)));
			expect(result.message).toBe(`AOG rejected the request: ${message}`);
			expect(result.description).toMatch(/proxy in front of AOG may be rewriting the body/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: '500' });
		},
	);

	it("body not JSON: 500 with Go's JSON parser error, as raw text or in the envelope", () => {
		// The text alone cannot prove no task was created (AOG's poller parses upstream JSON too): warn about billing.
		for (const given of [
			answer(500, "invalid character 'o' looking for beginning of object key string", 'text/plain; charset=utf-8'),
			aog(500, "middleware execution failed: invalid character 'o' looking for beginning of object key string"),
			aog(500, 'unexpected end of JSON input'),
		]) {
			const result = failure(interpretStandardAnswer(given));
			expect(result.message).toMatch(
				/^AOG failed \(500\): .*(invalid character 'o' looking for beginning of object key string|unexpected end of JSON input)$/,
			);
			expect(result.description).toMatch(/AOG's logs on the gateway host have the cause/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, httpCode: '500' });
		}
	});

	it.each([500, 502, 504])('some wrapped errors: status %i with an empty {} body', (status) => {
		const result = failure(interpretStandardAnswer(answer(status, '{}')));
		expect(result.message).toBe(`AOG failed with status ${status} and gave no details`);
		expect(result.description).toMatch(BILLING);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, httpCode: String(status) });
	});

	it('400 {}: AOG has no DashScope key stored for image-to-video, with the fix', () => {
		const result = failure(interpretStandardAnswer(answer(400, '{}')));
		expect(result.message).toBe('AOG has no DashScope key stored for image-to-video (it answered 400 {})');
		expect(result.description).toContain(SETUP_HINT);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: '400' });
	});

	it('a 4xx with an empty body (or another empty {} status) names the status and points at the Base URL', () => {
		for (const [status, body] of [
			[400, ''],
			[409, '{}'],
		] as const) {
			const result = failure(interpretStandardAnswer(answer(status, body)));
			expect(result.message).toBe(`AOG answered with status ${status}`);
			expect(result.description).toMatch(/Base URL/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: String(status) });
		}
	});

	it('an unknown 404 that is neither model nor service', () => {
		const result = failure(interpretStandardAnswer(aog(404, 'page not found', 404)));
		expect(result.message).toBe('AOG answered with status 404: page not found');
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false });
	});
});

describe('answers AOG does not normally give (the traps)', () => {
	const HTML =
		'<!DOCTYPE html>\n<html lang="en"><head><title>AOG</title></head><body><div id="root"></div></body></html>';

	it('HTML with status 200 (an unknown /aog/v0.2 path): points at the Base URL', () => {
		for (const given of [
			answer(200, HTML, 'text/html; charset=utf-8'),
			answer(200, HTML, 'application/octet-stream'),
			answer(200, '<html><body>x</body></html>', ''),
		]) {
			const result = failure(interpretStandardAnswer(given));
			expect(result.message).toBe('AOG answered with a web page (HTML) instead of JSON');
			expect(result.description).toMatch(
				/Base URL to the gateway root \(default http:\/\/127\.0\.0\.1:16688, no \/aog\/v0\.2 at the end\)/,
			);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: '200' });
		}
	});

	it.each([
		['an empty 200', '', 'AOG answered 200 with an empty body'],
		[
			'a 200 cut in the middle of its JSON',
			`{"id":"req-1","data":"${VIDEO_URL.slice(0, 40)}`,
			/^AOG answered 200 with text that is not valid JSON: \{"id":"req-1"/,
		],
		['a 200 with a JSON array', '[]', 'AOG answered 200 with JSON that is not an object: []'],
		['a 200 with a JSON string', '"ok"', 'AOG answered 200 with JSON that is not an object: "ok"'],
		[
			'a 200 with the health envelope',
			'{"business_code":80000,"message":"health interface call success","data":{"status":"UP"}}',
			/^AOG answered 200 with JSON that is not an image-to-video result/,
		],
		[
			'a 200 whose data is not a URL',
			'{"id":"req-1","data":"oss://bucket/video.mp4"}',
			'AOG returned a video address that is not an http(s) URL (oss://bucket/video.mp4)',
		],
		[
			'a 200 whose data is a local path',
			'{"id":"req-1","data":"/var/lib/aog/video.mp4"}',
			/not an http\(s\) URL \(\/var\/lib\/aog\/video\.mp4\)/,
		],
		[
			'a 200 whose data is an object',
			'{"id":"req-1","data":{"url":"https://x"}}',
			/not an http\(s\) URL \(\[object Object\]\)/,
		],
	])('%s: may have billed (the POST reached AOG), not retried', (_name, body, message) => {
		const result = failure(interpretStandardAnswer(answer(200, body)));
		expect(result.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
		expect(result.description).toMatch(/check that the credential's Base URL points at AOG/);
		expect(result.description).toMatch(BILLING);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true });
	});

	it('shortens a long malformed body in the message', () => {
		const result = failure(interpretStandardAnswer(answer(200, `not json ${'x'.repeat(5000)}`)));
		expect(result.message.length).toBeLessThan(200);
		expect(result.message.endsWith('…')).toBe(true);
	});
});

describe('a proxy in front of AOG', () => {
	it.each([401, 403])('%i: the API key of the credential', (status) => {
		for (const given of [
			answer(status, '{"message":"Unauthorized"}'),
			answer(status, '<html><head><title>401 Authorization Required</title></head></html>', 'text/html'),
		]) {
			const result = failure(interpretStandardAnswer(given));
			expect(result.message).toBe(`The gateway refused access (${status})`);
			expect(result.description).toMatch(/AOG itself checks no credentials.*check the API Key in the AOG credential/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: String(status) });
		}
	});

	it('429 with Retry-After seconds: retryable after that delay', () => {
		const result = failure(interpretStandardAnswer(answer(429, '<html>Too Many Requests</html>', 'text/html', '12')));
		expect(result.message).toBe('The gateway is rate-limiting requests (429)');
		expect(result).toMatchObject({ retryable: true, mayHaveBilled: false, retryAfterMs: 12000, httpCode: '429' });
		expect(failure(interpretStandardAnswer(answer(429, '{}', JSON_TYPE, '0'))).retryAfterMs).toBe(0);
	});

	it.each([
		['absent', undefined],
		['empty (the transport gives "" for a missing header)', ''],
		['an HTTP date', 'Wed, 21 Oct 2026 07:28:00 GMT'],
		['negative', '-5'],
		['garbage', 'soon'],
	])('429 with Retry-After %s: no server-given delay', (_name, header) => {
		const result = failure(interpretStandardAnswer(answer(429, '', JSON_TYPE, header)));
		expect(result).toMatchObject({ retryable: true, mayHaveBilled: false });
		expect(result.retryAfterMs).toBeUndefined();
	});

	it('502 from the proxy (HTML): AOG may have started the job', () => {
		const result = failure(
			interpretStandardAnswer(answer(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html')),
		);
		expect(result.message).toBe('AOG failed with status 502 and gave no details');
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true });
	});
});

describe('network failures of the POST', () => {
	const base = 'http://127.0.0.1:16688';

	it('connection refused: AOG not running, safe to retry, with the Docker hint', () => {
		const result = describeNetworkFailure('refused', base, 600, 'connect ECONNREFUSED 127.0.0.1:16688');
		expect(result.message).toBe('Cannot reach AOG at http://127.0.0.1:16688: connection refused');
		expect(result.description).toMatch(/aog server start.*host networking or a reverse proxy/);
		expect(result).toMatchObject({ retryable: true, mayHaveBilled: false, httpCode: 'ECONNREFUSED' });
	});

	it('host name does not resolve: nothing was sent', () => {
		// Retried by the node like a refused connection (EAI_AGAIN is transient); nothing can have been billed.
		expect(
			describeNetworkFailure('notFound', 'http://aog.lan:16688', 600, 'getaddrinfo ENOTFOUND aog.lan'),
		).toMatchObject({
			message: 'Cannot reach AOG at http://aog.lan:16688: the host name does not resolve',
			retryable: true,
			mayHaveBilled: false,
			httpCode: 'ENOTFOUND',
		});
	});

	it.each([
		['timeout', 'ETIMEDOUT', /AOG did not answer within 600 s/],
		['reset', 'ECONNRESET', /The connection to AOG broke/],
	] as const)('%s: the video may exist and be billed, never resubmitted', (kind, code, message) => {
		const result = describeNetworkFailure(kind, base, 600, 'socket hang up');
		expect(result.message).toMatch(message);
		expect(result.description).toMatch(BILLING);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, httpCode: code });
	});

	it('TLS failure: nothing was sent', () => {
		const result = describeNetworkFailure('tls', 'https://aog.example.com', 600, 'self-signed certificate');
		expect(result.message).toBe('Cannot make a secure connection to https://aog.example.com');
		expect(result.description).toMatch(/^self-signed certificate\. Check the proxy's TLS certificate/);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false });
	});

	it('anything else: assume it may have billed', () => {
		expect(describeNetworkFailure('other', base, 600, 'EPROTO weird')).toMatchObject({
			message: 'The request to AOG failed: EPROTO weird',
			retryable: false,
			mayHaveBilled: true,
		});
	});
});

describe('the native route', () => {
	const succeeded = {
		request_id: 'b7d6a1c2-native',
		output: {
			task_id: '0385dc79-5ff8-4d82-bcb6-xxxxxx',
			task_status: 'SUCCEEDED',
			submit_time: '2025-11-24 12:00:00.000',
			video_url: VIDEO_URL,
			orig_prompt: 'a red car drives away',
			actual_prompt: 'a red car drives away along a coastal road at dusk',
		},
		usage: { video_duration: 5, video_count: 1, SR: 1080 },
	};

	it("returns DashScope's task id, actual prompt and usage", () => {
		expect(interpretNativeAnswer(answer(200, JSON.stringify(succeeded)))).toEqual({
			id: 'b7d6a1c2-native',
			videoUrl: VIDEO_URL,
			taskId: '0385dc79-5ff8-4d82-bcb6-xxxxxx',
			actualPrompt: 'a red car drives away along a coastal road at dusk',
			usage: { video_duration: 5, video_count: 1, SR: 1080 },
		});
	});

	it('task FAILED: the reason survives on this route', () => {
		const body = {
			request_id: 'r',
			output: {
				task_id: 't-9',
				task_status: 'FAILED',
				code: 'DataInspectionFailed',
				message: 'Output video may contain inappropriate content.',
			},
		};
		const result = failure(interpretNativeAnswer(answer(200, JSON.stringify(body))));
		expect(result.message).toBe(
			'The generation task ended FAILED upstream: Content moderation blocked the request (DataInspectionFailed)',
		);
		expect(result.description).toContain('DashScope said: "Output video may contain inappropriate content."');
		expect(result.description).toMatch(/\(task id t-9\)$/);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, upstreamCode: 'DataInspectionFailed' });
	});

	it('task FAILED with a throttling code is not retried (the task exists)', () => {
		const body = { output: { task_id: 't', task_status: 'FAILED', code: 'Throttling', message: 'x' } };
		expect(failure(interpretNativeAnswer(answer(200, JSON.stringify(body))))).toMatchObject({
			retryable: false,
			mayHaveBilled: false,
		});
	});

	it('task UNKNOWN or without a status', () => {
		expect(
			failure(interpretNativeAnswer(answer(200, JSON.stringify({ output: { task_id: 't', task_status: 'UNKNOWN' } }))))
				.message,
		).toMatch(/^The generation task ended UNKNOWN upstream/);
		expect(failure(interpretNativeAnswer(answer(200, JSON.stringify({ output: { task_id: 't' } })))).message).toMatch(
			/^The generation task ended without a status upstream/,
		);
	});

	it('SUCCEEDED without a usable video URL, or 200 without "output"', () => {
		const noUrl = { ...succeeded, output: { ...succeeded.output, video_url: undefined } };
		expect(failure(interpretNativeAnswer(answer(200, JSON.stringify(noUrl))))).toMatchObject({
			mayHaveBilled: true,
			retryable: false,
		});
		const noOutput = failure(interpretNativeAnswer(answer(200, '{"request_id":"r"}')));
		expect(noOutput.message).toBe('AOG answered 200 without DashScope\'s "output": {"request_id":"r"}');
		expect(noOutput).toMatchObject({ mayHaveBilled: true });
	});

	it('shares the standard route error handling: HTML trap, embedded 400, 404 model, poll exhaustion', () => {
		expect(failure(interpretNativeAnswer(answer(200, '<!doctype html><html></html>', 'text/html'))).message).toMatch(
			/web page \(HTML\)/,
		);
		const embedded = failure(
			interpretNativeAnswer(
				aog(
					500,
					httpErrorResponse(400, dashScopeBody('InvalidParameter', 'The parameter resolution is invalid: 720P')),
				),
			),
		);
		expect(embedded).toMatchObject({
			message: 'DashScope rejected the request (InvalidParameter)',
			httpCode: '400',
			mayHaveBilled: false,
		});
		expect(failure(interpretNativeAnswer(aog(404, 'model not exist', 30003))).message).toBe(
			'The model is not registered in AOG, or its image-to-video service is not installed',
		);
		expect(
			failure(interpretNativeAnswer(aog(500, 'exceeded maximum number of retries (100) while polling task status'))),
		).toMatchObject({ mayHaveBilled: true, retryable: false });
	});
});

describe('parseEmbeddedUpstreamError', () => {
	it('reads status, code, message, request id and Retry-After', () => {
		const text = `max retries exceeded: retryable error: ${httpErrorResponse(429, dashScopeBody('Throttling', 'slow', 'rid-1'), { 'Retry-After': ['3'] })}`;
		expect(parseEmbeddedUpstreamError(text)).toEqual({
			status: 429,
			code: 'Throttling',
			message: 'slow',
			requestId: 'rid-1',
			retryAfterSeconds: 3,
		});
	});

	it('returns undefined for text without an HTTPErrorResponse', () => {
		expect(
			parseEmbeddedUpstreamError('exceeded maximum number of retries (100) while polling task status'),
		).toBeUndefined();
		expect(parseEmbeddedUpstreamError('')).toBeUndefined();
	});

	it('keeps the status when the body is cut short or is not JSON', () => {
		expect(
			parseEmbeddedUpstreamError('HTTPErrorResponse{StatusCode: 400, Header: map[], Body: {"code":"InvalidParam'),
		).toEqual({ status: 400 });
		expect(
			parseEmbeddedUpstreamError('HTTPErrorResponse{StatusCode: 502, Header: map[], Body: <html>bad gateway</html>}'),
		).toEqual({ status: 502 });
		expect(parseEmbeddedUpstreamError('HTTPErrorResponse{StatusCode: 400, Header: map[], Body: {not json}}')).toEqual({
			status: 400,
		});
	});

	it('ignores non-string fields of the body', () => {
		expect(
			parseEmbeddedUpstreamError('HTTPErrorResponse{StatusCode: 400, Header: map[], Body: {"code":42,"message":null}}'),
		).toEqual({ status: 400 });
	});
});

describe('explainUpstream without a code', () => {
	it.each([
		[401, 'The DashScope API key configured in AOG is invalid (InvalidApiKey)', false, false],
		[403, 'DashScope denied access', false, false],
		[429, 'DashScope is rate-limiting the account (429)', false, true],
		[400, 'DashScope rejected the request', false, false],
		[500, 'DashScope answered 500', false, true],
		[404, 'DashScope answered 404', false, false],
	])('%i → %s', (status, message, retryable, mayHaveBilled) => {
		const explained = explainUpstream(status, undefined, undefined);
		expect(explained).toMatchObject({ message, retryable, mayHaveBilled });
		expect(explained.description).not.toContain('DashScope said');
	});

	it('shortens a very long upstream message', () => {
		const explained = explainUpstream(400, 'InvalidParameter', 'y'.repeat(2000));
		expect(explained.description).toContain(`"${'y'.repeat(300)}…"`);
	});
});

it('ItemFailure carries the failure and its message', () => {
	const gatewayFailure: Failure = { message: 'm', description: 'd', retryable: false, mayHaveBilled: true };
	const error = new ItemFailure(gatewayFailure);
	expect(error).toBeInstanceOf(Error);
	expect(error.message).toBe('m');
	expect(error.failure).toBe(gatewayFailure);
});
