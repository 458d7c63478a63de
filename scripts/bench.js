#!/usr/bin/env node
'use strict';
// npm run bench (builds first): the four measurements of issue 4, against the AOG dev server on loopback.
//   1. overhead     50 items, no generation delay, 20 MiB MP4 each: the node in n8n-core's engine vs a bare
//                   HTTP client doing the same POST + download + write to disk
//   2. concurrency  20 items, 2 s generation each, concurrency 1, 2, 5, 10: wall time vs ⌈N/c⌉·2 s
//   3. memory       one 500 MiB MP4, filesystem binary mode: peak RSS growth of the node's process, streamed
//                   (the node) vs buffered whole (the way n8n's Gemini video operation downloads)
//   4. n8n          the example workflow with 10 pictures through the real n8n 2.8.4 CLI vs the engine run
//                   of the same items, the CLI's fixed start-up cost measured separately (trigger-only run)
// Prints a table and writes docs/BENCHMARKS.md. The dev server runs in a child process of its own, so the
// measured process is the client only (as with a real AOG). The engine parts load the compiled node from
// dist/ and the engine harness (tools/harness, compiled by npm run build into dist/tools).
//
//   node scripts/bench.js [--only=overhead,concurrency,memory,n8n] [--quick] [--no-write] [--out=file.md]
//   --quick  one repetition of everything (a smoke run)   --no-write  leave docs/BENCHMARKS.md alone
//   --out    write the report there instead (docs/BENCHMARKS.md is written only by a full run of every section)
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');

const REPO = path.resolve(__dirname, '..');
const DOC = path.join(REPO, 'docs', 'BENCHMARKS.md');
const MiB = 1024 * 1024;
const STANDARD_ROUTE = '/aog/v0.2/services/image-to-video';
const MODEL = 'wan2.2-i2v-plus';
const PROMPT = 'A slow cinematic push-in, gentle light';

const SECTIONS = ['overhead', 'concurrency', 'memory', 'n8n'];

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** {median, min, max, runs} of a list of numbers. */
function summary(values) {
	return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length, values };
}

const cpuMs = ({ user, system }) => (user + system) / 1000;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms) => `${Math.round(ms)} ms`;
const spread = (s, format = seconds) => `${format(s.median)} (${format(s.min)}–${format(s.max)}, n=${s.runs})`;
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
const ratio = (value) => `${value.toFixed(2)}×`;

function log(message) {
	process.stderr.write(`[bench] ${message}\n`);
}

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model?.trim() || 'unknown',
		cores: cpus.length,
		memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
		node: process.version,
		os: `${os.type()} ${os.release()} (${os.arch()})`,
		load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
	};
}

/** HEAD's short hash, flagged when what the bench runs (the node, the harness, the dev server, this script) has local changes. */
function gitCommit() {
	const { execFileSync } = require('node:child_process');
	const git = (...args) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	try {
		const head = git('rev-parse', '--short', 'HEAD');
		const dirty = git('status', '--porcelain', '--', 'nodes', 'credentials', 'tools', 'scripts/bench.js', 'examples');
		return dirty ? `${head} + local changes (${dirty.split('\n').length} files)` : head;
	} catch {
		return 'unknown (not a git checkout)';
	}
}

let engine;
/** The engine harness, the compiled node and credential, and n8n's binary storage folder. */
function loadEngine() {
	if (engine) return engine;
	for (const file of ['dist/nodes/Aog/Aog.node.js', 'dist/credentials/AogApi.credentials.js', 'dist/tools/harness/engine.js']) {
		if (!fs.existsSync(path.join(REPO, file))) throw new Error(`${file} is missing: run "npm run build" (npm run bench does)`);
	}
	const harness = require('../dist/tools/harness/engine.js');
	const { Aog } = require('../dist/nodes/Aog/Aog.node.js');
	const { AogApi } = require('../dist/credentials/AogApi.credentials.js');
	const { Container } = require('@n8n/di');
	const { BinaryDataConfig } = require('n8n-core');
	engine = { harness, Aog, AogApi, binaryDataConfig: Container.get(BinaryDataConfig) };
	return engine;
}

/**
 * Points n8n's filesystem binary storage at `dir` (the harness builds a new BinaryDataService from this config for
 * every run); returns the previous folder.
 */
function setEngineStorage(dir) {
	const config = loadEngine().binaryDataConfig;
	const previous = config.localStoragePath;
	fs.mkdirSync(dir, { recursive: true });
	config.localStoragePath = dir;
	return previous;
}

/** A RAM-backed folder (tmpfs) when the machine has one, else the temp folder. */
function ramFolder(prefix) {
	const base = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();
	return fs.mkdtempSync(path.join(base, prefix));
}

/** Deletes what earlier runs left in n8n's binary storage (1 GB per overhead run). */
async function clearBinaryStorage() {
	await fsp.rm(path.join(loadEngine().binaryDataConfig.localStoragePath, 'workflows'), { recursive: true, force: true });
}

function imageItems(images) {
	return images.map((data, n) => ({ json: { n }, binary: { data: { data, mimeType: 'image/jpeg', fileName: `photo-${n}.jpg` } } }));
}

/**
 * Runs the AOG node (dist/) on `items` inside n8n-core's engine; returns the AOG node's own execution time
 * as n8n records it (nodeMs) and the whole run's wall time (wallMs, which includes storing the input pictures).
 */
async function runEngine(serverUrl, items, { options = {}, binaryMode = 'filesystem', nodeType, timeoutMs = 600_000 } = {}) {
	const { harness, Aog, AogApi } = loadEngine();
	const result = await harness.runNode({
		nodeType: nodeType ?? new Aog(),
		credentialType: new AogApi(),
		credentials: { baseUrl: serverUrl, apiKey: '' },
		parameters: { resource: 'video', operation: 'imageToVideo', imageSource: 'binary', prompt: PROMPT, options },
		items,
		binaryMode,
		timeoutMs,
	});
	if (result.error) throw new Error(`engine run failed: ${result.error.message} ${result.error.description ?? ''}`);
	const task = result.runData[result.nodeName][0];
	return { wallMs: result.durationMs, nodeMs: task.executionTime, output: result.output };
}

// ---------------------------------------------------------------------------------------------
// The dev server, in a child process of its own

async function startServerProcess(options) {
	const child = spawn(process.execPath, [__filename, '--child', 'server', JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
	const url = await new Promise((resolve, reject) => {
		let buffered = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => {
			buffered += chunk;
			const match = /^listening (\S+)$/m.exec(buffered);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`the dev server exited (${code}) before listening`)));
	});
	const control = async (method, route, body) => {
		const text = await request(method, `${url}/__control/${route}`, body === undefined ? undefined : JSON.stringify(body));
		return JSON.parse(text.body);
	};
	return {
		url,
		setOptions: (patch) => control('POST', 'options', patch),
		reset: () => control('POST', 'reset', {}),
		counters: () => control('GET', 'counters'),
		generation: () => control('GET', 'generation'),
		close: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		},
	};
}

