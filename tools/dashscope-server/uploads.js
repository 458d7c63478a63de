'use strict';
// DashScope's temporary storage (docs/DASHSCOPE-API.md, "Temporary storage"): GET /api/v1/uploads?action=getPolicy
// on the API hands out an OSS PostObject policy for one model; the file is POSTed as multipart/form-data to the
// upload host (the storage host: another origin, so a client's key must never go there); a submit then names it
// `oss://<key>`, resolved only with `X-DashScope-OssResourceResolve: enable` and only for the policy's model.
const crypto = require('crypto');
const { sendOssError } = require('../media/oss');
const { apiError, invalidParameter, requestId, sendJson } = require('./errors');

const UPLOAD_ACCESS_KEY_ID = 'LTAI5tDashScopeDevUploads';
const UPLOAD_BUCKET = 'dashscope-file-mgr';
const UPLOAD_ROOT = 'dashscope-instant';
const CAPACITY_LIMIT_MB = 999999999;
const OSS_URL = /^oss:\/\/(.+)$/i;
// DashScope's answer to an oss:// URL sent without the resolve header.
const UNRESOLVED_OSS_MESSAGE = 'The provided URL does not appear to be valid. Ensure it is correctly formatted.';
const NO_STORAGE_MESSAGE = 'Access denied: temporary file storage (uploads) is not available in this region.';

/**
 * @typedef {import('./server').State} State
 * @typedef {import('./server').Ctx} Ctx
 * @typedef {object} UploadRecord One stored file (server.uploads, live, in upload order).
 * @property {string} key Object key, `<upload_dir>/<file name>`; a submit names it `oss://<key>`.
 * @property {string} model The model whose policy it was uploaded under: only that model's tasks may use it.
 * @property {number} size Bytes.
 * @property {string} sha256 Hex digest of the bytes.
 * @property {string} mime The file part's Content-Type ('application/octet-stream' when absent).
 * @property {string} fileName The file part's filename.
 * @property {number} uploadedAt Date.now() ms.
 * @typedef {UploadRecord & { bytes: Buffer }} StoredFile
 * @typedef {{ name: string; fileName?: string; contentType?: string; data: Buffer }} FormPart
 */

/**
 * multipart/form-data parts in order, or undefined when the body is not well-formed.
 * @param {Buffer} body
 * @param {string | undefined} contentType
 * @returns {FormPart[] | undefined}
 */
function parseMultipart(body, contentType) {
	const match = /^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType || '');
	if (!match) return undefined;
	const delimiter = Buffer.from(`--${match[1] || match[2]}`);
	/** @type {FormPart[]} */
	const parts = [];
	let at = body.indexOf(delimiter);
	if (at < 0) return undefined;
	for (;;) {
		at += delimiter.length;
		if (body.slice(at, at + 2).toString() === '--') return parts;
		if (body.slice(at, at + 2).toString() !== '\r\n') return undefined;
		const headerEnd = body.indexOf('\r\n\r\n', at);
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), at);
		if (headerEnd < 0 || next < 0 || headerEnd > next) return undefined;
		const headers = body.slice(at + 2, headerEnd).toString('utf8');
		const disposition = /content-disposition:\s*form-data\s*;([^\r\n]*)/i.exec(headers);
		const name = disposition && /\bname="([^"]*)"/i.exec(disposition[1]);
		if (!disposition || !name) return undefined;
		const fileName = /\bfilename="([^"]*)"/i.exec(disposition[1]);
		const type = /content-type:\s*([^\r\n]+)/i.exec(headers);
		parts.push({
			name: name[1],
			fileName: fileName ? fileName[1] : undefined,
			contentType: type ? type[1].trim() : undefined,
			data: body.slice(headerEnd + 4, next),
		});
		at = next + 2;
	}
}

class TemporaryStorage {
	/** @param {State} state */
	constructor(state) {
		this.state = state;
		this.secret = crypto.randomBytes(20);
		/** @type {Map<string, StoredFile>} */
		this.files = new Map();
		/**
		 * Live (server.uploads): every stored file, without its bytes.
		 * @type {UploadRecord[]}
		 */
		this.records = [];
		/** upload_dir → model, for every policy handed out. @type {Map<string, string>} */
		this.dirs = new Map();
		// One account, one hash: the middle part of every upload_dir.
		this.accountHash = crypto.randomBytes(16).toString('hex');
	}

	/** @param {string} policy base64 */
	sign(policy) {
		return crypto.createHmac('sha1', this.secret).update(policy).digest('base64');
	}

