'use strict';
// Tasks: PENDING → RUNNING → SUCCEEDED / FAILED (or CANCELED while PENDING), on timers scaled by timeScale.
// With maxRunning, tasks whose queue time is over wait as PENDING until a running one ends.
const crypto = require('crypto');
const { dashScopeTime, actualPrompt } = require('../aog-server/generation');
const { apiError } = require('./errors');
const { describeBody } = require('../aog-server/request-log');

/**
 * @typedef {import('./server').State} State
 * @typedef {import('./models').Region} Region
 * @typedef {import('./models').TaskSettings} TaskSettings
 * @typedef {import('./script').ScriptEntry} ScriptEntry
 * @typedef {import('../media/image-check').CheckedImage} CheckedImage
 * @typedef {'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN'} TaskStatus
 */

/**
 * A task as the server keeps it; live objects, in submit order. Times are Date.now() ms.
 * @typedef {object} DashScopeTask
 * @property {string} id
 * @property {string} requestId request_id of the submit that created it.
 * @property {string} model
 * @property {TaskStatus} status UNKNOWN: the task was forgotten (scripted outcome UNKNOWN); polls answer UNKNOWN.
 * @property {number} submittedAt
 * @property {number} [scheduledAt] When it started RUNNING.
 * @property {number} [endedAt]
 * @property {number} polls Polls of this task id.
 * @property {string} prompt As stored (2.1/2.2 prompts over 800 characters cut).
 * @property {string} negativePrompt
 * @property {boolean} promptExtend
 * @property {string} resolution 480P, 720P, 1080P (text to video: the shorter side, such as 1440P)
 * @property {number} duration
 * @property {number} [seed]
 * @property {Array<{ role: string; url: string }>} [media] The other modes' media inputs (role: first_frame,
 *   last_frame, driving_audio, first_clip, reference, reference_image, reference_video, video), data URIs shortened.
 * @property {'auto' | 'origin'} [audioSetting] Video edit.
 * @property {boolean} [audio] Set when the video is planned: whether it gets an AAC track.
 * @property {string} [imageUrl] http(s) URL as sent, or the data URI shortened; undefined when img_url was sent to a media model.
 * @property {string} [apiKey] The bearer key of the submit.
 * @property {import('http').IncomingHttpHeaders} headers The submit's headers (x-dashscope-ossresourceresolve…).
 * @property {'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN'} outcome How the task was scripted to end (SUCCEEDED unless a 'task' script said otherwise).
 * @property {number} pendingMs Unscaled times it was given.
 * @property {number} runningMs
 * @property {string} [code] FAILED: DashScope code and message.
 * @property {string} [message]
 * @property {string} [videoUrl] SUCCEEDED: the signed link on the storage host.
 */

/**
 * @typedef {object} TaskGauge
 * @property {number} pending
 * @property {number} running
 * @property {number} peakPending Most at once since start / resetCounters() / reset().
 * @property {number} peakRunning
 */

/**
 * @typedef {{ record: DashScopeTask; settings: TaskSettings; image: CheckedImage | Promise<CheckedImage> | undefined; plan?: Promise<import('./media-task').VideoPlan>; script: ScriptEntry | undefined; dropped: boolean }} Task
 */

/** @type {Record<Region, string>} */
const REGION_IDS = {
	beijing: 'cn-beijing',
	singapore: 'ap-southeast-1',
	virginia: 'us-east-1',
	frankfurt: 'eu-central-1',
	hongkong: 'cn-hongkong',
};

class TaskBoard {
	/** @param {State} state */
	constructor(state) {
		this.state = state;
		/**
		 * Live, in submit order: what tests read (server.tasks).
		 * @type {DashScopeTask[]}
		 */
		this.records = [];
		/** @type {Map<string, Task>} */
		this.byId = new Map();
		/** @type {Task[]} */
		this.ready = [];
		/**
		 * Live (server.gauge).
		 * @type {TaskGauge}
		 */
		this.gauge = { pending: 0, running: 0, peakPending: 0, peakRunning: 0 };
	}

	/** @param {number} ms */
	wallMs(ms) {
		return ms * this.state.options.timeScale;
	}

	/**
	 * @param {'pending' | 'running' | undefined} from
	 * @param {'pending' | 'running' | undefined} to
	 */
	count(from, to) {
		const { gauge } = this;
		if (from) gauge[from] -= 1;
		if (to) gauge[to] += 1;
		gauge.peakPending = Math.max(gauge.peakPending, gauge.pending);
		gauge.peakRunning = Math.max(gauge.peakRunning, gauge.running);
	}

