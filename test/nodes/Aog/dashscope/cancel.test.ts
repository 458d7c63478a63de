import { getTaskAdvice } from '../../../../nodes/Aog/dashscope/answers';
import type { HttpAnswer as DashScopeAnswer } from '../../../../nodes/Aog/http/json';
import { interpretCancelAnswer, type CancelResult } from '../../../../nodes/Aog/dashscope/cancel';
import { answer, error, failure, success, HTML, TASK } from './answerFixtures';

describe('interpretCancelAnswer', () => {
	it.each([
		['a bare request id', { request_id: 'r' }],
		['output.task_status CANCELED', { request_id: 'r', output: { task_id: TASK, task_status: 'CANCELED' } }],
	])('200 with %s: canceled', (_name, body) => {
		const result = success<CancelResult>(interpretCancelAnswer(answer(200, body), TASK));
		expect(result.canceled).toBe(true);
		expect(result.message).toBe(`Task ${TASK} was canceled: it had not started, so nothing is generated or billed.`);
	});

	it('200 saying the task is RUNNING: not canceled, it will finish and be billed', () => {
		const result = success<CancelResult>(
			interpretCancelAnswer(answer(200, { output: { task_id: TASK, task_status: 'RUNNING' } }), TASK),
		);
		expect(result).toMatchObject({ canceled: false, status: 'RUNNING' });
		expect(result.message).toMatch(new RegExp(`^Task ${TASK} was not canceled: it is RUNNING\\.`));
		expect(result.message).toMatch(/a RUNNING task cannot be canceled and will finish \(and be billed\)/);
	});

	it('200 saying the task already SUCCEEDED: not canceled, no advice about running', () => {
		const result = success<CancelResult>(
			interpretCancelAnswer(answer(200, { output: { task_status: 'SUCCEEDED' } }), TASK),
		);
		expect(result).toEqual({
			canceled: false,
			status: 'SUCCEEDED',
			message: `Task ${TASK} was not canceled: it is SUCCEEDED.`,
		});
	});

	it.each([
		[400, 'UnsupportedOperation', 'Only PENDING tasks can be canceled.'],
		[400, 'InvalidParameter', 'task status is RUNNING'],
		[404, 'NotFound', 'task not found'],
		[409, 'Conflict', undefined],
	])('%i %s: not canceled, says why', (status, code, message) => {
		const result = success<CancelResult>(
			interpretCancelAnswer(answer(status, { code, ...(message ? { message } : {}) }), TASK),
		);
		expect(result.canceled).toBe(false);
		expect(result.message).toContain(`DashScope answered ${status} ${code}`);
		if (message) expect(result.message).toContain(`"${message}"`);
		expect(result.message).toMatch(/a RUNNING task cannot be canceled and will finish \(and be billed\)/);
	});

	it.each([
		[401, false, error(401, 'InvalidApiKey')],
		[403, false, error(403, 'AccessDenied')],
		[429, true, error(429, 'Throttling', 'x', '1')],
		[500, true, error(500, 'InternalError')],
		[503, true, answer(503, HTML, 'text/html')],
		[200, true, answer(200, HTML, 'text/html')],
		[404, false, answer(404, '<html>Not Found</html>', 'text/html')],
	])('%i that says nothing about the task: a failure (retryable: %s)', (status, retryable, given) => {
		const result = failure(interpretCancelAnswer(given as DashScopeAnswer, TASK, 'beijing'));
		expect(result.message).toMatch(new RegExp(`^Canceling task ${TASK} failed: `));
		expect(result.description).toMatch(/The task was not canceled and may still run \(and be billed\)/);
		expect(result.description).toContain(getTaskAdvice(TASK));
		expect(result).toMatchObject({ retryable, mayHaveBilled: true, taskId: TASK, httpCode: String(status) });
	});

	it('a 429 failure carries Retry-After', () => {
		expect(failure(interpretCancelAnswer(error(429, 'Throttling', 'x', '3'), TASK)).retryAfterMs).toBe(3000);
	});
});
