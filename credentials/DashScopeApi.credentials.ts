import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { bearerForOwnOrigin } from './bearerForOwnOrigin';

/**
 * DashScope's hosts by region (docs/DASHSCOPE-API.md): a key works only on its own region's host. The one table: the
 * node's requests, the Region list and the credential test's expression are all built from it.
 */
export const DASHSCOPE_REGION_HOSTS: Record<string, string> = {
	beijing: 'https://dashscope.aliyuncs.com',
	singapore: 'https://dashscope-intl.aliyuncs.com',
	virginia: 'https://dashscope-us.aliyuncs.com',
};

const hostOf = (region: string) => new URL(DASHSCOPE_REGION_HOSTS[region]).host;

/**
 * The credential test's base URL as an n8n expression over the same table (a test request is data, not code: it cannot
 * call dashScopeBaseUrl). An unknown region falls back to Beijing, as dashScopeBaseUrl does.
 */
export const DASHSCOPE_TEST_BASE_URL_EXPRESSION = `={{ $credentials.region === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "") : (${JSON.stringify(DASHSCOPE_REGION_HOSTS)}[$credentials.region] ?? ${JSON.stringify(DASHSCOPE_REGION_HOSTS.beijing)}) }}`;

export class DashScopeApi implements ICredentialType {
	name = 'dashScopeApi';

	displayName = 'Alibaba Cloud Model Studio (DashScope) API';

	icon: Icon = { light: 'file:dashscope.svg', dark: 'file:dashscope.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-aog/n8n-nodes-aog#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'China (Beijing)', value: 'beijing', description: `${hostOf('beijing')} (the region AOG uses)` },
				{ name: 'Singapore (International)', value: 'singapore', description: hostOf('singapore') },
				{ name: 'US (Virginia)', value: 'virginia', description: hostOf('virginia') },
				{ name: 'Custom Base URL', value: 'custom', description: 'A proxy or another DashScope-compatible host' },
			],
			default: 'beijing',
			description: 'The region the API key belongs to: a key works only in its own region',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://dashscope.example.com',
			required: true,
			displayOptions: { show: { region: ['custom'] } },
			description: 'Root of the DashScope-compatible API, without /api/v1',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A DashScope API key (sk-…) of the region above, from the Alibaba Cloud Model Studio console',
		},
	];

	/** Adds the key only to requests for the region's own host, so it never reaches the video storage host. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return bearerForOwnOrigin(requestOptions, credentials.apiKey, dashScopeBaseUrl(credentials));
	}

	// Querying a task id that cannot exist costs nothing: a valid key answers 200 with task_status UNKNOWN, a wrong one
	// (or one of another region) 401 InvalidApiKey. n8n's credential test sees only the answer's body (a failed
	// request's status does not reach responseCode rules: n8n 2.x's error drops it), so every answer is read as a body
	// and DashScope's own error code tells a refused key from a busy or failing service. Redirects are not followed:
	// n8n would send the key on to any origin.
	test: ICredentialTestRequest = {
		request: {
			baseURL: DASHSCOPE_TEST_BASE_URL_EXPRESSION,
			url: '/api/v1/tasks/n8n-credential-test',
			headers: { Accept: 'application/json', 'Accept-Encoding': 'identity' },
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		rules: [
			...codeRules(
				['InvalidApiKey'],
				'DashScope refused the API key (InvalidApiKey). A key works only in its own region: the usual cause is a key of another region than the one chosen here (Beijing, Singapore and Virginia keys differ).',
			),
			...codeRules(
				['Throttling', 'Throttling.RateQuota', 'Throttling.BurstRate'],
				'DashScope is busy: it rate-limited the test (429), so the key could not be checked. Status queries are limited to about 20 per second per account, shared by every workflow: try again in a few seconds.',
			),
			...codeRules(
				['Throttling.AllocationQuota'],
				"DashScope answered that the account's quota is used up (Throttling.AllocationQuota), so the key could not be checked. Raise the quota in Model Studio or wait for it to renew.",
			),
			...codeRules(
				[
					'InternalError',
					'InternalError.Timeout',
					'SystemError',
					'ServiceUnavailable',
					'ModelServiceFailed',
					'ModelUnavailable',
					'RequestTimeOut',
				],
				'DashScope is down or overloaded right now (it answered with a server error), so the key could not be checked. Try again later.',
			),
			{
				// Anything but DashScope's task answer (a proxy's page, a redirect, another API) is not DashScope.
				type: 'responseSuccessBody',
				properties: {
					key: 'output.task_status',
					value: undefined,
					message:
						"The address answered, but not with DashScope's task API (a web page, a redirect or another API). Check Region, or the Base URL of a custom region (its root, without /api/v1). n8n does not follow a redirect here, so the key is not sent on: use the final address.",
				},
			},
		],
	};
}

/** One rule per DashScope error code, all with the same message. */
function codeRules(codes: string[], message: string): IAuthenticateRuleResponseSuccessBody[] {
	return codes.map((value) => ({ type: 'responseSuccessBody', properties: { key: 'code', value, message } }));
}

/** The API root of the credential's region, without a trailing slash. */
export function dashScopeBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'beijing');
	const url =
		region === 'custom'
			? String(credentials.baseUrl ?? '')
			: (DASHSCOPE_REGION_HOSTS[region] ?? DASHSCOPE_REGION_HOSTS.beijing);
	return url.trim().replace(/\/+$/, '');
}