	/**
	 * A new PENDING task. settings: from checkSubmitBody; image: {bytes, info}, a promise of it, or an
	 * ApiError-rejecting promise; script: a normalized 'task' entry or undefined.
	 * @param {{ settings: TaskSettings; image: Task['image']; plan?: Task['plan']; requestId: string; apiKey: string | undefined; script: ScriptEntry | undefined; headers?: import('http').IncomingHttpHeaders }} task
	 * @returns {DashScopeTask}
	 */
	create({ settings, image, plan, requestId, apiKey, script, headers = {} }) {
		const { options } = this.state;
		/** @type {DashScopeTask} */
		const record = {
			id: crypto.randomUUID(),
			requestId,
			model: settings.model,
			status: 'PENDING',
			submittedAt: Date.now(),
			scheduledAt: undefined,
			endedAt: undefined,
			polls: 0,
			prompt: settings.prompt,
			negativePrompt: settings.negativePrompt,
			promptExtend: settings.promptExtend,
			resolution: settings.resolution,
			duration: settings.duration,
			seed: settings.seed,
			imageUrl:
				settings.source?.url === undefined ? undefined : /** @type {string} */ (describeBody(settings.source.url)), // data URIs shortened
			media: settings.media?.map(({ role, url }) => ({ role, url: /** @type {string} */ (describeBody(url)) })),
			audioSetting: settings.audioSetting,
			audio: undefined,
			apiKey,
			headers,
			outcome: script?.outcome ?? 'SUCCEEDED',
			pendingMs: script?.pendingMs ?? options.pendingMs,
			runningMs: script?.runningMs ?? options.runningMs,
			code: undefined,
			message: undefined,
			videoUrl: undefined,
		};
		if (image instanceof Promise) image.catch(() => {}); // read when the task runs
		const task = { record, settings, image, plan, script, dropped: false };
		this.records.push(record);
		this.byId.set(record.id, task);
		this.count(undefined, 'pending');
		this.queue(task);
		return record;
	}

	/** @param {Task} task */
	async queue(task) {
		await this.state.sleep(this.wallMs(task.record.pendingMs));
		if (task.dropped || task.record.status !== 'PENDING') return;
		if (task.record.outcome === 'CANCELED') return this.finish(task, 'CANCELED');
		this.ready.push(task);
		this.pump();
	}

	pump() {
		const limit = this.state.options.maxRunning;
		while (this.ready.length > 0 && (!limit || this.gauge.running < limit))
			this.run(/** @type {Task} */ (this.ready.shift()));
	}

	/** @param {Task} task */
	async run(task) {
		const { record, settings } = task;
		record.status = 'RUNNING';
		record.scheduledAt = Date.now();
		this.count('pending', 'running');
		try {
			if (settings.source?.mismatch) throw apiError('InvalidParameter', settings.source.mismatch);
			// The other modes: inputs read and checked first (a wrong one FAILS the task now).
			const plan = task.plan ? await task.plan : undefined;
			if (plan) Object.assign(record, { duration: plan.duration, audio: plan.audio });
			const size = plan ? plan.size : settings.size;
			// Text to video has no picture; a first-frame task without one is a mismatch task (failed above).
			const image = size ? undefined : /** @type {CheckedImage} */ (await task.image);
			if (task.dropped) return;
			const maker = this.state.videoMaker;
			const wanted =
				record.outcome !== 'SUCCEEDED'
					? undefined
					: size
						? maker.textVideo(size, plan ? plan.duration : settings.duration, plan ? plan.audio : settings.audio)
						: maker.videoOfDuration(
								/** @type {CheckedImage} */ (image).bytes,
								/** @type {CheckedImage} */ (image).info,
								settings.height,
								settings.duration,
							);
			if (wanted) wanted.catch(() => {});
			await this.state.sleep(this.wallMs(record.runningMs));
			if (task.dropped) return;
			if (record.outcome === 'FAILED')
				return this.finish(task, 'FAILED', { code: task.script?.code, message: task.script?.message });
			if (record.outcome === 'UNKNOWN') return this.forget(task);
			let video;
			try {
				video = /** @type {import('../media/video-maker').VideoFile} */ (await wanted);
			} catch (error) {
				if (this.state.closed || task.dropped) return;
				this.state.log(`video generation failed: ${/** @type {Error} */ (error).message}`);
				return this.finish(task, 'FAILED', {
					code: 'InternalError.Algo',
					message: 'An internal error occurred while generating the video.',
				});
			}
			if (task.dropped) return;
			return this.finish(task, 'SUCCEEDED', { videoUrl: this.state.links.add(video, record.id) });
		} catch (caught) {
			if (task.dropped) return;
			const error = /** @type {{ code?: string; message?: string; stack?: string } | undefined} */ (caught);
			if (!error || !error.code) this.state.log(`task ${record.id}: ${error && error.stack}`);
			return this.finish(task, 'FAILED', { code: error?.code || 'InternalError', message: error?.message });
		}
	}

