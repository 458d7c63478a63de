#!/usr/bin/env node
'use strict';
// Runs the AOG-compatible dev server in the foreground: npm run aog-server -- [--port 16688] [--delay ms]
const { startAogServer } = require('../tools/aog-server');

const USAGE = `Usage: node scripts/aog-server.js [options]
  --port <n>             port on 127.0.0.1 (default 16688, like AOG; 0 = any free port)
  --delay <ms>           extra wait before each generation answers (default 0)
  --ttl <seconds>        how long video links stay valid (default 86400)
  --synthetic-bytes <n>  serve padded synthetic MP4s of exactly n bytes instead of encoding
  --file-root <dir>      only allow image_type "path" files under this folder
  --quiet                do not log requests
  --help`;

const VALUE_FLAGS = { '--port': 'port', '--delay': 'generationDelayMs', '--ttl': 'videoTtlSeconds', '--synthetic-bytes': 'syntheticVideoBytes', '--file-root': 'fileRoot' };

function parseArgs(argv) {
	const options = { port: 16688, quiet: false };
	for (let i = 0; i < argv.length; i += 1) {
		const flag = argv[i];
		if (flag === '--help' || flag === '-h') return null;
		if (flag === '--quiet') { options.quiet = true; continue; }
		const name = VALUE_FLAGS[flag];
		const value = argv[i + 1];
		if (!name || value === undefined) throw new Error(`unknown or incomplete option: ${flag}`);
		options[name] = name === 'fileRoot' ? value : Number(value);
		if (name !== 'fileRoot' && !(Number.isFinite(options[name]) && options[name] >= 0)) throw new Error(`${flag} needs a number >= 0`);
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
Ctrl+C to stop.`);
}

async function main() {
	let options;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${error.message}\n${USAGE}`);
		process.exit(2);
	}
	if (!options) return console.log(USAGE);
	const server = await startAogServer(options);
	printBanner(server.url);
	const stop = async (signal) => {
		console.log(`\n${signal}: stopping`);
		await server.close();
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error.code === 'EADDRINUSE' ? `port in use: ${error.message}` : error);
	process.exit(1);
});
