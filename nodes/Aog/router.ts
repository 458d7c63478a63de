import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { parseUrl, redactUrl } from './http/url';
import { connectionOf, type Connection } from './http/request';
import { gatewayBaseUrl } from './aog/request';
import { dashScopeCredentials } from './dashscope/request';
import { runItems, type ItemOperation } from './run/runItems';
import * as video from './operations';
import { LIMITS } from './operations/options';
import { readNumber } from './operations/settings';

const operations: Record<string, ItemOperation> = {
	imageToVideo: video.imageToVideo.execute,
	getTask: video.getTask.execute,
	cancelTask: video.cancelTask.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0);
	const operation = this.getNodeParameter('operation', 0) as string;
	if (resource !== 'video' || !operations[operation]) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}
	const connection = connectionOf(this);
	const { baseUrl, secret } = await connectionSettings.call(this, connection);
	checkBaseUrl.call(this, connection, baseUrl);
	const concurrency = readNumber.call(this, 0, 'concurrency', LIMITS.concurrency);
	const service = connection === 'dashScopeApi' ? 'DashScope' : 'AOG';
	return [await runItems.call(this, operations[operation], { concurrency, secrets: secret ? [secret] : [], service })];
}

async function connectionSettings(this: IExecuteFunctions, connection: Connection): Promise<{ baseUrl: string; secret?: string }> {
	if (connection === 'dashScopeApi') {
		const { baseUrl, apiKey } = await dashScopeCredentials.call(this);
		return { baseUrl, secret: apiKey };
	}
	const credentials = await this.getCredentials<{ apiKey?: string }>('aogApi');
	// Trimmed as the credential sends it, so that an echo of the key is found and hidden.
	return { baseUrl: await gatewayBaseUrl.call(this), secret: credentials.apiKey ? String(credentials.apiKey).trim() : undefined };
}

function checkBaseUrl(this: IExecuteFunctions, connection: Connection, baseUrl: string) {
	const url = parseUrl(baseUrl);
	const problem = !url || !/^https?:$/.test(url.protocol)
		? `"${redactUrl(baseUrl)}" is not an http(s) URL`
		: url.search || url.hash
			? 'it contains a query string or fragment'
			: undefined;
	if (!problem) return;
	if (connection === 'dashScopeApi') {
		throw new NodeOperationError(this.getNode(), `The DashScope credential's Base URL is invalid: ${problem}`, {
			description: 'For a custom region, use the API root with its scheme, without /api/v1, for example https://dashscope-proxy.example.com.',
		});
	}
	throw new NodeOperationError(this.getNode(), `The AOG credential's Base URL is invalid: ${problem}`, {
		description: 'Use the gateway root with its scheme, for example http://127.0.0.1:16688 (a path prefix for a proxy is fine, a query string is not).',
	});
}
