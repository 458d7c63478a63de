'use strict';
// 5. Long generations: 20 items whose generation times follow DashScope's documented spread (video tasks take
// 1–5 minutes), the same seeded times for both connections, compressed alike, in the same run:
//   - through AOG: the AOG dev server given those times and AOG's polling budget (100 polls: about a minute), after
//     which it answers "exceeded maximum number of retries" while the task runs on upstream and is billed;
//   - DashScope directly: the DashScope dev server given those task times, the node polling it every 15 s (compressed).
// Both servers run in processes of their own (`node scripts/bench/long-generations.js --server aog|dashscope <json>`),
// the node in n8n-core's engine (tools/harness, dist/). Reported: videos delivered per task created (goal 1.00
// directly), polls per video, and wall time against the ideal for the concurrency.
const { spawn } = require('node:child_process');
const { seconds, ratio, mark, log, imageItems, request, PROMPT, sleep } = require('./common');
const { clearBinaryStorage, loadEngine } = require('./engine');

const reps = { full: 1, quick: 1 };

/** Wall-clock ms per real ms: a 1-minute task takes 6 s. */
const SCALE = 0.1;
const MINUTE = 60_000;
/** DashScope's documented spread of video task times ("generally 1–5 minutes"). */
const SPREAD = { minMs: 1 * MINUTE, maxMs: 5 * MINUTE };
/** Queued part of each task; the rest is RUNNING. */
const PENDING_MS = 5_000;
/** AOG v0.7 polls 100 times, 500 ms apart plus the round trip: about a minute to Beijing. */
const AOG_POLLS = 100;
const AOG_POLL_CAP_MS = MINUTE;
/** The example's poll interval (examples/image-to-video-dashscope.json). */
const POLL_INTERVAL_S = 15;
/** DashScope runs at most 2 tasks per account at a time: the useful setting for one key. */
const CONCURRENCY = 2;
const SEED = 20260901;

