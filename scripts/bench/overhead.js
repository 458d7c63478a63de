'use strict';
// 1. Overhead: 50 items, no generation delay, 20 MiB MP4 each: the node in n8n-core's engine vs a bare HTTP client
// doing the same POST + download + write to disk, each side in a fresh process per round; the 'overhead' child.
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const {
	MiB,
	STANDARD_ROUTE,
	MODEL,
	PROMPT,
	summary,
	cpuMs,
	seconds,
	millis,
	spread,
	mib,
	ratio,
	mark,
	log,
	ramFolder,
	imageItems,
	request,
	runChild,
} = require('./common');
const { setEngineStorage, clearBinaryStorage, runEngine } = require('./engine');
const { startServerProcess } = require('./server');

/** Rounds: a full run, --quick. */
const reps = { full: 7, quick: 1 };

const OVERHEAD_ITEMS = 50;
const OVERHEAD_VIDEO = 20 * MiB;
const OVERHEAD_WARMUP = 5;

// A bare HTTP client doing the node's job: read the picture, POST, download to a file

/**
 * Reads each picture, POSTs it, downloads the video to a file; one item after the other. `write` 'stream' pipes the
 * response into fs.createWriteStream (what a hand-written client does); 'n8n' hands it to fs.writeFile(path, stream),
 * which is how n8n's filesystem binary storage writes a stream (one chunk per write, each awaited).
 */
async function bareClient(serverUrl, imageFiles, outDir, write = 'stream') {
	const started = performance.now();
	for (let n = 0; n < imageFiles.length; n++) {
		const bytes = await fsp.readFile(imageFiles[n]);
		const body = JSON.stringify({
			model: MODEL,
			image: `data:image/jpeg;base64,${bytes.toString('base64')}`,
			image_type: 'base64',
			prompt: PROMPT,
		});
		const answer = await request('POST', `${serverUrl}${STANDARD_ROUTE}`, body, { Accept: 'application/json' });
		if (answer.status !== 200) throw new Error(`bare client: POST answered ${answer.status}: ${answer.body}`);
		const { data: videoUrl } = JSON.parse(answer.body);
		const file = path.join(outDir, `video-${n}.mp4`);
		await new Promise((resolve, reject) => {
			http
				.get(videoUrl, { headers: { 'Accept-Encoding': 'identity' } }, (res) => {
					if (res.statusCode !== 200) return reject(new Error(`bare client: download answered ${res.statusCode}`));
					(write === 'n8n' ? fsp.writeFile(file, res) : pipeline(res, fs.createWriteStream(file))).then(
						resolve,
						reject,
					);
				})
				.on('error', reject);
		});
	}
	return performance.now() - started;
}

/**
 * Child: one overhead measurement in a fresh process, as each side lives in practice (the node in a process with
 * n8n loaded, the bare client in a small script): warm-up, then the measured run. Prints {ms, cpuMs, wallMs}.
 * side: 'node' | 'bare' | 'bareN8n'; dir holds the pictures (picture-<n>.jpg) and gets the output.
 */
