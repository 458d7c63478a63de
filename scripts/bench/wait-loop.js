'use strict';
// Waiting in the node or in a loop, in queue mode (tools/queue-stack: n8n 2.8.4 main + one worker, PostgreSQL,
// Redis; tools/dashscope-server with a long generation compressed by its timeScale): the same uploads posted at
// once to examples/wait-loop-get-task.json (Wait 66 s → Get Task once → IF done) and to the same workflow with the
// node waiting itself (Wait for Completion on, the loop removed). Busy time per video = the sum of the per-node
// executionTime n8n stores in each execution's data (every run of a queue-mode execution is on a worker): the time a
// worker spent running the workflow's nodes, and none of the time the execution was parked in the database.
// Exports benchWaitLoop({ quick }) and the section hooks of scripts/bench.js; needs `npm run build` first.
// Alone: node scripts/bench/wait-loop.js [--quick]
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const MINUTE = 60_000;
/** The simulated generation, and how much it is compressed (a 10-minute task ends after 60 s). */
const GENERATION_MS = 10 * MINUTE;
const SCALE = 0.1;
/** The smallest whole-second wait n8n parks in the database (from 65 s on). */
const WAIT_SECONDS = 66;
/** The node's own polling when it waits: short, so that its busy time is close to the generation time. */
const POLL_INTERVAL_S = 5;
const LOOP_PATH = 'aog-wait-loop';
const IN_NODE_PATH = 'aog-wait-in-node';
const GOAL_LOOP_BUSY_S = 30;

