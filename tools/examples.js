'use strict';
// The demo workflows prepared for a run: examples/image-to-video.json (through AOG) and
// examples/image-to-video-dashscope.json (DashScope directly), their file paths pointed at a picture and an output
// folder, their video node's parameters adjusted, and the credential each references; examples/wait-loop-get-task.json
// (the Wait → Get Task loop) with its Wait shortened. Used by the demo, the dev environment, the benchmark and the
// e2e tests.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { REPO } = require('./n8n-cli');

const EXAMPLE_WORKFLOW = path.join(REPO, 'examples', 'image-to-video.json');
const DASHSCOPE_EXAMPLE_WORKFLOW = path.join(REPO, 'examples', 'image-to-video-dashscope.json');
const WAIT_LOOP_WORKFLOW = path.join(REPO, 'examples', 'wait-loop-get-task.json');
const SAMPLE_IMAGE = path.join(REPO, 'examples', 'sample.jpg');
const DEMO_DIR = path.join(REPO, '.cache', 'demo');

const NODES = {
	trigger: "When clicking 'Execute workflow'",
	read: 'Read picture from disk',
	aog: 'AOG Image to Video',
	write: 'Write MP4 to disk',
};
const CREDENTIAL = { id: 'aogAccountExample1', name: 'AOG account', type: 'aogApi' };
/** The DashScope example's nodes: the same as the AOG one's but for the video node. */
const DASHSCOPE_NODES = { ...NODES, aog: 'DashScope Image to Video' };
const DASHSCOPE_CREDENTIAL = { id: 'dashScopeExample1', name: 'DashScope account', type: 'dashScopeApi' };
/** examples/wait-loop-get-task.json's nodes: submit, answer the webhook, Wait, check once, IF done. */
const WAIT_LOOP_NODES = {
	webhook: 'Picture upload webhook',
	submit: 'Submit the video task',
	answer: 'Answer with the task ID',
	wait: 'Wait',
	check: 'Get Task (check once)',
	done: 'Done?',
	ready: 'The MP4 is ready',
};
/** The credential examples/form-to-telegram.json posts with: n8n's own Telegram credential. */
const TELEGRAM_CREDENTIAL = { id: 'telegramExample1', name: 'Telegram account', type: 'telegramApi' };

/**
 * The example workflow with its file paths pointed at `imagePath` and `outputDir`
 * (the example uses ~/.n8n-files, n8n 2.x's default file folder, of the Docker image), and the video node's
 * parameters and options merged with `aogParameters` and `aogOptions`.
 */
function prepareWorkflow(options = {}) {
	return prepareFrom(EXAMPLE_WORKFLOW, NODES, options);
}

/** examples/image-to-video-dashscope.json prepared the same way (its video node: DASHSCOPE_NODES.aog). */
function prepareDashScopeWorkflow(options = {}) {
	return prepareFrom(DASHSCOPE_EXAMPLE_WORKFLOW, DASHSCOPE_NODES, options);
}

function prepareFrom(
	file,
	nodes,
	{ imagePath = SAMPLE_IMAGE, outputDir = DEMO_DIR, id, aogParameters, aogOptions } = {},
) {
	const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
	if (id) workflow.id = id;
	const byName = Object.fromEntries(workflow.nodes.map((node) => [node.name, node]));
	for (const name of Object.values(nodes)) {
		if (!byName[name]) throw new Error(`${path.relative(REPO, file)} has no node named "${name}"`);
	}
	byName[nodes.read].parameters.fileSelector = path.resolve(imagePath);
	const dir = path.resolve(outputDir).replace(/\\/g, '/').replace(/'/g, "\\'");
	byName[nodes.write].parameters.fileName = `={{ '${dir}/' + $json.fileName }}`;
	if (aogParameters) Object.assign(byName[nodes.aog].parameters, aogParameters);
	if (aogOptions) byName[nodes.aog].parameters.options = { ...byName[nodes.aog].parameters.options, ...aogOptions };
	return workflow;
}

/**
 * examples/wait-loop-get-task.json with its Wait set to `waitSeconds` (unit seconds) and, when given, its own id,
 * name suffix and webhook path (so variants can be published side by side).
 */
function prepareWaitLoopWorkflow({ waitSeconds, id, webhookPath, nameSuffix } = {}) {
	const workflow = JSON.parse(fs.readFileSync(WAIT_LOOP_WORKFLOW, 'utf8'));
	const byName = Object.fromEntries(workflow.nodes.map((node) => [node.name, node]));
	for (const name of Object.values(WAIT_LOOP_NODES)) {
		if (!byName[name]) throw new Error(`${path.relative(REPO, WAIT_LOOP_WORKFLOW)} has no node named "${name}"`);
	}
	if (waitSeconds !== undefined) byName[WAIT_LOOP_NODES.wait].parameters = { amount: waitSeconds, unit: 'seconds' };
	if (id) workflow.id = id;
	if (nameSuffix) workflow.name = `${workflow.name} ${nameSuffix}`;
	if (webhookPath) {
		const webhook = byName[WAIT_LOOP_NODES.webhook];
		webhook.parameters.path = webhookPath;
		webhook.webhookId = crypto.randomUUID();
	}
	return workflow;
}

/** The credential the example workflow references ("AOG account", type aogApi), ready for import:credentials. */
function exampleCredentials({ baseUrl, apiKey = '' }) {
	return [{ ...CREDENTIAL, data: { baseUrl, apiKey } }];
}

/**
 * The credential the DashScope example references ("DashScope account", type dashScopeApi). A dev server (or any
 * other host) is region 'custom' with its baseUrl; a real DashScope is its region ('beijing', 'singapore', 'virginia').
 */
function dashScopeCredentials({ region = 'custom', baseUrl = '', apiKey }) {
	return [{ ...DASHSCOPE_CREDENTIAL, data: { region, baseUrl: region === 'custom' ? baseUrl : '', apiKey } }];
}

/**
 * "Telegram account" (n8n's telegramApi): the bot's token and the Bot API's Base URL, Telegram's own by default or
 * the Telegram dev server's (tools/telegram-server).
 */
function telegramCredentials({ accessToken, baseUrl = 'https://api.telegram.org' }) {
	return [{ ...TELEGRAM_CREDENTIAL, data: { accessToken, baseUrl } }];
}

module.exports = {
	prepareWorkflow,
	prepareDashScopeWorkflow,
	prepareWaitLoopWorkflow,
	exampleCredentials,
	dashScopeCredentials,
	telegramCredentials,
	NODES,
	DASHSCOPE_NODES,
	WAIT_LOOP_NODES,
	CREDENTIAL,
	DASHSCOPE_CREDENTIAL,
	TELEGRAM_CREDENTIAL,
	EXAMPLE_WORKFLOW,
	DASHSCOPE_EXAMPLE_WORKFLOW,
	WAIT_LOOP_WORKFLOW,
	SAMPLE_IMAGE,
	DEMO_DIR,
};
