import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

export class AogApi implements ICredentialType {
	name = 'aogApi';

	displayName = 'AOG API';

	icon: Icon = { light: 'file:aog.svg', dark: 'file:aog.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-aog/n8n-nodes-aog#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:16688',
			placeholder: 'http://127.0.0.1:16688',
			required: true,
			description:
				'Where AOG listens: its root, without /aog/v0.2. AOG binds 127.0.0.1:16688 only; from Docker use host networking or a reverse proxy (a path prefix such as https://proxy.example.com/aog is fine).',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for a reverse proxy in front of AOG that checks a Bearer token; AOG itself checks no key. The DashScope key is set in AOG, not here.',
		},
	];

	/** Adds the key only to requests for the gateway's own origin, so it never reaches a video storage host. */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
		if (!apiKey || !isGatewayOrigin(requestOptions, String(credentials.baseUrl ?? ''))) return requestOptions;
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${apiKey}` } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl.trim().replace(/\\/+$/, "") }}',
			url: '/health',
			headers: { Accept: 'application/json', 'Accept-Encoding': 'identity' },
		},
		rules: [
			{
				// AOG's real health check answers {"data":{"status":"UP"}}; anything else (such as the HTML page AOG
				// serves on unknown paths with status 200) is not AOG.
				type: 'responseSuccessBody',
				properties: {
					key: 'data.status',
					value: undefined,
					message: "The address answered, but not with AOG's health response. Set Base URL to AOG's root (default http://127.0.0.1:16688, without /aog/v0.2).",
				},
			},
		],
	};
}

function isGatewayOrigin(requestOptions: IHttpRequestOptions, baseUrl: string): boolean {
	try {
		const target = new URL(requestOptions.url, requestOptions.baseURL ?? baseUrl.trim());
		return target.origin === new URL(baseUrl.trim()).origin;
	} catch {
		return false;
	}
}
