#!/usr/bin/env node
'use strict';
// npm run dev: builds the package (npm script), then starts the AOG, DashScope and Telegram Bot API dev servers and
// the real n8n editor (n8n 2.8.4, `n8n start`) at http://localhost:5678 with this package installed, an owner
// account, the credentials (AOG, DashScope, Telegram) and every examples/*.json imported. Ctrl-C stops them all.
// The user folder .cache/dev/ persists (database, owner, executions); `--fresh` starts from an empty one.
const fs = require('node:fs');
const path = require('node:path');

const { REPO } = require('../tools/n8n-cli');
const { DEV_DIR, DEFAULT_N8N_PORT, DEFAULT_AOG_PORT, startDev } = require('../tools/dev-env');

const N8N_VERSION = '2.8.4';

const USAGE = `Usage: npm run dev -- [options]
  --port <n>         n8n editor port (default ${DEFAULT_N8N_PORT})
  --aog-port <n>     AOG dev server port (default ${DEFAULT_AOG_PORT}, else any free port)
  --delay <ms>       simulated generation time of the dev server (default 3000)
  --dashscope-port <n>        DashScope dev server port (default 16689, results on 16690)
  --dashscope-time-scale <x>  its "2 minute" tasks × x (default 0.25: 30 s)
  --telegram-port <n>         Telegram Bot API dev server port (default 16691)
  --fresh            delete .cache/dev/ first (new database, owner, examples)
  --reimport         re-import every example even if unchanged (overwrites your edits to them)
  --verbose          print n8n's log here too (it always goes to .cache/dev/n8n.log)
  --exit-after <s>   stop by itself after s seconds (for scripts)
  --queue            queue mode: main + workers, PostgreSQL and Redis (tools/queue-stack; fresh each time)
  --workers <n>      with --queue: n8n worker processes (default 2)
  --help
Environment: AOG_BASE_URL (and AOG_API_KEY) to use a real AOG instead of the dev server;
  DASHSCOPE_API_KEY (with DASHSCOPE_REGION beijing|singapore|virginia, or DASHSCOPE_BASE_URL) a real DashScope;
  TELEGRAM_BOT_TOKEN (and TELEGRAM_BASE_URL) a real bot instead of the Telegram dev server.`;

function parseArgs(argv) {
	const options = {};
	for (let i = 0; i < argv.length; i += 1) {
		const flag = argv[i];
		const number = () => {
			const value = Number(argv[i + 1]);
			if (argv[i + 1] === undefined || !Number.isFinite(value) || value < 0) throw new Error(`${flag} needs a number`);
			i += 1;
			return value;
		};
		if (flag === '--help' || flag === '-h') return null;
		else if (flag === '--port') options.n8nPort = number();
		else if (flag === '--aog-port') options.aogPort = number();
		else if (flag === '--delay') options.generationDelayMs = number();
		else if (flag === '--dashscope-port') options.dashScopePort = number();
		else if (flag === '--dashscope-time-scale') options.dashScopeTimeScale = number();
		else if (flag === '--telegram-port') options.telegramPort = number();
		else if (flag === '--exit-after') options.exitAfter = number();
		else if (flag === '--fresh') options.fresh = true;
		else if (flag === '--reimport') options.reimportExamples = true;
		else if (flag === '--verbose') options.verbose = true;
		else if (flag === '--queue') options.queue = true;
		else if (flag === '--workers') options.workers = number();
		else throw new Error(`unknown option: ${flag}`);
	}
	return options;
}

