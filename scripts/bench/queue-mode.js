'use strict';
// Queue mode (tools/queue-stack: n8n 2.8.4 main + workers, PostgreSQL, Redis; examples/webhook-to-video.json
// published): throughput of 1 vs 2 workers on 20 uploads posted at once with a fixed generation time (same-run
// ratio, goal ≥ 1.8×), and how much a worker's (and main's) peak memory grows per MiB of video in database
// binary mode. Exports benchQueueMode({ quick }) → rows, and the section hooks of scripts/bench.js (reps,
// summaryRows, reportLines, tableRows); needs `npm run build` first. Alone: node scripts/bench/queue-mode.js [--quick]
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const MiB = 1024 * 1024;
const UPLOADS = 20;
const GENERATION_MS = 6000;
const WORKER_CONCURRENCY = 5;
const WEBHOOK_PATH = 'aog-image-to-video';

const log = (message) => process.stderr.write(`[bench:queue] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function postUpload(url, picture, index) {
	const form = new FormData();
	form.append('picture', new Blob([picture], { type: 'image/jpeg' }), `bench-${index}.jpg`);
	form.append('prompt', `Bench upload ${index}`);
	const response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(10 * 60_000) });
	const body = Buffer.from(await response.arrayBuffer());
	if (response.status !== 200 || response.headers.get('content-type') !== 'video/mp4') {
		throw new Error(
			`upload ${index} answered ${response.status} ${response.headers.get('content-type')}: ${body.toString('utf8').slice(0, 300)}`,
		);
	}
	return body.length;
}

/** Wall time of `count` uploads posted at once. */
async function burst(stack, server, picture, count) {
	server.reset();
	const started = Date.now();
	await Promise.all(
		Array.from({ length: count }, (_, index) => postUpload(stack.webhookUrl(WEBHOOK_PATH), picture, index)),
	);
	const ms = Date.now() - started;
	if (server.counters.i2vPosts !== count)
		throw new Error(`the gateway got ${server.counters.i2vPosts} generation requests for ${count} uploads`);
	return { ms, maxInFlight: server.generation.maxInFlight };
}

/**
 * Rows: { section, measure, value, unit, detail, goal?, met? }.
 * quick: one burst per worker count and smaller videos.
 */
async function benchQueueMode({ quick = false, reps: repetitions } = {}) {
	for (const file of ['dist/nodes/Aog/Aog.node.js']) {
		if (!fs.existsSync(path.join(REPO, file))) throw new Error(`${file} is missing: run "npm run build" first`);
	}
	const { startQueueStack } = require('../../tools/queue-stack');
	const { startAogServer } = require('../../tools/aog-server');
	const { makeImage } = require('../../tools/media');
	const { exampleCredentials } = require('../../tools/examples');

	const bursts = repetitions ?? (quick ? reps.quick : reps.full);
	const sizes = quick ? [25, 75] : [50, 150];
	const server = await startAogServer({ port: 0, generationDelayMs: GENERATION_MS, syntheticVideoBytes: 2 * MiB });
	try {
		return await benchWith({ server, reps: bursts, sizes, startQueueStack, makeImage, exampleCredentials });
	} finally {
		await server.close();
	}
}

async function benchWith({ server, reps, sizes, startQueueStack, makeImage, exampleCredentials }) {
	const workflow = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', 'webhook-to-video.json'), 'utf8'));
	log(`starting n8n 2.8.4 in queue mode (1 worker, --concurrency=${WORKER_CONCURRENCY})`);
	const stack = await startQueueStack({
		workers: 1,
		workerConcurrency: WORKER_CONCURRENCY,
		workflows: [workflow],
		credentials: exampleCredentials({ baseUrl: server.url }),
		logLevel: 'info',
		onProgress: (message) => log(message),
	});
	const rows = [];
	try {
		const picture = makeImage({ width: 1280, height: 720, format: 'jpeg', variant: 500 });
		await burst(stack, server, picture, 2); // warm-up: first execution loads the node, opens connections

		const measure = async (workers) => {
			const times = [];
			let maxInFlight = 0;
			for (let rep = 0; rep < reps; rep++) {
				const run = await burst(stack, server, picture, UPLOADS);
				times.push(run.ms);
				maxInFlight = Math.max(maxInFlight, run.maxInFlight);
				log(
					`  ${workers} worker(s), run ${rep + 1}: ${(run.ms / 1000).toFixed(2)} s (gateway saw at most ${run.maxInFlight} generations at once)`,
				);
			}
			return { best: Math.min(...times), times, maxInFlight };
		};
		const one = await measure(1);
		await stack.startWorker();
		const two = await measure(2);
		const ideal = (workers) => Math.ceil(UPLOADS / (workers * WORKER_CONCURRENCY)) * GENERATION_MS;
		const speedUp = one.best / two.best;
		const detail = (run, workers) =>
			`best of ${run.times.map((ms) => (ms / 1000).toFixed(2)).join(' / ')} s; ideal ${(ideal(workers) / 1000).toFixed(0)} s; at most ${run.maxInFlight} generations at once`;
		rows.push({
			section: 'queue-mode',
			measure: `${UPLOADS} uploads at once, 1 worker (--concurrency=${WORKER_CONCURRENCY}), ${GENERATION_MS / 1000} s generation`,
			value: one.best / 1000,
			unit: 's',
			detail: detail(one, 1),
		});
		rows.push({
			section: 'queue-mode',
			measure: `${UPLOADS} uploads at once, 2 workers`,
			value: two.best / 1000,
			unit: 's',
			detail: detail(two, 2),
		});
		rows.push({
			section: 'queue-mode',
			measure: 'speed-up 1 → 2 workers (same run)',
			value: Math.round(speedUp * 100) / 100,
			unit: '×',
			detail: `ideal ${(ideal(1) / ideal(2)).toFixed(1)}×`,
			goal: '≥ 1.8×',
			met: speedUp >= 1.8,
		});

		// Memory: one worker left, videos of two sizes one after the other.
		await stack.workers[1].stop();
		rows.push(...(await memoryGrowth(stack, server, picture, sizes, 'database binary mode')));
	} finally {
		await stack.stop();
	}
	// The same with filesystem binary mode and one storage folder shared by main and the worker (what the
	// processes of one host, or a shared volume, allow).
	log('starting a second stack: N8N_DEFAULT_BINARY_DATA_MODE=filesystem, one N8N_BINARY_DATA_STORAGE_PATH for all');
	const fsStack = await startQueueStack({
		workers: 1,
		workflows: [workflow],
		credentials: exampleCredentials({ baseUrl: server.url }),
		binaryDataMode: 'filesystem',
		sharedBinaryDataFolder: true,
		onProgress: (message) => log(message),
	});
	try {
		const picture = makeImage({ width: 1280, height: 720, format: 'jpeg', variant: 501 });
		server.setOptions({ syntheticVideoBytes: 2 * MiB, generationDelayMs: 0 });
		await burst(fsStack, server, picture, 1);
		rows.push(...(await memoryGrowth(fsStack, server, picture, sizes, 'filesystem mode, shared folder')));
		return rows;
	} finally {
		await fsStack.stop();
	}
}

/**
 * VmHWM only grows, so the growth of the peak between two video sizes over their difference is the memory each
 * extra MiB costs the worker (which stores the video) and main (which answers the webhook with it).
 */
async function memoryGrowth(stack, server, picture, sizes, label) {
	const worker = stack.workers[0];
	server.setOptions({ generationDelayMs: 0 });
	const peaks = [];
	for (const size of sizes) {
		server.setOptions({ syntheticVideoBytes: size * MiB });
		server.reset();
		const started = Date.now();
		const bytes = await postUpload(stack.webhookUrl(WEBHOOK_PATH), picture, `large-${size}`);
		if (bytes !== size * MiB) throw new Error(`the ${size} MiB video arrived with ${bytes} bytes`);
		const seconds = (Date.now() - started) / 1000;
		await sleep(500); // one more VmHWM sample
		peaks.push({ size, seconds, worker: worker.peakRssKb() / 1024, main: stack.main.peakRssKb() / 1024 });
		log(
			`  ${label}, ${size} MiB video: ${seconds.toFixed(1)} s, worker peak ${peaks.at(-1).worker.toFixed(0)} MiB, main peak ${peaks.at(-1).main.toFixed(0)} MiB`,
		);
	}
	const [small, large] = peaks;
	const perMiB = (key) => Math.round(((large[key] - small[key]) / (large.size - small.size)) * 100) / 100;
	return ['worker', 'main'].map((key) => ({
		section: 'queue-mode',
		measure: `${key} peak RSS growth per MiB of video (${label})`,
		value: perMiB(key),
		unit: 'MiB/MiB',
		detail: `peak ${small[key].toFixed(0)} MiB after a ${small.size} MiB video (${small.seconds.toFixed(1)} s), ${large[key].toFixed(0)} MiB after ${large.size} MiB (${large.seconds.toFixed(1)} s)`,
	}));
}

/** Bursts per worker count. */
const reps = { full: 2, quick: 1 };

const valueText = (row) => `${row.value} ${row.unit}`;

/** Rows of the table printed at the end: [what, measured, goal]. */
function tableRows(rows) {
	return rows.map((row) => [
		`queue ${row.measure}`,
		`${valueText(row)} (${row.detail})`,
		row.goal ? `${row.goal} ${row.met ? 'met' : 'MISSED'}` : '',
	]);
}

/** Rows of the Results table of docs/BENCHMARKS.md (| n | what | measured | goal | met |). */
function summaryRows(rows, number = 6) {
	return rows
		.filter((row) => row.goal)
		.map(
			(row) =>
				`| ${number} | Queue mode: ${row.measure} | ${valueText(row)} | ${row.goal} | ${row.met ? 'met' : '**missed**'} |`,
		);
}

/** Its part of docs/BENCHMARKS.md. */
function reportLines(rows, number = 6) {
	const lines = [`## ${number}. Queue mode`, ''];
	lines.push(
		'n8n 2.8.4 in queue mode (tools/queue-stack: main + workers, PostgreSQL, Redis), examples/webhook-to-video.json,',
	);
	lines.push('uploads posted at once to its webhook; see docs/QUEUE-MODE.md.', '');
	lines.push('| measure | value | detail |', '|---|---|---|');
	for (const row of rows)
		lines.push(
			`| ${row.measure} | ${valueText(row)}${row.goal ? ` (goal ${row.goal}: ${row.met ? 'met' : '**missed**'})` : ''} | ${row.detail} |`,
		);
	lines.push('');
	return lines;
}

module.exports = { reps, benchQueueMode, summaryRows, reportLines, tableRows };

if (require.main === module) {
	benchQueueMode({ quick: process.argv.includes('--quick') })
		.then((rows) => {
			for (const row of rows)
				console.log(
					`${row.measure}: ${row.value} ${row.unit}${row.goal ? ` (goal ${row.goal}: ${row.met ? 'met' : 'missed'})` : ''} — ${row.detail}`,
				);
		})
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
}
