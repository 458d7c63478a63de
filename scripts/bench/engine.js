'use strict';
// The AOG node (dist/) inside n8n-core's engine through the engine harness (dist/tools/harness), with n8n's
// filesystem binary storage; the 'engine' child: the node over a folder of pictures in a fresh process.
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { REPO, PROMPT, imageItems } = require('./common');

let engine;
/** The engine harness, the compiled node and credential, and n8n's binary storage folder. */
function loadEngine() {
	if (engine) return engine;
	for (const file of [
		'dist/nodes/Aog/Aog.node.js',
		'dist/credentials/AogApi.credentials.js',
		'dist/tools/harness/engine.js',
	]) {
		if (!fs.existsSync(path.join(REPO, file)))
			throw new Error(`${file} is missing: run "npm run build" (npm run bench does)`);
	}
	const harness = require('../../dist/tools/harness/engine.js');
	const { Aog } = require('../../dist/nodes/Aog/Aog.node.js');
	const { AogApi } = require('../../dist/credentials/AogApi.credentials.js');
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

/** Deletes what earlier runs left in n8n's binary storage (1 GB per overhead run). */
async function clearBinaryStorage() {
	await fsp.rm(path.join(loadEngine().binaryDataConfig.localStoragePath, 'workflows'), {
		recursive: true,
		force: true,
	});
}

/**
 * Runs the AOG node (dist/) on `items` inside n8n-core's engine; returns the AOG node's own execution time
 * as n8n records it (nodeMs) and the whole run's wall time (wallMs, which includes storing the input pictures).
 */
async function runEngine(
	serverUrl,
	items,
	{ options = {}, binaryMode = 'filesystem', nodeType, timeoutMs = 600_000 } = {},
) {
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

/**
 * Child: the AOG node over every *.jpg of `dir` (sorted), in a fresh process: one warm-up run of the same items,
 * then the measured one. Prints {nodeMs, wallMs, items}.
 */
async function engineChild(serverUrl, dir, optionsJson) {
	const files = fs
		.readdirSync(dir)
		.filter((name) => name.endsWith('.jpg'))
		.sort()
		.map((name) => path.join(dir, name));
	const items = imageItems(files.map((file) => fs.readFileSync(file)));
	const options = JSON.parse(optionsJson);
	await runEngine(serverUrl, items, { options });
	await clearBinaryStorage();
	const run = await runEngine(serverUrl, items, { options });
	await clearBinaryStorage();
	process.stdout.write(`${JSON.stringify({ nodeMs: run.nodeMs, wallMs: run.wallMs, items: run.output.length })}\n`);
}

/** `--child engine <serverUrl> <dir> <optionsJson>`, with a user folder of its own. */
async function child(args) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'aog-bench-engine-'));
	try {
		await engineChild(args[0], args[1], args[2]);
	} finally {
		fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
	}
	return process.exit(0);
}

module.exports = { loadEngine, setEngineStorage, clearBinaryStorage, runEngine, child };
