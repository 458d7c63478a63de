'use strict';
// What every part of the n8n CLI driver shares: the repository root, the time unit, the log line.
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const MINUTE = 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function log(message) {
	if (process.env.N8N_CLI_QUIET !== '1') process.stderr.write(`[n8n-cli] ${message}\n`);
}

function tail(text, lines = 25) {
	return String(text).trimEnd().split('\n').slice(-lines).join('\n');
}

module.exports = { REPO, MINUTE, sleep, log, tail };