async function overheadChild(side, serverUrl, dir) {
	const files = Array.from({ length: OVERHEAD_ITEMS }, (_, n) => path.join(dir, `picture-${n}.jpg`));
	const outDir = path.join(dir, `out-${side}`);
	let result;
	if (side === 'node') {
		setEngineStorage(path.join(dir, 'n8n-binary-data'));
		const items = imageItems(files.map((file) => fs.readFileSync(file)));
		const check = (run, count) => {
			if (run.output.length !== count || run.output.some((item) => item.json.fileSize !== OVERHEAD_VIDEO))
				throw new Error('engine run: wrong output');
		};
		check(await runEngine(serverUrl, items.slice(0, OVERHEAD_WARMUP)), OVERHEAD_WARMUP);
		await clearBinaryStorage();
		const cpu = process.cpuUsage();
		const run = await runEngine(serverUrl, items);
		result = { ms: run.nodeMs, wallMs: run.wallMs, cpuMs: cpuMs(process.cpuUsage(cpu)) };
		check(run, OVERHEAD_ITEMS);
		await clearBinaryStorage();
	} else {
		const write = side === 'bareN8n' ? 'n8n' : 'stream';
		fs.mkdirSync(outDir, { recursive: true });
		await bareClient(serverUrl, files.slice(0, OVERHEAD_WARMUP), outDir, write);
		const cpu = process.cpuUsage();
		const ms = await bareClient(serverUrl, files, outDir, write);
		result = { ms, wallMs: ms, cpuMs: cpuMs(process.cpuUsage(cpu)) };
		const written = fs.readdirSync(outDir).reduce((sum, name) => sum + fs.statSync(path.join(outDir, name)).size, 0);
		if (written !== OVERHEAD_ITEMS * OVERHEAD_VIDEO)
			throw new Error(`bare client wrote ${written} bytes, expected ${OVERHEAD_ITEMS * OVERHEAD_VIDEO}`);
		fs.rmSync(outDir, { recursive: true, force: true });
	}
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function benchOverhead({ reps, images }) {
	const ITEMS = OVERHEAD_ITEMS;
	const VIDEO = OVERHEAD_VIDEO;
	log(
		`overhead: ${ITEMS} items, ${mib(VIDEO)} MP4 each, no generation delay, ${reps} rounds of node / bare client / bare client writing like n8n, each in a fresh process`,
	);
	const server = await startServerProcess({ generationDelayMs: 0, syntheticVideoBytes: VIDEO });
	// Every side writes to the same RAM-backed file system: 3 GB per round on this VM's disk brings on writeback
	// throttling, which made rounds vary 2–4× whichever side ran into it.
	const ram = ramFolder('aog-bench-overhead-');
	const storage = ram.startsWith('/dev/shm') ? 'tmpfs (/dev/shm)' : `${os.tmpdir()} (no tmpfs found)`;
	try {
		for (let n = 0; n < ITEMS; n++) fs.writeFileSync(path.join(ram, `picture-${n}.jpg`), images[n % images.length]);
		const sides = { node: [], wall: [], bare: [], bareN8n: [], nodeCpu: [], bareCpu: [], bareN8nCpu: [] };
		const loads = [];
		for (let rep = 0; rep < reps; rep++) {
			const run = await runChild(['overhead', 'node', server.url, ram]);
			const bare = await runChild(['overhead', 'bare', server.url, ram]);
			const bareN8n = await runChild(['overhead', 'bareN8n', server.url, ram]);
			sides.node.push(run.ms);
			sides.wall.push(run.wallMs);
			sides.nodeCpu.push(run.cpuMs);
			sides.bare.push(bare.ms);
			sides.bareCpu.push(bare.cpuMs);
			sides.bareN8n.push(bareN8n.ms);
			sides.bareN8nCpu.push(bareN8n.cpuMs);
			loads.push(os.loadavg()[0]);
			log(
				`  round ${rep + 1}/${reps}: node ${seconds(run.ms)} (CPU ${seconds(run.cpuMs)}), bare ${seconds(bare.ms)} (CPU ${seconds(bare.cpuMs)}), bare writing like n8n ${seconds(bareN8n.ms)} (CPU ${seconds(bareN8n.cpuMs)}); load ${os.loadavg()[0].toFixed(1)}`,
			);
		}
		const pairs = (a, b) => summary(sides[a].map((value, i) => value / sides[b][i]));
		return {
			items: ITEMS,
			videoBytes: VIDEO,
			...Object.fromEntries(Object.entries(sides).map(([name, values]) => [name, summary(values)])),
			ratio: pairs('node', 'bare'),
			ratioN8nWrite: pairs('node', 'bareN8n'),
			cpuRatio: pairs('nodeCpu', 'bareCpu'),
			loadNote: `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during these rounds`,
			storage,
			goal: 1.3,
		};
	} finally {
		await server.close();
		fs.rmSync(ram, { recursive: true, force: true });
	}
}

/** Its row of the Results table. */
function summaryRows(overhead) {
	return [
		`| 1 | Overhead: node in n8n-core vs bare HTTP client (${overhead.items} × ${mib(overhead.videoBytes)}) | ${ratio(overhead.ratio.median)} (${ratio(overhead.ratio.min)}–${ratio(overhead.ratio.max)}) | ≤ ${overhead.goal}× | ${mark(overhead.ratio.median <= overhead.goal)} |`,
	];
}

/** Its part of docs/BENCHMARKS.md. */
function reportLines(overhead) {
	const lines = [];
	const push = (...more) => lines.push(...more);
	push('## 1. Overhead', '');
	push(
		`${overhead.items} items, no generation delay, a ${mib(overhead.videoBytes)} MP4 each (${mib(overhead.items * overhead.videoBytes)} per run), concurrency 1 on both sides.`,
	);
	push(
		'Each side runs in a fresh Node process of its own per round, as it lives in practice: the node in a process with n8n',
	);
	push(
		'loaded, the bare client in a small script. Each process first does 5 items as a warm-up, then the measured 50. (In one',
	);
	push("long-lived process the sides disturbed each other: once n8n's ~55 MB heap is loaded, V8 answers the churn of");
	push(
		'socket buffers with a full garbage collection every few dozen milliseconds, and everything run there, the bare',
	);
	push('client included, took twice as long.) Every side writes to the same RAM-backed file system,');
	push(
		`${overhead.storage}: writing 3 GB per round to this VM's disk brings on writeback throttling, which made rounds vary`,
	);
	push('2–4× for whichever side met it.', '');
	push(
		"The node runs inside n8n-core's WorkflowExecute (filesystem binary mode, as n8n 2.x regular mode); its time is the",
	);
	push(
		'execution time n8n records for the node. The bare client is plain `http`: read the JPEG from disk, base64 data URI,',
	);
	push(
		'POST, then `pipeline(response, fs.createWriteStream())`, one item after the other. A third side is the same bare',
	);
	push(
		"client writing the way n8n's filesystem binary storage writes a stream, `fs.writeFile(path, stream)`, which separates",
	);
	push(
		"the cost of n8n's storage from the node's own. The three run one after the other in each round; ratios are taken per",
	);
	push(
		"round. CPU is the process's user + system time over the measured run (the dev server runs in another process).",
		'',
	);
	const throughput = (ms) => `${((overhead.items * overhead.videoBytes) / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
	push('| | wall time for 50 items | per item | throughput | CPU time |', '|---|---|---|---|---|');
	push(
		`| AOG node in n8n-core | ${spread(overhead.node)} | ${millis(overhead.node.median / overhead.items)} | ${throughput(overhead.node.median)} | ${spread(overhead.nodeCpu)} |`,
	);
	push(
		`| bare HTTP client | ${spread(overhead.bare)} | ${millis(overhead.bare.median / overhead.items)} | ${throughput(overhead.bare.median)} | ${spread(overhead.bareCpu)} |`,
	);
	push(
		`| bare client writing like n8n's storage | ${spread(overhead.bareN8n)} | ${millis(overhead.bareN8n.median / overhead.items)} | ${throughput(overhead.bareN8n.median)} | ${spread(overhead.bareN8nCpu)} |`,
	);
	push(`| (whole engine run, incl. storing the 50 input pictures) | ${spread(overhead.wall)} | | | |`, '');
	push(
		`- **node / bare client, wall time: ${ratio(overhead.ratio.median)}** (${ratio(overhead.ratio.min)}–${ratio(overhead.ratio.max)}); goal ≤ ${overhead.goal}×: ${mark(overhead.ratio.median <= overhead.goal)}`,
	);
	push(
		`- node / bare client, fastest round of each (the least disturbed): ${ratio(overhead.node.min / overhead.bare.min)}`,
	);
	push(
		`- node / bare client, CPU time: ${ratio(overhead.cpuRatio.median)} (${ratio(overhead.cpuRatio.min)}–${ratio(overhead.cpuRatio.max)})`,
	);
	push(
		`- node / bare client writing like n8n, wall time: ${ratio(overhead.ratioN8nWrite.median)} (${ratio(overhead.ratioN8nWrite.min)}–${ratio(overhead.ratioN8nWrite.max)}): the node's own share`,
		'',
	);
	return lines;
}