/** mulberry32: a small seeded generator, so every run (and both connections) get the same times. */
function seeded(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** n generation times (real ms, whole seconds) spread uniformly over 1–5 minutes. */
function generationTimes(n, seed = SEED) {
	const random = seeded(seed);
	return Array.from(
		{ length: n },
		() => Math.round((SPREAD.minMs + random() * (SPREAD.maxMs - SPREAD.minMs)) / 1000) * 1000,
	);
}

/** The shortest possible wall time: items taken in order by the first free of `lanes` lanes, no client cost at all. */
function idealMakespan(durations, lanes) {
	const free = Array(lanes).fill(0);
	for (const duration of durations) {
		const lane = free.indexOf(Math.min(...free));
		free[lane] += duration;
	}
	return Math.max(...free);
}

// ---------------------------------------------------------------------------------------------
// The servers, each in a process of its own

function startServer(kind, options) {
	const child = spawn(process.execPath, [__filename, '--server', kind, JSON.stringify(options)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	return new Promise((resolve, reject) => {
		let buffered = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => {
			buffered += chunk;
			const line = buffered.split('\n').find((candidate) => candidate.startsWith('{'));
			if (!line) return;
			const info = JSON.parse(line);
			const control = async (method, route, body) =>
				JSON.parse(
					(
						await request(
							method,
							`${info.url}/__control/${route}`,
							body === undefined ? undefined : JSON.stringify(body),
						)
					).body,
				);
			resolve({
				...info,
				control,
				close: async () => {
					if (child.exitCode !== null) return;
					const exited = new Promise((done) => child.once('exit', done));
					child.kill('SIGTERM');
					await exited;
				},
			});
		});
		child.once('exit', (code) => reject(new Error(`the ${kind} dev server exited (${code}) before listening`)));
	});
}

async function serverChild([kind, optionsJson]) {
	const options = JSON.parse(optionsJson);
	let server;
	if (kind === 'aog') {
		server = await require('../../tools/aog-server').startAogServer({ port: 0, quiet: true, ...options });
		process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
	} else {
		server = await require('../../tools/dashscope-server').startDashScopeServer({ quiet: true, ...options });
		process.stdout.write(
			`${JSON.stringify({ url: server.url, storageUrl: server.storageUrl, apiKey: server.apiKey })}\n`,
		);
	}
	const stop = async () => {
		await server.close();
		process.exit(0);
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

// ---------------------------------------------------------------------------------------------
// The node in the engine

async function runNode({ connection, credentials, items, options }) {
	const { harness, Aog, AogApi } = loadEngine();
	const { DashScopeApi } = require('../../dist/credentials/DashScopeApi.credentials.js');
	const result = await harness.runNode({
		nodeType: new Aog(),
		credentialType: connection === 'dashScopeApi' ? new DashScopeApi() : new AogApi(),
		credentials,
		parameters: {
			authentication: connection,
			resource: 'video',
			operation: 'imageToVideo',
			imageSource: 'binary',
			prompt: PROMPT,
			options,
		},
		items,
		binaryMode: 'filesystem',
		// an item that fails (AOG giving up) is an output item, so the others still run
		onError: 'continueRegularOutput',
		timeoutMs: 30 * MINUTE,
	});
	if (result.error) throw new Error(`engine run failed: ${result.error.message} ${result.error.description ?? ''}`);
	const task = result.runData[result.nodeName][0];
	const videos = result.output.filter((item) => item.binary?.data).length;
	const errors = result.output.filter((item) => item.json.error).map((item) => String(item.json.error));
	return { nodeMs: task.executionTime, videos, errors };
}

const dashScopeOptions = (scale) => ({
	timeout: 900 * scale,
	pollInterval: POLL_INTERVAL_S * scale,
	concurrency: CONCURRENCY,
});

async function throughAog(server, images, times, scale) {
	const delays = times.map((ms) => ms * scale);
	// warm-up: the engine, the node and the server's video of this picture
	await server.control('POST', 'options', { generationDelaysMs: [0], pollCapMs: 0 });
	await runNode({
		connection: 'aogApi',
		credentials: { baseUrl: server.url, apiKey: '' },
		items: imageItems(images.slice(0, 1)),
		options: {},
	});
	await clearBinaryStorage();
	await server.control('POST', 'options', { generationDelaysMs: delays, pollCapMs: AOG_POLL_CAP_MS * scale });
	await server.control('POST', 'reset', {});
	const run = await runNode({
		connection: 'aogApi',
		credentials: { baseUrl: server.url, apiKey: '' },
		items: imageItems(images),
		options: { concurrency: CONCURRENCY },
	});
	await clearBinaryStorage();
	const { requests } = await server.control('GET', 'generation');
	// tasks AOG gave up on still run to their end upstream (and are billed): wait for them
	const longest = Math.max(...requests.map((r) => r.delayMs ?? 0));
	await sleep(Math.max(0, longest - AOG_POLL_CAP_MS * scale) + 500);
	const counters = await server.control('GET', 'counters');
	// AOG's own polls of DashScope: one per 1/100 of its budget of the task's time, at most 100
	const pollEvery = (AOG_POLL_CAP_MS * scale) / AOG_POLLS;
	const polls = requests.reduce((sum, r) => sum + Math.min(AOG_POLLS, Math.ceil((r.delayMs ?? 0) / pollEvery)), 0);
	const waited = requests.map((r) => Math.min(r.delayMs ?? 0, AOG_POLL_CAP_MS * scale));
	return {
		connection: 'AOG',
		...run,
		tasks: counters.upstreamTasks,
		billed: counters.upstreamTasksBilled,
		requests: counters.i2vPosts,
		polls,
		// what it could have done at best: each request answered when its task is done or AOG gives up
		idealMs: idealMakespan(waited, CONCURRENCY),
	};
}

async function direct(server, images, times, scale) {
	const credentials = { region: 'custom', baseUrl: server.url, apiKey: server.apiKey };
	await server.control('POST', 'script', [{ on: 'task', pendingMs: 0, runningMs: 0 }]);
	await runNode({
		connection: 'dashScopeApi',
		credentials,
		items: imageItems(images.slice(0, 1)),
		options: dashScopeOptions(scale),
	});
	await clearBinaryStorage();
	await server.control('POST', 'reset', {});
	// The dev server scales these by its timeScale; each task takes the next entry in creation order.
	await server.control(
		'POST',
		'script',
		times.map((ms) => ({ on: 'task', pendingMs: Math.min(PENDING_MS, ms), runningMs: ms - Math.min(PENDING_MS, ms) })),
	);
	const run = await runNode({
		connection: 'dashScopeApi',
		credentials,
		items: imageItems(images),
		options: dashScopeOptions(scale),
	});
	await clearBinaryStorage();
	const counters = await server.control('GET', 'counters');
	const { tasks } = await server.control('GET', 'tasks');
	const billed = tasks.filter((task) => task.status === 'SUCCEEDED').length;
	return {
		connection: 'DashScope directly',
		...run,
		tasks: counters.submits,
		billed,
		requests: counters.submitRequests,
		polls: counters.polls,
		idealMs: idealMakespan(
			tasks.map((task) => (task.pendingMs + task.runningMs) * scale),
			CONCURRENCY,
		),
	};
}

async function benchLongGenerations({ quick, images }) {
	const items = quick ? 10 : 20;
	const times = generationTimes(items);
	// one picture for every item: the dev servers encode a video per picture once, and that must not be measured
	const pictures = Array.from({ length: items }, () => images[0]);
	log(
		`long generations: ${items} items, generation times ${seconds(Math.min(...times))}–${seconds(Math.max(...times))} (seeded, 1–5 min spread) ` +
			`compressed ×${SCALE}, concurrency ${CONCURRENCY}; through AOG (gives up after ${seconds(AOG_POLL_CAP_MS)}) and DashScope directly (polls every ${POLL_INTERVAL_S} s)`,
	);
	const [aog, dashScope] = await Promise.all([
		startServer('aog', {}),
		startServer('dashscope', { port: 0, storagePort: 0, timeScale: SCALE, maxRunning: CONCURRENCY }),
	]);
	try {
		const rows = [];
		for (const [label, measure, server] of [
			['AOG', throughAog, aog],
			['DashScope directly', direct, dashScope],
		]) {
			const row = await measure(server, pictures, times, SCALE);
			row.efficiency = row.idealMs / row.nodeMs;
			row.videosPerTask = row.tasks ? row.videos / row.tasks : 0;
			row.pollsPerVideo = row.videos ? row.polls / row.videos : Infinity;
			log(
				`  ${label}: ${row.videos}/${items} videos, ${row.tasks} tasks created (${row.billed} billed), ${row.polls} polls, ` +
					`${seconds(row.nodeMs)} vs ideal ${seconds(row.idealMs)} (${row.efficiency.toFixed(2)})${row.errors.length ? `; first error: ${row.errors[0]}` : ''}`,
			);
			rows.push(row);
		}
		return {
			items,
			scale: SCALE,
			times,
			concurrency: CONCURRENCY,
			aogCapMs: AOG_POLL_CAP_MS,
			pollIntervalS: POLL_INTERVAL_S,
			rows: rows.map(({ errors, ...row }) => ({ ...row, firstError: errors[0] ?? null, failed: errors.length })),
			goals: { videosPerTask: 1, efficiency: 0.9 },
		};
	} finally {
		await Promise.all([aog.close(), dashScope.close()]);
	}
}

// ---------------------------------------------------------------------------------------------
// Report

const real = (ms, scale) => `${Math.round(ms / scale / 1000)} s`;
const directRow = (result) => result.rows.find((row) => row.connection === 'DashScope directly');
const aogRow = (result) => result.rows.find((row) => row.connection === 'AOG');

function summaryRows(result) {
	const d = directRow(result);
	const a = aogRow(result);
	return [
		`| 5 | Long generations (${result.items} items, 1–5 min): videos per task created, DashScope directly / through AOG | ${d.videosPerTask.toFixed(2)} / ${a.videosPerTask.toFixed(2)} | ${result.goals.videosPerTask.toFixed(2)} directly | ${mark(d.videosPerTask >= result.goals.videosPerTask)} |`,
		`| 5b | the same: wall time vs ideal at c = ${result.concurrency}, DashScope directly | ${d.efficiency.toFixed(2)} | ≥ ${result.goals.efficiency} | ${mark(d.efficiency >= result.goals.efficiency)} |`,
	];
}

function reportLines(result) {
	const lines = [];
	const push = (...more) => lines.push(...more);
	const s = result.scale;
	push('## 5. Long generations', '');
	push(
		`${result.items} items whose generation times follow DashScope's documented 1–5 minutes (seeded, uniform: ${real(Math.min(...result.times) * s, s)}–${real(Math.max(...result.times) * s, s)},`,
	);
	push(
		`mean ${real((result.times.reduce((a, b) => a + b, 0) / result.times.length) * s, s)}), the same times for both connections, compressed ×${s} (a minute takes ${seconds(MINUTE * s)}), concurrency ${result.concurrency}`,
	);
	push(
		`(DashScope runs 2 tasks per account at a time). Through AOG: the AOG dev server with those times and AOG's polling budget`,
	);
	push(
		`(${AOG_POLLS} polls, about ${real(result.aogCapMs * s, s)}), after which it answers "exceeded maximum number of retries" while the task runs on and is billed.`,
	);
	push(
		`DashScope directly: the node polls every ${result.pollIntervalS} s (the example's setting), timeout 900 s. Times below are real-time equivalents`,
	);
	push(
		'(measured ÷ the compression). Ideal = the items taken in order by the first free lane with no client cost (through AOG: each waiting',
	);
	push('until its task ends or AOG gives up); efficiency = ideal / measured.', '');
	push(
		'| connection | videos / items | tasks created (billed) | videos per task | polls per video | wall time | ideal | efficiency |',
		'|---|---|---|---|---|---|---|---|',
	);
	for (const row of result.rows) {
		const polls = Number.isFinite(row.pollsPerVideo) ? row.pollsPerVideo.toFixed(1) : `∞ (${row.polls} polls)`;
		push(
			`| ${row.connection} | ${row.videos} / ${result.items} | ${row.tasks} (${row.billed}) | ${row.videosPerTask.toFixed(2)} | ${polls} | ${real(row.nodeMs, s)} | ${real(row.idealMs, s)} | ${row.efficiency.toFixed(2)} |`,
		);
	}
	push('');
	const d = directRow(result);
	push(
		`Goals (DashScope directly): ${result.goals.videosPerTask.toFixed(2)} video per task created: ${mark(d.videosPerTask >= result.goals.videosPerTask)}; efficiency ≥ ${result.goals.efficiency}: ${mark(d.efficiency >= result.goals.efficiency)}.`,
		'',
	);
	return lines;
}

function noteItem(result) {
	const d = directRow(result);
	const a = aogRow(result);
	return `**Long generations** are what real videos are: through AOG ${a.videos} of ${result.items} items got their video while
		${a.billed} tasks were billed (AOG gives up after about a minute and never returns the task id, so the client cannot fetch the
		video later), and its polls (${a.polls}, AOG's own, of DashScope) bought ${a.videos} video${a.videos === 1 ? '' : 's'}. Directly every task created
		became a video (${d.videos}/${d.tasks}), at ${Number.isFinite(d.pollsPerVideo) ? d.pollsPerVideo.toFixed(1) : '–'} polls per video with the 15 s
		interval; the gap to the ideal wall time (${d.efficiency.toFixed(2)}) is the wait between a task's end and the next poll
		(half an interval on average, per item of a lane) plus the download.`;
}

function tableRows(result) {
	return result.rows.map((row) => [
		`5 long generations, ${row.connection}`,
		`${row.videos}/${result.items} videos, ${row.tasks} tasks (${row.billed} billed), ${Number.isFinite(row.pollsPerVideo) ? row.pollsPerVideo.toFixed(1) : '∞'} polls/video, ${seconds(row.nodeMs)} vs ideal ${seconds(row.idealMs)} (compressed ×${result.scale}), eff ${row.efficiency.toFixed(2)} (${ratio(row.nodeMs / row.idealMs)} of ideal)`,
		row.connection === 'DashScope directly'
			? `videos/task ${result.goals.videosPerTask} ${row.videosPerTask >= result.goals.videosPerTask ? 'met' : 'MISSED'}, eff >= ${result.goals.efficiency} ${row.efficiency >= result.goals.efficiency ? 'met' : 'MISSED'}`
			: '',
	]);
}

function repetitions(runs) {
	const times = generationTimes(20);
	const direct = idealMakespan(times, CONCURRENCY);
	const aog =
		idealMakespan(
			times.map((ms) => Math.min(ms, AOG_POLL_CAP_MS)),
			CONCURRENCY,
		) +
		Math.max(...times) -
		AOG_POLL_CAP_MS;
	return `long generations ${runs} run of each connection (about ${Math.round(((direct + aog) * SCALE) / MINUTE)} min)`;
}

module.exports = {
	reps,
	benchLongGenerations,
	summaryRows,
	reportLines,
	noteItem,
	tableRows,
	repetitions,
	generationTimes,
	idealMakespan,
};

if (require.main === module && process.argv[2] === '--server') {
	serverChild(process.argv.slice(3)).catch((error) => {
		process.stderr.write(`[bench] server failed: ${error.stack || error}\n`);
		process.exit(1);
	});
}
