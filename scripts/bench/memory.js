'use strict';
// 3. Memory: one 500 MiB MP4, filesystem binary mode: peak RSS growth of the node's process, streamed (the node) vs
// buffered whole (the way n8n's Gemini video operation downloads), and the upload side; each measurement in a child
// process of its own (the 'memory' child).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MiB, STANDARD_ROUTE, MODEL, PROMPT, sleep, summary, seconds, spread, mib, mark, log, runChild } = require('./common');
const { clearBinaryStorage, runEngine } = require('./engine');
const { startServerProcess } = require('./server');

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
	const { makeImage } = require('../../tools/aog-server');
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

/** Its row of the Results table. */
function summaryRows(memory) {
	const lines = [];
	const push = (...more) => lines.push(...more);
	const ok = memory.streamed.growth.median <= memory.goalBytes && memory.buffered.growth.median > memory.videoBytes;
	push(`| 3 | Memory: peak RSS growth for one ${mib(memory.videoBytes)} MP4, streamed vs buffered | +${mib(memory.streamed.growth.median)} vs +${mib(memory.buffered.growth.median)} | ≤ ${mib(memory.goalBytes)} vs > video | ${mark(ok)} |`);
	return lines;
}

/** Its part of docs/BENCHMARKS.md. */
function reportLines(memory) {
	const lines = [];
	const push = (...more) => lines.push(...more);
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
		the filesystem (regular) and S3 modes.`;
}

/** Its rows of the table printed at the end. */
function tableRows(memory) {
	const rows = [];
	rows.push(['3 memory streamed', `+${mib(memory.streamed.growth.median)} (${mib(memory.streamed.growth.min)}-${mib(memory.streamed.growth.max)})`, `<= ${mib(memory.goalBytes)} ${memory.streamed.growth.median <= memory.goalBytes ? 'met' : 'MISSED'}`]);
	rows.push(['3 memory buffered', `+${mib(memory.buffered.growth.median)} (${mib(memory.buffered.growth.min)}-${mib(memory.buffered.growth.max)})`, `> ${mib(memory.videoBytes)} ${memory.buffered.growth.median > memory.videoBytes ? 'yes' : 'NO'}`]);
	rows.push([`3 upload ${memory.upload.items} x ${mib(memory.upload.pictureBytes)} at once`, `+${mib(memory.upload.growth.median)} (${mib(memory.upload.growth.min)}-${mib(memory.upload.growth.max)})`, '(reported)']);
	return rows;
}

/** Its clause of ## Repetitions. */
function repetitions(runs) {
	return `memory ${runs} fresh processes per side (500 MiB each) and ${runs} for the upload side`;
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
