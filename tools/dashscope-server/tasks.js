'use strict';
// Tasks: PENDING → RUNNING → SUCCEEDED / FAILED (or CANCELED while PENDING), on timers scaled by timeScale.
// With maxRunning, tasks whose queue time is over wait as PENDING until a running one ends.
const crypto = require('crypto');
const { dashScopeTime, PROMPT_EXTENSION } = require('../aog-server/generation');
const { apiError } = require('./errors');
const { makeVideo } = require('./video');
const { describeBody } = require('../aog-server/request-log');

const REGION_IDS = { beijing: 'cn-beijing', singapore: 'ap-southeast-1', virginia: 'us-east-1', frankfurt: 'eu-central-1', hongkong: 'cn-hongkong' };

function actualPrompt(prompt) {
	const trimmed = prompt.trim();
	if (!trimmed) return PROMPT_EXTENSION;
	return `${trimmed}${/[.!?。！？]$/.test(trimmed) ? '' : '.'} ${PROMPT_EXTENSION}`;
}

class TaskBoard {
	constructor(state) {
		this.state = state;
		/** Live, in submit order: what tests read (server.tasks). */
		this.records = [];
		this.byId = new Map();
		this.ready = [];
		/** Live (server.gauge). */
		this.gauge = { pending: 0, running: 0, peakPending: 0, peakRunning: 0 };
	}

	wallMs(ms) {
		return ms * this.state.options.timeScale;
	}

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
	 */
	create({ settings, image, requestId, apiKey, script }) {
		const { options } = this.state;
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
			imageUrl: settings.source.url === undefined ? undefined : describeBody(settings.source.url), // data URIs shortened
			apiKey,
			outcome: script ? script.outcome : 'SUCCEEDED',
			pendingMs: script?.pendingMs ?? options.pendingMs,
			runningMs: script?.runningMs ?? options.runningMs,
			code: undefined,
			message: undefined,
			videoUrl: undefined,
		};
		if (image && typeof image.then === 'function') image.catch(() => {}); // read when the task runs
		const task = { record, settings, image, script, dropped: false };
		this.records.push(record);
		this.byId.set(record.id, task);
		this.count(undefined, 'pending');
		this.queue(task);
		return record;
	}

	async queue(task) {
		await this.state.sleep(this.wallMs(task.record.pendingMs));
		if (task.dropped || task.record.status !== 'PENDING') return;
		if (task.record.outcome === 'CANCELED') return this.finish(task, 'CANCELED');
		this.ready.push(task);
		this.pump();
	}

	pump() {
		const limit = this.state.options.maxRunning;
		while (this.ready.length > 0 && (!limit || this.gauge.running < limit)) this.run(this.ready.shift());
	}

	async run(task) {
		const { record, settings } = task;
		record.status = 'RUNNING';
		record.scheduledAt = Date.now();
		this.count('pending', 'running');
		try {
			if (settings.source.mismatch) throw apiError('InvalidParameter', settings.source.mismatch);
			const image = await task.image;
			if (task.dropped) return;
			const wanted = record.outcome === 'SUCCEEDED' ? makeVideo(this.state.videoMaker, image, settings.height, settings.duration) : undefined;
			if (wanted) wanted.catch(() => {});
			await this.state.sleep(this.wallMs(record.runningMs));
			if (task.dropped) return;
			if (record.outcome === 'FAILED') return this.finish(task, 'FAILED', { code: task.script.code, message: task.script.message });
			if (record.outcome === 'UNKNOWN') return this.forget(task);
			let video;
			try {
				video = await wanted;
			} catch (error) {
				if (this.state.closed || task.dropped) return;
				this.state.log(`video generation failed: ${error.message}`);
				return this.finish(task, 'FAILED', { code: 'InternalError.Algo', message: 'An internal error occurred while generating the video.' });
			}
			if (task.dropped) return;
			this.finish(task, 'SUCCEEDED', { videoUrl: this.state.links.add(video, record.id) });
		} catch (error) {
			if (task.dropped) return;
			if (!error || !error.code) this.state.log(`task ${record.id}: ${error && error.stack}`);
			this.finish(task, 'FAILED', { code: error.code || 'InternalError', message: error.message });
		}
	}

	finish(task, status, fields = {}) {
		const { record } = task;
		this.count(record.status === 'RUNNING' ? 'running' : 'pending', undefined);
		Object.assign(record, fields, { status, endedAt: Date.now() });
		this.pump();
	}

	/** A task the service no longer knows (expired, or scripted UNKNOWN): polls answer UNKNOWN. */
	forget(task) {
		this.finish(task, 'UNKNOWN');
		this.byId.delete(task.record.id);
	}

	get(id) {
		const task = this.byId.get(id);
		return task && task.record;
	}

	/** Only a PENDING task can be canceled. Returns true when it was. */
	cancel(id) {
		const task = this.byId.get(id);
		if (!task || task.record.status !== 'PENDING') return false;
		const index = this.ready.indexOf(task);
		if (index >= 0) this.ready.splice(index, 1);
		this.finish(task, 'CANCELED');
		return true;
	}

	/** The poll answer's `output` and `usage` for a task id (UNKNOWN when there is no such task). */
	view(id) {
		const record = this.get(id);
		if (!record) return { output: { task_id: id, task_status: 'UNKNOWN' } };
		const output = { task_id: record.id, task_status: record.status, submit_time: dashScopeTime(new Date(record.submittedAt)) };
		if (record.scheduledAt) output.scheduled_time = dashScopeTime(new Date(record.scheduledAt));
		if (record.endedAt) output.end_time = dashScopeTime(new Date(record.endedAt));
		if (record.status === 'FAILED') Object.assign(output, { code: record.code, message: record.message });
		if (record.status !== 'SUCCEEDED') return { output };
		output.video_url = record.videoUrl;
		output.orig_prompt = record.prompt;
		if (record.promptExtend) output.actual_prompt = actualPrompt(record.prompt);
		return { output, usage: { video_duration: record.duration, video_count: 1, SR: Number.parseInt(record.resolution, 10) } };
	}

	/** The account's tasks submitted in [startMs, endMs], newest first, filtered (docs/DASHSCOPE-API.md, "Cancel and list"). */
	list({ startMs, endMs, model, status }) {
		const region = REGION_IDS[this.state.options.region] || this.state.options.region;
		return this.records
			.filter((r) => this.byId.has(r.id) && r.submittedAt >= startMs && r.submittedAt <= endMs && (!model || r.model === model) && (!status || r.status === status))
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

module.exports = { TaskBoard, REGION_IDS, actualPrompt };
