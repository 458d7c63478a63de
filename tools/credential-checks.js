'use strict';
// The credentials' connection tests as n8n's editor runs them (POST /rest/credentials/test, the dialog's "Test"
// button), case by case against the dev servers: used by scripts/check-credential-test.js and the e2e test (real
// n8n), and by test/nodes/Aog/keysAndLinks.engine.test.ts (in-process, tools/harness/credentialTest.ts). `client` is
// anything with testCredential({id, name, type, data}) → {status, message}.
const http = require('node:http');

const { startAogServer } = require('./aog-server');
const { freePort } = require('./n8n-cli');

const CREDENTIAL = { id: 'aogAccountExample1', name: 'AOG account', type: 'aogApi' };
const DASHSCOPE_CREDENTIAL = { id: 'dashScopeExample1', name: 'DashScope account', type: 'dashScopeApi' };
/** The dev server's key of a region it is not (tools/dashscope-server's default keys). */
const OTHER_REGION_KEY = 'sk-test-singapore';
/** What case 5's message must say: that keys are per region. */
const REGION_MESSAGE = /region/i;
/** The start of the message of the DashScope credential's rule for an answer that is not DashScope's. */
const NOT_DASHSCOPE_MESSAGE = "The address answered, but not with DashScope's task API";
/** The start of the message of the credential's responseSuccessBody rule (credentials/AogApi.credentials.ts). */
const HTML_TRAP_MESSAGE = "The address answered, but not with AOG's model list";
/** The start of the message for a gateway without an image-to-video service. */
const NO_SERVICE_MESSAGE = 'AOG answers, but has no image-to-video service installed';
/** DashScope's own answer to a throttled or failing status query: busy or down, not "not DashScope". */
const BUSY_MESSAGE = /^DashScope is busy/;
const DOWN_MESSAGE = /^DashScope is down or overloaded/;
/** What the DashScope credential says of a redirect it does not follow. */
const REDIRECT_MESSAGE = /a redirect or another API.*n8n does not follow a redirect here/;

