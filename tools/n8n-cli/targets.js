'use strict';
// The n8n versions the e2e suites run, each with the Node.js major it needs (README "Compatibility";
// test/e2e/compatibility.e2e.test.ts says why these). One list, so that CI can install them all before the
// suites need them (scripts/prefetch-n8n.js) exactly as the suites would.
const { DEFAULT_VERSION, ensureN8n, ensureNode } = require('./install');

/** Native modules n8n needs to start and run these workflows: its SQLite database and the expression sandbox. */
const CORE_NATIVE = ['sqlite3', 'isolated-vm'];

/** @type {Array<{ n8n: string; nodeMajor: number; rebuildOnly?: string[] }>} */
const E2E_TARGETS = [
	{ n8n: DEFAULT_VERSION, nodeMajor: 20 },
	{ n8n: '2.41.1', nodeMajor: 24, rebuildOnly: CORE_NATIVE },
	{ n8n: '1.123.50', nodeMajor: 20 },
	{ n8n: '1.123.81', nodeMajor: 24, rebuildOnly: CORE_NATIVE },
];

const SYSTEM_NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * Installs one target (its Node.js first when it is not this process's) and returns the n8n bin and the Node.js
 * option for running it.
 * @param {{ n8n: string; nodeMajor: number; rebuildOnly?: string[] }} target
 */
async function installTarget(target) {
	const node = target.nodeMajor === SYSTEM_NODE_MAJOR ? undefined : await ensureNode(String(target.nodeMajor));
	const n8nBin = await ensureN8n(target.n8n, { node, rebuildOnly: target.rebuildOnly, timeoutMs: 40 * 60_000 });
	return { n8nBin, node };
}

module.exports = { CORE_NATIVE, E2E_TARGETS, installTarget };
