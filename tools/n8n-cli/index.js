'use strict';
// Drives the real n8n CLI headlessly: installs it on demand into
// <repo>/.cache/n8n-<version>/, packs and installs this package the way users get it, and runs a
// workflow with `n8n execute` in a fresh user folder. Plain CommonJS, no dependencies; used by
// scripts/demo.js, the e2e tests and the benchmark. One module per responsibility:
//   common.js    the repository root, the time unit, the log line
//   process.js   child processes (run, cleanEnv), pidAlive, freePort
//   install.js   Node.js majors and the n8n CLI installed into .cache/ (ensureNode, ensureN8n, locks)
//   package.js   this package packed and installed into a user folder (packPackage, installPackage)
//   workflow.js  user folders, n8n import:*, `n8n execute` and its output (prepareUserFolder, runWorkflow)
//   server.js    `n8n start` and active workflows (startN8n, activateWorkflow)
//   targets.js   the n8n versions the e2e suites run, with their Node.js (E2E_TARGETS, installTarget)
// This file only gathers what the others export for the rest of the repository.
const { REPO } = require('./common');
const { run, cleanEnv, pidAlive, freePort } = require('./process');
const {
	DEFAULT_VERSION,
	ensureN8n,
	ensureNode,
	nodeEnv,
	n8nVersionOf,
	cacheDirFor,
	folderState,
} = require('./install');
const { packPackage, installPackage } = require('./package');
const {
	prepareUserFolder,
	n8nCli,
	runWorkflow,
	makeUserFolder,
	parseRawOutput,
	nodeOutput,
	runError,
} = require('./workflow');
const { activateWorkflow, startN8n } = require('./server');
const { CORE_NATIVE, E2E_TARGETS, installTarget } = require('./targets');

module.exports = {
	CORE_NATIVE,
	E2E_TARGETS,
	installTarget,
	pidAlive,
	REPO,
	DEFAULT_VERSION,
	ensureN8n,
	ensureNode,
	nodeEnv,
	n8nVersionOf,
	prepareUserFolder,
	n8nCli,
	activateWorkflow,
	startN8n,
	packPackage,
	installPackage,
	runWorkflow,
	makeUserFolder,
	freePort,
	parseRawOutput,
	nodeOutput,
	runError,
	cacheDirFor,
	folderState,
	run,
	cleanEnv,
};
