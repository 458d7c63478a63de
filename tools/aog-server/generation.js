'use strict';
// The two generation routes: AOG's standard image-to-video service and the native DashScope flavour.
const crypto = require('crypto');
const { AogError, UpstreamError, AOG_ERRORS, parseJsonObject, wrapUpstreamError } = require('./aog-format');
const { checkDashScopeImage, loadImgUrl, ImageRejected } = require('../media/image-check');
const { readLocalImage } = require('./local-image');
const { send, sendGoJsonChunked, sendRawJson, sendAogError, sendHtmlTrap, JSON_TYPE } = require('./responses');
const { I2V_MODEL } = require('./discovery');

/**
 * @typedef {import('./server').State} State
 * @typedef {import('./server').Ctx} Ctx
 * @typedef {import('./failures').Failure} Failure
 * @typedef {import('../media/image-check').CheckedImage} CheckedImage
 * @typedef {{ bytes: Buffer } | { imgUrl: unknown }} ImageSource
 * @typedef {{ videoUrl: string; failed?: undefined } | { videoUrl?: undefined; failed: { code: string; message: string } }} TaskOutcome
 */

const IMAGE_TYPES = new Set(['url', 'path', 'base64']);
const IMAGE_FETCHER = 'aog-dev-server (DashScope image fetcher)';
/** @type {Record<string, number>} */
const RESOLUTION_HEIGHTS = { '480P': 480, '1080P': 1080 };
const PROMPT_EXTENSION =
	'The camera pushes in slowly with smooth, steady motion; soft natural light, rich detail and a calm cinematic atmosphere.';

/** @param {string} message */
function invalidParameter(message) {
	return new UpstreamError(400, 'InvalidParameter', message);
}

