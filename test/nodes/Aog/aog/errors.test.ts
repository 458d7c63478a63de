import { AOG_SETUP_HINT, BILLING_WARNING, explainUpstream } from '../../../../nodes/Aog/aog/errors';
import { explainDashScopeError } from '../../../../nodes/Aog/dashscope/errors';

describe("explainUpstream: DashScope's codes for a key AOG holds (the AOG route's texts)", () => {
	const said = 'DashScope said: "x".';

	it.each([
		[
			403,
			'AccessDenied',
			'DashScope denied access (AccessDenied)',
			`The account behind AOG's key may not use this model. ${said} Activate Tongyi Wanxiang image-to-video in Alibaba Cloud Model Studio (Beijing region) for that account.`,
		],
		[
			400,
			'InvalidParameter',
			'DashScope rejected the request (InvalidParameter)',
			`${said} Check the image (JPEG, PNG, BMP or WEBP; sides 360–2000 px; at most 10 MB; a public URL) and the prompt (at most 800 characters).`,
		],
		[404, 'ModelNotFound', 'DashScope answered 404 (ModelNotFound)', said],
	])('%i %s keeps its text', (status, code, message, description) => {
		expect(explainUpstream(status, code, 'x')).toEqual({
			message,
			description,
			retryable: false,
			mayHaveBilled: false,
			upstreamCode: code,
		});
	});

	it.each(['DataInspectionFailed', 'DataInspection', 'InvalidParameter.DataInspection', 'Arrearage'])(
		"%s does not depend on where the key lives: DashScope's own table phrases it",
		(code) => {
			const explained = explainUpstream(400, code, 'x');
			expect(explained).toEqual(explainDashScopeError(400, code, 'x'));
			expect(explained).toMatchObject({ retryable: false, mayHaveBilled: false, upstreamCode: code });
			expect(explained.description).toContain(said);
		},
	);

	it('InvalidApiKey: the key is in AOG\'s provider, see "Setting up AOG" (no install command)', () => {
		for (const [status, code] of [
			[401, 'InvalidApiKey'],
			[401, undefined],
			[400, 'InvalidApiKey'],
		] as const) {
			const explained = explainUpstream(status, code, 'Invalid API-key provided.');
			expect(explained.message).toBe('The DashScope API key configured in AOG is invalid (InvalidApiKey)');
			expect(explained.description).toBe(
				`AOG holds the DashScope key, not n8n. DashScope said: "Invalid API-key provided.". Store a valid Beijing-region key in AOG's image-to-video provider. ${AOG_SETUP_HINT}`,
			);
			expect(explained.description).toContain('"Setting up AOG" in the README');
			expect(explained.description).not.toMatch(/aog install/);
		}
	});

	it.each(['Throttling', 'Throttling.RateQuota', 'Throttling.BurstRate', undefined])(
		'embedded %s (429) is ambiguous through AOG: not retried, may have billed, lower Concurrency',
		(code) => {
			const explained = explainUpstream(429, code, undefined);
			expect(explained).toMatchObject({
				message: `DashScope is rate-limiting the account (${code ?? '429'})`,
				retryable: false,
				mayHaveBilled: true,
				upstreamCode: code,
			});
			expect(explained.description).toMatch(
				/throttled status query of a task it already created exactly like a throttled submit/,
			);
			expect(explained.description).toMatch(/Lower Options → Concurrency to 1 or 2/);
			expect(explained.description).toContain(BILLING_WARNING);
			expect(explained.description).not.toMatch(/retries by itself/);
		},
	);

	it('a Throttling code under another status is just as ambiguous', () => {
		expect(explainUpstream(400, 'Throttling', undefined)).toMatchObject({ retryable: false, mayHaveBilled: true });
	});

	it('Throttling.AllocationQuota through AOG: the quota is used up, never retried, with the billing warning', () => {
		const explained = explainUpstream(
			429,
			'Throttling.AllocationQuota',
			'Allocated quota exceeded, please increase your quota limit.',
		);
		expect(explained).toMatchObject({
			message: "The account's quota for this model is used up (Throttling.AllocationQuota)",
			retryable: false,
			mayHaveBilled: true,
		});
		expect(explained.description).toMatch(/Waiting will not help: raise the quota/);
		expect(explained.description).toContain(BILLING_WARNING);
	});

	it('the same codes in a FAILED task (native route): not retried, and no submit ambiguity (the task exists and failed)', () => {
		for (const code of ['Throttling', 'Throttling.AllocationQuota']) {
			const explained = explainUpstream(400, code, 'x', true);
			expect(explained).toMatchObject({ retryable: false, mayHaveBilled: false });
			expect(explained.description).not.toContain(BILLING_WARNING);
		}
	});

	it('a 5xx ends with the Beijing billing warning', () => {
		const explained = explainUpstream(500, 'InternalError', 'An internal error has occured');
		expect(explained.message).toBe('DashScope answered 500 (InternalError)');
		expect(explained.description).toBe(`DashScope said: "An internal error has occured". ${BILLING_WARNING}`);
		expect(BILLING_WARNING).toMatch(/may still be generated and billed upstream.*DashScope console \(Beijing region\)/);
		expect(explainUpstream(503, undefined, undefined).description).toBe(`No reason was given. ${BILLING_WARNING}`);
	});

	it('the status decides before the code, as on the AOG route (a 401 is a key problem whatever the code)', () => {
		expect(explainUpstream(401, 'InvalidParameter', undefined).message).toBe(
			'The DashScope API key configured in AOG is invalid (InvalidApiKey)',
		);
		expect(explainUpstream(403, 'AccessDenied.Unpurchased', undefined).message).toBe(
			'DashScope denied access (AccessDenied.Unpurchased)',
		);
	});
});
