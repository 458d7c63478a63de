// The node's execute: the chosen operation over every item, with the connection and its credential read once.
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { readAogConnection } from './aog/request';
import { readDashScopeConnection } from './dashscope/request';
import { connectionOf, type ConnectionSettings } from './http/request';
import { parseUrl, redactUrl } from './http/url';
import { operationNamed } from './operations';
import { LIMITS } from './operations/options';
import { readNumber } from './operations/settings';
import { runItems } from './run/runItems';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0);
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resource === 'video' ? operationNamed(operationName) : undefined;
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" of resource "${resource}" is not supported`,
		);
	}
	const connection =
		connectionOf(this) === 'dashScopeApi'
			? await readDashScopeConnection.call(this)
			: await readAogConnection.call(this);
	checkBaseUrl.call(this, connection);
	const concurrency = readNumber.call(this, 0, 'concurrency', LIMITS.concurrency);
	return [await runItems.call(this, operation.execute, { concurrency, connection })];
}

function checkBaseUrl(this: IExecuteFunctions, { type, baseUrl }: ConnectionSettings) {
	const url = parseUrl(baseUrl);
	const problem =
		!url || !/^https?:$/.test(url.protocol)
			? `"${redactUrl(baseUrl)}" is not an http(s) URL`
			: url.search || url.hash
				? 'it contains a query string or fragment'
				: undefined;
	if (!problem) return;
	if (type === 'dashScopeApi') {
		throw new NodeOperationError(this.getNode(), `The DashScope credential's Base URL is invalid: ${problem}`, {
			description:
				'For a custom region, use the API root with its scheme, without /api/v1, for example https://dashscope-proxy.example.com.',
		});
	}
	throw new NodeOperationError(this.getNode(), `The AOG credential's Base URL is invalid: ${problem}`, {
		description:
			'Use the gateway root with its scheme, for example http://127.0.0.1:16688 (a path prefix for a proxy is fine, a query string is not).',
	});
}
