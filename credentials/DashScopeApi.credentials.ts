import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/** DashScope's hosts by region (docs/DASHSCOPE-API.md): a key works only on its own region's host. */
export const DASHSCOPE_REGION_HOSTS: Record<string, string> = {
	beijing: 'https://dashscope.aliyuncs.com',
	singapore: 'https://dashscope-intl.aliyuncs.com',
	virginia: 'https://dashscope-us.aliyuncs.com',
};

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
				{ name: 'China (Beijing)', value: 'beijing', description: 'dashscope.aliyuncs.com (the region AOG uses)' },
				{ name: 'Singapore (International)', value: 'singapore', description: 'dashscope-intl.aliyuncs.com' },
				{ name: 'US (Virginia)', value: 'virginia', description: 'dashscope-us.aliyuncs.com' },
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
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
		if (!apiKey || !isOwnOrigin(requestOptions, dashScopeBaseUrl(credentials))) return requestOptions;
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${apiKey}` } };
	}

	// Querying a task id that cannot exist costs nothing: a valid key answers 200 with task_status UNKNOWN, a wrong one
	// (or one of another region) 401 InvalidApiKey.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.region === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "") : { beijing: "https://dashscope.aliyuncs.com", singapore: "https://dashscope-intl.aliyuncs.com", virginia: "https://dashscope-us.aliyuncs.com" }[$credentials.region] }}',
			url: '/api/v1/tasks/n8n-credential-test',
			headers: { Accept: 'application/json', 'Accept-Encoding': 'identity' },
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'InvalidApiKey',
					message:
						'DashScope refused the API key (InvalidApiKey). A key works only in its own region: the usual cause is a key of another region than the one chosen here (Beijing, Singapore and Virginia keys differ).',
				},
			},
			{
				// Anything but DashScope's task answer (a proxy's page, another API) is not DashScope.
				type: 'responseSuccessBody',
				properties: {
					key: 'output.task_status',
					value: undefined,
					message: "The address answered, but not with DashScope's task API. Check Region, or the Base URL of a custom region (its root, without /api/v1).",
				},
			},
		],
	};
}

/** The API root of the credential's region, without a trailing slash. */
export function dashScopeBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'beijing');
	const url = region === 'custom' ? String(credentials.baseUrl ?? '') : (DASHSCOPE_REGION_HOSTS[region] ?? DASHSCOPE_REGION_HOSTS.beijing);
	return url.trim().replace(/\/+$/, '');
}

function isOwnOrigin(requestOptions: IHttpRequestOptions, baseUrl: string): boolean {
	try {
		const target = new URL(requestOptions.url, requestOptions.baseURL ?? baseUrl);
		return target.origin === new URL(baseUrl).origin;
	} catch {
		return false;
	}
}