/** DashScope prints times like "2025-09-01 10:00:00.123", in Beijing time. */
function dashScopeTime(date = new Date()) {
	return new Date(date.getTime() + 8 * 3600 * 1000).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * True when the client's Accept-Encoding names br or deflate, which AOG forwards upstream but cannot decode.
 * @param {string | string[] | undefined} header
 */
function forwardsUndecodableEncoding(header) {
	if (!header) return false;
	return String(header)
		.split(',')
		.some((part) => {
			const [name, ...params] = part.trim().toLowerCase().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			return (name.trim() === 'br' || name.trim() === 'deflate') && !(q && Number(q.slice(2)) === 0);
		});
}

/**
 * A task was created upstream for this request (counted in counters.upstreamTasks and the request's record).
 * @param {State} state
 * @param {Ctx} ctx
 */
function submitTask(state, ctx) {
	state.counters.upstreamTasks += 1;
	if (ctx.record) ctx.record.upstreamTasks += 1;
}

/**
 * A task ran to SUCCEEDED upstream: a video was made and billed, whether or not anyone got its link.
 * @param {State} state
 * @param {Ctx} ctx
 */
function billTask(state, ctx) {
	state.counters.upstreamTasksBilled += 1;
	if (ctx.record) ctx.record.upstreamTasksBilled += 1;
}

/**
 * A task nobody polls any more still runs to its end upstream (and is billed).
 * @param {State} state
 * @param {Ctx} ctx
 * @param {number} delayMs
 */
function finishUnobserved(state, ctx, delayMs) {
	void state.sleep(delayMs).then(() => billTask(state, ctx));
}

/**
 * AOG's n-th wait before re-submitting after an upstream 5xx (2 s, 4 s in v0.7; compressed by default).
 * @param {State} state
 * @param {number} n
 */
function resubmitWait(state, n) {
	const waits = state.options.resubmitWaitsMs;
	return waits.length === 0 ? 0 : waits[Math.min(n, waits.length - 1)];
}

/**
 * AOG's middleware checks on the standard body; returns what DashScope will get: {bytes} or {imgUrl}.
 * @param {State} state
 * @param {Record<string, any>} body
 * @returns {ImageSource}
 */
function standardImageSource(state, body) {
	const { image, image_type: imageType } = body;
	if (typeof image !== 'string' || image === '') throw AOG_ERRORS.imageLost();
	if (typeof imageType !== 'string' || imageType === '') throw AOG_ERRORS.imageTypeLost();
	if (!IMAGE_TYPES.has(imageType)) throw AOG_ERRORS.unsupportedImageType();
	state.setup.checkGeneration(body.model); // 404 30003 (not installed, unknown model), then 400 {} (no key)
	const fileRoot = state.options.fileRoot;
	// `path` is read by AOG itself; `url` and `base64` are passed to DashScope unchanged as img_url.
	return imageType === 'path' ? { bytes: readLocalImage(image, fileRoot) } : { imgUrl: image };
}

/**
 * DashScope's checks of the picture; a picture it refuses is an UpstreamError (AOG wraps it in its 500).
 * @param {ImageSource} source
 * @returns {Promise<CheckedImage>}
 */
async function loadImage(source) {
	try {
		if ('bytes' in source) return { bytes: source.bytes, info: checkDashScopeImage(source.bytes) };
		return await loadImgUrl(source.imgUrl, IMAGE_FETCHER);
	} catch (error) {
		if (error instanceof ImageRejected) throw new UpstreamError(error.status, error.code, error.message);
		throw error;
	}
}

/**
 * The video as the video store keeps it: an encoded file, or a synthetic padded MP4.
 * @param {State} state
 * @param {CheckedImage} image
 * @param {number} height
 * @returns {Promise<import('./videos').StoredVideo>}
 */
async function makeVideo(state, image, height) {
	const syntheticBytes = state.options.syntheticVideoBytes;
	if (syntheticBytes > 0)
		return { type: 'synthetic', bytes: syntheticBytes, base: await state.videoMaker.syntheticBaseBytes() };
	const file = await state.videoMaker.videoFor(image.bytes, image.info, height);
	return { type: 'file', ...file };
}

/**
 * What DashScope does with a submission: reject the image at once (throws UpstreamError, no task), or create a
 * task that runs for the request's delay and ends with {videoUrl} (billed) or {failed: {code, message}} when the
 * encoder fails. The task runs to its end even when the client has gone. Quirks of AOG on the way:
 * - Accept-Encoding br/deflate: the task is created, then AOG cannot read the answer (500), the task runs on;
 * - pollFailure (a 5xx on a poll): AOG submits a second task and polls that one; the first runs on unobserved.
 * @param {State} state
 * @param {Ctx} ctx
 * @param {ImageSource} source
 * @param {number} height
 * @param {{ pollFailure?: Failure }} [quirks]
 * @returns {Promise<TaskOutcome>}
 */
async function runTask(state, ctx, source, height, { pollFailure } = {}) {
	const delayMs = ctx.delayMs ?? state.options.generationDelayMs;
	const image = await loadImage(source);
	submitTask(state, ctx);
	if (forwardsUndecodableEncoding(ctx.req.headers['accept-encoding'])) {
		finishUnobserved(state, ctx, delayMs);
		throw AOG_ERRORS.initialResponseUnreadable();
	}
	if (pollFailure) {
		finishUnobserved(state, ctx, delayMs);
		await state.sleep(resubmitWait(state, 0));
		submitTask(state, ctx);
	}
	const cap = state.options.pollCapMs;
	if (cap > 0 && delayMs > cap) {
		// AOG stops polling; the task runs to its end upstream and is billed, its id never returned.
		await state.sleep(cap);
		finishUnobserved(state, ctx, delayMs - cap);
		throw AOG_ERRORS.pollExhausted();
	}
	await state.sleep(delayMs);
	try {
		const videoUrl = state.videos.add(await makeVideo(state, image, height));
		billTask(state, ctx);
		return { videoUrl };
	} catch (error) {
		if (state.closed) throw error;
		state.log(`video generation failed: ${/** @type {Error} */ (error).message}`);
		return {
			failed: { code: 'InternalError.Algo', message: 'An internal error occurred while generating the video.' },
		};
	}
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 */
async function handleStandardPost(state, ctx) {
	const failure = state.failures.take('standard');
	if (failure && failure.kind !== 'pollServerError') return applyGenerationFailure(state, ctx, failure, 'standard');
	if (failure) await holdScripted(state, ctx, failure);
	const body = parseJsonObject(ctx.text);
	const source = standardImageSource(state, body);
	const id = crypto.randomUUID();
	const outcome = await runTask(state, ctx, source, 1080, { pollFailure: failure }); // this route is fixed at 1080P
	// A FAILED task comes back as 200 with no data and no reason.
	sendGoJsonChunked(ctx.res, 200, outcome.failed ? { id } : { id, data: outcome.videoUrl });
}

/**
 * @param {unknown} value
 * @param {string} field
 * @param {number} maxLength
 * @returns {string}
 */
function optionalString(value, field, maxLength) {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw invalidParameter(`Input should be a valid string: ${field}`);
	if (value.length > maxLength)
		throw invalidParameter(`The length of ${field} exceeds the limit of ${maxLength} characters.`);
	return value;
}

/**
 * @param {unknown} value
 * @param {string} field
 * @param {boolean} fallback
 * @returns {boolean}
 */
function optionalBoolean(value, field, fallback) {
	if (value === undefined || value === null) return fallback;
	if (typeof value !== 'boolean') throw invalidParameter(`Input should be a valid boolean: parameters.${field}`);
	return value;
}

/**
 * @param {any} [parameters]
 * @returns {{ resolution: string; height: number; promptExtend: boolean }}
 */
function checkNativeParameters(parameters = {}) {
	if (typeof parameters !== 'object' || Array.isArray(parameters) || parameters === null)
		throw invalidParameter('Input should be a valid dictionary: parameters');
	const resolution = parameters.resolution ?? '1080P';
	if (!RESOLUTION_HEIGHTS[resolution])
		throw invalidParameter(
			`The parameter resolution is invalid: ${JSON.stringify(resolution)}; supported values for ${I2V_MODEL} are 480P and 1080P.`,
		);
	if (parameters.duration !== undefined && parameters.duration !== 5)
		throw invalidParameter(
			`The parameter duration is invalid: ${JSON.stringify(parameters.duration)}; ${I2V_MODEL} only supports 5.`,
		);
	const { seed } = parameters;
	if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 2147483647))
		throw invalidParameter('The parameter seed must be an integer between 0 and 2147483647.');
	optionalBoolean(parameters.watermark, 'watermark', false);
	return {
		resolution,
		height: RESOLUTION_HEIGHTS[resolution],
		promptExtend: optionalBoolean(parameters.prompt_extend, 'prompt_extend', true),
	};
}