/** Its item of ## Notes (what the numbers mean, and what would close a gap), phrased from the numbers of the run. */
function noteItem(overhead) {
	const met = overhead.ratio.median <= overhead.goal;
	const perItem = ((overhead.ratio.median - 1) * overhead.bare.median) / overhead.items;
	const storageShare = overhead.bareN8n.min / overhead.bare.min;
	const ownShare = overhead.node.min / overhead.bareN8n.min;
	return `**Overhead** (${met ? 'goal met' : 'goal missed'}): n8n around the same bytes costs ${perItem > 0 ? `${millis(perItem)} per 20 MiB item` : 'nothing measurable'},
		${ratio(overhead.ratio.median)} the bare client's wall time (${ratio(overhead.node.min / overhead.bare.min)} between the fastest rounds) and
		${ratio(overhead.cpuRatio.median)} its CPU time. In the fastest round of each side (the least disturbed) it splits in two. n8n's filesystem binary storage writes a stream with
		\`fs.writeFile(path, stream)\`, one awaited write per socket chunk, then a \`stat\` and a metadata file, where a write
		stream batches chunks with \`writev\` (the bare client writing that way takes ${ratio(storageShare)} the time of the
		plain one); the rest, ${ratio(ownShare)}, is the node's own: the engine, n8n's HTTP helper (axios and
		follow-redirects, two requests per item), reading the picture from binary storage, and the MP4 check on every chunk.
		${
			met
				? ''
				: `The rounds' spread (${ratio(overhead.ratio.min)}–${ratio(overhead.ratio.max)}, load ${overhead.loadNote}) shows how much of the
		miss is the shared machine: on 2 cores every awaited write and every socket chunk waits for the process to be scheduled
		again, and the node's path has more such steps than the bare client's. What would close it: n8n's FileSystemManager
		piping into \`fs.createWriteStream\` (an upstream change; a community node must store binaries through n8n and may not
		write files itself), and a quieter machine.`
		} With a real AOG a video takes a minute or more upstream, so this is under
		1 % of an item's time.`;
}

