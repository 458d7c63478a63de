'use strict';
// The memory section's real-n8n part: the same video downloaded by `n8n execute` of n8n 2.8.4 (filesystem binary
// mode, 2.x's default) two ways, each in a fresh n8n process: the AOG node (generation + streamed download in one
// node), and what a user builds without it, n8n's HTTP Request node twice (the generation POST, then the download
// with Response Format: File). Peak RSS growth of the n8n process from its first video request to its exit, taken
// inside it by n8n-rss-probe.js (preloaded through NODE_OPTIONS).
const fs = require('node:fs');
const path = require('node:path');
const { REPO, STANDARD_ROUTE, MODEL, PROMPT } = require('./common');

const PROBE = path.join(__dirname, 'n8n-rss-probe.js');
const N8N_VERSION = '2.8.4';
const CREDENTIAL = { id: 'aogBenchMemCred1', name: 'AOG bench', type: 'aogApi' };

const TRIGGER = {
	id: 'b0000000-0000-4000-8000-000000000001',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const readNode = (picture) => ({
	id: 'b0000000-0000-4000-8000-000000000002',
	name: 'Read picture',
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	position: [220, 0],
	parameters: { fileSelector: picture, options: {} },
});
const chain = (nodes) =>
	Object.fromEntries(
		nodes.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] }]),
	);
const workflowOf = (id, name, nodes) => ({
	id,
	name,
	active: false,
	nodes,
	connections: chain(nodes),
	settings: { executionOrder: 'v1' },
	pinData: {},
});

/** The AOG node: generation and download (streamed into binary storage) in one node. */
function aogWorkflow(picture) {
	const aog = {
		id: 'b0000000-0000-4000-8000-000000000003',
		name: 'AOG Image to Video',
		type: 'n8n-nodes-aog.aog',
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			resource: 'video',
			operation: 'imageToVideo',
			imageSource: 'binary',
			binaryPropertyName: 'data',
			prompt: PROMPT,
			model: { __rl: true, mode: 'list', value: MODEL, cachedResultName: MODEL },
			options: { timeout: 3600 },
		},
		credentials: { aogApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
	};
	return {
		workflow: workflowOf('aogBenchMemAog', 'Bench memory: AOG node', [TRIGGER, readNode(picture), aog]),
		downloadNode: aog.name,
	};
}

/**
 * The same without the AOG node, as a user builds it: the picture as base64 (Extract From File), the generation POST
 * (HTTP Request, JSON body; Accept-Encoding: identity, which AOG needs), the download (HTTP Request, Response Format: File,
 * n8n 2.8.4's default node version).
 */