	/**
	 * @param {Task} task
	 * @param {TaskStatus} status
	 * @param {Partial<DashScopeTask>} [fields]
	 */
	finish(task, status, fields = {}) {
		const { record } = task;
		this.count(record.status === 'RUNNING' ? 'running' : 'pending', undefined);
		Object.assign(record, fields, { status, endedAt: Date.now() });
		this.pump();
	}

	/**
	 * A task the service no longer knows (expired, or scripted UNKNOWN): polls answer UNKNOWN.
	 * @param {Task} task
	 */
	forget(task) {
		this.finish(task, 'UNKNOWN');
		this.byId.delete(task.record.id);
	}

	/** @param {string} id */
	get(id) {
		const task = this.byId.get(id);
		return task && task.record;
	}

	/**
	 * Only a PENDING task can be canceled. Returns true when it was.
	 * @param {string} id
	 */
	cancel(id) {
		const task = this.byId.get(id);
		if (!task || task.record.status !== 'PENDING') return false;
		const index = this.ready.indexOf(task);
		if (index >= 0) this.ready.splice(index, 1);
		this.finish(task, 'CANCELED');
		return true;
	}

	/**
	 * The poll answer's `output` and `usage` for a task id (UNKNOWN when there is no such task).
	 * @param {string} id
	 */
	view(id) {
		const record = this.get(id);
		if (!record) return { output: { task_id: id, task_status: 'UNKNOWN' } };
		/** @type {Record<string, unknown>} */
		const output = {
			task_id: record.id,
			task_status: record.status,
			submit_time: dashScopeTime(new Date(record.submittedAt)),
		};
		if (record.scheduledAt) output.scheduled_time = dashScopeTime(new Date(record.scheduledAt));
		if (record.endedAt) output.end_time = dashScopeTime(new Date(record.endedAt));
		if (record.status === 'FAILED') Object.assign(output, { code: record.code, message: record.message });
		if (record.status !== 'SUCCEEDED') return { output };
		output.video_url = record.videoUrl;
		output.orig_prompt = record.prompt;
		if (record.promptExtend) output.actual_prompt = actualPrompt(record.prompt, true);
		return {
			output,
			usage: { video_duration: record.duration, video_count: 1, SR: Number.parseInt(record.resolution, 10) },
		};
	}

	/**
	 * The account's tasks submitted in [startMs, endMs], newest first, filtered (docs/DASHSCOPE-API.md, "Cancel and list").
	 * @param {{ startMs: number; endMs: number; model: string | null; status: string | null }} filter
	 */
	list({ startMs, endMs, model, status }) {
		const region = REGION_IDS[/** @type {Region} */ (this.state.options.region)] || this.state.options.region;
		return this.records
			.filter(
				(r) =>
					this.byId.has(r.id) &&
					r.submittedAt >= startMs &&
					r.submittedAt <= endMs &&
					(!model || r.model === model) &&
					(!status || r.status === status),
			)
			.reverse()
			.map((r) => ({
				task_id: r.id,
				request_id: r.requestId,
				status: r.status,
				model_name: r.model,
				region,
				gmt_create: dashScopeTime(new Date(r.submittedAt)),
				...(r.scheduledAt ? { start_time: dashScopeTime(new Date(r.scheduledAt)) } : {}),
				...(r.endedAt ? { end_time: dashScopeTime(new Date(r.endedAt)) } : {}),
			}));
	}

	/** Forget every task; their timers and encodes finish without effect. */
	clear() {
		for (const task of this.byId.values()) task.dropped = true;
		this.byId.clear();
		this.records.length = 0;
		this.ready.length = 0;
		Object.assign(this.gauge, { pending: 0, running: 0, peakPending: 0, peakRunning: 0 });
	}

	resetPeaks() {
		this.gauge.peakPending = this.gauge.pending;
		this.gauge.peakRunning = this.gauge.running;
	}
}

module.exports = { TaskBoard, REGION_IDS };