	/**
	 * The getPolicy answer's `data` for a model.
	 * @param {string} model
	 */
	policyFor(model) {
		const { uploadPolicyTtlSeconds: ttl, uploadMaxFileSizeMb: maxMb } = this.state.options;
		const day = new Date().toISOString().slice(0, 10);
		const uploadDir = `${UPLOAD_ROOT}/${this.accountHash}/${day}/${crypto.randomUUID()}`;
		this.dirs.set(uploadDir, model);
		const policy = Buffer.from(
			JSON.stringify({
				expiration: new Date(Date.now() + ttl * 1000).toISOString(),
				conditions: [
					['content-length-range', 0, Math.floor(maxMb * 1048576)],
					['starts-with', '$key', uploadDir],
					{ bucket: UPLOAD_BUCKET },
					{ 'x-oss-object-acl': 'private' },
					{ 'x-oss-forbid-overwrite': 'true' },
				],
			}),
		).toString('base64');
		return {
			policy,
			signature: this.sign(policy),
			upload_dir: uploadDir,
			upload_host: this.state.storageUrl,
			expire_in_seconds: ttl,
			max_file_size_mb: maxMb,
			capacity_limit_mb: CAPACITY_LIMIT_MB,
			oss_access_key_id: UPLOAD_ACCESS_KEY_ID,
			x_oss_object_acl: 'private',
			x_oss_forbid_overwrite: 'true',
		};
	}

	/**
	 * The stored file an `oss://` URL names, for a task of `model`; throws ApiError (400 InvalidParameter).
	 * @param {string} url
	 * @param {string} model
	 * @returns {StoredFile}
	 */
	resolve(url, model) {
		const key = (OSS_URL.exec(url) || [])[1];
		const file = key === undefined ? undefined : this.files.get(key);
		if (!file)
			throw invalidParameter(
				`The file ${url} does not exist in temporary storage (it was never uploaded, or it expired after 48 hours).`,
			);
		if (file.model !== model)
			throw invalidParameter(
				`The file ${url} was uploaded for model ${file.model} and cannot be used by model ${model}: get the upload policy with model=${model}.`,
			);
		return file;
	}

	clear() {
		this.files.clear();
		this.records.length = 0;
		this.dirs.clear();
	}
}

/** @param {string} url */
function isOssUrl(url) {
	return OSS_URL.test(url);
}

/**
 * Every string URL of a submit's input (img_url, *_url, *_urls, media[].url), for the oss:// checks.
 * @param {unknown} input
 * @returns {string[]}
 */
function inputUrls(input) {
	if (!input || typeof input !== 'object' || Array.isArray(input)) return [];
	/** @type {string[]} */
	const urls = [];
	for (const [name, value] of Object.entries(input)) {
		if (typeof value === 'string' && /_url$/.test(name)) urls.push(value);
		if (Array.isArray(value) && /_urls$/.test(name)) urls.push(...value.filter((v) => typeof v === 'string'));
		if (name === 'media' && Array.isArray(value))
			for (const item of value) if (item && typeof item.url === 'string') urls.push(item.url);
	}
	return urls;
}

/**
 * At submit: oss:// URLs need the resolve header, must exist and belong to the task's model.
 * @param {State} state
 * @param {Ctx['req']} req
 * @param {unknown} input
 * @param {string} model
 */
function checkOssUrls(state, req, input, model) {
	const urls = inputUrls(input).filter(isOssUrl);
	if (urls.length === 0) return;
	if (String(req.headers['x-dashscope-ossresourceresolve'] || '').toLowerCase() !== 'enable')
		throw invalidParameter(UNRESOLVED_OSS_MESSAGE);
	for (const url of urls) state.storage.resolve(url, model);
}

/**
 * GET /api/v1/uploads?action=getPolicy&model=…
 * @param {State} state
 * @param {Ctx} ctx
 * @param {(name: string) => boolean} modelExists
 */
function handleGetPolicy(state, ctx, modelExists) {
	state.counters.policies += 1;
	if (!state.options.temporaryStorage) throw apiError('AccessDenied', NO_STORAGE_MESSAGE);
	const action = ctx.query.get('action');
	if (action !== 'getPolicy')
		throw invalidParameter(`The parameter action is invalid: ${JSON.stringify(action)} (expected getPolicy).`);
	const model = ctx.query.get('model');
	if (!model) throw invalidParameter('Missing required parameter: model');
	if (!modelExists(model)) throw apiError('ModelNotFound', 'Model not exist.');
	sendJson(ctx.res, 200, { request_id: requestId(), data: state.storage.policyFor(model) });
}

/**
 * A policy's conditions against the form fields; an OSS problem [status, code, message] or undefined.
 * @param {any[]} conditions
 * @param {Record<string, string>} fields
 * @param {number} size
 * @returns {import('../media/oss').OssProblem | undefined}
 */
