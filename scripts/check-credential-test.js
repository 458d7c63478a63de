#!/usr/bin/env node
'use strict';
// Proves the AOG credential's connection test inside the real n8n editor (n8n's POST /rest/credentials/test,
// what the credential dialog's "Test" / "Retry" button calls) in three cases:
//   1. Base URL = the AOG dev server                        → OK
//   2. Base URL = <dev server>/aog/v0.2 (HTML 200 at /health) → Error, with the credential's own message
//   3. Base URL = a closed port                              → Error
// Uses a running `npm run dev` when there is one; otherwise starts its own environment in a temporary
// user folder (free ports; needs `npm run build` done) and stops it at the end. Exit code 0 when all three
// behave as expected. `--json` prints the results as JSON; `--own` always starts its own environment (for
// tests: never touches a running `npm run dev`). Also usable as a module: checkCredentialTest().
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('../tools/n8n-cli');
const { N8nClient } = require('../tools/n8n-cli/rest-client');
const { findRunningDev, startDev } = require('../tools/dev-env');

const CREDENTIAL = { id: 'aogAccountExample1', name: 'AOG account', type: 'aogApi' };
/** The start of the message of the credential's responseSuccessBody rule (credentials/AogApi.credentials.ts). */
const HTML_TRAP_MESSAGE = "The address answered, but not with AOG's health response";

/**
 * Runs the three cases against a logged-in client. aogUrl: the dev server's root.
 * Resolves [{ name, baseUrl, expected, status, message, pass }].
 */
async function checkCredentialTest({ client, aogUrl, credential = CREDENTIAL }) {
	const closedPort = await freePort(); // nothing listens there once freePort has closed its probe
	const cases = [
		{ name: 'dev server', baseUrl: aogUrl, expected: 'OK' },
		{ name: 'HTML trap (/aog/v0.2 prefix)', baseUrl: `${aogUrl.replace(/\/+$/, '')}/aog/v0.2`, expected: 'Error', messageIncludes: HTML_TRAP_MESSAGE },
		{ name: 'closed port', baseUrl: `http://127.0.0.1:${closedPort}`, expected: 'Error' },
	];
	const results = [];
	for (const testCase of cases) {
		const answer = await client.testCredential({ ...credential, data: { baseUrl: testCase.baseUrl, apiKey: '' } });
		const status = answer?.status;
		const message = answer?.message ?? '';
		const pass = status === testCase.expected && (!testCase.messageIncludes || message.includes(testCase.messageIncludes));
		results.push({ name: testCase.name, baseUrl: testCase.baseUrl, expected: testCase.expected, status, message, pass });
	}
	return results;
}

async function main() {
	const json = process.argv.includes('--json');
	const say = (message) => {
		if (!json) console.log(message);
	};
	let dev;
	let tempFolder;
	let client;
	let aogUrl;
	try {
		const running = process.argv.includes('--own') ? undefined : await findRunningDev();
		if (running) {
			say(`• Using the running npm run dev at ${running.n8nUrl} (AOG dev server ${running.aogUrl})`);
			client = new N8nClient(running.apiUrl);
			await client.login(running.owner);
			aogUrl = running.aogUrl;
		} else {
			tempFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-aog-credtest-'));
			say(`• No npm run dev running: starting n8n in ${tempFolder}`);
			dev = await startDev({ userFolder: tempFolder, anyN8nPort: true, aogPort: 0, generationDelayMs: 0, onProgress: (message) => say(`  ${message}`) });
			client = dev.client;
			aogUrl = dev.aogUrl;
		}
		const results = await checkCredentialTest({ client, aogUrl });
		if (json) console.log(JSON.stringify(results, null, 2));
		else {
			for (const result of results) {
				say(`${result.pass ? '✔' : '✘'} ${result.name}: Base URL ${result.baseUrl} → ${result.status}${result.message ? `: ${result.message}` : ''} (expected ${result.expected})`);
			}
		}
		return results.every((result) => result.pass) ? 0 : 1;
	} finally {
		if (dev) await dev.stop();
		if (tempFolder) fs.rmSync(tempFolder, { recursive: true, force: true });
	}
}

if (require.main === module) {
	const watchdog = setTimeout(() => {
		console.error('✘ check-credential-test: gave up after 10 minutes');
		process.exit(1);
	}, 10 * 60_000);
	watchdog.unref();
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(`✘ check-credential-test failed: ${error.stack || error}`);
			process.exit(1);
		},
	);
}

module.exports = { checkCredentialTest, HTML_TRAP_MESSAGE, CREDENTIAL };
