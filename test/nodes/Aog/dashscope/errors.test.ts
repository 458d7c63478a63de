import { explainDashScopeError, explainTaskError, findDashScopeError } from '../../../../nodes/Aog/dashscope/errors';
import { DASHSCOPE_ERRORS, REGION_LABELS, type DashScopeRegion } from '../../../../nodes/Aog/dashscope/errorTable';

const REGIONS: DashScopeRegion[] = ['beijing', 'singapore', 'virginia', 'custom'];

/** Every code of the contract's error table, and the three that only show in answers or tasks. */
const CODES: Array<[status: number, code: string, retryable: boolean]> = [
	[400, 'InvalidParameter', false],
	[400, 'InvalidParameter.DataInspection', false],
	[400, 'DataInspectionFailed', false],
	[400, 'DataInspection', false],
	[400, 'Arrearage', false],
	[401, 'InvalidApiKey', false],
	[403, 'AccessDenied', false],
	[403, 'AccessDenied.Unpurchased', false],
	[403, 'Model.AccessDenied', false],
	[403, 'AllocationQuota.FreeTierOnly', false],
	[404, 'ModelNotFound', false],
	[429, 'Throttling', true],
	[429, 'Throttling.RateQuota', true],
	[429, 'Throttling.BurstRate', true],
	[429, 'Throttling.AllocationQuota', false],
	[500, 'InternalError', false],
	[500, 'SystemError', false],
	[500, 'ModelServiceFailed', false],
	[503, 'ModelUnavailable', false],
	[500, 'InternalError.Timeout', false],
];

describe('the error table', () => {
	it.each(CODES)('has a row of its own for %i %s, with that status', (status, code) => {
		const row = findDashScopeError(status, code);
		expect(row?.codes).toContain(code);
		expect(row!.status === status || (status >= 500 && row!.status === 500)).toBe(true);
	});

	it('lists each code once', () => {
		const all = DASHSCOPE_ERRORS.flatMap((row) => row.codes);
		expect(new Set(all).size).toBe(all.length);
	});

	it('matches an unlisted code by its prefix row', () => {
		expect(findDashScopeError(429, 'Throttling.NewKind')?.codes).toContain('Throttling');
		expect(findDashScopeError(400, 'InvalidParameter.Size')?.codes).toContain('InvalidParameter');
		expect(findDashScopeError(500, 'InternalError.Algo')?.codes).toContain('InternalError');
		expect(findDashScopeError(403, 'AccessDenied.Other')?.codes).toContain('AccessDenied');
		// An exact row wins over its prefix row.
		expect(findDashScopeError(500, 'InternalError.Timeout')?.codes).toEqual(['InternalError.Timeout']);
		expect(findDashScopeError(429, 'Throttling.AllocationQuota')?.retryable).toBe(false);
	});

	it('falls back to the status family without a (known) code, except for 404', () => {
		expect(findDashScopeError(400, undefined)?.codes).toContain('InvalidParameter');
		expect(findDashScopeError(401, undefined)?.codes).toContain('InvalidApiKey');
		expect(findDashScopeError(403, 'Unheard')?.codes).toContain('AccessDenied');
		expect(findDashScopeError(429, undefined)?.codes).toContain('Throttling');
		expect(findDashScopeError(502, undefined)?.codes).toContain('InternalError');
		expect(findDashScopeError(404, undefined)).toBeUndefined();
		expect(findDashScopeError(409, 'Conflict')).toBeUndefined();
		expect(findDashScopeError(0, undefined)).toBeUndefined();
	});
});

