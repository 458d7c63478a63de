'use strict';
// A running n8n: workflows made active before the start, then `n8n start` on a free port until it serves its routes.
const { MINUTE, sleep, tail } = require('./common');
const { run, freePort } = require('./process');
const { n8nVersionOf } = require('./install');
const { n8nCommand, n8nCli } = require('./workflow');

function majorOf(version) {
	return Number(String(version ?? '').split('.')[0]) || undefined;
}

/**
 * Makes an imported workflow active so that `n8n start` registers its production triggers and
 * webhooks: `publish:workflow --id` in 2.x, `update:workflow --id --active=true` in 1.x.
 * Run it before `n8n start` (a running n8n does not notice).
 */
async function activateWorkflow({ n8nBin, node, folder, env, id }) {
	const args =
		majorOf(n8nVersionOf(n8nBin)) >= 2
			? ['publish:workflow', `--id=${id}`]
			: ['update:workflow', `--id=${id}`, '--active=true'];
	return await n8nCli(n8nBin, args, { node, folder, env });
}

/**
 * Starts `n8n start` in a prepared user folder (see prepareUserFolder) on a free port of
 * 127.0.0.1 and waits until it has printed its editor's address (`readyPattern`: by then the
 * active workflows are registered) and /healthz answers. Production webhooks and forms are then served under
 * url + '/webhook/…' and url + '/form/…'. Resolves { url, port, output(), stop() }; stop() ends the
 * process group (and its task runner). The process is killed after `timeoutMs` in any case.
 */
async function startN8n({
	n8nBin,
	node,
	folder,
	env,
	startTimeoutMs = 3 * MINUTE,
	timeoutMs = 15 * MINUTE,
	readyPattern = /Editor is now accessible via/,
}) {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const childEnv = {
		...env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `${url}/`,
		N8N_EDITOR_BASE_URL: `${url}/`,
		N8N_SECURE_COOKIE: 'false',
	};
	let output = '';
	const keep = (chunk) => {
		output += chunk;
		if (output.length > 200_000) output = output.slice(-100_000);
	};
	const { command, args } = n8nCommand(n8nBin, node, ['start']);
	const controller = new AbortController();
	let exited;
	const finished = run(command, args, {
		cwd: folder,
		env: childEnv,
		timeoutMs,
		onStdout: keep,
		onStderr: keep,
		signal: controller.signal,
	}).then((result) => {
		exited = result;
		return result;
	});
	const stop = async () => {
		controller.abort();
		return await finished;
	};
	const deadline = Date.now() + startTimeoutMs;
	for (;;) {
		if (exited) throw new Error(`n8n start exited (code ${exited.code}) before it was ready:\n${tail(output, 40)}`);
		// /healthz answers before the routes for webhooks and forms exist and before the active
		// workflows are registered; n8n prints the editor's address once all of that is done.
		if (readyPattern.test(output)) {
			try {
				const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
				if (response.ok) break;
			} catch {
				// not listening yet
			}
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n start was not ready within ${Math.round(startTimeoutMs / 1000)} s:\n${tail(output, 40)}`);
		}
		await sleep(500);
	}
	return { url, port, output: () => output, finished, stop };
}

module.exports = { activateWorkflow, startN8n };
