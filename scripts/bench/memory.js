'use strict';
// 3. Memory: one 500 MiB MP4, filesystem binary mode: peak RSS growth of the node's process, streamed (the node) vs
// buffered whole (the way n8n's Gemini video operation downloads), and the upload side; each measurement in a child
// process of its own (the 'memory' child). In the same run, the same video through the real n8n CLI, the AOG node vs
// n8n's HTTP Request node (memory-n8n.js).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
	MiB,
	STANDARD_ROUTE,
	MODEL,
	PROMPT,
	sleep,
	summary,
	seconds,
	spread,
	mib,
	mark,
	log,
	runChild,
} = require('./common');
const { clearBinaryStorage, runEngine } = require('./engine');
const { startServerProcess } = require('./server');
const { prepareN8nDownloads, N8N_VERSION } = require('./memory-n8n');

/** Fresh processes per side: a full run, --quick. */
const reps = { full: 3, quick: 1 };

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
					body: {
						model: MODEL,
						image: `data:image/jpeg;base64,${image.toString('base64')}`,
						image_type: 'base64',
						prompt: PROMPT,
					},
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
				out.push({
					json,
					binary: { data: await this.helpers.prepareBinaryData(buffer, 'video.mp4', 'video/mp4') },
					pairedItem: { item: i },
				});
			}
			return [out];
		},
	};
}

