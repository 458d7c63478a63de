'use strict';
// The credentials' connection tests as n8n's editor runs them (POST /rest/credentials/test, the dialog's "Test"
// button), case by case against the dev servers: used by scripts/check-credential-test.js and the e2e test.
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
	return await runCases(client, credential, cases, (testCase) => ({ baseUrl: testCase.baseUrl, apiKey: '' }));
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
	return await runCases(client, credential, cases, (testCase) => ({ region: 'custom', baseUrl: testCase.baseUrl, apiKey: testCase.apiKey }));
}

/** Tests `credential` with each case's data; a case passes on the expected status and, if given, message. */
async function runCases(client, credential, cases, dataOf) {
	const results = [];
	for (const testCase of cases) {
		const answer = await client.testCredential({ ...credential, data: dataOf(testCase) });
		const status = answer?.status;
		const message = answer?.message ?? '';
		const messageOk = testCase.messageIncludes ? message.includes(testCase.messageIncludes) : !testCase.messageMatches || testCase.messageMatches.test(message);
		results.push({ name: testCase.name, baseUrl: testCase.baseUrl, expected: testCase.expected, status, message, pass: status === testCase.expected && messageOk });
	}
	return results;
}


module.exports = { checkCredentialTest, checkDashScopeCredentialTest, HTML_TRAP_MESSAGE, NOT_DASHSCOPE_MESSAGE, CREDENTIAL, DASHSCOPE_CREDENTIAL, OTHER_REGION_KEY };