/** Its rows of the table printed at the end. */
function tableRows(overhead) {
	const rows = [];
	rows.push([
		'1 overhead node/bare',
		`${ratio(overhead.ratio.median)} (${ratio(overhead.ratio.min)}-${ratio(overhead.ratio.max)}); node ${seconds(overhead.node.median)}, bare ${seconds(overhead.bare.median)}`,
		`<= ${overhead.goal}x ${overhead.ratio.median <= overhead.goal ? 'met' : 'MISSED'}`,
	]);
	rows.push(['1 overhead fastest node/fastest bare', ratio(overhead.node.min / overhead.bare.min), '']);
	rows.push([
		'1 overhead CPU node/bare',
		`${ratio(overhead.cpuRatio.median)} (${ratio(overhead.cpuRatio.min)}-${ratio(overhead.cpuRatio.max)})`,
		'',
	]);
	rows.push([
		'1 node/bare writing like n8n',
		`${ratio(overhead.ratioN8nWrite.median)} (${ratio(overhead.ratioN8nWrite.min)}-${ratio(overhead.ratioN8nWrite.max)}); bare like n8n ${seconds(overhead.bareN8n.median)}`,
		'',
	]);
	return rows;
}

/** Its clause of ## Repetitions. */
function repetitions(rounds) {
	return `Overhead ${rounds} rounds (node, bare client, bare client writing like n8n)`;
}

/** `--child overhead <side> <serverUrl> <dir>`, with a user folder of its own inside dir. */
async function child(args) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(args[2], 'n8n-user-'));
	try {
		await overheadChild(args[0], args[1], args[2]);
	} finally {
		fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
	}
	return process.exit(0);
}

module.exports = { reps, benchOverhead, summaryRows, reportLines, noteItem, tableRows, repetitions, child };
