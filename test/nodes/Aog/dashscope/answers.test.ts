import {
	getTaskAdvice,
	interpretSubmitAnswer,
	interpretTaskAnswer,
	type DashScopeRegion,
	type SubmittedTask,
	type TaskState,
} from '../../../../nodes/Aog/dashscope/answers';
import { pollTimeoutFailure, taskFailure } from '../../../../nodes/Aog/dashscope/taskFailures';
import { REGION_LABELS } from '../../../../nodes/Aog/dashscope/errorTable';
import { answer, error, failure, success, HTML, TASK } from './answerFixtures';

const VIDEO_URL =
	'https://dashscope-result-sh.oss-cn-shanghai.aliyuncs.com/1d/ab/20251124/video.mp4?Expires=1764043200&Signature=abc%2Bdef%3D';
const REGIONS: DashScopeRegion[] = ['beijing', 'singapore', 'virginia', 'custom'];

describe('interpretSubmitAnswer', () => {
	it('returns the task id, its status and the request id', () => {
		expect(
			interpretSubmitAnswer(
				answer(200, { request_id: 'req-1', output: { task_id: TASK, task_status: 'PENDING' } }),
				'beijing',
			),
		).toEqual({ taskId: TASK, taskStatus: 'PENDING', requestId: 'req-1' });
		expect(
			success<SubmittedTask>(
				interpretSubmitAnswer(
					answer(200, { output: { task_id: TASK } }, 'application/json; charset=utf-8'),
					'singapore',
				),
			),
		).toEqual({ taskId: TASK, taskStatus: 'PENDING', requestId: '' });
	});

	it.each(['Throttling', 'Throttling.RateQuota', 'Throttling.BurstRate'])(
		'429 %s: retryable (no task exists), honours Retry-After',
		(code) => {
			const result = failure(interpretSubmitAnswer(error(429, code, 'Requests rate limit exceeded', '7'), 'beijing'));
			expect(result).toMatchObject({
				retryable: true,
				mayHaveBilled: false,
				retryAfterMs: 7000,
				httpCode: '429',
				upstreamCode: code,
			});
			expect(result.message).toBe(`DashScope is rate-limiting the account (${code})`);
			expect(result.description).toMatch(/^No task was created\./);
			expect(result.description).toMatch(/\(DashScope request id req-err\)$/);
		},
	);

	it.each([undefined, '', 'Wed, 21 Oct 2026 07:28:00 GMT', '-5', 'soon'])(
		'429 with Retry-After %j leaves the delay to the node',
		(header) => {
			const result = failure(interpretSubmitAnswer(error(429, 'Throttling', 'x', header), 'beijing'));
			expect(result.retryable).toBe(true);
			expect(result.retryAfterMs).toBeUndefined();
		},
	);

	it('429 Throttling.AllocationQuota: not retryable', () => {
		const result = failure(
			interpretSubmitAnswer(error(429, 'Throttling.AllocationQuota', 'Allocated quota exceeded', '3'), 'beijing'),
		);
		expect(result).toMatchObject({
			retryable: false,
			mayHaveBilled: false,
			upstreamCode: 'Throttling.AllocationQuota',
		});
		expect(result.retryAfterMs).toBeUndefined();
	});

	it('429 as a proxy page (HTML or empty) is still a rate limit', () => {
		expect(
			failure(interpretSubmitAnswer(answer(429, '<html>Too Many Requests</html>', 'text/html', '4'), 'beijing')),
		).toMatchObject({ retryable: true, retryAfterMs: 4000, mayHaveBilled: false });
		expect(failure(interpretSubmitAnswer(answer(429, ''), 'beijing'))).toMatchObject({
			retryable: true,
			mayHaveBilled: false,
		});
	});

	it.each([
		[500, 'InternalError'],
		[500, 'SystemError'],
		[500, 'ModelServiceFailed'],
		[503, 'ModelUnavailable'],
		[500, 'InternalError.Timeout'],
	])('%i %s: not retryable, may have billed, look in the console', (status, code) => {
		for (const region of REGIONS) {
			const result = failure(interpretSubmitAnswer(error(status, code), region));
			expect(result.message).toBe(
				`DashScope failed (${status} ${code}) after receiving the request: a video task may exist and was not resubmitted`,
			);
			expect(result.description).toMatch(
				/DashScope cannot recognise a repeated request, so the node does not submit it again/,
			);
			expect(result.description).toContain(`the DashScope console's task list (${REGION_LABELS[region]})`);
			expect(result).toMatchObject({
				retryable: false,
				mayHaveBilled: true,
				httpCode: String(status),
				upstreamCode: code,
			});
		}
	});

	it.each([
		['a JSON 500 without a code', answer(500, '{}')],
		['an empty 504', answer(504, '')],
		['an HTML 502 from a proxy', answer(502, HTML, 'text/html')],
		['a 500 that is not JSON', answer(500, 'upstream connect error or disconnect/reset before headers', 'text/plain')],
	])('%s: a task may exist, never resubmitted', (_name, given) => {
		expect(failure(interpretSubmitAnswer(given, 'beijing'))).toMatchObject({
			retryable: false,
			mayHaveBilled: true,
			httpCode: String(given.statusCode),
		});
	});

	it('an HTML 200 (a proxy or captive portal): a clear failure, not resubmitted', () => {
		for (const given of [
			answer(200, HTML, 'text/html; charset=utf-8'),
			answer(200, '<html><body>login</body></html>', 'application/octet-stream'),
		]) {
			const result = failure(interpretSubmitAnswer(given, 'beijing'));
			expect(result.message).toBe("DashScope's address answered 200 with a web page (HTML) instead of JSON");
			expect(result.description).toMatch(/A proxy between n8n and DashScope .* may have answered instead of DashScope/);
			expect(result).toMatchObject({ retryable: false, mayHaveBilled: true });
		}
		expect(failure(interpretSubmitAnswer(answer(200, HTML, 'text/html'), 'custom')).description).toMatch(
			/^Check the credential's host/,
		);
	});

	it.each([
		['an empty 200', '', "DashScope's address answered 200 with an empty body"],
		['a JSON array', '[]', "DashScope's address answered 200 with JSON that is not an object: []"],
		['text', 'ok', "DashScope's address answered 200 with text that is not JSON: ok"],
	])('%s: a clear failure', (_name, body, message) => {
		expect(failure(interpretSubmitAnswer(answer(200, body), 'beijing'))).toMatchObject({
			message,
			retryable: false,
			mayHaveBilled: true,
		});
	});

	it('an HTML 4xx from a proxy: refused before DashScope, nothing billed', () => {
		expect(
			failure(interpretSubmitAnswer(answer(407, '<html>Proxy Authentication Required</html>', 'text/html'), 'beijing')),
		).toMatchObject({ retryable: false, mayHaveBilled: false, httpCode: '407' });
	});

	it('a 200 without a task id: may have billed', () => {
		const result = failure(interpretSubmitAnswer(answer(200, { request_id: 'r', output: {} }), 'beijing'));
		expect(result.message).toBe('DashScope answered 200 without a task id');
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true });
	});

	it('a 200 carrying an error code is read as a rejection', () => {
		const result = failure(
			interpretSubmitAnswer(answer(200, { code: 'InvalidParameter', message: 'bad resolution' }), 'beijing'),
		);
		expect(result).toMatchObject({
			message: 'DashScope rejected the request (InvalidParameter)',
			retryable: false,
			mayHaveBilled: false,
			httpCode: '200',
		});
	});

	it.each(REGIONS)('401 InvalidApiKey names the region (%s) and the usual cause', (region) => {
		const result = failure(interpretSubmitAnswer(error(401, 'InvalidApiKey', 'Invalid API-key provided.'), region));
		expect(result.message).toBe(
			`DashScope refused the API key (InvalidApiKey): is it a key of ${region === 'custom' ? "the custom host's region" : REGION_LABELS[region]}?`,
		);
		expect(result.description).toContain(
			`a key of another region than the credential's (${REGION_LABELS[region]}) is the usual cause`,
		);
		expect(result).toMatchObject({
			retryable: false,
			mayHaveBilled: false,
			httpCode: '401',
			upstreamCode: 'InvalidApiKey',
		});
	});

	it.each([
		[400, 'InvalidParameter', 'DashScope rejected the request (InvalidParameter)'],
		[400, 'InvalidParameter.DataInspection', 'DashScope could not read the image (InvalidParameter.DataInspection)'],
		[400, 'DataInspectionFailed', 'Content moderation blocked the request (DataInspectionFailed)'],
		[400, 'Arrearage', 'The Alibaba Cloud account is in arrears (Arrearage)'],
		[403, 'AccessDenied', 'DashScope denied access (AccessDenied)'],
		[403, 'AccessDenied.Unpurchased', 'The model service is not activated for this account (AccessDenied.Unpurchased)'],
		[403, 'Model.AccessDenied', 'This API key may not use the model (Model.AccessDenied)'],
		[403, 'AllocationQuota.FreeTierOnly', "The model's free quota is used up (AllocationQuota.FreeTierOnly)"],
		[404, 'ModelNotFound', 'DashScope does not know this model (ModelNotFound)'],
	])('%i %s: refused, no task, not retried', (status, code, message) => {
		const result = failure(interpretSubmitAnswer(error(status, code, 'why'), 'singapore'));
		expect(result).toMatchObject({
			message,
			retryable: false,
			mayHaveBilled: false,
			httpCode: String(status),
			upstreamCode: code,
		});
		expect(result.description).toContain('DashScope said: "why".');
		expect(result.description).toMatch(/\(DashScope request id req-err\)$/);
		expect(result.taskId).toBeUndefined();
	});
});