describe('explainDashScopeError, direct connection', () => {
	it.each(CODES)(
		'%i %s: retryable only for a rate limit, billed only after a 5xx, code kept',
		(status, code, retryable) => {
			const explained = explainDashScopeError(status, code, 'the upstream words', 'singapore');
			expect(explained).toMatchObject({ retryable, mayHaveBilled: status >= 500, upstreamCode: code });
			expect(explained.message).toContain(code);
			expect(explained.description).toContain('DashScope said: "the upstream words".');
		},
	);

	it.each(REGIONS)('InvalidApiKey names the n8n credential and its region (%s)', (region) => {
		for (const [status, code] of [
			[401, 'InvalidApiKey'],
			[401, undefined],
		] as const) {
			const explained = explainDashScopeError(status, code, undefined, region);
			expect(explained.message).toBe('DashScope refused the API key (InvalidApiKey)');
			expect(explained.description).toMatch(/^Check the API key in the n8n DashScope credential\./);
			expect(explained.description).toContain(
				`a key of another region than the credential's (${REGION_LABELS[region]}) is the usual cause`,
			);
			expect(explained.description).not.toMatch(/AOG/);
		}
	});

	it('without a region, InvalidApiKey still says a key of another region is the usual cause', () => {
		expect(explainDashScopeError(401, 'InvalidApiKey', undefined).description).toContain(
			"another region than the credential's (the credential's region)",
		);
	});

	it.each([
		['beijing', /wanx2\.1-i2v-turbo/],
		['singapore', /wan2\.1-i2v-turbo \/ wan2\.1-i2v-plus \(no "x"\)/],
		['virginia', /names ending in -us/],
		['custom', /Beijing names Wan 2\.1 wanx2\.1-…, other regions wan2\.1-…/],
	] as const)('ModelNotFound suggests the model names of %s', (region, hint) => {
		const explained = explainDashScopeError(404, 'ModelNotFound', 'Model not exist.', region);
		expect(explained.message).toBe('DashScope does not know this model (ModelNotFound)');
		expect(explained.description).toContain(`not offered in ${REGION_LABELS[region]}`);
		expect(explained.description).toMatch(hint);
		expect(explained).toMatchObject({ retryable: false, mayHaveBilled: false });
	});

	it.each(['Throttling', 'Throttling.RateQuota', 'Throttling.BurstRate'])(
		'%s: no task, the node retries by itself',
		(code) => {
			const explained = explainDashScopeError(429, code, undefined, 'beijing');
			expect(explained.message).toBe(`DashScope is rate-limiting the account (${code})`);
			expect(explained.description).toMatch(/^No task was created\..*The node waits and retries by itself/);
			expect(explained.retryable).toBe(true);
		},
	);

	it('Throttling.AllocationQuota: quota used up, retrying does not help', () => {
		const explained = explainDashScopeError(429, 'Throttling.AllocationQuota', undefined);
		expect(explained.message).toBe("The account's quota for this model is used up (Throttling.AllocationQuota)");
		expect(explained.description).toMatch(/Waiting a few seconds will not help/);
		expect(explained.retryable).toBe(false);
	});

	it('a 429 without a code is a rate limit', () => {
		expect(explainDashScopeError(429, undefined, undefined)).toMatchObject({
			retryable: true,
			message: 'DashScope is rate-limiting the account (429)',
		});
	});

	it.each(['InternalError', 'SystemError', 'ModelServiceFailed', 'ModelUnavailable', undefined])(
		'a 5xx (%s) on the submit: a task may exist, look in the console, never resubmitted',
		(code) => {
			for (const status of [500, 502, 503, 504]) {
				const explained = explainDashScopeError(status, code, undefined, 'virginia');
				expect(explained.message).toBe(`DashScope failed (${code ?? status})`);
				expect(explained.description).toMatch(/^No reason was given\. A video task may have been created/);
				expect(explained.description).toMatch(
					/does not submit it again: look for the task in the DashScope console's task list \(US \(Virginia\)\)/,
				);
				expect(explained).toMatchObject({ retryable: false, mayHaveBilled: true });
			}
		},
	);

	it('a 5xx carrying a code of another family still warns that a task may exist', () => {
		for (const code of ['DataInspectionFailed', 'Throttling', 'InternalError.Timeout']) {
			const explained = explainDashScopeError(500, code, undefined);
			expect(explained).toMatchObject({ retryable: false, mayHaveBilled: true });
			expect(explained.description).toMatch(/A video task may have been created/);
		}
		// …and says it only once for the 5xx family itself.
		expect(
			explainDashScopeError(500, 'InternalError', undefined).description.match(/may have been created/g),
		).toHaveLength(1);
	});

	it("unknown status and code: the status and the code, plus DashScope's words", () => {
		expect(explainDashScopeError(409, 'Conflict', 'busy')).toEqual({
			message: 'DashScope answered 409 (Conflict)',
			description: 'DashScope said: "busy".',
			retryable: false,
			mayHaveBilled: false,
			upstreamCode: 'Conflict',
		});
		expect(explainDashScopeError(404, undefined, undefined).message).toBe('DashScope answered 404');
	});

	it('AccessDenied for a synchronous call explains the missing async header', () => {
		const explained = explainDashScopeError(403, 'AccessDenied', 'current user api does not support synchronous calls');
		expect(explained.description).toMatch(/X-DashScope-Async: enable/);
		expect(explainDashScopeError(403, 'AccessDenied', 'Access denied.', 'beijing').description).toMatch(
			/^The account may not use this model or service in China \(Beijing\)/,
		);
	});

	it.each([
		['AccessDenied.Unpurchased', /^Activate Alibaba Cloud Model Studio/],
		['Model.AccessDenied', /workspace is not allowed this model/],
		['AllocationQuota.FreeTierOnly', /"Use free tier only" is switched on/],
		['InvalidParameter.DataInspection', /could not download or decode the image.*public/],
		['DataInspectionFailed', /moderation flagged the input image, the prompt or the generated video/],
		['Arrearage', /overdue payment/],
		['InvalidParameter', /Check the options against what the model allows/],
	])('%s has its own advice', (code, advice) => {
		expect(explainDashScopeError(findDashScopeError(0, code)!.status, code, undefined).description).toMatch(advice);
	});

	it('shortens a very long upstream message', () => {
		const explained = explainDashScopeError(400, 'InvalidParameter', 'y'.repeat(2000));
		expect(explained.description).toContain(`"${'y'.repeat(300)}…"`);
		expect(explained.description).not.toContain('y'.repeat(301));
	});
});