/**
 * DashScope's own checks on the native body. Returns the settings the task runs with.
 * @param {State} state
 * @param {Record<string, any>} body
 */
function checkNativeBody(state, body) {
	if (body.model === undefined || body.model === null || body.model === '') throw invalidParameter('Model not exist.');
	state.setup.checkGeneration(body.model);
	const input = body.input;
	if (typeof input !== 'object' || input === null || Array.isArray(input))
		throw invalidParameter('Field required: input');
	const prompt = optionalString(input.prompt, 'input.prompt', 800);
	optionalString(input.negative_prompt, 'input.negative_prompt', 500);
	return { prompt, imgUrl: input.img_url, ...checkNativeParameters(body.parameters) };
}

/**
 * The prompt DashScope's prompt extension makes (both dev servers answer it as actual_prompt).
 * @param {string} prompt
 * @param {boolean} promptExtend
 */
function actualPrompt(prompt, promptExtend) {
	if (!promptExtend) return prompt;
	const trimmed = prompt.trim();
	if (!trimmed) return PROMPT_EXTENSION;
	return `${trimmed}${/[.!?。！？]$/.test(trimmed) ? '' : '.'} ${PROMPT_EXTENSION}`;
}

/**
 * @param {{ taskId: string; submitTime: Date; videoUrl: string; prompt: string; promptExtend: boolean; height: number }} task
 */
