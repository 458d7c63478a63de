// The account's model catalogue (GET /api/v1/models, docs/DASHSCOPE-API.md "Model catalogue"): its answer read into
// model ids, the ids sorted into the node's video modes by name, and merged with the node's own table. Pure (no n8n
// imports), so every rule here is checked by unit tests; methods/listSearch.ts does the request.

/** The video modes, as the model names spell them: wan2.6-i2v, wan2.2-t2v-plus, wan2.2-kf2v-flash… */
export type VideoFamily = 'i2v' | 't2v' | 'kf2v' | 'r2v' | 'videoedit';

/** One model of the node's own table, for one mode. */
export interface TableModel {
	id: string;
	displayName: string;
}

/** A list search entry (the shape of n8n's INodeListSearchItems). */
export interface ModelChoice {
	name: string;
	value: string;
	description: string;
}

/** Models asked per page; the number n8n's own Alibaba Cloud node uses. */
export const CATALOGUE_PAGE_SIZE = 100;
/** Pages read at most: the catalogue holds a few hundred models of every kind. */
export const CATALOGUE_MAX_PAGES = 10;

// The mode is a whole dash-separated part of the name; 'video-edit' is how some vendors spell it.
const FAMILY_PART = /(?:^|-)(i2v|t2v|kf2v|r2v|videoedit|video-edit)(?:-|$)/;

/**
 * The video mode of a Wan model by its name, or undefined for any other model (text, images, speech, other video
 * vendors whose bodies the node does not build, Wan modes it has no operation for such as s2v or animate).
 */
export function familyOf(modelId: string): VideoFamily | undefined {
	const name = modelId.trim().toLowerCase();
	if (!/^wanx?\d/.test(name)) return undefined;
	const part = FAMILY_PART.exec(name)?.[1];
	if (part === undefined) return undefined;
	return part === 'video-edit' ? 'videoedit' : (part as VideoFamily);
}

/** The ids of one mode among the catalogue's models, in the catalogue's order, each once. */
export function modelsOfFamily(modelIds: readonly string[], family: VideoFamily): string[] {
	return [...new Set(modelIds.map((id) => id.trim()))].filter((id) => familyOf(id) === family);
}

/**
 * One page of the catalogue: `{output: {total, models: [{model, name, …}]}}` as Model Studio answers it; `data`
 * instead of `models`, the list at the top level, and OpenAI-style `{id}` entries are read too. Undefined for
 * anything else (a web page, an error body, another API), so the caller falls back to the table.
 */
export function readCataloguePage(json: unknown): { modelIds: string[]; total?: number } | undefined {
	if (!isRecord(json)) return undefined;
	const output = isRecord(json.output) ? json.output : json;
	const list = Array.isArray(output.models) ? output.models : Array.isArray(output.data) ? output.data : undefined;
	if (!list) return undefined;
	const modelIds: string[] = [];
	for (const entry of list) {
		const id = isRecord(entry) ? (entry.model ?? entry.id) : undefined;
		if (typeof id === 'string' && id.trim() !== '') modelIds.push(id.trim());
	}
	const total = typeof output.total === 'number' && output.total >= 0 ? output.total : undefined;
	return { modelIds, total };
}

/**
 * Every page of the catalogue, read one after another through `fetchPage` (which returns the parsed answer, or
 * throws): undefined as soon as one page is not the catalogue. Stops at a short page, at the total it reports, or
 * after CATALOGUE_MAX_PAGES.
 */
export async function collectCatalogue(
	fetchPage: (pageNo: number, pageSize: number) => Promise<unknown>,
): Promise<string[] | undefined> {
	const modelIds: string[] = [];
	for (let pageNo = 1; pageNo <= CATALOGUE_MAX_PAGES; pageNo++) {
		const page = readCataloguePage(await fetchPage(pageNo, CATALOGUE_PAGE_SIZE));
		if (!page) return undefined;
		modelIds.push(...page.modelIds);
		if (page.modelIds.length < CATALOGUE_PAGE_SIZE) break;
		if (page.total !== undefined && modelIds.length >= page.total) break;
	}
	return modelIds;
}

/**
 * The list of one model field: the table's models first (described by their name), then the account's models of the
 * same mode that the table does not know, marked as coming from the account. `accountModels` undefined (no
 * catalogue) gives the table alone. `filter` keeps the entries whose name (id and model name) contains it.
 */
export function mergeWithTable(
	table: readonly TableModel[],
	accountModels: readonly string[] | undefined,
	family: VideoFamily,
	filter?: string,
): ModelChoice[] {
	const known = new Set(table.map((model) => model.id.toLowerCase()));
	const offered = new Set((accountModels ?? []).map((id) => id.toLowerCase()));
	const choices: ModelChoice[] = table.map((model) => ({
		name: `${model.id} (${model.displayName})`,
		value: model.id,
		description:
			accountModels && offered.has(model.id.toLowerCase())
				? `${model.displayName}: the node knows its limits, and your account offers it`
				: `${model.displayName}: the node knows its limits`,
	}));
	for (const id of modelsOfFamily(accountModels ?? [], family)) {
		if (known.has(id.toLowerCase())) continue;
		choices.push({
			name: `${id} (from your account)`,
			value: id,
			description:
				"From your account's model catalogue; the node does not know its limits, so DashScope checks the options",
		});
	}
	const needle = (filter ?? '').trim().toLowerCase();
	return choices.filter((choice) => choice.name.toLowerCase().includes(needle));
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
