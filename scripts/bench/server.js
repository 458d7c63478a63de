'use strict';
// The dev server (tools/aog-server), in a child process of its own, so the measured process is the client only.
const { spawn } = require('node:child_process');
const { ENTRY, request } = require('./common');

async function startServerProcess(options) {
	const child = spawn(process.execPath, [ENTRY, '--child', 'server', JSON.stringify(options)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
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
		const text = await request(
			method,
			`${url}/__control/${route}`,
			body === undefined ? undefined : JSON.stringify(body),
		);
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

/** `--child server <optionsJson>`: listens until SIGTERM. */
async function child([optionsJson]) {
	const { startAogServer } = require('../../tools/aog-server');
	const server = await startAogServer({ port: 0, quiet: true, ...JSON.parse(optionsJson) });
	process.stdout.write(`listening ${server.url}\n`);
	const stop = async () => {
		await server.close();
		process.exit(0);
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

module.exports = { startServerProcess, child };