async function serverChild(optionsJson) {
	const { startAogServer } = require('../tools/aog-server');
	const server = await startAogServer({ port: 0, quiet: true, ...JSON.parse(optionsJson) });
	process.stdout.write(`listening ${server.url}\n`);
	const stop = async () => {
		await server.close();
		process.exit(0);
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

/** One HTTP exchange with the body read as text. */
function request(method, url, body, headers = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers: { 'Accept-Encoding': 'identity', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body);
	});
}

// ---------------------------------------------------------------------------------------------
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
		const body = JSON.stringify({ model: MODEL, image: `data:image/jpeg;base64,${bytes.toString('base64')}`, image_type: 'base64', prompt: PROMPT });
		const answer = await request('POST', `${serverUrl}${STANDARD_ROUTE}`, body, { Accept: 'application/json' });
		if (answer.status !== 200) throw new Error(`bare client: POST answered ${answer.status}: ${answer.body}`);
		const { data: videoUrl } = JSON.parse(answer.body);
		const file = path.join(outDir, `video-${n}.mp4`);
		await new Promise((resolve, reject) => {
			http.get(videoUrl, { headers: { 'Accept-Encoding': 'identity' } }, (res) => {
				if (res.statusCode !== 200) return reject(new Error(`bare client: download answered ${res.statusCode}`));
				(write === 'n8n' ? fsp.writeFile(file, res) : pipeline(res, fs.createWriteStream(file))).then(resolve, reject);
			}).on('error', reject);
		});
	}
	return performance.now() - started;
}

// ---------------------------------------------------------------------------------------------
// 1. Overhead

const OVERHEAD_ITEMS = 50;
const OVERHEAD_VIDEO = 20 * MiB;
const OVERHEAD_WARMUP = 5;

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
			if (run.output.length !== count || run.output.some((item) => item.json.fileSize !== OVERHEAD_VIDEO)) throw new Error('engine run: wrong output');
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
		if (written !== OVERHEAD_ITEMS * OVERHEAD_VIDEO) throw new Error(`bare client wrote ${written} bytes, expected ${OVERHEAD_ITEMS * OVERHEAD_VIDEO}`);
		fs.rmSync(outDir, { recursive: true, force: true });
	}
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Child: the AOG node over every *.jpg of `dir` (sorted), in a fresh process: one warm-up run of the same items,
 * then the measured one. Prints {nodeMs, wallMs, items}.
 */
async function engineChild(serverUrl, dir, optionsJson) {
	const files = fs.readdirSync(dir).filter((name) => name.endsWith('.jpg')).sort().map((name) => path.join(dir, name));
	const items = imageItems(files.map((file) => fs.readFileSync(file)));
	const options = JSON.parse(optionsJson);
	await runEngine(serverUrl, items, { options });
	await clearBinaryStorage();
	const run = await runEngine(serverUrl, items, { options });
	await clearBinaryStorage();
	process.stdout.write(`${JSON.stringify({ nodeMs: run.nodeMs, wallMs: run.wallMs, items: run.output.length })}\n`);
}

/** Runs this script as a child (`--child <kind> ...args`) and resolves the JSON of its last stdout line. */
function runChild(args, nodeFlags = []) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [...nodeFlags, __filename, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
		let stdout = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.on('error', reject);
		child.on('exit', (code) => {
			const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
			if (code !== 0 || !line) return reject(new Error(`child ${args.slice(0, 2).join(' ')} exited ${code}: ${stdout.slice(-2000)}`));
			resolve(JSON.parse(line));
		});
	});
}

async function benchOverhead({ reps, images }) {
	const ITEMS = OVERHEAD_ITEMS;
	const VIDEO = OVERHEAD_VIDEO;
	log(`overhead: ${ITEMS} items, ${mib(VIDEO)} MP4 each, no generation delay, ${reps} rounds of node / bare client / bare client writing like n8n, each in a fresh process`);
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
			log(`  round ${rep + 1}/${reps}: node ${seconds(run.ms)} (CPU ${seconds(run.cpuMs)}), bare ${seconds(bare.ms)} (CPU ${seconds(bare.cpuMs)}), bare writing like n8n ${seconds(bareN8n.ms)} (CPU ${seconds(bareN8n.cpuMs)}); load ${os.loadavg()[0].toFixed(1)}`);
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

// ---------------------------------------------------------------------------------------------
// 2. Concurrency

async function benchConcurrency({ reps, images }) {
	const ITEMS = 20;
	const DELAY = 2000;
	// A 5 s 1080p H.264 clip is a few MB; the cost of downloading 20 MiB videos is the subject of (1) and shown
	// separately below, at c = 5.
	const VIDEO = 4 * MiB;
	const LARGE_VIDEO = 20 * MiB;
	const LEVELS = [1, 2, 5, 10];
	const repsFor = (c) => (c === 1 ? Math.max(1, reps - 1) : reps);
	log(`concurrency: ${ITEMS} items, ${DELAY / 1000} s generation, ${mib(VIDEO)} MP4, c = ${LEVELS.join(', ')} (${LEVELS.map(repsFor).join('/')} runs), then c = 5 with ${mib(LARGE_VIDEO)} MP4s`);
	const server = await startServerProcess({ generationDelayMs: DELAY, syntheticVideoBytes: VIDEO });
	try {
		const items = imageItems(Array.from({ length: ITEMS }, (_, n) => images[n % images.length]));
		await runEngine(server.url, items.slice(0, 2), { options: { concurrency: 2 } }); // warm-up
		await clearBinaryStorage();
		const measure = async (concurrency, runs, label) => {
			const times = [];
			let maxInFlight = 0;
			for (let rep = 0; rep < runs; rep++) {
				await server.reset();
				const run = await runEngine(server.url, items, { options: { concurrency } });
				await clearBinaryStorage();
				const gauge = await server.generation();
				maxInFlight = Math.max(maxInFlight, gauge.maxInFlight);
				times.push(run.nodeMs);
				log(`  ${label}c=${concurrency} run ${rep + 1}: ${seconds(run.nodeMs)} (server saw at most ${gauge.maxInFlight} generations at once); load ${os.loadavg()[0].toFixed(1)}`);
			}
			const ideal = Math.ceil(ITEMS / concurrency) * DELAY;
			const wall = summary(times);
			return { concurrency, ideal, wall, efficiency: ideal / wall.median, maxInFlight };
		};
		const rows = [];
		for (const concurrency of LEVELS) rows.push(await measure(concurrency, repsFor(concurrency), ''));
		const sequential = rows[0].wall.median;
		for (const row of rows) row.speedUp = sequential / row.wall.median;
		await server.setOptions({ syntheticVideoBytes: LARGE_VIDEO });
		const large = await measure(5, Math.max(1, reps - 1), `${mib(LARGE_VIDEO)} `);
		return { items: ITEMS, delayMs: DELAY, videoBytes: VIDEO, rows, large: { ...large, videoBytes: LARGE_VIDEO }, goal: 0.8 };
	} finally {
		await server.close();
	}
}

// ---------------------------------------------------------------------------------------------
// 3. Memory (each measurement in a child process of its own)

/** The buffered way, as n8n's Gemini video operation does it: the whole body as one Buffer, then stored. */
function bufferedDownloadNodeType() {
	const { NodeConnectionTypes } = require('n8n-workflow');
	return {
		description: {
			displayName: 'Buffered Download',
			name: 'bufferedDownload',
			group: ['transform'],
			version: 1,
			description: 'POSTs to AOG, then downloads the video whole into memory before storing it (benchmark only)',
			defaults: { name: 'Buffered Download' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'aogApi', required: true }],
			properties: [{ displayName: 'Options', name: 'options', type: 'json', default: {} }],
		},
		async execute() {
			const items = this.getInputData();
			const { baseUrl } = await this.getCredentials('aogApi');
			const { downloadVideo = true } = this.getNodeParameter('options', 0, {});
			const out = [];
			for (let i = 0; i < items.length; i++) {
				const image = await this.helpers.getBinaryDataBuffer(i, 'data');
				const answer = await this.helpers.httpRequestWithAuthentication.call(this, 'aogApi', {
					method: 'POST',
					url: `${baseUrl}${STANDARD_ROUTE}`,
					headers: { 'Accept-Encoding': 'identity' },
					body: { model: MODEL, image: `data:image/jpeg;base64,${image.toString('base64')}`, image_type: 'base64', prompt: PROMPT },
					json: true,
				});
				const json = { id: answer.id, videoUrl: answer.data };
				if (!downloadVideo) {
					out.push({ json, pairedItem: { item: i } });
					continue;
				}
				const video = await this.helpers.httpRequestWithAuthentication.call(this, 'aogApi', {
					method: 'GET',
					url: answer.data,
					headers: { 'Accept-Encoding': 'identity' },
					encoding: 'arraybuffer',
					json: false,
				});
				const buffer = Buffer.isBuffer(video) ? video : Buffer.from(video);
				json.fileSize = buffer.length;
				out.push({ json, binary: { data: await this.helpers.prepareBinaryData(buffer, 'video.mp4', 'video/mp4') }, pairedItem: { item: i } });
			}
			return [out];
		},
	};
}