function nativeSucceeded({ taskId, submitTime, videoUrl, prompt, promptExtend, height }) {
	return {
		request_id: crypto.randomUUID(),
		output: {
			task_id: taskId,
			task_status: 'SUCCEEDED',
			submit_time: dashScopeTime(submitTime),
			scheduled_time: dashScopeTime(new Date(submitTime.getTime() + 37)),
			end_time: dashScopeTime(),
			video_url: videoUrl,
			orig_prompt: prompt,
			actual_prompt: actualPrompt(prompt, promptExtend),
		},
		usage: { video_duration: 5, video_count: 1, SR: height },
	};
}

/**
 * @param {{ taskId: string; submitTime: Date; code?: string; message?: string }} task
 */
function nativeFailed({ taskId, submitTime, code, message }) {
	/** @type {Record<string, string>} */
	const output = {
		task_id: taskId,
		task_status: 'FAILED',
		submit_time: dashScopeTime(submitTime),
		scheduled_time: dashScopeTime(new Date(submitTime.getTime() + 37)),
		end_time: dashScopeTime(),
	};
	if (code) Object.assign(output, { code, message });
	return { request_id: crypto.randomUUID(), output };
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 */
async function handleNativePost(state, ctx) {
	const failure = state.failures.take('native');
	if (failure && failure.kind !== 'pollServerError') return applyGenerationFailure(state, ctx, failure, 'native');
	if (failure) await holdScripted(state, ctx, failure);
	const submitTime = new Date();
	const settings = checkNativeBody(state, parseJsonObject(ctx.text));
	const outcome = await runTask(state, ctx, { imgUrl: settings.imgUrl }, settings.height, { pollFailure: failure });
	const taskId = crypto.randomUUID();
	if (outcome.failed) return sendGoJsonChunked(ctx.res, 200, nativeFailed({ taskId, submitTime, ...outcome.failed }));
	return sendGoJsonChunked(
		ctx.res,
		200,
		nativeSucceeded({ taskId, submitTime, videoUrl: outcome.videoUrl, ...settings }),
	);
}

/**
 * Failures that answer at once, as soon as the request has been read. Returns false if not one of them.
 * @param {State} state
 * @param {Ctx} ctx
 * @param {Failure} failure
 */
function answerImmediateFailure(state, ctx, failure) {
	const { res } = ctx;
	/** @type {Record<string, () => void>} */
	const answers = {
		html200: () => sendHtmlTrap(res),
		empty200: () => sendRawJson(res, 200, ''),
		malformedJson200: () => sendRawJson(res, 200, `{"id":"${crypto.randomUUID()}","data":"${state.url}/videos/`),
		empty500: () => sendRawJson(res, 500, '{}'),
		upstream: () => sendAogError(res, wrapUpstreamError(failure)),
		modelNotFound: () => sendAogError(res, AOG_ERRORS.modelNotFound()),
		serviceNotFound: () => sendAogError(res, AOG_ERRORS.serviceNotFound()), // not v0.7 behaviour: see AOG_ERRORS
		noKeyStored: () => sendAogError(res, AOG_ERRORS.noKeyStored()),
		paramLost: () => sendAogError(res, AOG_ERRORS.imageTypeLost()),
		reset: () => ctx.dropConnection(),
		// What a rate-limiting reverse proxy in front of AOG sends: the request never reached AOG, so no task exists.
		proxy429: () =>
			send(
				res,
				429,
				JSON_TYPE,
				'{"message":"Too Many Requests"}',
				failure.retryAfter !== undefined ? { 'Retry-After': String(failure.retryAfter) } : {},
			),
		hang: () => {}, // never answer; the socket stays open until the client gives up or the server closes
	};
	const answer = answers[failure.kind];
	if (answer) answer();
	return Boolean(answer);
}

/**
 * Failures that come after the task "ran" (generationDelayMs): polling gave up, or the task ended badly.
 * @param {State} state
 * @param {Ctx} ctx
 * @param {Failure} failure
 * @param {'standard' | 'native'} route
 */
async function answerTaskFailure(state, ctx, failure, route) {
	const delayMs = ctx.delayMs ?? state.options.generationDelayMs;
	submitTask(state, ctx);
	await state.sleep(delayMs);
	const { res } = ctx;
	if (failure.kind === 'pollExhausted' || failure.kind === 'nonHttpData') billTask(state, ctx); // the task succeeded upstream
	const id = crypto.randomUUID();
	const task = { taskId: crypto.randomUUID(), submitTime: new Date(Date.now() - delayMs) };
	const ftpUrl = `ftp://aog-dev-bucket.oss-cn-beijing.aliyuncs.com/${crypto.randomBytes(16).toString('hex')}.mp4`;
	switch (failure.kind) {
		case 'pollExhausted':
			return sendAogError(res, AOG_ERRORS.pollExhausted());
		case 'noData200':
			return sendGoJsonChunked(res, 200, route === 'native' ? nativeFailed(task) : { id });
		case 'nonHttpData':
			return sendGoJsonChunked(
				res,
				200,
				route === 'native'
					? nativeSucceeded({ ...task, videoUrl: ftpUrl, prompt: '', promptExtend: false, height: 1080 })
					: { id, data: ftpUrl },
			);
		case 'nativeTaskFailed':
			return sendGoJsonChunked(res, 200, nativeFailed({ ...task, code: failure.code, message: failure.message }));
		default:
			throw new Error(`unhandled scripted failure ${failure.kind}`);
	}
}

/**
 * Holds a scripted answer until `count` generation requests, this one included, have arrived since it did (at
 * most 10 s), so a test knows exactly which requests the client had sent before it saw the answer.
 * @param {State} state
 * @param {Ctx} ctx
 * @param {number} count
 */
async function waitForArrivals(state, ctx, count) {
	const enough = () => state.generation.arrivals >= Number(ctx.generationIndex) + count;
	for (let waited = 0; !enough() && waited < 10_000; waited += 5) await state.sleep(5);
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 * @param {Failure} failure
 */
async function holdScripted(state, ctx, failure) {
	if (failure.holdUntilArrivals) await waitForArrivals(state, ctx, failure.holdUntilArrivals);
	state.log(`scripted failure: ${failure.kind}`);
}

/**
 * DashScope answered 5xx on submit: AOG submits again after the first wait (2 s in v0.7), and gives up after the
 * second (4 s): two tasks were created, and either may be billed.
 * @param {State} state
 * @param {Ctx} ctx
 * @param {Failure} failure
 */
async function answerResubmitted(state, ctx, failure) {
	submitTask(state, ctx);
	await state.sleep(resubmitWait(state, 0));
	submitTask(state, ctx);
	await state.sleep(resubmitWait(state, 1));
	sendAogError(ctx.res, wrapUpstreamError(failure));
}

/**
 * @param {State} state
 * @param {Ctx} ctx
 * @param {Failure} failure
 * @param {'standard' | 'native'} route
 */
async function applyGenerationFailure(state, ctx, failure, route) {
	await holdScripted(state, ctx, failure);
	if (failure.kind === 'upstream' && Number(failure.status) >= 500) return answerResubmitted(state, ctx, failure);
	if (!answerImmediateFailure(state, ctx, failure)) await answerTaskFailure(state, ctx, failure, route);
}

/**
 * Send an AogError, or an UpstreamError in AOG's 500 wrapping. Returns false for other errors.
 * @param {Ctx['res']} res
 * @param {unknown} error
 */
function sendGenerationError(res, error) {
	if (error instanceof UpstreamError) {
		sendAogError(res, wrapUpstreamError({ status: error.status, code: error.code, message: error.message }));
		return true;
	}
	if (error instanceof AogError) {
		sendAogError(res, error);
		return true;
	}
	return false;
}

module.exports = {
	handleStandardPost,
	handleNativePost,
	sendGenerationError,
	dashScopeTime,
	forwardsUndecodableEncoding,
	actualPrompt,
	PROMPT_EXTENSION,
};
