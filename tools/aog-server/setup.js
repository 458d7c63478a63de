'use strict';
// AOG's setup state for image-to-video: is the service installed (the model row), is a DashScope key stored,
// which models the provider lists; and the two HTTP calls that change it (docs/AOG-API.md, "Setting AOG up").
const { AogError, parseJsonObject, AOG_ERRORS } = require('./aog-format');
const { sendGoJson } = require('./responses');
const { I2V_MODEL, I2V_SERVICE } = require('./discovery');

const PROVIDER_NAME = 'remote_aliyun_image-to-video';
const DASHSCOPE_URL = 'https://dashscope.aliyuncs.com/api/v1/services/aigc/video-generation/video-synthesis';
const DEFAULT_KEY = 'sk-aog-dev-server';

// Answers taken from AOG's source (its bcode tables). The dev server uses the "bad request" family for bodies it
// cannot accept; what v0.7 answers to each malformed body was not measured.
/** @typedef {{ models: string[]; apiKey: string | undefined; url: string }} Provider */

/**
 * The image-to-video setup now (a copy).
 * @typedef {object} AogSetupView
 * @property {boolean} serviceInstalled The model row exists (set up, or after the install call).
 * @property {boolean} keyStored A DashScope key is stored (set up, or after PUT service_provider).
 * @property {string[]} models Models the provider lists; generation accepts these names.
 * @property {string} [apiKey]
 */

const SETUP_ERRORS = {
	alreadyExists: () => new AogError(409, 30002, 'provider model already exist'),
	badRequest: () => new AogError(400, 20001, 'bad request'),
	providerInvalid: () => new AogError(400, 20002, 'provider invalid'),
	authInfoLost: () => new AogError(400, 20006, 'provider api auth info lost'),
};
const PROVIDER_UPDATED = { business_code: 20000, message: 'service provider interface call success' };

class AogSetup {
	/**
	 * setUp true: installed, key stored, wan2.2-i2v-plus listed (the default); false: a fresh AOG.
	 * @param {boolean} setUp
	 */
	constructor(setUp) {
		/** @type {Provider | undefined} */
		this.provider = setUp ? { models: [I2V_MODEL], apiKey: DEFAULT_KEY, url: DASHSCOPE_URL } : undefined;
	}

	/** @returns {AogSetupView} */
	get view() {
		const { provider } = this;
		return {
			serviceInstalled: Boolean(provider),
			keyStored: Boolean(provider && provider.apiKey),
			models: provider ? [...provider.models] : [],
			apiKey: provider ? provider.apiKey : undefined,
		};
	}

	/**
	 * The model a generation call asks for (default wan2.2-i2v-plus), checked like v0.7: 404 30003, then 400 {}.
	 * @param {unknown} model
	 */
	checkGeneration(model) {
		const name = model === undefined || model === null || model === '' ? I2V_MODEL : model;
		if (!this.provider || typeof name !== 'string' || !this.provider.models.includes(name))
			throw AOG_ERRORS.modelNotFound();
		if (!this.provider.apiKey) throw AOG_ERRORS.noKeyStored();
		return name;
	}

	/** Rows of GET /aog/v0.2/model for image-to-video. */
	modelRows() {
		if (!this.provider) return [];
		return this.provider.models.map((name, index) => ({
			model_name: name,
			provider_name: PROVIDER_NAME,
			status: 'downloaded',
			service_name: I2V_SERVICE,
			service_source: 'remote',
			is_default: index === 0,
		}));
	}

	/** The control panel's catalogue model is selectable once its row exists. */
	catalogueModelInstalled() {
		return Boolean(this.provider && this.provider.models.includes(I2V_MODEL));
	}

	/**
	 * POST /aog/v0.2/service/install as v0.7 does it for remote aliyun image-to-video: the model row is created,
	 * the key is not stored, and the answer is 409 30002 (every time).
	 * @param {Record<string, any>} body
	 */
	install(body) {
		if (body.service_name !== I2V_SERVICE || body.service_source !== 'remote' || body.api_flavor !== 'aliyun')
			throw SETUP_ERRORS.badRequest();
		if (!this.provider) this.provider = { models: [I2V_MODEL], apiKey: undefined, url: DASHSCOPE_URL };
		throw SETUP_ERRORS.alreadyExists();
	}

	/**
	 * PUT /aog/v0.2/service_provider: stores the key (auth_key is a JSON string) and the model list.
	 * @param {Record<string, any>} body
	 */
	updateProvider(body) {
		if (
			typeof body.auth_key !== 'string' ||
			(body.models !== undefined &&
				!(
					Array.isArray(body.models) &&
					body.models.every((/** @type {unknown} */ m) => typeof m === 'string' && m !== '')
				))
		)
			throw SETUP_ERRORS.badRequest();
		if (body.provider_name !== PROVIDER_NAME || !this.provider) throw SETUP_ERRORS.providerInvalid();
		let auth;
		try {
			auth = JSON.parse(body.auth_key);
		} catch {
			throw SETUP_ERRORS.authInfoLost();
		}
		if (!auth || typeof auth.api_key !== 'string' || auth.api_key === '') throw SETUP_ERRORS.authInfoLost();
		this.provider.apiKey = auth.api_key;
		if (body.models && body.models.length > 0) this.provider.models = [...new Set(body.models)];
		if (typeof body.url === 'string' && body.url !== '') this.provider.url = body.url;
	}
}

/**
 * @param {import('./server').Ctx} ctx
 * @param {(body: Record<string, any>) => void} action
 */
function answer(ctx, action) {
	try {
		action(parseJsonObject(ctx.text));
		sendGoJson(ctx.res, 200, PROVIDER_UPDATED);
	} catch (error) {
		if (!(error instanceof AogError)) throw error;
		sendGoJson(ctx.res, error.status, error.body);
	}
}

/**
 * @param {import('./server').State} state
 * @param {import('./server').Ctx} ctx
 */
function handleInstall(state, ctx) {
	answer(ctx, (body) => state.setup.install(body));
}

/**
 * @param {import('./server').State} state
 * @param {import('./server').Ctx} ctx
 */
function handleProviderUpdate(state, ctx) {
	answer(ctx, (body) => state.setup.updateProvider(body));
}

module.exports = { AogSetup, handleInstall, handleProviderUpdate, PROVIDER_NAME, DASHSCOPE_URL };
