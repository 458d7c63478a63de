import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { bearerForOwnOrigin } from './bearerForOwnOrigin';

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
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return bearerForOwnOrigin(requestOptions, credentials.apiKey, String(credentials.baseUrl ?? ''));
	}

	// The model list answers whether AOG has an image-to-video service (docs/AOG-API.md, "Discovering models"): the
	// catalogue model is listed with can_select true once the service is installed. Whether AOG holds a DashScope key
	// shows only on a billed generation, so the test does not try. Redirects are not followed: n8n would send the key
	// on to any origin (n8n then reports the 3xx status as a failed request).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl.trim().replace(/\\/+$/, "") }}',
			url: '/aog/v0.2/control_panel/modellist',
			qs: { service_source: 'remote', flavor: 'aliyun', service_name: 'image-to-video', page_size: 50 },
			headers: { Accept: 'application/json', 'Accept-Encoding': 'identity' },
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		rules: [
			{
				// AOG answers every unknown /aog/v0.2/… path with its control panel's HTML page, status 200.
				type: 'responseSuccessBody',
				properties: {
					key: 'data.data',
					value: undefined,
					message:
						"The address answered, but not with AOG's model list. Set Base URL to AOG's root (default http://127.0.0.1:16688, without /aog/v0.2).",
				},
			},
			{ type: 'responseSuccessBody', properties: { key: 'data.total', value: 0, message: NO_SERVICE_MESSAGE } },
			{
				type: 'responseSuccessBody',
				properties: { key: 'data.data[0].can_select', value: false, message: NO_SERVICE_MESSAGE },
			},
		],
	};
}

const NO_SERVICE_MESSAGE =
	'AOG answers, but has no image-to-video service installed (its model list offers none). Install it and store a Beijing-region DashScope key on the AOG host: see "Setting up AOG" in the README (POST /aog/v0.2/service/install, then PUT /aog/v0.2/service_provider; "aog install … --flavor aliyun" does not work in v0.7).';