const log = (message) => process.stderr.write(`[bench:wait-loop] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The example with the node waiting for the video itself: submit (Wait for Completion on) → answer → done. */
function waitingInNode(prepareWaitLoopWorkflow, NODES) {
	const workflow = prepareWaitLoopWorkflow({
		id: 'aogWaitInNodeBench1',
		webhookPath: IN_NODE_PATH,
		nameSuffix: '(waiting in the node)',
	});
	const loopNodes = [NODES.wait, NODES.check, NODES.done];
	workflow.nodes = workflow.nodes.filter((node) => !loopNodes.includes(node.name));
	const submit = workflow.nodes.find((node) => node.name === NODES.submit);
	submit.parameters.options = { waitForCompletion: true, pollInterval: POLL_INTERVAL_S, timeout: 1800 };
	for (const name of loopNodes) delete workflow.connections[name];
	workflow.connections[NODES.answer] = { main: [[{ node: NODES.ready, type: 'main', index: 0 }]] };
	return workflow;
}

async function postUpload(url, picture, name) {
	const form = new FormData();
	form.append('picture', new Blob([picture], { type: 'image/jpeg' }), `${name}.jpg`);
	form.append('prompt', `Bench ${name}`);
	const response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(30 * MINUTE) });
	const text = await response.text();
	if (response.status !== 200) throw new Error(`${name} answered ${response.status}: ${text.slice(0, 300)}`);
	return JSON.parse(text);
}

/** Every run of every node in the execution: the sum of their executionTime (ms), and how often the check ran. */
function busyOf(data, NODES) {
	const runData = data.resultData.runData;
	let busyMs = 0;
	for (const runs of Object.values(runData)) for (const run of runs) busyMs += run.executionTime ?? 0;
	return { busyMs, checks: runData[NODES.check]?.length ?? 0, error: data.resultData.error?.message };
}

/** Rows: { measure, value, unit, detail, goal?, met? }. quick: 2 videos per mode, else 4. */
async function benchWaitLoop({ quick = false } = {}) {
	if (!fs.existsSync(path.join(REPO, 'dist/nodes/Aog/Aog.node.js')))
		throw new Error('dist/nodes/Aog/Aog.node.js is missing: run "npm run build" first');
	const { startQueueStack } = require('../../tools/queue-stack');
	const { startDashScopeServer } = require('../../tools/dashscope-server');
	const { makeImage } = require('../../tools/media');
	const { dashScopeCredentials, prepareWaitLoopWorkflow, WAIT_LOOP_NODES } = require('../../tools/examples');

	const videos = quick ? 2 : 4;
	const dashScope = await startDashScopeServer({
		pendingMs: 0,
		runningMs: GENERATION_MS,
		timeScale: SCALE,
		quiet: true,
	});
	let stack;
	try {
		log('starting n8n 2.8.4 in queue mode (1 worker)');
		stack = await startQueueStack({
			workers: 1,
			workflows: [
				prepareWaitLoopWorkflow({ waitSeconds: WAIT_SECONDS }),
				waitingInNode(prepareWaitLoopWorkflow, WAIT_LOOP_NODES),
			],
			credentials: dashScopeCredentials({ baseUrl: dashScope.url, apiKey: dashScope.apiKey }),
			onProgress: (message) => log(message),
		});
		const before = (await stack.executions()).at(-1)?.id ?? 0;
		const started = Date.now();
		const picture = (variant) => makeImage({ width: 1280, height: 720, format: 'jpeg', variant });
		log(`${videos} uploads to each workflow at once; generation ${GENERATION_MS / MINUTE} min compressed ×${SCALE}`);
		await Promise.all(
			Array.from({ length: videos }, (_, index) => [
				postUpload(stack.webhookUrl(LOOP_PATH), picture(600 + index), `loop-${index}`),
				postUpload(stack.webhookUrl(IN_NODE_PATH), picture(650 + index), `in-node-${index}`),
			]).flat(),
		);
		// The loop's uploads are answered at once: wait for every execution to end.
		let executions = [];
		for (const deadline = Date.now() + 15 * MINUTE; Date.now() < deadline; await sleep(500)) {
			executions = (await stack.executions()).filter((row) => row.id > before);
			if (executions.length === 2 * videos && executions.every((row) => row.finished || row.status === 'error')) break;
		}
		const wallMs = Date.now() - started;
		const measured = { loop: [], inNode: [] };
		for (const row of executions) {
			const busy = busyOf(await stack.executionData(row.id), WAIT_LOOP_NODES);
			if (row.status !== 'success') throw new Error(`execution ${row.id} ended ${row.status}: ${busy.error}`);
			const wallOfExecution = Date.parse(row.stoppedAt) - Date.parse(row.createdAt);
			(row.workflowId === 'aogWaitInNodeBench1' ? measured.inNode : measured.loop).push({ ...busy, wallOfExecution });
		}
		if (measured.loop.length !== videos || measured.inNode.length !== videos)
			throw new Error(`expected ${videos} executions of each workflow, got ${executions.length} after ${wallMs} ms`);
		if (dashScope.counters.submits !== 2 * videos)
			throw new Error(`${dashScope.counters.submits} tasks were created for ${2 * videos} uploads`);
		return { videos, wallMs, measured, polls: dashScope.counters.polls };
	} finally {
		await stack?.stop();
		await dashScope.close();
	}
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const checksText = (rounds) => {
	const [min, max] = [Math.min(...rounds), Math.max(...rounds)];
	return `${min === max ? min : `${min}–${max}`} check${max === 1 ? '' : 's'}`;
};

/** The rows of the section (both modes, the ratio), from the result. */
function rows(result) {
	const loop = median(result.measured.loop.map((run) => run.busyMs));
	const inNode = median(result.measured.inNode.map((run) => run.busyMs));
	const range = (runs) =>
		`${s(Math.min(...runs.map((run) => run.busyMs)))}–${s(Math.max(...runs.map((run) => run.busyMs)))}, n=${runs.length}`;
	const rounds = result.measured.loop.map((run) => run.checks);
	const wall = (runs) => s(median(runs.map((run) => run.wallOfExecution)));
	// Nothing runs while the execution waits: its time from upload to end minus its Waits bounds the busy time from
	// above (it also counts the worker's own cost per job and the Wait's wake-up delay, which executionTime leaves out).
	const bound = median(result.measured.loop.map((run) => run.wallOfExecution - run.checks * WAIT_SECONDS * 1000));
	return [
		{
			measure: `worker busy time per video, Wait → Get Task loop (Wait ${WAIT_SECONDS} s)`,
			value: loop,
			detail: `${range(result.measured.loop)}; at most ${s(bound)} (execution time minus its Waits); ${checksText(rounds)} per video; execution ${wall(result.measured.loop)} from upload to MP4`,
			goal: `≤ ${GOAL_LOOP_BUSY_S} s`,
			met: loop <= GOAL_LOOP_BUSY_S * 1000,
		},
		{
			measure: `worker busy time per video, the node waiting (poll every ${POLL_INTERVAL_S} s)`,
			value: inNode,
			detail: `${range(result.measured.inNode)}; execution ${wall(result.measured.inNode)} from upload to MP4`,
		},
		{
			measure: 'loop / waiting in the node (same run)',
			ratio: loop / inNode,
			detail: `${result.videos} videos each, posted at once; one task per video; ${result.polls} DashScope queries in all`,
		},
	];
}

const valueText = (row) =>
	row.ratio === undefined ? s(row.value) : `${row.ratio.toFixed(4)}× (1/${Math.round(1 / row.ratio)})`;
const gen = `a ${GENERATION_MS / MINUTE}-minute generation compressed ×${SCALE} to ${(GENERATION_MS * SCALE) / 1000} s`;

function tableRows(result) {
	return rows(result).map((row) => [
		`7 wait loop: ${row.measure}`,
		`${valueText(row)} (${row.detail})`,
		row.goal ? `${row.goal} ${row.met ? 'met' : 'MISSED'}` : '',
	]);
}

function summaryRows(result) {
	const [loop, inNode] = rows(result);
	return [
		`| 7 | Queue mode: worker busy time per video, Wait → Get Task loop vs the node waiting (${gen}) | ${valueText(loop)} vs ${valueText(inNode)} | ${loop.goal} | ${loop.met ? 'met' : '**missed**'} |`,
	];
}

function reportLines(result) {
	const lines = ['## 7. Waiting in the node or in a loop (queue mode)', ''];
	lines.push(
		'n8n 2.8.4 in queue mode (main + 1 worker, PostgreSQL, Redis) against tools/dashscope-server, with',
		`${gen}. examples/wait-loop-get-task.json (Wait ${WAIT_SECONDS} s → Get Task once → IF done) and the same`,
		'workflow with the node waiting itself (Wait for Completion on, the loop removed) get their uploads at once, in the',
		"same run. Busy time = the sum of the per-node executionTime in n8n's own execution data (execution_data): the time a",
		'worker spent running the nodes, none of the time the execution was parked in the database. It leaves out the',
		"worker's own cost per job (taking it, loading and saving the execution); the execution's time from upload to end",
		'minus its Waits, during which nothing runs, bounds that from above.',
		'',
		'| measure | value | detail |',
		'|---|---|---|',
	);
	for (const row of rows(result))
		lines.push(
			`| ${row.measure} | ${valueText(row)}${row.goal ? ` (goal ${row.goal}: ${row.met ? 'met' : '**missed**'})` : ''} | ${row.detail} |`,
		);
	lines.push('');
	return lines;
}

function repetitions() {
	return `wait loop one run of each mode (about ${Math.round(WAIT_SECONDS + (GENERATION_MS * SCALE) / 1000 / 2 + 60)} s with the stack's start)`;
}

const reps = { full: 1, quick: 1 };

module.exports = { reps, benchWaitLoop, summaryRows, reportLines, tableRows, repetitions };

if (require.main === module) {
	require('../usage').answerHelp(
		`Usage: node scripts/bench/wait-loop.js [--quick]   (after npm run build)

Worker busy time per video in n8n's queue mode: the Wait → Get Task loop vs the node waiting, same run.
  --quick  2 videos per mode instead of 4`,
		['--quick'],
	);
	benchWaitLoop({ quick: process.argv.includes('--quick') })
		.then((result) => {
			for (const line of reportLines(result)) console.log(line);
		})
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
}