const readStatusKb = (field) =>
	Number(
		(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8')) || [])[1] || NaN,
	) * 1024;

const UPLOAD_ITEMS = 10;

/**
 * Child: one measured run, reporting peak RSS growth. 'streamed' = the node downloading one video, 'buffered' = the
 * same download the Gemini way, 'upload' = the node sending UPLOAD_ITEMS pictures of 9 MB at once (no download).
 */
async function memoryChild(mode, serverUrl) {
	const { makeImage } = require('../../tools/media');
	const upload = mode === 'upload';
	const picture = upload
		? { data: makeImage({ width: 2000, height: 1500, format: 'bmp' }), mimeType: 'image/bmp' }
		: { data: makeImage({ width: 1280, height: 720, format: 'jpeg' }), mimeType: 'image/jpeg' };
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
	process.stdout.write(
		`${JSON.stringify({ mode, baseline, peak, sampledPeak, hwm, growth: peak - baseline, fileSize: run.output[0].json.fileSize, items: run.output.length, pictureBytes, durationMs })}\n`,
	);
}

function runMemoryChild(mode, serverUrl) {
	return runChild(['memory', mode, serverUrl], ['--expose-gc']);
}

/** The real-n8n sides: `n8n execute` with the AOG node, and with n8n's HTTP Request node doing the same. */
const CLI_MODES = ['n8nAog', 'n8nHttpRequest'];
const CLI_KIND = { n8nAog: 'aog', n8nHttpRequest: 'httpRequest' };

async function benchMemory({ reps, quick, tmp, images }) {
	// --quick: a smaller video, so the smoke run stays short (every side downloads the same one).
	const VIDEO = (quick ? 100 : 500) * MiB;
	log(
		`memory: one ${mib(VIDEO)} MP4, filesystem binary mode, streamed (the node) vs buffered whole, then n8n ${N8N_VERSION}'s CLI with the AOG node vs its HTTP Request node, ${reps} runs each, each in a fresh process`,
	);
	const server = await startServerProcess({ generationDelayMs: 0, syntheticVideoBytes: VIDEO });
	let n8n;
	try {
		n8n = await prepareN8nDownloads({ serverUrl: server.url, tmp, picture: images[0] });
		const runs = { streamed: [], buffered: [], n8nAog: [], n8nHttpRequest: [] };
		for (let rep = 0; rep < reps; rep++) {
			for (const mode of ['streamed', 'buffered']) {
				const result = await runMemoryChild(mode, server.url);
				if (result.fileSize !== VIDEO)
					throw new Error(`memory child (${mode}) stored ${result.fileSize} bytes, expected ${VIDEO}`);
				runs[mode].push(result);
				log(
					`  ${mode} run ${rep + 1}: RSS ${mib(result.baseline)} -> peak ${mib(result.peak)} (+${mib(result.growth)}) in ${seconds(result.durationMs)}`,
				);
			}
			for (const mode of CLI_MODES) {
				const result = await n8n.run(CLI_KIND[mode]);
				if (result.storedBytes !== VIDEO)
					throw new Error(
						`n8n execute (${mode}) stored ${result.storedBytes} bytes in binary storage, expected ${VIDEO}`,
					);
				runs[mode].push({ ...result, durationMs: result.downloadMs });
				log(
					`  ${mode} run ${rep + 1}: n8n RSS ${mib(result.baseline)} -> peak ${mib(result.peak)} (+${mib(result.growth)}; JS heap + Buffers +${mib(result.allocatedGrowth)}), download ${seconds(result.downloadMs)}, execute ${seconds(result.executeMs)}`,
				);
			}
		}
		// The upload side: UPLOAD_ITEMS pictures of 9 MB in flight at once, each generation held open for 2 s.
		await server.setOptions({ generationDelayMs: 2000 });
		runs.upload = [];
		for (let rep = 0; rep < reps; rep++) {
			const result = await runMemoryChild('upload', server.url);
			if (result.items !== UPLOAD_ITEMS) throw new Error(`memory child (upload) returned ${result.items} items`);
			runs.upload.push(result);
			log(
				`  upload run ${rep + 1}: ${UPLOAD_ITEMS} × ${mib(result.pictureBytes / UPLOAD_ITEMS)} pictures at once: RSS +${mib(result.growth)}`,
			);
		}
		const growth = (mode) => summary(runs[mode].map((r) => r.growth));
		const baseline = (mode) => summary(runs[mode].map((r) => r.baseline));
		const duration = (mode) => summary(runs[mode].map((r) => r.durationMs));
		// Same-run ratios, per repetition (each side's run of that repetition).
		const perRep = (a, b, field = 'growth') => summary(runs[a].map((r, i) => r[field] / runs[b][i][field]));
		const cli = (mode) => ({
			growth: growth(mode),
			baseline: baseline(mode),
			duration: duration(mode),
			allocatedGrowth: summary(runs[mode].map((r) => r.allocatedGrowth)),
			startupPeak: summary(runs[mode].map((r) => r.startupPeak)),
			execute: summary(runs[mode].map((r) => r.executeMs)),
			ofBuffered: perRep(mode, 'buffered'),
		});
		return {
			videoBytes: VIDEO,
			streamed: {
				growth: growth('streamed'),
				baseline: baseline('streamed'),
				duration: duration('streamed'),
				ofBuffered: perRep('streamed', 'buffered'),
			},
			buffered: { growth: growth('buffered'), baseline: baseline('buffered'), duration: duration('buffered') },
			n8n: {
				version: n8n.n8nVersion,
				aog: cli('n8nAog'),
				httpRequest: cli('n8nHttpRequest'),
				// HTTP Request over the AOG node; not a ratio when the AOG side grew by less than a MiB (noise).
				httpOverAog: runs.n8nAog.every((r) => r.growth >= MiB) ? perRep('n8nHttpRequest', 'n8nAog') : undefined,
				allocatedHttpOverAog: perRep('n8nHttpRequest', 'n8nAog', 'allocatedGrowth'),
				peakSource: runs.n8nAog.concat(runs.n8nHttpRequest).every((r) => r.peakSource === 'hwm')
					? 'VmHWM (reset through /proc/self/clear_refs) and 5 ms RSS samples'
					: '5 ms RSS samples',
			},
			upload: {
				items: UPLOAD_ITEMS,
				pictureBytes: runs.upload[0].pictureBytes / UPLOAD_ITEMS,
				growth: growth('upload'),
			},
			goalBytes: 64 * MiB,
			peakSource: runs.streamed.every((r) => Number.isFinite(r.hwm))
				? 'VmHWM (reset through /proc/self/clear_refs) and 5 ms RSS samples'
				: '5 ms RSS samples',
		};
	} finally {
		n8n?.close();
		await server.close();
	}
}

/** Its row of the Results table. */
function summaryRows(memory) {
	const lines = [];
	const push = (...more) => lines.push(...more);
	const ok = memory.streamed.growth.median <= memory.goalBytes && memory.buffered.growth.median > memory.videoBytes;
	push(
		`| 3 | Memory: peak RSS growth for one ${mib(memory.videoBytes)} MP4, streamed vs buffered | +${mib(memory.streamed.growth.median)} vs +${mib(memory.buffered.growth.median)} | ≤ ${mib(memory.goalBytes)} vs > video | ${mark(ok)} |`,
	);
	if (memory.n8n) {
		const { aog, httpRequest } = memory.n8n;
		push(
			`| 3 | Memory in n8n ${memory.n8n.version}'s CLI: the same MP4, AOG node vs HTTP Request node (Response Format: File) | +${mib(aog.growth.median)} vs +${mib(httpRequest.growth.median)} (${times(aog.ofBuffered.median)} and ${times(httpRequest.ofBuffered.median)} of buffered) | (reported) | |`,
		);
	}
	return lines;
}

/** Its part of docs/BENCHMARKS.md. */
function reportLines(memory) {
	const lines = [];
	const push = (...more) => lines.push(...more);
	push('## 3. Memory', '');
	push(
		`One ${mib(memory.videoBytes)} MP4 (a valid MP4 padded with a \`free\` box), filesystem binary mode. Each run is a fresh Node process`,
	);
	push(
		'that first runs the same workflow without the download (to load and initialise everything), collects garbage, resets',
	);
	push(
		`the kernel's peak-RSS mark, then downloads. Peak from ${memory.peakSource}. "Buffered" is the way n8n's Gemini video`,
	);
	push(
		"operation downloads: `httpRequest({ encoding: 'arraybuffer' })`, then `prepareBinaryData(buffer)`, in the same engine.",
		'',
	);
	push('| | RSS before | peak RSS growth | time |', '|---|---|---|---|');
	push(
		`| streamed (the node) | ${mib(memory.streamed.baseline.median)} | **+${spread(memory.streamed.growth, mib)}** | ${seconds(memory.streamed.duration.median)} |`,
	);
	push(
		`| buffered whole | ${mib(memory.buffered.baseline.median)} | +${spread(memory.buffered.growth, mib)} | ${seconds(memory.buffered.duration.median)} |`,
		'',
	);
	push(
		`Goal: streamed ≤ ${mib(memory.goalBytes)} (${mark(memory.streamed.growth.median <= memory.goalBytes)}), buffered > the video (${mark(memory.buffered.growth.median > memory.videoBytes)}).`,
		'',
	);
	if (memory.n8n) push(...n8nLines(memory));
	const { upload } = memory;
	push(
		`Upload side (not a goal of the issue): ${upload.items} pictures of ${mib(upload.pictureBytes)} (a 2000×1500 BMP, near DashScope's 10 MB limit) in`,
	);
	push(
		`flight at once (concurrency ${upload.items}, 2 s generations, no download): peak RSS growth **+${spread(upload.growth, mib)}**, that is`,
	);
	push(
		`${mib(upload.growth.median / upload.items)} per item in flight, ${(upload.growth.median / (upload.items * upload.pictureBytes)).toFixed(1)}× the pictures: each item holds its request body (the data URI, 4/3 of`,
	);
	push('the picture) until AOG answers, and briefly the picture itself while the body is encoded.', '');
	return lines;
}

/** The same-run ratio of a growth to another, readable when it is far below 1. */
const times = (value) => (Number.isFinite(value) ? `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)}×` : 'n/a');
const spreadTimes = (s) => `${times(s.median)} (${times(s.min)}–${times(s.max)})`;

/** The real-n8n part of "## 3. Memory". */
function n8nLines(memory) {
	const { version, aog, httpRequest, httpOverAog, allocatedHttpOverAog, peakSource } = memory.n8n;
	const lines = [];
	const push = (...more) => lines.push(...more);
	push(`### The same video in n8n ${version}: the AOG node vs n8n's HTTP Request node`, '');
	push(
		`In the same run, the same ${mib(memory.videoBytes)} MP4 downloaded by \`n8n execute\` of n8n ${version} (the package packed and installed as users`,
	);
	push(
		"get it), each run a fresh n8n process, binary data mode filesystem (2.x's default). With the node: Manual Trigger → Read",
	);
	push(
		'picture → AOG Image to Video (generation and download in one node). Without it, the path a user builds: Manual Trigger →',
	);
	push(
		'Read picture → Extract From File (the picture as base64) → HTTP Request (POST the generation, JSON body) → HTTP Request',
	);
	push(
		'(GET the video URL, Response Format: File), node version 4.4 as n8n creates it. What makes it fair: both hand the',
	);
	push(
		"video to n8n's filesystem binary storage (the stored file's size is checked against the video) and neither writes it",
	);
	push(
		"anywhere else; both are measured over the same window, inside the n8n process (a preload): at the process's first",
	);
	push(
		"request for the video it collects garbage, resets the kernel's peak-RSS mark and takes RSS, as the engine runs above",
	);
	push(
		`do, and the peak is read when the process exits (${peakSource}). So the window holds the download, the storing`,
	);
	push(
		"and n8n finishing the execution, not n8n's start-up nor the generation step (where the two paths differ: Extract",
	);
	push(
		`From File's base64 string). RSS before is taken right after a full collection, in a process of ${mib(aog.baseline.median)}: the pages`,
	);
	push(
		'it freed stay mapped and are used again first, so an RSS growth smaller than that slack shows as little or none. The',
	);
	push(
		'heap + Buffers column (`process.memoryUsage()` heapUsed + external, 5 ms samples) is what the process held, which that slack does not hide.',
		'',
	);
	push(
		'| | RSS before | peak RSS growth | JS heap + Buffers growth | growth / buffered (same repetition) | download | `n8n execute` |',
		'|---|---|---|---|---|---|---|',
	);
	const row = (name, side) =>
		push(
			`| ${name} | ${mib(side.baseline.median)} | **+${spread(side.growth, mib)}** | +${spread(side.allocatedGrowth, mib)} | ${spreadTimes(side.ofBuffered)} | ${seconds(side.duration.median)} | ${seconds(side.execute.median)} |`,
		);
	row('AOG node in n8n', aog);
	row('HTTP Request node in n8n', httpRequest);
	push(
		`| (engine, above) streamed / buffered | | +${mib(memory.streamed.growth.median)} / +${mib(memory.buffered.growth.median)} | | ${spreadTimes(memory.streamed.ofBuffered)} / 1× | | |`,
		'',
	);
	const difference = httpRequest.growth.median - aog.growth.median;
	push(
		httpOverAog
			? `Same-run ratio, HTTP Request node / AOG node: **${spreadTimes(httpOverAog)}** (peak RSS growth).`
			: `Same-run ratio, HTTP Request node / AOG node: not given for RSS, the AOG node's grew by less than 1 MiB in a run (the HTTP Request node's by ${difference >= 0 ? '' : '−'}${mib(Math.abs(difference))} more, medians).`,
		`Same-run ratio of the heap + Buffers growth, HTTP Request node / AOG node: **${spreadTimes(allocatedHttpOverAog)}**.`,
		'',
	);
	return lines;
}

/** Its item of ## Notes (what the numbers mean, and what would close a gap), phrased from the numbers of the run. */
function noteItem(memory) {
	return `**Memory**: the node hands the response stream to \`prepareBinaryData\`, so n8n writes it to disk chunk by chunk; only
		the MP4's \`moov\` box is kept for the metadata, and the growth (+${mib(memory.streamed.growth.median)}) does not depend on
		the video's size. The buffered way holds the whole file, and while axios joins its chunks, twice
		(+${mib(memory.buffered.growth.median)} for ${mib(memory.videoBytes)}). On the upload side a picture is read once and
		base64-encoded straight into the request body (one buffer of 4/3 its size, kept until AOG answers, so the POST can be
		repeated after a rate limit without being rebuilt). Measured the same way on the commit before that change (2ca6b5b; 48e7bdb made it), on
		this machine the same day, the same ${memory.upload.items} pictures in flight grew RSS by +440 MiB (430–452 MiB, n=3): base64,
		data-URI and JSON strings per item, plus the HTTP client's byte copy of the body.
		In n8n's queue mode with database binary storage n8n itself buffers every binary (512 MiB cap); streaming pays off in
		the filesystem (regular) and S3 modes.${memory.n8n ? ` ${n8nNote(memory)}` : ''}`;
}

/** The real-n8n sentences of the memory note, phrased from the run's numbers. */
function n8nNote(memory) {
	const { version, aog, httpRequest } = memory.n8n;
	const streams = (side) => side.growth.median <= memory.goalBytes && side.allocatedGrowth.median <= memory.goalBytes;
	const both = streams(aog) && streams(httpRequest);
	return `In n8n ${version} itself the AOG node's download grew the process by +${mib(aog.growth.median)} RSS (+${mib(aog.allocatedGrowth.median)} heap and
		Buffers) and the HTTP Request node's by +${mib(httpRequest.growth.median)} (+${mib(httpRequest.allocatedGrowth.median)}), against
		+${mib(memory.buffered.growth.median)} buffered.${
			both
				? ` Both stream: with Response Format: File the HTTP Request node of ${version} asks
		n8n's request helper for a stream (\`useStream\`, axios \`responseType: 'stream'\`) and hands it to \`prepareBinaryData\` as the
		node does, so for the download alone a workflow built from HTTP Request nodes costs no more memory; what the node
		saves is the workflow (the base64 step, the request body, the JSON answer read for the URL, the errors AOG answers
		with, in one node).`
				: streams(aog)
					? ` The HTTP Request node's download did not stay within ${mib(memory.goalBytes)}.`
					: ''
		}`;
}

/** Its rows of the table printed at the end. */
function tableRows(memory) {
	const rows = [];
	rows.push([
		'3 memory streamed',
		`+${mib(memory.streamed.growth.median)} (${mib(memory.streamed.growth.min)}-${mib(memory.streamed.growth.max)})`,
		`<= ${mib(memory.goalBytes)} ${memory.streamed.growth.median <= memory.goalBytes ? 'met' : 'MISSED'}`,
	]);
	rows.push([
		'3 memory buffered',
		`+${mib(memory.buffered.growth.median)} (${mib(memory.buffered.growth.min)}-${mib(memory.buffered.growth.max)})`,
		`> ${mib(memory.videoBytes)} ${memory.buffered.growth.median > memory.videoBytes ? 'yes' : 'NO'}`,
	]);
	if (memory.n8n) {
		const { version, aog, httpRequest, httpOverAog } = memory.n8n;
		const cell = (side) =>
			`+${mib(side.growth.median)} (${mib(side.growth.min)}-${mib(side.growth.max)}); heap+Buffers +${mib(side.allocatedGrowth.median)}`;
		rows.push([`3 n8n ${version} CLI, AOG node`, cell(aog), `${times(aog.ofBuffered.median)} of buffered`]);
		rows.push([
			`3 n8n ${version} CLI, HTTP Request (file)`,
			cell(httpRequest),
			`${times(httpRequest.ofBuffered.median)} of buffered`,
		]);
		rows.push([
			'3 n8n HTTP Request / AOG node',
			`RSS ${httpOverAog ? times(httpOverAog.median) : `n/a (AOG node < 1 MiB), difference ${mib(httpRequest.growth.median - aog.growth.median)}`}; heap+Buffers ${times(memory.n8n.allocatedHttpOverAog.median)}`,
			'(reported)',
		]);
	}
	rows.push([
		`3 upload ${memory.upload.items} x ${mib(memory.upload.pictureBytes)} at once`,
		`+${mib(memory.upload.growth.median)} (${mib(memory.upload.growth.min)}-${mib(memory.upload.growth.max)})`,
		'(reported)',
	]);
	return rows;
}

/** Its clause of ## Repetitions. */
function repetitions(runs) {
	return `memory ${runs} fresh processes per side (500 MiB each; engine streamed and buffered, n8n CLI with the AOG node and with the HTTP Request node) and ${runs} for the upload side`;
}

/** `--child memory <mode> <serverUrl>`, with a user folder of its own. */
async function child(args) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'aog-bench-memory-'));
	process.env.N8N_USER_FOLDER = userFolder;
	try {
		await memoryChild(args[0], args[1]);
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
	return process.exit(0);
}

module.exports = { reps, benchMemory, summaryRows, reportLines, noteItem, tableRows, repetitions, child };