function httpRequestWorkflow(picture, serverUrl) {
	const extract = {
		id: 'b0000000-0000-4000-8000-000000000004',
		name: 'Picture to base64',
		type: 'n8n-nodes-base.extractFromFile',
		typeVersion: 1.1,
		position: [440, 0],
		parameters: { operation: 'binaryToPropery', binaryPropertyName: 'data', destinationKey: 'image', options: {} },
	};
	const generate = {
		id: 'b0000000-0000-4000-8000-000000000005',
		name: 'Generate (HTTP Request)',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.4,
		position: [660, 0],
		parameters: {
			method: 'POST',
			url: `${serverUrl}${STANDARD_ROUTE}`,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Accept-Encoding', value: 'identity' }] },
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ model: ${JSON.stringify(MODEL)}, image: 'data:image/jpeg;base64,' + $json.image, image_type: 'base64', prompt: ${JSON.stringify(PROMPT)} }) }}`,
			options: { timeout: 3_600_000 },
		},
	};
	const download = {
		id: 'b0000000-0000-4000-8000-000000000006',
		name: 'Download (HTTP Request)',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.4,
		position: [880, 0],
		parameters: {
			url: '={{ $json.data }}',
			options: { response: { response: { responseFormat: 'file' } }, timeout: 3_600_000 },
		},
	};
	return {
		workflow: workflowOf('aogBenchMemHttp', 'Bench memory: HTTP Request', [
			TRIGGER,
			readNode(picture),
			extract,
			generate,
			download,
		]),
		downloadNode: download.name,
	};
}

/**
 * Installs n8n 2.8.4 (cached) and the packed package into a user folder; resolves { run(kind), close() }, where
 * run('aog' | 'httpRequest') is one `n8n execute` in a fresh process resolving the probe's figures and the stored size.
 */
async function prepareN8nDownloads({ serverUrl, tmp, picture }) {
	const cli = require('../../tools/n8n-cli');
	const n8nBin = await cli.ensureN8n(N8N_VERSION);
	const tgz = await cli.packPackage(REPO);
	const userFolder = await cli.makeUserFolder('n8n-aog-bench-memory-');
	await cli.installPackage(userFolder, tgz);
	fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
	const pictureDir = fs.mkdtempSync(path.join(tmp, 'memory-n8n-'));
	const picturePath = path.join(pictureDir, 'picture.jpg');
	fs.writeFileSync(picturePath, picture);
	const storage = path.join(userFolder, '.n8n', 'storage');
	const workflows = { aog: aogWorkflow(picturePath), httpRequest: httpRequestWorkflow(picturePath, serverUrl) };

	async function run(kind) {
		const { workflow, downloadNode } = workflows[kind];
		const probeDir = fs.mkdtempSync(path.join(tmp, 'memory-probe-'));
		try {
			const result = await cli.runWorkflow({
				n8nBin,
				workflow,
				credentials: [{ ...CREDENTIAL, data: { baseUrl: serverUrl, apiKey: '' } }],
				userFolder,
				binaryDataMode: 'filesystem',
				fileAccess: [pictureDir],
				env: { NODE_OPTIONS: `--expose-gc --require ${PROBE}`, AOG_BENCH_RSS_DIR: probeDir },
				timeoutMs: 10 * 60_000,
			});
			const error = cli.runError(result.result);
			if (result.exitCode !== 0 || error || !result.result)
				throw new Error(
					`n8n execute (${kind}) failed (exit ${result.exitCode}): ${error?.message ?? result.stderr.slice(-1500)}`,
				);
			const binary = cli.nodeOutput(result.result, downloadNode)[0]?.binary?.data;
			const stored = binary?.id ? storedFile(storage, binary.id) : undefined;
			const probes = fs
				.readdirSync(probeDir)
				.map((file) => JSON.parse(fs.readFileSync(path.join(probeDir, file), 'utf8')));
			if (probes.length !== 1)
				throw new Error(`n8n execute (${kind}): ${probes.length} processes downloaded the video, expected 1`);
			const [probe] = probes;
			return {
				kind,
				baseline: probe.baseline,
				peak: probe.peak,
				growth: probe.growth,
				allocatedGrowth: probe.allocatedGrowth,
				startupPeak: probe.startupPeak,
				peakSource: probe.peakResetOk ? 'hwm' : 'samples',
				gc: probe.gc,
				downloadMs: probe.downloadedAt - probe.startedAt,
				executeMs: result.executeMs,
				storedBytes: stored ? fs.statSync(stored).size : undefined,
				binaryId: binary?.id,
			};
		} finally {
			fs.rmSync(probeDir, { recursive: true, force: true });
			// Each run's video (hundreds of MiB) and execution data go; the installed package stays.
			fs.rmSync(path.join(storage, 'workflows'), { recursive: true, force: true });
		}
	}

	return {
		n8nVersion: cli.n8nVersionOf(n8nBin) ?? N8N_VERSION,
		run,
		close: () => {
			fs.rmSync(userFolder, { recursive: true, force: true });
			fs.rmSync(pictureDir, { recursive: true, force: true });
		},
	};
}

/** The file behind a filesystem binary id ("filesystem-v2:<path under the storage folder>"). */
function storedFile(storage, id) {
	const relative = id.replace(/^filesystem(-v2)?:/, '');
	const file = path.join(storage, relative);
	return fs.existsSync(file) ? file : undefined;
}

module.exports = { prepareN8nDownloads, N8N_VERSION };
