import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { DEFAULT_MODEL } from '../operations/imageToVideo.properties';
import { DASHSCOPE_MODELS } from '../dashscope/modelTable';
import { mergeModelLists, modelsFromControlPanel, modelsFromModelList, type DiscoveredModel } from '../aog/discovery';
import { isRedirect, redirectTarget } from '../http/redirect';
import { redactUrl } from '../http/url';
import { connectionOf, headerValue } from '../http/request';
import { aogRequest, readAogConnection } from '../aog/request';

const DISCOVERY_TIMEOUT_MS = 10000;

/**
 * The model list. Through AOG: the union of the control panel's list (which shows only the catalogue model) and the
 * registered models of /aog/v0.2/model (docs/AOG-API.md), and when both fail an entry that says why; DashScope
 * directly: the first-frame models the node knows. "By Name" always accepts any model.
 */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	if (connectionOf(this) === 'dashScopeApi') {
		return {
			results: toResults(
				Object.keys(DASHSCOPE_MODELS).map((name) => ({ name, installed: true })),
				filter,
			),
		};
	}
	const sources: Array<
		[string, Record<string, string | number> | undefined, (json: unknown) => DiscoveredModel[] | undefined]
	> = [
		[
			'/aog/v0.2/control_panel/modellist',
			{ service_source: 'remote', flavor: 'aliyun', service_name: 'image-to-video', page_size: 50 },
			modelsFromControlPanel,
		],
		['/aog/v0.2/model', undefined, modelsFromModelList],
	];
	const connection = await readAogConnection.call(this);
	const problems: string[] = [];
	const lists: DiscoveredModel[][] = [];
	for (const [path, qs, read] of sources) {
		try {
			const answer = await aogRequest.call(this, connection, 'GET', path, { qs, timeoutMs: DISCOVERY_TIMEOUT_MS });
			const isJson = /json/i.test(String(answer.headers['content-type'] ?? ''));
			const models = answer.statusCode === 200 && isJson ? read(safeParse(answer.body)) : undefined;
			if (models) lists.push(models);
			else if (isRedirect(answer.statusCode))
				problems.push(
					`the Base URL redirects to ${redactUrl(redirectTarget(headerValue(answer.headers, 'location')))}; use that address`,
				);
			else problems.push(`${path} answered ${answer.statusCode}${isJson ? '' : ' without JSON'}`);
		} catch (error) {
			problems.push(`${path} failed: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
	if (lists.length > 0) return { results: toResults(mergeModelLists(lists), filter) };
	return {
		results: [
			{
				name: `${DEFAULT_MODEL} (model list unavailable: ${problems.join('; ')}; use "By Name" for another model)`,
				value: DEFAULT_MODEL,
			},
		],
	};
}

function toResults(models: DiscoveredModel[], filter?: string): INodeListSearchItems[] {
	const needle = (filter ?? '').toLowerCase();
	return models
		.filter((model) => model.name.toLowerCase().includes(needle))
		.map((model) => ({ name: model.installed ? model.name : `${model.name} (not installed)`, value: model.name }));
}

function safeParse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
