import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { DEFAULT_MODEL } from '../operations/imageToVideo.properties';
import { FRAME_MODELS } from '../dashscope/frames';
import { REFERENCE_MODELS } from '../dashscope/references';
import { EDIT_MODELS } from '../dashscope/videoEdit';
import { DASHSCOPE_MODELS, DASHSCOPE_TEXT_MODELS } from '../dashscope/modelTable';
import { dashScopeRequest, readDashScopeConnection } from '../dashscope/request';
import { mergeModelLists, modelsFromControlPanel, modelsFromModelList, type DiscoveredModel } from '../aog/discovery';
import { isRedirect, redirectTarget } from '../http/redirect';
import { redactUrl } from '../http/url';
import { connectionOf, headerValue } from '../http/request';
import { aogRequest, readAogConnection } from '../aog/request';
import { collectCatalogue, mergeWithTable, type TableModel, type VideoFamily } from './modelCatalogue';

const DISCOVERY_TIMEOUT_MS = 10000;
/** The DashScope-only operations' models: the account's of the same family follow the node's table. */
const DASHSCOPE_ONLY_MODES: Record<
	string,
	{ family: VideoFamily; table: Readonly<Record<string, { displayName: string }>> }
> = {
	textToVideo: { family: 't2v', table: DASHSCOPE_TEXT_MODELS },
	firstLastFrameToVideo: { family: 'kf2v', table: FRAME_MODELS },
	referenceToVideo: { family: 'r2v', table: REFERENCE_MODELS },
	editVideo: { family: 'videoedit', table: EDIT_MODELS },
};
/** The account's model catalogue (docs/DASHSCOPE-API.md, "Model catalogue"). */
const MODEL_CATALOGUE_PATH = '/api/v1/models';
/** The whole catalogue read, every page, within this time; past it the table is listed alone. */
const CATALOGUE_TIMEOUT_MS = 5000;

/**
 * The model list. Through AOG: the union of the control panel's list (which shows only the catalogue model) and the
 * registered models of /aog/v0.2/model (docs/AOG-API.md), and when both fail an entry that says why; DashScope
 * directly: the models the node knows for the operation, then the account's own ones of the same mode (searchFamily).
 * "By Name" always accepts any model.
 */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	// The DashScope-only modes list their own models, the 2.1 ones by the names of the region.
	const operation = String(this.getCurrentNodeParameter('operation') ?? this.getNodeParameter('operation', ''));
	const mode = DASHSCOPE_ONLY_MODES[operation];
	if (mode) {
		const region = await credentialRegion(this);
		const hidden = region === undefined ? undefined : region === 'beijing' ? /^wan2\.1-/ : /^wanx2\.1-/;
		const table = tableOf(mode.table).filter((model) => !hidden?.test(model.id));
		return await searchFamily.call(this, mode.family, table, filter);
	}
	if (connectionOf(this) === 'dashScopeApi')
		return await searchFamily.call(this, 'i2v', tableOf(DASHSCOPE_MODELS), filter);
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

// Only list search methods may be exported from this file (n8n calls every export): the field of a new mode adds one
// that calls searchFamily with its family and table.

/**
 * A DashScope model field of one mode: `table` (the node's models, described), then the models of the same mode that
 * the account's catalogue offers and the table does not know. Without the catalogue (no credential or key, a refused
 * key, a timeout, an answer of another shape, a connection through AOG) the table alone: never an error in the editor.
 */
async function searchFamily(
	this: ILoadOptionsFunctions,
	family: VideoFamily,
	table: readonly TableModel[],
	filter?: string,
): Promise<INodeListSearchResult> {
	const accountModels = connectionOf(this) === 'dashScopeApi' ? await readCatalogue(this) : undefined;
	return { results: mergeWithTable(table, accountModels, family, filter) };
}

/** A model table as list entries: the id and the model's name. */
function tableOf(models: Readonly<Record<string, { displayName: string }>>): TableModel[] {
	return Object.entries(models).map(([id, model]) => ({ id, displayName: model.displayName }));
}

/**
 * Every model id of the account's catalogue, through the DashScope credential (which adds its key only for its own
 * host), or undefined on any failure.
 */
async function readCatalogue(context: ILoadOptionsFunctions): Promise<string[] | undefined> {
	try {
		const connection = await readDashScopeConnection.call(context);
		// Without a key DashScope can only refuse: no request.
		if (!connection.secret) return undefined;
		const deadline = Date.now() + CATALOGUE_TIMEOUT_MS;
		return await collectCatalogue(async (pageNo, pageSize) => {
			const timeoutMs = deadline - Date.now();
			if (timeoutMs <= 0) throw new Error('the model catalogue took too long');
			const answer = await dashScopeRequest.call(context, connection, 'GET', MODEL_CATALOGUE_PATH, {
				qs: { page_no: pageNo, page_size: pageSize },
				timeoutMs,
			});
			return answer.statusCode === 200 ? safeParse(answer.body) : undefined;
		});
	} catch {
		return undefined;
	}
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