describe('explainTaskError (a FAILED task)', () => {
	it('never retries and never warns about a lost task, even for rate-limit and server codes', () => {
		for (const code of ['Throttling', 'Throttling.RateQuota', 'InternalError', 'ModelServiceFailed']) {
			const explained = explainTaskError(code, undefined);
			expect(explained).toMatchObject({ retryable: false, mayHaveBilled: false, upstreamCode: code });
			expect(explained.description).toMatch(/does not start a new task by itself: run the item again later/);
			expect(explained.description).not.toMatch(/retries by itself|may have been created/);
		}
	});

	it('InternalError.Timeout: DashScope gave up after 3 hours', () => {
		const explained = explainTaskError('InternalError.Timeout', 'Task timeout');
		expect(explained.message).toBe('DashScope gave up on the task (InternalError.Timeout)');
		expect(explained.description).toMatch(/within 3 hours.*DashScope said: "Task timeout"\./);
	});

	it('moderation of the generated video', () => {
		const explained = explainTaskError('DataInspectionFailed', 'Output video may contain inappropriate content.');
		expect(explained.message).toBe('Content moderation blocked the request (DataInspectionFailed)');
		expect(explained.description).toContain('DashScope said: "Output video may contain inappropriate content."');
	});

	it('InvalidParameter says some problems only show once the task runs', () => {
		expect(explainTaskError('InvalidParameter', 'img_url is not supported').description).toMatch(
			/^DashScope said: "img_url is not supported"\. Some input problems only show once the task runs/,
		);
	});

	it('an unknown code, or none', () => {
		expect(explainTaskError('Weird.Code', 'odd')).toEqual({
			message: 'DashScope reported Weird.Code',
			description: 'DashScope said: "odd". Run the item again, or try another image or prompt.',
			retryable: false,
			mayHaveBilled: false,
			upstreamCode: 'Weird.Code',
		});
		expect(explainTaskError(undefined, undefined).message).toBe('DashScope gave no reason');
	});
});
