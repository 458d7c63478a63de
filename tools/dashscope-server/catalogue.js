'use strict';
// GET /api/v1/models: the account's model catalogue, paged, in the shape Model Studio answers it
// (docs/DASHSCOPE-API.md, "Model catalogue"): the video models this server makes in its region, one video model the
// node's table does not know (an account-only model), and a few models of other kinds that no video field lists.
const { requestId, sendJson } = require('./errors');
const { MODELS, modelsOf } = require('./models');

const MODELS_PATH = '/api/v1/models';
/** A newer image-to-video model than the node's table knows: the list search offers it as the account's. */
const ACCOUNT_ONLY_VIDEO_MODEL = 'wan2.8-i2v-preview';

/**
 * @typedef {object} CatalogueEntry
 * @property {string} model
 * @property {string} name
 * @property {string} description
 * @property {{ request_modality: string[]; response_modality: string[] }} inference_metadata
 */

/**
 * @param {string} model
 * @param {string[]} request
 * @param {string[]} response
 * @returns {CatalogueEntry}
 */
const entry = (model, request, response) => ({
	model,
	name: model,
	description: `${model} (dev server)`,
	inference_metadata: { request_modality: request, response_modality: response },
});

/**
 * The catalogue of a region: its video models in the server's order, then the others.
 * @param {string} region
 * @returns {CatalogueEntry[]}
 */
function catalogueOf(region) {
	const video = modelsOf(region).map((model) =>
		entry(model, MODELS[model].body === 'text' ? ['Text'] : ['Text', 'Image'], ['Video']),
	);
	return [
		entry('qwen-plus', ['Text'], ['Text']),
		...video,
		entry(ACCOUNT_ONLY_VIDEO_MODEL, ['Text', 'Image'], ['Video']),
		entry('wan2.6-t2i', ['Text'], ['Image']),
		entry('wan2.2-s2v', ['Image', 'Audio'], ['Video']),
	];
}

/**
 * @param {URLSearchParams} query
 * @param {string} name
 * @param {number} fallback
 * @param {number} max
 */
function pageParameter(query, name, fallback, max) {
	const value = Number(query.get(name) ?? fallback);
	return Number.isInteger(value) && value >= 1 ? Math.min(value, max) : fallback;
}

/**
 * GET /api/v1/models with the region's key (checkAuth answers 401 InvalidApiKey otherwise).
 * @param {{ options: { region: string } }} state
 * @param {{ req: import('http').IncomingMessage; res: import('http').ServerResponse; query: URLSearchParams }} ctx
 * @param {(state: any, req: any) => unknown} checkAuth
 */
function handleModels(state, ctx, checkAuth) {
	checkAuth(state, ctx.req);
	const all = catalogueOf(state.options.region);
	const pageNo = pageParameter(ctx.query, 'page_no', 1, 1_000_000);
	const pageSize = pageParameter(ctx.query, 'page_size', 10, 100);
	sendJson(ctx.res, 200, {
		request_id: requestId(),
		output: {
			total: all.length,
			page_no: pageNo,
			page_size: pageSize,
			models: all.slice((pageNo - 1) * pageSize, pageNo * pageSize),
		},
	});
}

module.exports = { MODELS_PATH, ACCOUNT_ONLY_VIDEO_MODEL, catalogueOf, handleModels };
