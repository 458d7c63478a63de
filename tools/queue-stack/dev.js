'use strict';
// `npm run dev -- --queue`: the editor environment of tools/dev-env.js on the queue-mode stack (main + workers,
// PostgreSQL, Redis) instead of a single `n8n start`: the AOG, DashScope and Telegram dev servers, their credentials,
// every example imported, the webhook
// example published, an owner account. The stack's folders are temporary (removed on stop); the examples write
// their MP4s to .cache/dev-queue/output/.
const fs = require('node:fs');
const path = require('node:path');

const { REPO } = require('../n8n-cli');
const { N8nClient } = require('../n8n-cli/rest-client');
const { DEFAULT_OWNER, prepareExamples, portFree, startTelegramDevServer } = require('../dev-env');
const { startQueueStack } = require('./index');

const QUEUE_DEV_DIR = path.join(REPO, '.cache', 'dev-queue');
const WEBHOOK_EXAMPLE_ID = 'aogWebhookToVideoEx1';

async function startQueueDev({
	n8nPort = 5678,
	aogPort = 16688,
	aogBaseUrl,
	apiKey = '',
	workers = 2,
	generationDelayMs = 3000,
	quietAog = true,
	onProgress = () => {},
} = {}) {
	if (!(await portFree(n8nPort)))
		throw new Error(`port ${n8nPort} is taken (another n8n?); stop it or pass --port <n>`);
	const outputDir = path.join(QUEUE_DEV_DIR, 'output');
	fs.mkdirSync(outputDir, { recursive: true });
	let server;
	let dashScopeServer;
	let telegram;
	let aogUrl = aogBaseUrl;
	if (!aogBaseUrl) {
		const { startAogServer } = require('../aog-server');
		server = await startAogServer({
			port: (await portFree(aogPort)) ? aogPort : 0,
			generationDelayMs,
			quiet: quietAog,
		});
		aogUrl = server.url;
		onProgress(`AOG dev server at ${aogUrl}`);
	}
	try {
		const { startDashScopeServer } = require('../dashscope-server');
		// a "2-minute" task × 0.25, as npm run dev's
		dashScopeServer = await startDashScopeServer({
			pendingMs: 5000,
			runningMs: 115_000,
			timeScale: 0.25,
			quiet: quietAog,
		});
		onProgress(`DashScope dev server at ${dashScopeServer.url} (key ${dashScopeServer.apiKey})`);
		telegram = await startTelegramDevServer({ quiet: quietAog });
		onProgress(`Telegram Bot API dev server at ${telegram.baseUrl} (bot token ${telegram.accessToken})`);
		const { CREDENTIAL, exampleCredentials, dashScopeCredentials, telegramCredentials } = require('../examples');
		const examples = prepareExamples({ outputDir, credential: CREDENTIAL });
		const workflows = examples.map(({ workflow }) => workflow);
		const stack = await startQueueStack({
			workers,
			workflows,
			credentials: [
				...exampleCredentials({ baseUrl: aogUrl, apiKey }),
				...dashScopeCredentials({ baseUrl: dashScopeServer.url, apiKey: dashScopeServer.apiKey }),
				...telegramCredentials(telegram),
			],
			activate: workflows.some((workflow) => workflow.id === WEBHOOK_EXAMPLE_ID) ? [WEBHOOK_EXAMPLE_ID] : [],
			fileAccess: [path.join(REPO, 'examples'), outputDir].map((folder) => fs.realpathSync(folder)),
			mainPort: n8nPort,
			mainHost: 'localhost',
			onProgress,
		});
		const client = new N8nClient(`http://127.0.0.1:${n8nPort}`);
		await client.setupOwner(DEFAULT_OWNER);
		await client.login(DEFAULT_OWNER);
		return {
			stack,
			server,
			dashScopeServer,
			telegramServer: telegram.server,
			aogUrl,
			owner: DEFAULT_OWNER,
			outputDir,
			workflows: examples.map(({ file, workflow }) => ({
				id: workflow.id,
				name: workflow.name,
				file,
				url: `${stack.mainUrl}/workflow/${workflow.id}`,
			})),
			webhookUrl: stack.webhookUrl('aog-image-to-video'),
			async stop() {
				await stack.stop();
				if (server) await server.close().catch(() => {});
				await dashScopeServer.close().catch(() => {});
				await telegram.server.close().catch(() => {});
			},
		};
	} catch (error) {
		if (server) await server.close().catch(() => {});
		if (dashScopeServer) await dashScopeServer.close().catch(() => {});
		if (telegram) await telegram.server.close().catch(() => {});
		throw error;
	}
}

module.exports = { startQueueDev, QUEUE_DEV_DIR };
