import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { DEFAULT_MODEL } from '../operations/imageToVideo.properties';
import { FRAME_MODEL_NAMES } from '../dashscope/frames';
import { REFERENCE_MODEL_NAMES } from '../dashscope/references';
import { EDIT_MODEL_NAMES } from '../dashscope/videoEdit';
import { DASHSCOPE_MODELS, DASHSCOPE_TEXT_MODELS } from '../dashscope/modelTable';
import { mergeModelLists, modelsFromControlPanel, modelsFromModelList, type DiscoveredModel } from '../aog/discovery';
import { isRedirect, redirectTarget } from '../http/redirect';
import { redactUrl } from '../http/url';
import { connectionOf, headerValue } from '../http/request';
import { aogRequest, readAogConnection } from '../aog/request';

const DISCOVERY_TIMEOUT_MS = 10000;
/** The models of each DashScope-only operation, by the operation's value. */
const DASHSCOPE_ONLY_MODELS: Record<string, readonly string[]> = {
	textToVideo: Object.keys(DASHSCOPE_TEXT_MODELS),
	firstLastFrameToVideo: FRAME_MODEL_NAMES,
	referenceToVideo: REFERENCE_MODEL_NAMES,
	editVideo: EDIT_MODEL_NAMES,
};

/**
 * The model list. Through AOG: the union of the control panel's list (which shows only the catalogue model) and the
 * registered models of /aog/v0.2/model (docs/AOG-API.md), and when both fail an entry that says why; DashScope
 * directly: the first-frame models the node knows. "By Name" always accepts any model.
 */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	// The DashScope-only modes list their own models, the 2.1 ones by the names of the region.
	const operation = String(this.getCurrentNodeParameter('operation') ?? this.getNodeParameter('operation', ''));
	const modeModels = DASHSCOPE_ONLY_MODELS[operation];
	if (modeModels) {
		const region = await credentialRegion(this);
		const hidden = region === undefined ? undefined : region === 'beijing' ? /^wan2\.1-/ : /^wanx2\.1-/;
		const names = modeModels.filter((name) => !hidden?.test(name));
		return {
			results: toResults(
				names.map((name) => ({ name, installed: true })),
				filter,
			),
		};
	}
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

/** The DashScope credential's region; undefined (both names listed) when there is none or it is a custom host. */
async function credentialRegion(context: ILoadOptionsFunctions): Promise<string | undefined> {
	try {
		const region = String((await context.getCredentials('dashScopeApi')).region ?? '');
		return ['', 'custom'].includes(region) ? undefined : region;
	} catch {
		return undefined;
	}
}

function safeParse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
