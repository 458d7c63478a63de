// How a failed request is classified (http/networkErrors.ts): only a failure before anything was sent proves
// that no job exists. n8n's SSRF protection is one: it refuses the address before connecting.
import type { IExecuteFunctions } from 'n8n-workflow';

import { describeNetworkFailure } from '../../../../nodes/Aog/aog/answers';
import { networkErrorKind } from '../../../../nodes/Aog/http/networkErrors';

const context = (aborted = false) =>
	({ getExecutionCancelSignal: () => ({ aborted }) }) as unknown as IExecuteFunctions;
const SSRF = 'The request was blocked because it resolves to a restricted IP address';

describe('networkErrorKind', () => {
	test.each([
		[Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'refused'],
		[Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }), 'notFound'],
		[new Error('timeout of 1000ms exceeded'), 'timeout'],
		[new Error(SSRF), 'blocked'],
		[new Error('something else'), 'other'],
	])('%s → %s', (error, kind) => {
		expect(networkErrorKind(context(), error)).toBe(kind);
	});

	test('the stop button wins over any kind', () => {
		expect(networkErrorKind(context(true), new Error(SSRF))).toBe('cancelled');
	});
});

describe("n8n's SSRF protection through AOG", () => {
	test('says nothing was sent (nothing billed, not retried) and names the setting that allows the address', () => {
		const failure = describeNetworkFailure('blocked', 'http://127.0.0.1:16688', 600, SSRF);
		expect(failure).toMatchObject({ retryable: false, mayHaveBilled: false });
		expect(failure.message).toBe(`n8n blocked the request to AOG at http://127.0.0.1:16688: ${SSRF}`);
		expect(failure.description).toMatch(
			/^Nothing was sent, so nothing is billed\. .*N8N_SSRF_ALLOWED_IP_RANGES \(for example 127\.0\.0\.1\/32/,
		);
	});
});
