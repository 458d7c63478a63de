'use strict';
// Preloaded into the n8n CLI (NODE_OPTIONS=--require) by the memory section: when the process sends its first GET of
// a dev-server video (/videos/…), it collects garbage, resets the kernel's peak-RSS mark and takes RSS as the
// baseline, the same steps the engine measurement takes before its download; at exit it writes
// { baseline, peak, … } to AOG_BENCH_RSS_DIR/<pid>.json. Other processes n8n starts (the task runner) inherit the
// preload but send no such request, so they write nothing.
const diagnostics = require('node:diagnostics_channel');
const fs = require('node:fs');
const path = require('node:path');

const outDir = process.env.AOG_BENCH_RSS_DIR;
const readStatus = (field) =>
	Number(
		(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8')) || [])[1] || NaN,
	) * 1024;

let state;
let sampler;

function sample() {
	const { rss, heapUsed, external } = process.memoryUsage();
	state.sampledPeak = Math.max(state.sampledPeak, rss);
	state.allocatedPeak = Math.max(state.allocatedPeak, heapUsed + external);
}

function onRequestStart({ request }) {
	if (state || typeof request?.path !== 'string' || !request.path.startsWith('/videos/')) return;
	const startupPeak = readStatus('VmHWM');
	global.gc?.();
	let peakResetOk = true;
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
	} catch {
		peakResetOk = false;
	}
	const { rss: baseline, heapUsed, external } = process.memoryUsage();
	const baselineAllocated = heapUsed + external;
	state = {
		baseline,
		sampledPeak: baseline,
		baselineAllocated,
		allocatedPeak: baselineAllocated,
		startupPeak,
		peakResetOk,
		gc: typeof global.gc === 'function',
		startedAt: Date.now(),
	};
	// RSS samples as well, in case the peak mark cannot be reset (no /proc/self/clear_refs); and what the JS heap and the
	// Buffers outside it hold, which pages freed before the baseline (reused first, invisible in RSS) do not hide.
	sampler = setInterval(sample, 5);
	sampler.unref();
	request.once('response', (response) => response.once('end', () => (state.downloadedAt = Date.now())));
}

if (outDir) {
	diagnostics.subscribe('http.client.request.start', onRequestStart);
	process.on('exit', () => {
		if (!state) return;
		clearInterval(sampler);
		sample();
		const hwm = state.peakResetOk ? readStatus('VmHWM') : NaN;
		const peak = Number.isFinite(hwm) ? Math.max(hwm, state.sampledPeak) : state.sampledPeak;
		const result = {
			pid: process.pid,
			...state,
			hwm,
			peak,
			growth: peak - state.baseline,
			allocatedGrowth: state.allocatedPeak - state.baselineAllocated,
		};
		fs.writeFileSync(path.join(outDir, `${process.pid}.json`), JSON.stringify(result));
	});
}