describe('interpretTaskAnswer', () => {
	const task = (output: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
		answer(200, { request_id: 'req-poll', output: { task_id: TASK, ...output }, ...extra });

	it.each(['PENDING', 'RUNNING'] as const)('%s: the state, for the caller to keep polling', (status) => {
		expect(interpretTaskAnswer(task({ task_status: status, submit_time: '2025-11-24 12:00:00.000' }), TASK)).toEqual({
			taskId: TASK,
			status,
			requestId: 'req-poll',
			submitTime: '2025-11-24 12:00:00.000',
		});
	});

	it('SUCCEEDED: the video URL and every detail', () => {
		const output = {
			task_status: 'SUCCEEDED',
			video_url: VIDEO_URL,
			submit_time: '2025-11-24 12:00:00.000',
			scheduled_time: '2025-11-24 12:00:01.000',
			end_time: '2025-11-24 12:01:30.000',
			orig_prompt: 'a cat',
			actual_prompt: 'a tabby cat slowly turns its head',
		};
		const usage = { video_duration: 5, video_count: 1, SR: 1080 };
		const expected: TaskState = {
			taskId: TASK,
			status: 'SUCCEEDED',
			requestId: 'req-poll',
			videoUrl: VIDEO_URL,
			submitTime: output.submit_time,
			scheduledTime: output.scheduled_time,
			endTime: output.end_time,
			origPrompt: 'a cat',
			actualPrompt: 'a tabby cat slowly turns its head',
			usage,
		};
		expect(interpretTaskAnswer(task(output, { usage }), TASK)).toEqual(expected);
		// usage inside output is read too
		expect(success<TaskState>(interpretTaskAnswer(task({ ...output, usage }), TASK)).usage).toEqual(usage);
	});

	it.each([
		['missing', undefined, /address is missing/],
		['not http(s)', 'oss://bucket/video.mp4', /address is "oss:\/\/bucket\/video\.mp4", not an http\(s\) URL/],
		['empty', '', /not an http\(s\) URL/],
		['an object', { url: VIDEO_URL }, /not an http\(s\) URL/],
	])('SUCCEEDED with a video URL %s: a failure naming the task', (_name, videoUrl, description) => {
		const result = failure(interpretTaskAnswer(task({ task_status: 'SUCCEEDED', video_url: videoUrl }), TASK));
		expect(result.message).toBe(`Task ${TASK} succeeded but DashScope gave no usable video address`);
		expect(result.description).toMatch(description);
		expect(result.description).toContain(`use Get Task with the id ${TASK} within 24 h`);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, taskId: TASK });
	});

	it('FAILED: the state with code and message (taskFailure phrases it)', () => {
		expect(
			interpretTaskAnswer(
				task({
					task_status: 'FAILED',
					code: 'DataInspectionFailed',
					message: 'Output video may contain inappropriate content.',
				}),
				TASK,
			),
		).toEqual({
			taskId: TASK,
			status: 'FAILED',
			requestId: 'req-poll',
			code: 'DataInspectionFailed',
			message: 'Output video may contain inappropriate content.',
		});
	});

	it.each(['CANCELED', 'UNKNOWN'] as const)('%s: the state', (status) => {
		expect(success<TaskState>(interpretTaskAnswer(task({ task_status: status }), TASK)).status).toBe(status);
	});

	it('a status the node does not know (SUSPENDED, lower case) is read as still going, keeping the word', () => {
		expect(success<TaskState>(interpretTaskAnswer(task({ task_status: 'SUSPENDED' }), TASK))).toMatchObject({
			status: 'RUNNING',
			rawStatus: 'SUSPENDED',
		});
		const lower = success<TaskState>(
			interpretTaskAnswer(task({ task_status: 'succeeded', video_url: VIDEO_URL }), TASK),
		);
		expect(lower).toMatchObject({ status: 'SUCCEEDED', videoUrl: VIDEO_URL });
		expect(lower.rawStatus).toBeUndefined();
	});

	it('uses the asked id when the answer has none', () => {
		expect(
			success<TaskState>(interpretTaskAnswer(answer(200, { output: { task_status: 'RUNNING' } }), TASK)).taskId,
		).toBe(TASK);
	});

	it.each([
		['500 InternalError', error(500, 'InternalError')],
		['502 HTML from a proxy', answer(502, HTML, 'text/html')],
		['503 empty', answer(503, '')],
		['504 JSON', answer(504, '{"message":"gateway timeout"}')],
		['200 HTML', answer(200, HTML, 'text/html')],
		['200 cut short', answer(200, `{"output":{"task_id":"${TASK}","task_sta`)],
		['200 empty', answer(200, '')],
		['200 without output', answer(200, { request_id: 'r' })],
		['200 without a status', answer(200, { output: { task_id: TASK } })],
		['408', answer(408, '')],
	])('%s: transient, keep polling; names the task and Get Task', (_name, given) => {
		const result = failure(interpretTaskAnswer(given, TASK));
		expect(result).toMatchObject({
			retryable: true,
			mayHaveBilled: true,
			taskId: TASK,
			httpCode: String(given.statusCode),
		});
		expect(result.message).toContain(TASK);
		expect(result.description).toContain(getTaskAdvice(TASK));
		expect(getTaskAdvice(TASK)).toBe(
			`The task may still finish: use Get Task with the id ${TASK} within 24 h to fetch its video.`,
		);
	});

	it('429 (20 queries per second per account): transient, with Retry-After', () => {
		const result = failure(interpretTaskAnswer(error(429, 'Throttling', 'x', '2'), TASK));
		expect(result).toMatchObject({ retryable: true, retryAfterMs: 2000, taskId: TASK });
		expect(result.description).toMatch(/20 per second per account/);
	});

	it.each([
		[401, error(401, 'InvalidApiKey', 'Invalid API-key provided.'), /refused the API key/],
		[403, error(403, 'AccessDenied', 'Access denied.'), /denied access/],
		[404, answer(404, '{}'), /answered 404 for task/],
		[404, answer(404, '<html>Not Found</html>', 'text/html'), /answered 404 for task/],
		[401, answer(401, '<html>401</html>', 'text/html'), /refused the API key/],
	])('%i: not retryable, names the task and Get Task', (status, given, message) => {
		const result = failure(interpretTaskAnswer(given, TASK, 'virginia'));
		expect(result.message).toMatch(new RegExp(`^Cannot read task ${TASK}: `));
		expect(result.message).toMatch(message);
		expect(result.description).toContain(getTaskAdvice(TASK));
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, taskId: TASK, httpCode: String(status) });
	});

	it('401 names the region of the credential', () => {
		expect(failure(interpretTaskAnswer(error(401, 'InvalidApiKey'), TASK, 'singapore')).description).toContain(
			'(Singapore (international))',
		);
	});

	it('a 400 with a code: DashScope refused the query, not retried', () => {
		const result = failure(interpretTaskAnswer(error(400, 'InvalidParameter', 'task id malformed'), TASK));
		expect(result).toMatchObject({ retryable: false, taskId: TASK, upstreamCode: 'InvalidParameter' });
		expect(result.message).toBe(
			`Reading task ${TASK} failed: DashScope answered 400 with InvalidParameter (task id malformed)`,
		);
		expect(result.description).toContain(getTaskAdvice(TASK));
	});
});