function checkConditions(conditions, fields, size) {
	/** @param {unknown} condition */
	const failed = (condition) =>
		/** @type {import('../media/oss').OssProblem} */ ([
			403,
			'AccessDenied',
			`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
		]);
	for (const condition of conditions) {
		if (Array.isArray(condition) && condition[0] === 'content-length-range') {
			if (size < condition[1] || size > condition[2])
				return [400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.'];
		} else if (Array.isArray(condition)) {
			const [op, field, value] = condition;
			const actual = String(field).startsWith('$') ? fields[String(field).slice(1).toLowerCase()] : undefined;
			const ok = op === 'eq' ? actual === value : op === 'starts-with' && String(actual ?? '').startsWith(value);
			if (!ok) return failed(condition);
		} else if (condition && typeof condition === 'object') {
			for (const [field, value] of Object.entries(condition)) {
				const actual = field === 'bucket' ? UPLOAD_BUCKET : fields[field.toLowerCase()];
				if (actual !== value) return failed(condition);
			}
		}
	}
	return undefined;
}

/**
 * The policy and signature of a PostObject; an OSS problem, or the decoded conditions.
 * @param {TemporaryStorage} storage
 * @param {Record<string, string>} fields
 * @returns {{ problem: import('../media/oss').OssProblem } | { conditions: any[] }}
 */
function checkPolicy(storage, fields) {
	if (fields.ossaccesskeyid !== UPLOAD_ACCESS_KEY_ID)
		return {
			problem: [403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.'],
		};
	if (fields.signature !== storage.sign(fields.policy))
		return {
			problem: [
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided.',
			],
		};
	/** @type {any} */
	let policy;
	try {
		policy = JSON.parse(Buffer.from(fields.policy, 'base64').toString('utf8'));
	} catch {
		return { problem: [400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.'] };
	}
	if (!(Date.parse(policy.expiration) > Date.now()))
		return { problem: [403, 'AccessDenied', 'Invalid according to Policy: Policy expired.'] };
	return { conditions: Array.isArray(policy.conditions) ? policy.conditions : [] };
}

/**
 * POST / on the upload host: OSS PostObject. Fields after the file are ignored, as OSS does.
 * @param {State} state
 * @param {Ctx} ctx
 * @param {Buffer} body
 */
function handleUpload(state, ctx, body) {
	const { req, res } = ctx;
	state.counters.uploadRequests += 1;
	const parts = parseMultipart(body, req.headers['content-type']);
	if (!parts)
		return sendOssError(
			res,
			400,
			'MalformedPOSTRequest',
			'The body of your POST request is not well-formed multipart/form-data.',
		);
	const fileIndex = parts.findIndex((part) => part.name === 'file');
	/** @type {Record<string, string>} */
	const fields = {};
	for (const part of parts.slice(0, fileIndex < 0 ? parts.length : fileIndex))
		fields[part.name.toLowerCase()] = part.data.toString('utf8');
	for (const name of ['key', 'OSSAccessKeyId', 'policy', 'Signature'])
		if (fields[name.toLowerCase()] === undefined)
			return sendOssError(
				res,
				400,
				'InvalidArgument',
				`Bucket POST must contain a field named '${name}'. If it is specified, please check the order of the fields.`,
			);
	if (fileIndex < 0) return sendOssError(res, 400, 'InvalidArgument', "Bucket POST must contain a field named 'file'.");
	const file = parts[fileIndex];
	const checked = checkPolicy(state.storage, fields);
	if ('problem' in checked) return sendOssError(res, ...checked.problem);
	const problem = checkConditions(checked.conditions, fields, file.data.length);
	if (problem) return sendOssError(res, ...problem);
	const { key } = fields;
	if (state.storage.files.has(key) && fields['x-oss-forbid-overwrite'] === 'true')
		return sendOssError(
			res,
			409,
			'FileAlreadyExists',
			'The object you specified already exists and can not be overwritten.',
		);
	const dir = [...state.storage.dirs.keys()].find((prefix) => key.startsWith(`${prefix}/`));
	if (!dir)
		return sendOssError(res, 403, 'AccessDenied', 'The object key is outside every upload directory handed out.');
	/** @type {UploadRecord} */
	const record = {
		key,
		model: /** @type {string} */ (state.storage.dirs.get(dir)),
		size: file.data.length,
		sha256: crypto.createHash('sha256').update(file.data).digest('hex'),
		mime: file.contentType || 'application/octet-stream',
		fileName: file.fileName || '',
		uploadedAt: Date.now(),
	};
	state.storage.files.set(key, { ...record, bytes: file.data });
	state.storage.records.push(record);
	state.counters.uploads += 1;
	const status =
		fields.success_action_status === '200' || fields.success_action_status === '201'
			? Number(fields.success_action_status)
			: 204;
	res.writeHead(status, {
		Server: 'AliyunOSS',
		'Content-Length': 0,
		ETag: `"${record.sha256.slice(0, 32).toUpperCase()}"`,
	});
	return res.end();
}

module.exports = {
	TemporaryStorage,
	handleGetPolicy,
	handleUpload,
	checkOssUrls,
	isOssUrl,
	parseMultipart,
	UPLOAD_ACCESS_KEY_ID,
	UPLOAD_BUCKET,
	UNRESOLVED_OSS_MESSAGE,
	NO_STORAGE_MESSAGE,
};
