#!/usr/bin/env node
'use strict';
// Installs every n8n version the e2e suites run (tools/n8n-cli/targets.js) into .cache/, one after the other, so that
// CI can do it in the background while the build, the lints and the unit and engine suites run. Installing is what
// the suites would do themselves: a suite that starts while a version is being installed waits for it, and one that
// finds an install failed tries again. Exits 0 either way.
const { answerHelp } = require('./usage');

answerHelp(`Usage: node scripts/prefetch-n8n.js

Installs the n8n CLI versions the e2e suites use (with Node.js 24 from npm where they need it) into .cache/.
Installed versions are skipped. .ci/run starts it in the background before the tests.

Options:
  --help   this text`);

const { E2E_TARGETS, installTarget } = require('../tools/n8n-cli/targets');

(async () => {
	for (const target of E2E_TARGETS) {
		const started = Date.now();
		try {
			await installTarget(target);
			console.log(
				`n8n ${target.n8n} (Node ${target.nodeMajor}) ready in ${Math.round((Date.now() - started) / 1000)} s`,
			);
		} catch (error) {
			console.log(`n8n ${target.n8n} (Node ${target.nodeMajor}) failed, the suites will try again: ${error.message}`);
		}
	}
})();