const readStatusKb = (field) => Number((new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8')) || [])[1] || NaN) * 1024;

const UPLOAD_ITEMS = 10;

/**
 * Child: one measured run, reporting peak RSS growth. 'streamed' = the node downloading one video, 'buffered' = the
 * same download the Gemini way, 'upload' = the node sending UPLOAD_ITEMS pictures of 9 MB at once (no download).
 */
async function memoryChild(mode, serverUrl) {
	const { makeImage } = require('../tools/aog-server');
	const upload = mode === 'upload';
	const picture = upload ? { data: makeImage({ width: 2000, height: 1500, format: 'bmp' }), mimeType: 'image/bmp' } : { data: makeImage({ width: 1280, height: 720, format: 'jpeg' }), mimeType: 'image/jpeg' };
	const items = Array.from({ length: upload ? UPLOAD_ITEMS : 1 }, () => ({ json: {}, binary: { data: picture } }));
	const nodeType = mode === 'buffered' ? bufferedDownloadNodeType() : undefined;
	const options = upload ? { concurrency: UPLOAD_ITEMS, downloadVideo: false } : { timeout: 3600 };
	// Warm-up: the same run without the download (with one picture), so engine, HTTP client and binary storage are
	// loaded and initialised before the baseline is taken.
	await runEngine(serverUrl, items.slice(0, 1), { nodeType, options: { downloadVideo: false } });
	await runEngine(serverUrl, items.slice(0, 1), { nodeType, options: { downloadVideo: false } });
	global.gc?.();
	await sleep(200);
	global.gc?.();
	let peakResetOk = true;
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM (peak RSS) to the current RSS
	} catch {
		peakResetOk = false;
	}
	const baseline = process.memoryUsage.rss();
	let sampledPeak = baseline;
	const sampler = setInterval(() => {
		sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
	}, 5);
	const started = performance.now();
	const run = await runEngine(serverUrl, items, { nodeType, options });
	const durationMs = performance.now() - started;
	clearInterval(sampler);
	sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
	const hwm = peakResetOk ? readStatusKb('VmHWM') : NaN;
	const peak = Number.isFinite(hwm) ? Math.max(hwm, sampledPeak) : sampledPeak;
	await clearBinaryStorage();
	const pictureBytes = upload ? picture.data.length * items.length : 0;
	process.stdout.write(`${JSON.stringify({ mode, baseline, peak, sampledPeak, hwm, growth: peak - baseline, fileSize: run.output[0].json.fileSize, items: run.output.length, pictureBytes, durationMs })}\n`);
}

function runMemoryChild(mode, serverUrl) {
	return runChild(['memory', mode, serverUrl], ['--expose-gc']);
}

async function benchMemory({ reps }) {
	const VIDEO = 500 * MiB;
	log(`memory: one ${mib(VIDEO)} MP4, filesystem binary mode, streamed (the node) vs buffered whole, ${reps} runs each, each in a fresh process`);
	const server = await startServerProcess({ generationDelayMs: 0, syntheticVideoBytes: VIDEO });
	try {
		const runs = { streamed: [], buffered: [] };
		for (let rep = 0; rep < reps; rep++) {
			for (const mode of ['streamed', 'buffered']) {
				const result = await runMemoryChild(mode, server.url);
				if (result.fileSize !== VIDEO) throw new Error(`memory child (${mode}) stored ${result.fileSize} bytes, expected ${VIDEO}`);
				runs[mode].push(result);
				log(`  ${mode} run ${rep + 1}: RSS ${mib(result.baseline)} -> peak ${mib(result.peak)} (+${mib(result.growth)}) in ${seconds(result.durationMs)}`);
			}
		}
		// The upload side: UPLOAD_ITEMS pictures of 9 MB in flight at once, each generation held open for 2 s.
		await server.setOptions({ generationDelayMs: 2000 });
		runs.upload = [];
		for (let rep = 0; rep < reps; rep++) {
			const result = await runMemoryChild('upload', server.url);
			if (result.items !== UPLOAD_ITEMS) throw new Error(`memory child (upload) returned ${result.items} items`);
			runs.upload.push(result);
			log(`  upload run ${rep + 1}: ${UPLOAD_ITEMS} × ${mib(result.pictureBytes / UPLOAD_ITEMS)} pictures at once: RSS +${mib(result.growth)}`);
		}
		const growth = (mode) => summary(runs[mode].map((r) => r.growth));
		const baseline = (mode) => summary(runs[mode].map((r) => r.baseline));
		const duration = (mode) => summary(runs[mode].map((r) => r.durationMs));
		return {
			videoBytes: VIDEO,
			streamed: { growth: growth('streamed'), baseline: baseline('streamed'), duration: duration('streamed') },
			buffered: { growth: growth('buffered'), baseline: baseline('buffered'), duration: duration('buffered') },
			upload: { items: UPLOAD_ITEMS, pictureBytes: runs.upload[0].pictureBytes / UPLOAD_ITEMS, growth: growth('upload') },
			goalBytes: 64 * MiB,
			peakSource: runs.streamed.every((r) => Number.isFinite(r.hwm)) ? 'VmHWM (reset through /proc/self/clear_refs) and 5 ms RSS samples' : '5 ms RSS samples',
		};
	} finally {
		await server.close();
	}
}

// ---------------------------------------------------------------------------------------------
// 4. The real n8n CLI

async function benchN8n({ reps, tmp, images }) {
	const ITEMS = 10;
	const VIDEO = 20 * MiB;
	const cli = require('../tools/n8n-cli');
	const { prepareWorkflow, exampleCredentials, NODES } = require('../tools/examples');
	log(`n8n: the example workflow with ${ITEMS} pictures (${mib(VIDEO)} MP4 each, no generation delay) through the n8n 2.8.4 CLI vs the engine, ${reps} runs; fixed cost from a trigger-only run`);
	const n8nBin = await cli.ensureN8n('2.8.4');
	const tgz = await cli.packPackage(REPO);
	const userFolder = await cli.makeUserFolder('n8n-aog-bench-');
	await cli.installPackage(userFolder, tgz);
	fs.rmSync(path.dirname(tgz), { recursive: true, force: true });

	const server = await startServerProcess({ generationDelayMs: 0, syntheticVideoBytes: VIDEO });
	const picturesDir = path.join(tmp, 'n8n-pictures');
	const outDir = path.join(tmp, 'n8n-out');
	for (const dir of [picturesDir, outDir]) fs.mkdirSync(dir, { recursive: true });
	const pictures = [];
	for (let n = 0; n < ITEMS; n++) {
		const file = path.join(picturesDir, `picture-${String(n).padStart(2, '0')}.jpg`);
		fs.writeFileSync(file, images[n % images.length]);
		pictures.push(fs.readFileSync(file));
	}
	// The example as shipped, reading every picture of a folder, with the default (per-video) output file names.
	const example = prepareWorkflow({ id: 'aogBenchWorkflow1', imagePath: path.join(picturesDir, '*.jpg'), outputDir: outDir, aogOptions: { fileName: '' } });
	// The fixed cost: the same workflow cut down to its Manual Trigger (n8n still boots and loads every installed node).
	const triggerOnly = { ...example, id: 'aogBenchTriggerOnly', nodes: example.nodes.filter((node) => node.name === NODES.trigger), connections: {} };
	const runCli = async (workflow) => {
		const run = await cli.runWorkflow({
			n8nBin,
			workflow,
			credentials: exampleCredentials({ baseUrl: server.url }),
			userFolder,
			fileAccess: [picturesDir, outDir],
			timeoutMs: 10 * 60_000,
		});
		const error = cli.runError(run.result);
		if (run.exitCode !== 0 || error || !run.result) throw new Error(`n8n execute failed (exit ${run.exitCode}): ${error?.message ?? run.stderr.slice(-1500)}`);
		const written = cli.nodeOutput(run.result, NODES.write);
		const aogTask = run.result.data.resultData.runData[NODES.aog]?.[0];
		const inside = new Date(run.result.stoppedAt).getTime() - new Date(run.result.startedAt).getTime();
		fs.rmSync(outDir, { recursive: true, force: true });
		fs.mkdirSync(outDir, { recursive: true });
		fs.rmSync(path.join(userFolder, '.n8n', 'storage', 'workflows'), { recursive: true, force: true });
		return { executeMs: run.executeMs, totalMs: run.durationMs, insideMs: inside, aogMs: aogTask?.executionTime, items: written.length };
	};
	try {
		const full = [];
		const empty = [];
		const engineRuns = [];
		for (let rep = 0; rep < reps; rep++) {
			// The engine side in a fresh process of its own too (a warm-up run, then the measured one), like the CLI.
			const engineRun = await runChild(['engine', server.url, picturesDir, JSON.stringify({ fileName: '' })]);
			if (engineRun.items !== ITEMS) throw new Error(`engine returned ${engineRun.items} items, expected ${ITEMS}`);
			engineRuns.push(engineRun);
			const run = await runCli(example);
			if (run.items !== ITEMS) throw new Error(`n8n wrote ${run.items} videos, expected ${ITEMS}`);
			full.push(run);
			const zero = await runCli(triggerOnly);
			empty.push(zero);
			log(`  run ${rep + 1}: n8n execute ${seconds(run.executeMs)} (workflow inside n8n ${seconds(run.insideMs)}, AOG node ${seconds(run.aogMs)}); trigger only ${seconds(zero.executeMs)}; engine ${seconds(engineRun.wallMs)} (AOG node ${seconds(engineRun.nodeMs)})`);
		}
		const executeMs = summary(full.map((r) => r.executeMs));
		const emptyMs = summary(empty.map((r) => r.executeMs));
		return {
			items: ITEMS,
			videoBytes: VIDEO,
			executeMs,
			importMs: summary(full.map((r) => r.totalMs - r.executeMs)),
			insideMs: summary(full.map((r) => r.insideMs)),
			cliAogMs: summary(full.map((r) => r.aogMs)),
			emptyMs,
			aroundMs: summary(full.map((r) => r.executeMs - r.insideMs)),
			engineWallMs: summary(engineRuns.map((r) => r.wallMs)),
			engineAogMs: summary(engineRuns.map((r) => r.nodeMs)),
			aogRatio: summary(full.map((r, i) => r.aogMs / engineRuns[i].nodeMs)),
			insideRatio: summary(full.map((r, i) => r.insideMs / engineRuns[i].wallMs)),
			wallRatio: summary(full.map((r, i) => r.executeMs / engineRuns[i].wallMs)),
		};
	} finally {
		await server.close();
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Report

const mark = (ok) => (ok ? 'met' : '**missed**');

function report(results, meta) {
	const lines = [];
	const push = (...more) => lines.push(...more);
	push('# Benchmarks', '');
	push('Written by `npm run bench` (scripts/bench.js); this is the output of the last full run. All measurements run against the');
	push('AOG dev server (tools/aog-server) on loopback, in a process of its own, so the measured process is the client only.');
	push('Each comparison is measured in the same run, alternating the two sides; figures are medians with the min–max spread');
	push('over n runs. Absolute times on this shared machine are noisy: the ratios are the result. No test asserts a time.', '');
	push('## Machine', '');
	push('| | |', '|---|---|');
	push(`| CPU | ${meta.machine.cpu}, ${meta.machine.cores} cores |`);
	push(`| Memory | ${meta.machine.memory} |`);
	push(`| Node.js | ${meta.machine.node} |`);
	push(`| OS | ${meta.machine.os} |`);
	push(`| Load average (1, 5, 15 min) at start / end | ${meta.machine.load} / ${meta.loadEnd} |`);
	push(`| Date, commit | ${meta.date}, ${meta.commit} |`);
	push(`| Run time of the bench | ${(meta.durationMs / 60000).toFixed(1)} min${meta.quick ? ' (--quick: one repetition each)' : ''} |`, '');

	push('## Results', '');
	push('| # | Measurement | Result | Goal | |', '|---|---|---|---|---|');
	const { overhead, concurrency, memory, n8n } = results;
	if (overhead) push(`| 1 | Overhead: node in n8n-core vs bare HTTP client (${overhead.items} × ${mib(overhead.videoBytes)}) | ${ratio(overhead.ratio.median)} (${ratio(overhead.ratio.min)}–${ratio(overhead.ratio.max)}) | ≤ ${overhead.goal}× | ${mark(overhead.ratio.median <= overhead.goal)} |`);
	if (concurrency) {
		const c5 = concurrency.rows.find((row) => row.concurrency === 5);
		push(`| 2 | Concurrency: efficiency at c = 5 (${concurrency.items} items × ${concurrency.delayMs / 1000} s, ${mib(concurrency.videoBytes)} videos) | ${c5.efficiency.toFixed(2)}, speed-up ${ratio(c5.speedUp)} | ≥ ${concurrency.goal} | ${mark(c5.efficiency >= concurrency.goal)} |`);
		push(`| 2b | the same with ${mib(concurrency.large.videoBytes)} videos | ${concurrency.large.efficiency.toFixed(2)} | ≥ ${concurrency.goal} | ${mark(concurrency.large.efficiency >= concurrency.goal)} |`);
	}
	if (memory) {
		const ok = memory.streamed.growth.median <= memory.goalBytes && memory.buffered.growth.median > memory.videoBytes;
		push(`| 3 | Memory: peak RSS growth for one ${mib(memory.videoBytes)} MP4, streamed vs buffered | +${mib(memory.streamed.growth.median)} vs +${mib(memory.buffered.growth.median)} | ≤ ${mib(memory.goalBytes)} vs > video | ${mark(ok)} |`);
	}
	if (n8n) push(`| 4 | Real n8n CLI: AOG node time in n8n 2.8.4 vs in the engine (${n8n.items} items) | ${ratio(n8n.aogRatio.median)}; CLI start-up ${seconds(n8n.emptyMs.median)} | (reported) | |`);
	push('');

	if (overhead) {
		push('## 1. Overhead', '');
		push(`${overhead.items} items, no generation delay, a ${mib(overhead.videoBytes)} MP4 each (${mib(overhead.items * overhead.videoBytes)} per run), concurrency 1 on both sides.`);
		push('Each side runs in a fresh Node process of its own per round, as it lives in practice: the node in a process with n8n');
		push('loaded, the bare client in a small script. Each process first does 5 items as a warm-up, then the measured 50. (In one');
		push('long-lived process the sides disturbed each other: once n8n\'s ~55 MB heap is loaded, V8 answers the churn of');
		push('socket buffers with a full garbage collection every few dozen milliseconds, and everything run there, the bare');
		push('client included, took twice as long.) Every side writes to the same RAM-backed file system,');
		push(`${overhead.storage}: writing 3 GB per round to this VM's disk brings on writeback throttling, which made rounds vary`);
		push('2–4× for whichever side met it.', '');
		push('The node runs inside n8n-core\'s WorkflowExecute (filesystem binary mode, as n8n 2.x regular mode); its time is the');
		push('execution time n8n records for the node. The bare client is plain `http`: read the JPEG from disk, base64 data URI,');
		push('POST, then `pipeline(response, fs.createWriteStream())`, one item after the other. A third side is the same bare');
		push('client writing the way n8n\'s filesystem binary storage writes a stream, `fs.writeFile(path, stream)`, which separates');
		push('the cost of n8n\'s storage from the node\'s own. The three run one after the other in each round; ratios are taken per');
		push('round. CPU is the process\'s user + system time over the measured run (the dev server runs in another process).', '');
		const throughput = (ms) => `${(overhead.items * overhead.videoBytes / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
		push('| | wall time for 50 items | per item | throughput | CPU time |', '|---|---|---|---|---|');
		push(`| AOG node in n8n-core | ${spread(overhead.node)} | ${millis(overhead.node.median / overhead.items)} | ${throughput(overhead.node.median)} | ${spread(overhead.nodeCpu)} |`);
		push(`| bare HTTP client | ${spread(overhead.bare)} | ${millis(overhead.bare.median / overhead.items)} | ${throughput(overhead.bare.median)} | ${spread(overhead.bareCpu)} |`);
		push(`| bare client writing like n8n's storage | ${spread(overhead.bareN8n)} | ${millis(overhead.bareN8n.median / overhead.items)} | ${throughput(overhead.bareN8n.median)} | ${spread(overhead.bareN8nCpu)} |`);
		push(`| (whole engine run, incl. storing the 50 input pictures) | ${spread(overhead.wall)} | | | |`, '');
		push(`- **node / bare client, wall time: ${ratio(overhead.ratio.median)}** (${ratio(overhead.ratio.min)}–${ratio(overhead.ratio.max)}); goal ≤ ${overhead.goal}×: ${mark(overhead.ratio.median <= overhead.goal)}`);
		push(`- node / bare client, fastest round of each (the least disturbed): ${ratio(overhead.node.min / overhead.bare.min)}`);
		push(`- node / bare client, CPU time: ${ratio(overhead.cpuRatio.median)} (${ratio(overhead.cpuRatio.min)}–${ratio(overhead.cpuRatio.max)})`);
		push(`- node / bare client writing like n8n, wall time: ${ratio(overhead.ratioN8nWrite.median)} (${ratio(overhead.ratioN8nWrite.min)}–${ratio(overhead.ratioN8nWrite.max)}): the node's own share`, '');
	}
	if (concurrency) {
		push('## 2. Concurrency', '');
		push(`${concurrency.items} items, ${concurrency.delayMs / 1000} s generation each, a ${mib(concurrency.videoBytes)} MP4 each (a 5 s 1080p H.264 clip is a few MB); time = the AOG`);
		push(`node's execution time. The last row repeats c = 5 with the ${mib(concurrency.large.videoBytes)} videos of (1).`);
		push('Ideal = ⌈N/c⌉ × 2 s; efficiency = ideal / measured; speed-up = measured(c = 1) / measured(c).', '');
		push('| c | measured | ideal | efficiency | speed-up | max in flight (server) |', '|---|---|---|---|---|---|');
		for (const row of concurrency.rows) {
			push(`| ${row.concurrency} | ${spread(row.wall)} | ${seconds(row.ideal)} | ${row.efficiency.toFixed(2)} | ${ratio(row.speedUp)} | ${row.maxInFlight} |`);
		}
		const { large } = concurrency;
		push(`| 5, with ${mib(large.videoBytes)} MP4s | ${spread(large.wall)} | ${seconds(large.ideal)} | ${large.efficiency.toFixed(2)} | | ${large.maxInFlight} |`, '');
		push(`Goal: efficiency ≥ ${concurrency.goal} at c = 5: ${mark(concurrency.rows.find((row) => row.concurrency === 5).efficiency >= concurrency.goal)} with ${mib(concurrency.videoBytes)} videos, ${mark(large.efficiency >= concurrency.goal)} with ${mib(large.videoBytes)} videos.`, '');
	}
	if (memory) {
		push('## 3. Memory', '');
		push(`One ${mib(memory.videoBytes)} MP4 (a valid MP4 padded with a \`free\` box), filesystem binary mode. Each run is a fresh Node process`);
		push('that first runs the same workflow without the download (to load and initialise everything), collects garbage, resets');
		push(`the kernel's peak-RSS mark, then downloads. Peak from ${memory.peakSource}. "Buffered" is the way n8n's Gemini video`);
		push('operation downloads: `httpRequest({ encoding: \'arraybuffer\' })`, then `prepareBinaryData(buffer)`, in the same engine.', '');
		push('| | RSS before | peak RSS growth | time |', '|---|---|---|---|');
		push(`| streamed (the node) | ${mib(memory.streamed.baseline.median)} | **+${spread(memory.streamed.growth, mib)}** | ${seconds(memory.streamed.duration.median)} |`);
		push(`| buffered whole | ${mib(memory.buffered.baseline.median)} | +${spread(memory.buffered.growth, mib)} | ${seconds(memory.buffered.duration.median)} |`, '');
		push(`Goal: streamed ≤ ${mib(memory.goalBytes)} (${mark(memory.streamed.growth.median <= memory.goalBytes)}), buffered > the video (${mark(memory.buffered.growth.median > memory.videoBytes)}).`, '');
		const { upload } = memory;
		push(`Upload side (not a goal of the issue): ${upload.items} pictures of ${mib(upload.pictureBytes)} (a 2000×1500 BMP, near DashScope's 10 MB limit) in`);
		push(`flight at once (concurrency ${upload.items}, 2 s generations, no download): peak RSS growth **+${spread(upload.growth, mib)}**, that is`);
		push(`${mib(upload.growth.median / upload.items)} per item in flight, ${(upload.growth.median / (upload.items * upload.pictureBytes)).toFixed(1)}× the pictures: each item holds its request body (the data URI, 4/3 of`);
		push('the picture) until AOG answers, and briefly the picture itself while the body is encoded.', '');
	}
	if (n8n) {
		push('## 4. Real n8n', '');
		push(`examples/image-to-video.json (Manual Trigger → Read picture(s) from disk → AOG Image to Video → Write MP4 to disk) run with`);
		push(`\`n8n execute\` of n8n 2.8.4 (package packed and installed as users get it), its Read node pointed at a folder of ${n8n.items} pictures`);
		push(`(a glob), the output file name left to its default (one per video), ${mib(n8n.videoBytes)} MP4 each,`);
		push('no generation delay. The engine side runs the same pictures through the AOG node in n8n-core (no Read/Write nodes).');
		push('The fixed cost is `n8n execute` of the same workflow cut down to its Manual Trigger (no item reaches a node).', '');
		push('| | time |', '|---|---|');
		push(`| \`n8n execute\`, ${n8n.items} items (process start to exit) | ${spread(n8n.executeMs)} |`);
		push(`| of which the workflow run, as n8n records it (startedAt → stoppedAt; Read, AOG and Write nodes) | ${spread(n8n.insideMs)} |`);
		push(`| of which the AOG node's execution time | ${spread(n8n.cliAogMs)} |`);
		push(`| start-up and shut-down around the workflow run (execute − workflow run) | ${spread(n8n.aroundMs)} |`);
		push(`| \`n8n execute\` of the trigger alone: the CLI's fixed cost, measured directly | ${spread(n8n.emptyMs)} |`);
		push(`| engine: whole run (${n8n.items} items) | ${spread(n8n.engineWallMs)} |`);
		push(`| engine: AOG node execution time | ${spread(n8n.engineAogMs)} |`);
		push(`| (not in the above) import:credentials + import:workflow before each run | ${spread(n8n.importMs)} |`, '');
		push(`Ratios (per run pair): AOG node in the CLI / in the engine **${ratio(n8n.aogRatio.median)}** (${ratio(n8n.aogRatio.min)}–${ratio(n8n.aogRatio.max)});`);
		push(`workflow run in the CLI (with the Read and Write nodes) / engine whole run ${ratio(n8n.insideRatio.median)} (${ratio(n8n.insideRatio.min)}–${ratio(n8n.insideRatio.max)});`);
		push(`whole \`n8n execute\` / engine whole run ${ratio(n8n.wallRatio.median)} (${ratio(n8n.wallRatio.min)}–${ratio(n8n.wallRatio.max)}).`, '');
	}
	push('## Repetitions', '');
	push(`${meta.quick ? 'A --quick run: one repetition of everything.' : `Overhead ${meta.reps.overhead} rounds (node, bare client, bare client writing like n8n); concurrency ${Math.max(1, meta.reps.concurrency - 1)} runs at c = 1 (40 s each), ${meta.reps.concurrency} at c = 2, 5, 10 and ${Math.max(1, meta.reps.concurrency - 1)} at c = 5 with 20 MiB videos; memory ${meta.reps.memory} fresh processes per side (500 MiB each) and ${meta.reps.memory} for the upload side; real n8n ${meta.reps.n8n} runs of each kind (the CLI boots three times per run: two imports and the execute). Fewer repetitions for the slow parts keep the whole bench under ~15 minutes on this 2-core machine.`}`, '');
	push(notes(results), '');
	return lines.join('\n');
}

// What the numbers mean, and what would close a gap; kept with the generator so the doc stays whole, and phrased from
// the numbers of the run it describes.
function notes({ overhead, concurrency, memory, n8n }) {
	const out = ['## Notes', ''];
	const item = (text) => out.push(`- ${text.trim().replace(/\n\s*/g, ' ')}`);
	if (overhead) {
		const met = overhead.ratio.median <= overhead.goal;
		const perItem = ((overhead.ratio.median - 1) * overhead.bare.median) / overhead.items;
		const storageShare = overhead.bareN8n.min / overhead.bare.min;
		const ownShare = overhead.node.min / overhead.bareN8n.min;
		item(`**Overhead** (${met ? 'goal met' : 'goal missed'}): n8n around the same bytes costs ${perItem > 0 ? `${millis(perItem)} per 20 MiB item` : 'nothing measurable'},
			${ratio(overhead.ratio.median)} the bare client's wall time (${ratio(overhead.node.min / overhead.bare.min)} between the fastest rounds) and
			${ratio(overhead.cpuRatio.median)} its CPU time. In the fastest round of each side (the least disturbed) it splits in two. n8n's filesystem binary storage writes a stream with
			\`fs.writeFile(path, stream)\`, one awaited write per socket chunk, then a \`stat\` and a metadata file, where a write
			stream batches chunks with \`writev\` (the bare client writing that way takes ${ratio(storageShare)} the time of the
			plain one); the rest, ${ratio(ownShare)}, is the node's own: the engine, n8n's HTTP helper (axios and
			follow-redirects, two requests per item), reading the picture from binary storage, and the MP4 check on every chunk.
			${met ? '' : `The rounds' spread (${ratio(overhead.ratio.min)}–${ratio(overhead.ratio.max)}, load ${overhead.loadNote}) shows how much of the
			miss is the shared machine: on 2 cores every awaited write and every socket chunk waits for the process to be scheduled
			again, and the node's path has more such steps than the bare client's. What would close it: n8n's FileSystemManager
			piping into \`fs.createWriteStream\` (an upstream change; a community node must store binaries through n8n and may not
			write files itself), and a quieter machine.`} With a real AOG a video takes a minute or more upstream, so this is under
			1 % of an item's time.`);
	}
	if (concurrency) {
		const c1 = concurrency.rows[0];
		const c5 = concurrency.rows.find((row) => row.concurrency === 5);
		const perItem = (c1.wall.median - c1.ideal) / concurrency.items;
		const { large } = concurrency;
		item(`**Concurrency** is bounded by Options → Concurrency: the dev server's gauge never saw more generations at once than
			the setting (and the engine tests check it, order and pairing included). Efficiency below 1 is the client's work after
			each generation: at c = 1 each item costs ${millis(perItem)} beyond its 2 s (downloading and storing the
			${mib(concurrency.videoBytes)} video, reading the next picture, building the request). All generations here take exactly
			2 s, so the lanes run in lock-step and the c videos of a round are downloaded at the same moment, by one process on 2
			cores: each round costs 2 s plus c downloads, and efficiency falls as c and the video grow
			(${c5.efficiency.toFixed(2)} at c = 5 with ${mib(concurrency.videoBytes)} videos, ${large.efficiency.toFixed(2)} with
			${mib(large.videoBytes)}).${c5.efficiency >= concurrency.goal && large.efficiency >= concurrency.goal ? '' : ` What would close the gap: letting a lane start its
			next generation while the previous video is still downloading (downloads would then overlap the next 2 s wait, at the
			price of more than c transfers at once), or simply real generation times: at about 60 s per video, varying from task to
			task, the same per-item cost is 30 times smaller relative to an item and the lanes drift apart.`}
			DashScope runs at most 2 tasks per account at a time; higher settings queue upstream, so c = 2 is the useful setting
			for one account and higher values pay off behind several keys or a proxy.`);
	}
	if (memory) {
		item(`**Memory**: the node hands the response stream to \`prepareBinaryData\`, so n8n writes it to disk chunk by chunk; only
			the MP4's \`moov\` box is kept for the metadata, and the growth (+${mib(memory.streamed.growth.median)}) does not depend on
			the video's size. The buffered way holds the whole file, and while axios joins its chunks, twice
			(+${mib(memory.buffered.growth.median)} for ${mib(memory.videoBytes)}). On the upload side a picture is read once and
			base64-encoded straight into the request body (one buffer of 4/3 its size, kept until AOG answers, so the POST can be
			repeated after a rate limit without being rebuilt). Measured the same way on the commit before that change (2ca6b5b; 48e7bdb made it), on
			this machine the same day, the same ${memory.upload.items} pictures in flight grew RSS by +440 MiB (430–452 MiB, n=3): base64,
			data-URI and JSON strings per item, plus the HTTP client's byte copy of the body.
			In n8n's queue mode with database binary storage n8n itself buffers every binary (512 MiB cap); streaming pays off in
			the filesystem (regular) and S3 modes.`);
	}
	if (n8n) {
		item(`**Real n8n**: the CLI's fixed cost (${seconds(n8n.emptyMs.median)} for the trigger alone; ${seconds(n8n.aroundMs.median)} around the
			workflow run of the ${n8n.items}-item execute: booting n8n, database migrations, loading every installed node, the
			task-runner broker, shutting down) is paid once per \`n8n execute\`, not per item, and a running n8n instance pays it
			once at start. The workflow itself ran in ${seconds(n8n.insideMs.median)} (Read, AOG and Write nodes: 10 pictures read,
			200 MiB of MP4 copied out of binary storage), against ${seconds(n8n.engineWallMs.median)} for the AOG node alone in the
			engine. The AOG node's own execution time is ${seconds(n8n.cliAogMs.median)} in the CLI and
			${seconds(n8n.engineAogMs.median)} in the engine harness (${ratio(n8n.aogRatio.median)}, spread
			${ratio(n8n.aogRatio.min)}–${ratio(n8n.aogRatio.max)}), ${millis(n8n.cliAogMs.median / n8n.items)} against ${millis(n8n.engineAogMs.median / n8n.items)} per item.${n8n.aogRatio.median > 1.2 ? ` Same code, same
			bytes, slower inside n8n's own process. Likely causes, not measured separately here: that process carries all of n8n
			(a heap several times the harness's, which in (1) made V8 collect garbage far more often under the churn of socket
			buffers), and n8n reads the credential from its database and decrypts it for each of the two requests per item.
			Against a real generation of a minute or more, tens of milliseconds per item do not show.` : ' The node does the same work in both.'} These runs take seconds each
			and alternate with n8n processes starting and stopping, so other jobs on the machine move them most (see the spreads).`);
	}
	return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

function parseArgs(argv) {
	const only = argv.find((arg) => arg.startsWith('--only='));
	const sections = only ? only.slice('--only='.length).split(',').map((s) => s.trim()).filter(Boolean) : SECTIONS;
	for (const section of sections) if (!SECTIONS.includes(section)) throw new Error(`unknown section "${section}"; known: ${SECTIONS.join(', ')}`);
	const out = argv.find((arg) => arg.startsWith('--out='));
	return { sections, quick: argv.includes('--quick'), write: !argv.includes('--no-write') && !only, out: out ? path.resolve(out.slice('--out='.length)) : undefined };
}

function printTable(results) {
	const rows = [['measurement', 'result', 'goal']];
	const { overhead, concurrency, memory, n8n } = results;
	if (overhead) {
		rows.push(['1 overhead node/bare', `${ratio(overhead.ratio.median)} (${ratio(overhead.ratio.min)}-${ratio(overhead.ratio.max)}); node ${seconds(overhead.node.median)}, bare ${seconds(overhead.bare.median)}`, `<= ${overhead.goal}x ${overhead.ratio.median <= overhead.goal ? 'met' : 'MISSED'}`]);
		rows.push(['1 overhead fastest node/fastest bare', ratio(overhead.node.min / overhead.bare.min), '']);
		rows.push(['1 overhead CPU node/bare', `${ratio(overhead.cpuRatio.median)} (${ratio(overhead.cpuRatio.min)}-${ratio(overhead.cpuRatio.max)})`, '']);
		rows.push(['1 node/bare writing like n8n', `${ratio(overhead.ratioN8nWrite.median)} (${ratio(overhead.ratioN8nWrite.min)}-${ratio(overhead.ratioN8nWrite.max)}); bare like n8n ${seconds(overhead.bareN8n.median)}`, '']);
	}
	if (concurrency) {
		for (const row of concurrency.rows) {
			rows.push([`2 concurrency c=${row.concurrency}`, `${seconds(row.wall.median)} (${seconds(row.wall.min)}-${seconds(row.wall.max)}) ideal ${seconds(row.ideal)}, eff ${row.efficiency.toFixed(2)}, speed-up ${ratio(row.speedUp)}, max in flight ${row.maxInFlight}`, row.concurrency === 5 ? `eff >= ${concurrency.goal} ${row.efficiency >= concurrency.goal ? 'met' : 'MISSED'}` : '']);
		}
		const { large } = concurrency;
		rows.push([`2 c=5, ${mib(large.videoBytes)} videos`, `${seconds(large.wall.median)} (${seconds(large.wall.min)}-${seconds(large.wall.max)}) ideal ${seconds(large.ideal)}, eff ${large.efficiency.toFixed(2)}`, `eff >= ${concurrency.goal} ${large.efficiency >= concurrency.goal ? 'met' : 'MISSED'}`]);
	}
	if (memory) {
		rows.push(['3 memory streamed', `+${mib(memory.streamed.growth.median)} (${mib(memory.streamed.growth.min)}-${mib(memory.streamed.growth.max)})`, `<= ${mib(memory.goalBytes)} ${memory.streamed.growth.median <= memory.goalBytes ? 'met' : 'MISSED'}`]);
		rows.push(['3 memory buffered', `+${mib(memory.buffered.growth.median)} (${mib(memory.buffered.growth.min)}-${mib(memory.buffered.growth.max)})`, `> ${mib(memory.videoBytes)} ${memory.buffered.growth.median > memory.videoBytes ? 'yes' : 'NO'}`]);
		rows.push([`3 upload ${memory.upload.items} x ${mib(memory.upload.pictureBytes)} at once`, `+${mib(memory.upload.growth.median)} (${mib(memory.upload.growth.min)}-${mib(memory.upload.growth.max)})`, '(reported)']);
	}
	if (n8n) {
		rows.push(['4 n8n execute 10 items', `${seconds(n8n.executeMs.median)} (${seconds(n8n.executeMs.min)}-${seconds(n8n.executeMs.max)})`, '']);
		rows.push(['4 n8n execute trigger only (fixed)', `${seconds(n8n.emptyMs.median)} (${seconds(n8n.emptyMs.min)}-${seconds(n8n.emptyMs.max)})`, '']);
		rows.push(['4 engine 10 items', `${seconds(n8n.engineWallMs.median)}; AOG node ${seconds(n8n.engineAogMs.median)} vs ${seconds(n8n.cliAogMs.median)} in the CLI`, '']);
		rows.push(['4 n8n workflow run inside execute', `${seconds(n8n.insideMs.median)}; start-up + shut-down around it ${seconds(n8n.aroundMs.median)}`, '']);
		rows.push(['4 ratios', `AOG node CLI/engine ${ratio(n8n.aogRatio.median)}, workflow run/engine ${ratio(n8n.insideRatio.median)}, execute/engine ${ratio(n8n.wallRatio.median)}`, '']);
	}
	const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
	const format = (row) => row.map((cell, col) => cell.padEnd(widths[col])).join('  ');
	process.stdout.write(`\n${format(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.slice(1).map(format).join('\n')}\n\n`);
}

async function main() {
	const { sections, quick, write, out } = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const meta = { machine: machine(), date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', commit: gitCommit(), quick };
	meta.reps = quick ? { overhead: 1, concurrency: 1, memory: 1, n8n: 1 } : { overhead: 7, concurrency: 3, memory: 3, n8n: 3 };
	const m = meta.machine;
	log(`${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}, load ${m.load}`);

	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aog-bench-'));
	process.env.N8N_USER_FOLDER ??= path.join(tmp, 'engine-user-folder');
	fs.mkdirSync(process.env.N8N_USER_FOLDER, { recursive: true });
	const { makeImage } = require('../tools/aog-server');
	const images = Array.from({ length: 10 }, (_, variant) => makeImage({ width: 1280, height: 720, format: 'jpeg', variant }));
	const results = {};
	try {
		if (sections.includes('overhead')) results.overhead = await benchOverhead({ reps: meta.reps.overhead, images });
		if (sections.includes('concurrency')) results.concurrency = await benchConcurrency({ reps: meta.reps.concurrency, images });
		if (sections.includes('memory')) results.memory = await benchMemory({ reps: meta.reps.memory });
		if (sections.includes('n8n')) results.n8n = await benchN8n({ reps: meta.reps.n8n, tmp, images });
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	meta.durationMs = Date.now() - started;
	meta.loadEnd = os.loadavg().map((l) => l.toFixed(2)).join(' ');
	printTable(results);
	process.stdout.write(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}; bench took ${(meta.durationMs / 60000).toFixed(1)} min\n`);
	const markdown = report(results, meta);
	if (out) {
		fs.writeFileSync(out, `${markdown}\n`);
		process.stdout.write(`Wrote ${out}\n`);
	} else if (write && !quick) {
		fs.mkdirSync(path.dirname(DOC), { recursive: true });
		fs.writeFileSync(DOC, `${markdown}\n`);
		process.stdout.write(`Wrote ${path.relative(REPO, DOC)}\n`);
	} else {
		process.stdout.write(`(${quick ? '--quick' : '--only'}: ${path.relative(REPO, DOC)} left unchanged)\n`);
	}
}

async function child(kind, args) {
	if (kind === 'server') return serverChild(args[0]);
	if (kind === 'overhead') {
		process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(args[2], 'n8n-user-'));
		try {
			await overheadChild(args[0], args[1], args[2]);
		} finally {
			fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
		}
		return process.exit(0);
	}
	if (kind === 'engine') {
		process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'aog-bench-engine-'));
		try {
			await engineChild(args[0], args[1], args[2]);
		} finally {
			fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
		}
		return process.exit(0);
	}
	if (kind === 'memory') {
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'aog-bench-memory-'));
		process.env.N8N_USER_FOLDER = userFolder;
		try {
			await memoryChild(args[0], args[1]);
		} finally {
			fs.rmSync(userFolder, { recursive: true, force: true });
		}
		return process.exit(0);
	}
	throw new Error(`unknown child kind ${kind}`);
}

if (require.main === module) {
	const argv = process.argv.slice(2);
	const run = argv[0] === '--child' ? child(argv[1], argv.slice(2)) : main();
	run.catch((error) => {
		process.stderr.write(`\n[bench] failed: ${error.stack || error}\n`);
		process.exit(1);
	});
}
