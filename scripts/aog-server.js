#!/usr/bin/env node
'use strict';
// Runs the AOG-compatible dev server and the DashScope-compatible one in the foreground:
// npm run aog-server -- [--port 16688] [--delay ms] [--dashscope-port 16689] [--dashscope-time-scale 0.1]
const { startAogServer } = require('../tools/aog-server');
const { startDashScopeServer, SUBMIT_PATH, REGIONS } = require('../tools/dashscope-server');

const USAGE = `Usage: node scripts/aog-server.js [options]
  --port <n>             port on 127.0.0.1 (default 16688, like AOG; 0 = any free port)
  --delay <ms>           extra wait before each generation answers (default 0)
  --ttl <seconds>        how long video links stay valid (default 86400)
  --synthetic-bytes <n>  serve padded synthetic MP4s of exactly n bytes instead of encoding
  --file-root <dir>      only allow image_type "path" files under this folder
  --dashscope-port <n>   DashScope API port (default 16689; 0 = any free port)
  --storage-port <n>     DashScope result host port (default 16690; 0 = any free port)
  --dashscope-region <r> beijing (default), singapore, virginia, frankfurt or hongkong
  --dashscope-time-scale <x>  task times x this factor (default 1: 1 s queued, 30 s running)
  --no-dashscope         start only the AOG server
  --not-set-up           start like a fresh AOG: no image-to-video model, no DashScope key (see docs/AOG-API.md)
  --quiet                do not log requests
  --help`;

const VALUE_FLAGS = {
	'--port': 'port',
	'--delay': 'generationDelayMs',
	'--ttl': 'videoTtlSeconds',
	'--synthetic-bytes': 'syntheticVideoBytes',
	'--file-root': 'fileRoot',
};

const DASHSCOPE_FLAGS = {
	'--dashscope-port': 'port',
	'--storage-port': 'storagePort',
	'--dashscope-region': 'region',
	'--dashscope-time-scale': 'timeScale',
};

/** Takes the DashScope flags out of argv: {rest, dashscope} (dashscope null with --no-dashscope). */
function splitDashScopeArgs(argv) {
	const rest = [];
	let dashscope = { port: 16689, storagePort: 16690, quiet: argv.includes('--quiet') };
	for (let i = 0; i < argv.length; i += 1) {
		const flag = argv[i];
		if (flag === '--no-dashscope') {
			dashscope = null;
			continue;
		}
		const name = DASHSCOPE_FLAGS[flag];
		if (!name) {
			rest.push(flag);
			continue;
		}
		const value = argv[i + 1];
		if (value === undefined) throw new Error(`incomplete option: ${flag}`);
		const parsed = name === 'region' ? value : Number(value);
		if (name === 'region' && !REGIONS.includes(value)) throw new Error(`${flag} must be one of ${REGIONS.join(', ')}`);
		if (name !== 'region' && !(Number.isFinite(parsed) && parsed >= 0)) throw new Error(`${flag} needs a number >= 0`);
		if (dashscope) dashscope[name] = parsed;
		i += 1;
	}
	return { rest, dashscope };
}

function parseArgs(argv) {
	const options = { port: 16688, quiet: false };
	for (let i = 0; i < argv.length; i += 1) {
		const flag = argv[i];
		if (flag === '--help' || flag === '-h') return null;
		if (flag === '--quiet') {
			options.quiet = true;
			continue;
		}
		if (flag === '--not-set-up') {
			options.setUp = false;
			continue;
		}
		const name = VALUE_FLAGS[flag];
		const value = argv[i + 1];
		if (!name || value === undefined) throw new Error(`unknown or incomplete option: ${flag}`);
		options[name] = name === 'fileRoot' ? value : Number(value);
		if (name !== 'fileRoot' && !(Number.isFinite(options[name]) && options[name] >= 0))
			throw new Error(`${flag} needs a number >= 0`);
		i += 1;
	}
	return options;
}

function printBanner(url) {
	console.log(`AOG dev server listening on ${url}
  GET  ${url}/health
  POST ${url}/aog/v0.2/services/image-to-video            {"image":"data:image/png;base64,...","image_type":"base64","prompt":"..."}
  POST ${url}/aog/v0.2/api_flavors/aliyun/v1/image-to-video
  GET  ${url}/aog/v0.2/control_panel/modellist?service_name=image-to-video
Control:
  POST ${url}/__control/failures   {"failures":[{"kind":"html200"},{"kind":"upstream","code":"Throttling","prefix":true}]}
  POST ${url}/__control/options    {"generationDelayMs":2000,"syntheticVideoBytes":20971520}
  POST ${url}/__control/reset
  GET  ${url}/__control/counters
  GET  ${url}/__control/requests
`);
}

function printDashScopeBanner(server) {
	console.log(`DashScope dev server (${server.region}) listening on ${server.url}, results on ${server.storageUrl}
  API key: ${server.apiKey}   (header X-DashScope-Async: enable on submit)
  POST ${server.url}${SUBMIT_PATH}
  GET  ${server.url}/api/v1/tasks/{task_id}
  POST ${server.url}/api/v1/tasks/{task_id}/cancel
  GET  ${server.url}/api/v1/tasks?status=RUNNING
Control:
  POST ${server.url}/__control/script    {"entries":[{"on":"task","code":"DataInspectionFailed"},{"on":"poll","status":503,"times":2}]}
  POST ${server.url}/__control/options   {"pendingMs":1000,"runningMs":60000,"timeScale":0.1,"maxRunning":1}
  POST ${server.url}/__control/reset
  GET  ${server.url}/__control/counters
  GET  ${server.url}/__control/tasks
  GET  ${server.url}/__control/requests`);
}

async function main() {
	let options;
	let dashscopeOptions;
	try {
		const split = splitDashScopeArgs(process.argv.slice(2));
		dashscopeOptions = split.dashscope;
		options = parseArgs(split.rest);
	} catch (error) {
		console.error(`${error.message}\n${USAGE}`);
		process.exit(2);
	}
	if (!options) return console.log(USAGE);
	const server = await startAogServer(options);
	printBanner(server.url);
	let dashscope;
	if (dashscopeOptions) {
		try {
			dashscope = await startDashScopeServer(dashscopeOptions);
		} catch (error) {
			await server.close();
			throw error;
		}
		printDashScopeBanner(dashscope);
	}
	console.log('Ctrl+C to stop.');
	const stop = async (signal) => {
		console.log(`\n${signal}: stopping`);
		await Promise.all([server.close(), dashscope && dashscope.close()]);
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error.code === 'EADDRINUSE' ? `port in use: ${error.message}` : error);
	process.exit(1);
});