/** A loopback server answering every request with `answer(request, response)`; records the requests it saw. */
async function smallServer(answer) {
	const requests = [];
	const server = http.createServer((request, response) => {
		request.resume();
		request.on('end', () => {
			requests.push({ method: request.method, path: request.url, authorization: request.headers.authorization });
			answer(request, response);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}`;
	const close = async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(() => resolve()));
	};
	return { url, requests, close };
}

/**
 * A redirect (status) from one loopback port to a "login page" on another: the case passes only when the other port
 * saw no request at all (so no key). Resolves { baseUrl, elsewhere, close }.
 */
async function redirectPair(status) {
	const elsewhere = await smallServer((_request, response) => {
		response.writeHead(200, { 'Content-Type': 'text/html' });
		response.end('<html><body>Sign in</body></html>');
	});
	const redirector = await smallServer((request, response) => {
		response.writeHead(status, { Location: `${elsewhere.url}/login?next=${encodeURIComponent(request.url)}` });
		response.end();
	});
	return {
		baseUrl: redirector.url,
		elsewhere,
		close: async () => Promise.all([redirector.close(), elsewhere.close()]),
	};
}

/** DashScope's error body with this status and code (a throttled or failing service). */
async function dashScopeAnswering(status, code) {
	return await smallServer((_request, response) => {
		const body = JSON.stringify({ code, message: `Scripted ${code}.`, request_id: 'credential-check' });
		response.writeHead(status, { 'Content-Type': 'application/json' });
		response.end(body);
	});
}

/**
 * Runs the AOG credential's cases against a logged-in client. aogUrl: the dev server's root.
 * Resolves [{ name, baseUrl, expected, status, message, pass }].
 */
async function checkCredentialTest({ client, aogUrl, credential = CREDENTIAL }) {
	const closedPort = await freePort(); // nothing listens there once freePort has closed its probe
	const bare = await startAogServer({ port: 0, setUp: false, quiet: true });
	const redirect = await redirectPair(302);
	try {
		const cases = [
			{ name: 'dev server', baseUrl: aogUrl, expected: 'OK' },
			{
				name: 'HTML trap (/aog/v0.2 prefix)',
				baseUrl: `${aogUrl.replace(/\/+$/, '')}/aog/v0.2`,
				expected: 'Error',
				messageIncludes: HTML_TRAP_MESSAGE,
			},
			{ name: 'closed port', baseUrl: `http://127.0.0.1:${closedPort}`, expected: 'Error' },
			{
				name: 'AOG without an image-to-video service',
				baseUrl: bare.url,
				expected: 'Error',
				messageIncludes: NO_SERVICE_MESSAGE,
			},
			{
				name: 'proxy key answered 302 to a login page on another port',
				baseUrl: redirect.baseUrl,
				apiKey: 'sk-proxy-credential-check',
				expected: 'Error',
				check: () => redirect.elsewhere.requests.length === 0,
			},
		];
		return await runCases(client, credential, cases, (testCase) => ({
			baseUrl: testCase.baseUrl,
			apiKey: testCase.apiKey ?? '',
		}));
	} finally {
		await bare.close();
		await redirect.close();
	}
}

/**
 * The DashScope credential's cases against the DashScope dev server at `url` (region custom), whose own key is
 * `apiKey`. Resolves [{ name, baseUrl, expected, status, message, pass }].
 */
async function checkDashScopeCredentialTest({
	client,
	url,
	apiKey,
	notDashScopeUrl,
	otherRegionKey = OTHER_REGION_KEY,
	credential = DASHSCOPE_CREDENTIAL,
}) {
	const closedPort = await freePort();
	const busy = await dashScopeAnswering(429, 'Throttling.RateQuota');
	const down = await dashScopeAnswering(503, 'ServiceUnavailable');
	const redirect = await redirectPair(307);
	try {
		const cases = [
			{ name: 'DashScope dev server, its key', baseUrl: url, apiKey, expected: 'OK' },
			{
				name: "DashScope dev server, another region's key",
				baseUrl: url,
				apiKey: otherRegionKey,
				expected: 'Error',
				messageMatches: REGION_MESSAGE,
			},
			{ name: 'DashScope, closed port', baseUrl: `http://127.0.0.1:${closedPort}`, apiKey, expected: 'Error' },
			{
				name: 'DashScope busy (429 Throttling.RateQuota)',
				baseUrl: busy.url,
				apiKey,
				expected: 'Error',
				messageMatches: BUSY_MESSAGE,
			},
			{
				name: 'DashScope down (503 ServiceUnavailable)',
				baseUrl: down.url,
				apiKey,
				expected: 'Error',
				messageMatches: DOWN_MESSAGE,
			},
			{
				name: 'DashScope Base URL answering 307 to another port',
				baseUrl: redirect.baseUrl,
				apiKey,
				expected: 'Error',
				messageMatches: REDIRECT_MESSAGE,
				check: () => redirect.elsewhere.requests.length === 0,
			},
		];
		if (notDashScopeUrl) {
			cases.push({
				name: 'DashScope credential, Base URL of another API (AOG)',
				baseUrl: notDashScopeUrl,
				apiKey,
				expected: 'Error',
				messageMatches: new RegExp(`^${NOT_DASHSCOPE_MESSAGE}`),
			});
		}
		return await runCases(client, credential, cases, (testCase) => ({
			region: 'custom',
			baseUrl: testCase.baseUrl,
			apiKey: testCase.apiKey,
		}));
	} finally {
		await Promise.all([busy.close(), down.close(), redirect.close()]);
	}
}

/** Tests `credential` with each case's data; a case passes on the expected status and, if given, message. */
async function runCases(client, credential, cases, dataOf) {
	const results = [];
	for (const testCase of cases) {
		const answer = await client.testCredential({ ...credential, data: dataOf(testCase) });
		const status = answer?.status;
		const message = answer?.message ?? '';
		const messageOk = testCase.messageIncludes
			? message.includes(testCase.messageIncludes)
			: !testCase.messageMatches || testCase.messageMatches.test(message);
		// check: what the case must also prove after the test (e.g. the other port of a redirect saw no request).
		const checkOk = !testCase.check || testCase.check();
		results.push({
			name: testCase.name,
			baseUrl: testCase.baseUrl,
			expected: testCase.expected,
			status,
			message,
			pass: status === testCase.expected && messageOk && checkOk,
		});
	}
	return results;
}

module.exports = {
	checkCredentialTest,
	checkDashScopeCredentialTest,
	HTML_TRAP_MESSAGE,
	NOT_DASHSCOPE_MESSAGE,
	NO_SERVICE_MESSAGE,
	CREDENTIAL,
	DASHSCOPE_CREDENTIAL,
	OTHER_REGION_KEY,
};
