// A redirect answered by the API's own address: the node does not follow it (the key would go along), and every
// interpreter turns it into "the Base URL redirects to <location>; use that address", never retried.
import { interpretNativeAnswer, interpretStandardAnswer } from '../../../../nodes/Aog/aog/answers';
import { interpretSubmitAnswer, interpretTaskAnswer } from '../../../../nodes/Aog/dashscope/answers';
import { interpretCancelAnswer } from '../../../../nodes/Aog/dashscope/cancel';
import type { Failure } from '../../../../nodes/Aog/run/failures';
import { redirectTarget } from '../../../../nodes/Aog/http/redirect';

const LOGIN = 'https://sso.example.com/login?next=%2Faog';
const redirect = (statusCode: number, location?: string, body = '', contentType = 'text/html') => ({
	statusCode,
	contentType,
	body,
	location,
});

describe.each([301, 302, 303, 307, 308])('a %i answer', (status) => {
	it('AOG (both routes): not retried, not billed, names the new address', () => {
		for (const interpret of [interpretStandardAnswer, interpretNativeAnswer]) {
			expect(interpret(redirect(status, LOGIN, '<html>moved</html>'))).toEqual({
				message: `The AOG credential's Base URL redirects to ${LOGIN}; use that address`,
				description: expect.stringMatching(
					/^The address answered \d{3} instead of AOG\. The node does not follow redirects.*Nothing reached AOG, so no video was made\.$/,
				),
				retryable: false,
				mayHaveBilled: false,
				httpCode: String(status),
			});
		}
	});

	it('DashScope submit: not retried, no task', () => {
		const result = interpretSubmitAnswer(
			redirect(status, 'https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/video-generation/video-synthesis'),
			'custom',
		) as Failure;
		expect(result.message).toBe(
			"The DashScope credential's Base URL redirects to https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/video-generation/video-synthesis; use that address",
		);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: String(status) });
		expect(result.description).toMatch(/no task was created/);
	});

	it('DashScope poll and cancel: not transient (polling would never end), the task named', () => {
		const poll = interpretTaskAnswer(redirect(status, LOGIN), 't-1') as Failure;
		expect(poll).toMatchObject({
			message: `Reading task t-1 failed: the DashScope credential's Base URL redirects to ${LOGIN}; use that address`,
			retryable: false,
			mayHaveBilled: true,
			taskId: 't-1',
		});
		const cancel = interpretCancelAnswer(redirect(status, LOGIN), 't-1') as Failure;
		expect(cancel).toMatchObject({
			message: `Canceling task t-1 failed: the DashScope credential's Base URL redirects to ${LOGIN}; use that address`,
			retryable: false,
			taskId: 't-1',
		});
		expect(cancel.description).toMatch(/^The task was not canceled and may still run/);
	});
});

it('a redirect without a Location still says what happened', () => {
	expect(redirectTarget(undefined)).toBe('another address (it gave no Location)');
	expect((interpretStandardAnswer(redirect(302)) as Failure).message).toBe(
		"The AOG credential's Base URL redirects to another address (it gave no Location); use that address",
	);
});