async function main() {
	let options;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${error.message}\n${USAGE}`);
		process.exit(2);
	}
	if (!options) {
		console.log(USAGE);
		return;
	}
	const { fresh, verbose, exitAfter, queue, workers, ...devOptions } = options;
	if (queue) return await mainQueue({ ...devOptions, workers, exitAfter });
	if (fresh) {
		console.log(`• Deleting ${path.relative(REPO, DEV_DIR)}/`);
		fs.rmSync(DEV_DIR, { recursive: true, force: true });
	}

	let dev;
	let stopping = false;
	const stop = async (reason, code = 0) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${reason}: stopping n8n and the dev servers…`);
		if (dev) await dev.stop();
		console.log('Stopped.');
		process.exit(code);
	};
	// Ctrl-C before n8n is up: exit at once (the exit hook kills anything already started).
	const early = () => process.exit(130);
	process.once('SIGINT', early);
	process.once('SIGTERM', early);

	dev = await startDev({
		...devOptions,
		n8nVersion: N8N_VERSION,
		aogBaseUrl: process.env.AOG_BASE_URL || undefined,
		apiKey: process.env.AOG_API_KEY || '',
		dashScope: process.env.DASHSCOPE_API_KEY
			? {
					apiKey: process.env.DASHSCOPE_API_KEY,
					region: process.env.DASHSCOPE_REGION,
					baseUrl: process.env.DASHSCOPE_BASE_URL,
				}
			: undefined,
		telegram: process.env.TELEGRAM_BOT_TOKEN
			? { accessToken: process.env.TELEGRAM_BOT_TOKEN, baseUrl: process.env.TELEGRAM_BASE_URL }
			: undefined,
		quietAog: false,
		onProgress: (message) => console.log(`• ${message}`),
		onN8nOutput: verbose ? (chunk) => process.stdout.write(chunk.replace(/^(?=.)/gm, '[n8n] ')) : undefined,
	});
	process.removeListener('SIGINT', early);
	process.removeListener('SIGTERM', early);
	process.once('SIGINT', () => stop('Ctrl-C'));
	process.once('SIGTERM', () => stop('SIGTERM'));
	dev.exited.then((info) => {
		if (!stopping)
			stop(
				`n8n exited unexpectedly (code ${info.code}${info.signal ? `, ${info.signal}` : ''}; see ${dev.logFile})`,
				1,
			);
	});

	const demo = dev.workflows.find((workflow) => workflow.file.endsWith('image-to-video.json')) ?? dev.workflows[0];
	const direct = dev.workflows.find((workflow) => workflow.file.endsWith('image-to-video-dashscope.json'));
	const telegram = dev.workflows.find((workflow) => workflow.file.endsWith('form-to-telegram.json'));
	// the Wan family's forms, with the path each example's Form Trigger serves once published
	const wanForms = [
		['form-first-last-frame.json', 'wan-first-last-frame'],
		['reference-to-video.json', 'wan-reference-to-video'],
	].flatMap(([file, formPath]) => {
		const workflow = dev.workflows.find((candidate) => candidate.file.endsWith(file));
		return workflow
			? [`"${workflow.name}": ${workflow.url} (publish it, then open ${dev.n8nUrl}/form/${formPath})`]
			: [];
	});
	console.log(
		[
			'',
			`✔ n8n ${N8N_VERSION} is ready: ${dev.n8nUrl}`,
			`  Log in with  ${dev.owner.email}  /  ${dev.owner.password}`,
			demo ? `  Then open "${demo.name}": ${demo.url}` : '',
			'  and click "Execute workflow"; the AOG node\'s output panel shows the video (Binary tab).',
			direct ? `  DashScope directly: "${direct.name}": ${direct.url}` : '',
			telegram
				? `  To Telegram: "${telegram.name}": ${telegram.url} (publish it, then open ${dev.n8nUrl}/form/aog-video-to-telegram)`
				: '',
			...wanForms.map((line) => `  Wan family: ${line}`),
			'',
			`  Workflows:   ${dev.workflows.map((workflow) => workflow.name).join(' · ')}`,
			`  Credential:  "AOG account" → ${dev.aogUrl}${dev.server ? ' (the AOG dev server in this process; requests are logged below)' : ''}`,
			`  Credential:  "DashScope account" → ${dev.dashScope.region === 'custom' ? dev.dashScope.baseUrl : `DashScope (${dev.dashScope.region})`}${dev.dashScopeServer ? ` (the DashScope dev server, key ${dev.dashScope.apiKey}; results on ${dev.dashScopeServer.storageUrl})` : ''}`,
			`  Credential:  "Telegram account" → ${dev.telegram.baseUrl}${dev.telegramServer ? ' (the Telegram Bot API dev server: it checks and logs each upload below)' : ''}`,
			`  Files:       reads ${path.relative(REPO, path.join(REPO, 'examples'))}/sample.jpg, writes ${path.relative(REPO, dev.outputDir)}/`,
			`  n8n log:     ${path.relative(REPO, dev.logFile)}`,
			'',
			'Ctrl-C stops n8n and the dev servers.',
			'',
		]
			.filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
			.join('\n'),
	);
	if (exitAfter) setTimeout(() => stop(`--exit-after ${exitAfter}`), exitAfter * 1000);
}

/** --queue: the same editor on n8n's queue mode (tools/queue-stack/dev.js). */
async function mainQueue({ n8nPort, aogPort, generationDelayMs, workers, exitAfter }) {
	const { startQueueDev } = require('../tools/queue-stack/dev');
	let dev;
	let stopping = false;
	const early = () => process.exit(130);
	process.once('SIGINT', early);
	process.once('SIGTERM', early);
	dev = await startQueueDev({
		n8nPort,
		aogPort,
		generationDelayMs,
		workers,
		aogBaseUrl: process.env.AOG_BASE_URL || undefined,
		apiKey: process.env.AOG_API_KEY || '',
		quietAog: false,
		onProgress: (message) => console.log(`• ${message}`),
	});
	const stop = async (reason, code = 0) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${reason}: stopping the workers, main, PostgreSQL, Redis and the dev server…`);
		await dev.stop();
		console.log('Stopped.');
		process.exit(code);
	};
	process.removeListener('SIGINT', early);
	process.removeListener('SIGTERM', early);
	process.once('SIGINT', () => stop('Ctrl-C'));
	process.once('SIGTERM', () => stop('SIGTERM'));
	dev.stack.main.exited.then((info) => {
		if (!stopping)
			stop(
				`n8n main exited unexpectedly (code ${info.code}${info.signal ? `, ${info.signal}` : ''}; see ${dev.stack.main.logFile})`,
				1,
			);
	});
	const { stack } = dev;
	console.log(
		[
			'',
			`✔ n8n ${N8N_VERSION} in queue mode is ready: ${stack.mainUrl}`,
			`  Log in with  ${dev.owner.email}  /  ${dev.owner.password}`,
			`  Workers:     ${stack.workers.map((worker) => `pid ${worker.pid} (health :${worker.healthPort})`).join(', ')}; executions run there, the editor's too`,
			`  PostgreSQL:  127.0.0.1:${stack.postgres.port} (user ${stack.postgres.user}, database ${stack.postgres.database});  Redis: 127.0.0.1:${stack.redis.port}`,
			`  Webhook:     curl -F picture=@examples/sample.jpg -F prompt='A slow push-in' -o video.mp4 ${dev.webhookUrl}`,
			`  Credentials: "AOG account" → ${dev.aogUrl}; "DashScope account" → ${dev.dashScopeServer.url}; "Telegram account" → ${dev.telegramServer.url}`,
			`  Logs:        ${stack.logsDir}`,
			'',
			"Ctrl-C stops everything and removes the stack's folders.",
			'',
		].join('\n'),
	);
	if (exitAfter) setTimeout(() => stop(`--exit-after ${exitAfter}`), exitAfter * 1000);
}

main().catch((error) => {
	console.error(`\n✘ npm run dev failed: ${error.stack || error}`);
	process.exit(1);
});