describe('taskFailure', () => {
	it.each([
		['DataInspectionFailed', 'Content moderation blocked the request (DataInspectionFailed)'],
		['InvalidParameter', 'DashScope rejected the request (InvalidParameter)'],
		['InvalidParameter.DataInspection', 'DashScope could not read the image (InvalidParameter.DataInspection)'],
		['InternalError.Timeout', 'DashScope gave up on the task (InternalError.Timeout)'],
		['Throttling', 'DashScope is rate-limiting the account (Throttling)'],
		['InternalError', 'DashScope failed (InternalError)'],
		['Strange.Code', 'DashScope reported Strange.Code'],
	])('FAILED %s: names the task, never retried', (code, explained) => {
		const result = taskFailure({ taskId: TASK, status: 'FAILED', code, message: 'why' });
		expect(result.message).toBe(`Video task ${TASK} failed: ${explained}`);
		expect(result.description).toContain('DashScope said: "why".');
		expect(result.description).toMatch(new RegExp(`\\(task id ${TASK}\\)$`));
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, upstreamCode: code, taskId: TASK });
	});

	it('FAILED without a code', () => {
		const result = taskFailure({ taskId: TASK, status: 'FAILED' });
		expect(result.message).toBe(`Video task ${TASK} failed: DashScope gave no reason`);
		expect(result.upstreamCode).toBeUndefined();
	});

	it('CANCELED: nothing was generated', () => {
		const result = taskFailure({ taskId: TASK, status: 'CANCELED' });
		expect(result.message).toBe(`Video task ${TASK} was canceled`);
		expect(result.description).toMatch(/Nothing was generated/);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, taskId: TASK });
	});

	it.each(REGIONS)('UNKNOWN: expired, wrong id, or another region/account (%s)', (region) => {
		const result = taskFailure({ taskId: TASK, status: 'UNKNOWN' }, region);
		expect(result.message).toBe(`DashScope does not know task ${TASK} (UNKNOWN)`);
		expect(result.description).toMatch(
			/the id is wrong, the task is older than 24 h .* another region or Alibaba Cloud account than the credential's/,
		);
		expect(result.description).toContain(`(${REGION_LABELS[region]})`);
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: false, taskId: TASK });
	});

	it.each(['PENDING', 'RUNNING'] as const)('%s: still going upstream, billed when it finishes, Get Task', (status) => {
		const result = taskFailure({ taskId: TASK, status });
		expect(result.message).toBe(`Video task ${TASK} is still ${status}`);
		expect(result.description).toContain(getTaskAdvice(TASK));
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, taskId: TASK });
	});
});

describe('pollTimeoutFailure', () => {
	it('says how long the node waited, that the task runs on, and how to fetch it', () => {
		const result = pollTimeoutFailure({ taskId: TASK, status: 'RUNNING' }, 600_400);
		expect(result.message).toBe(`Video task ${TASK} was still RUNNING after 600 s`);
		expect(result.description).toMatch(/keeps working on it and bills it when it finishes\. Raise Options → Timeout/);
		expect(result.description).toContain(getTaskAdvice(TASK));
		expect(result).toMatchObject({ retryable: false, mayHaveBilled: true, taskId: TASK, httpCode: 'ETIMEDOUT' });
		expect(pollTimeoutFailure({ taskId: TASK, status: 'PENDING' }, 1000).description).toMatch(
			/^It is waiting in DashScope's queue/,
		);
		expect(pollTimeoutFailure({ taskId: TASK, status: 'RUNNING', rawStatus: 'SUSPENDED' }, 1000).message).toMatch(
			/still SUSPENDED/,
		);
	});
});
