import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { DEFAULT_MODEL } from '../actions/video/imageToVideo.description';
import { modelsFromControlPanel, modelsFromModelList, type DiscoveredModel } from '../helpers/models';
import { aogRequest } from '../transport';

const DISCOVERY_TIMEOUT_MS = 10000;

/**
 * Lists image-to-video models from AOG's discovery endpoints: the control panel's list first, then /model.
 * When discovery fails the list says why, and "By Name" still accepts any model.
 */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const sources: Array<[string, Record<string, string | number> | undefined, (json: unknown) => DiscoveredModel[] | undefined]> = [
		['/aog/v0.2/control_panel/modellist', { service_source: 'remote', flavor: 'aliyun', service_name: 'image-to-video', page_size: 50 }, modelsFromControlPanel],
		['/aog/v0.2/model', undefined, modelsFromModelList],
	];
	const problems: string[] = [];
	for (const [path, qs, read] of sources) {
		try {
			const answer = await aogRequest.call(this, 'GET', path, { qs, timeoutMs: DISCOVERY_TIMEOUT_MS });
			const isJson = /json/i.test(String(answer.headers['content-type'] ?? ''));
			const models = answer.statusCode === 200 && isJson ? read(safeParse(answer.body)) : undefined;
			if (models) return { results: toResults(models, filter) };
			problems.push(`${path} answered ${answer.statusCode}${isJson ? '' : ' without JSON'}`);
		} catch (error) {
			problems.push(`${path} failed: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
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
