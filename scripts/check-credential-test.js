#!/usr/bin/env node
'use strict';
// Proves the credentials' connection tests inside the real n8n editor (n8n's POST /rest/credentials/test,
// what the credential dialog's "Test" / "Retry" button calls). AOG API, three cases:
//   1. Base URL = the AOG dev server                        → OK
//   2. Base URL = <dev server>/aog/v0.2 (HTML 200 at /health) → Error, with the credential's own message
//   3. Base URL = a closed port                              → Error
// DashScope API (region custom), three cases against the DashScope dev server:
//   4. its own region's key                                  → OK
//   5. another region's key (the server answers 401 InvalidApiKey) → Error whose message names the region
//   6. Base URL = a closed port                              → Error
//   7. Base URL = the AOG dev server (not DashScope)         → Error, with the credential's own message
// Uses a running `npm run dev` when there is one; otherwise starts its own environment in a temporary
// user folder (free ports; needs `npm run build` done) and stops it at the end. Exit code 0 when all cases
// behave as expected. `--json` prints the results as JSON; `--own` always starts its own environment (for
// tests: never touches a running `npm run dev`). Also usable as a module: checkCredentialTest().
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('../tools/n8n-cli');
const { N8nClient } = require('../tools/n8n-cli/rest-client');
const { findRunningDev, startDev } = require('../tools/dev-env');

const CREDENTIAL = { id: 'aogAccountExample1', name: 'AOG account', type: 'aogApi' };
const DASHSCOPE_CREDENTIAL = { id: 'dashScopeExample1', name: 'DashScope account', type: 'dashScopeApi' };
/** The dev server's key of a region it is not (tools/dashscope-server's default keys). */
const OTHER_REGION_KEY = 'sk-test-singapore';
/** What case 5's message must say: that keys are per region. */
const REGION_MESSAGE = /region/i;
/** The start of the message of the DashScope credential's rule for an answer that is not DashScope's. */
const NOT_DASHSCOPE_MESSAGE = "The address answered, but not with DashScope's task API";
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

/**
 * The DashScope credential's three cases against the DashScope dev server at `url` (region custom), whose own key is
 * `apiKey`. Resolves [{ name, baseUrl, expected, status, message, pass }].
 */
async function checkDashScopeCredentialTest({ client, url, apiKey, notDashScopeUrl, otherRegionKey = OTHER_REGION_KEY, credential = DASHSCOPE_CREDENTIAL }) {
	const closedPort = await freePort();
	const cases = [
		{ name: 'DashScope dev server, its key', baseUrl: url, apiKey, expected: 'OK' },
		{ name: "DashScope dev server, another region's key", baseUrl: url, apiKey: otherRegionKey, expected: 'Error', messageMatches: REGION_MESSAGE },
		{ name: 'DashScope, closed port', baseUrl: `http://127.0.0.1:${closedPort}`, apiKey, expected: 'Error' },
	];
	if (notDashScopeUrl) {
		cases.push({ name: 'DashScope credential, Base URL of another API (AOG)', baseUrl: notDashScopeUrl, apiKey, expected: 'Error', messageMatches: new RegExp(`^${NOT_DASHSCOPE_MESSAGE}`) });
	}
	const results = [];
	for (const testCase of cases) {
		const answer = await client.testCredential({ ...credential, data: { region: 'custom', baseUrl: testCase.baseUrl, apiKey: testCase.apiKey } });
		const status = answer?.status;
		const message = answer?.message ?? '';
		const pass = status === testCase.expected && (!testCase.messageMatches || testCase.messageMatches.test(message));
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
	let dashScope;
	try {
		const running = process.argv.includes('--own') ? undefined : await findRunningDev();
		if (running) {
			say(`• Using the running npm run dev at ${running.n8nUrl} (AOG dev server ${running.aogUrl})`);
			client = new N8nClient(running.apiUrl);
			await client.login(running.owner);
			aogUrl = running.aogUrl;
			dashScope = running.dashScope;
			if (dashScope && dashScope.region !== 'custom') {
				say(`• The running npm run dev uses a real DashScope (${dashScope.region}): its credential's cases are skipped`);
				dashScope = undefined;
			}
		} else {
			tempFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-aog-credtest-'));
			say(`• No npm run dev running: starting n8n in ${tempFolder}`);
			dev = await startDev({ userFolder: tempFolder, anyN8nPort: true, aogPort: 0, dashScopePort: 0, generationDelayMs: 0, onProgress: (message) => say(`  ${message}`) });
			client = dev.client;
			aogUrl = dev.aogUrl;
			dashScope = dev.dashScope;
		}
		const results = await checkCredentialTest({ client, aogUrl });
		if (dashScope) results.push(...(await checkDashScopeCredentialTest({ client, url: dashScope.baseUrl, apiKey: dashScope.apiKey, notDashScopeUrl: aogUrl })));
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

module.exports = { checkCredentialTest, checkDashScopeCredentialTest, HTML_TRAP_MESSAGE, NOT_DASHSCOPE_MESSAGE, CREDENTIAL, DASHSCOPE_CREDENTIAL, OTHER_REGION_KEY };
