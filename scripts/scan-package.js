#!/usr/bin/env node
'use strict';
// n8n's community package scanner (@n8n/scan-community-package), run locally on this package the way it runs
// on a published one. Its command line only scans packages already on npm (it checks the npm provenance, then
// downloads the attested source commit and the tarball), so this script calls the analysis it exports,
// analyzePackage, on the same two inputs:
//   1. the source: package.json, nodes/ and credentials/ (the scanner's SOURCE_FILE_PATTERNS), and
//   2. the tarball `npm pack` makes, unpacked: its compiled **/*.js and its package.json.
// Exit code 1 when either has an error. Needs `npm run build` first (the tarball holds dist/).
// The scanner's rules and configuration are its own (it lints with its own eslint setup, not with
// eslint.config.mjs). What it checks: docs/VERIFICATION.md.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { createRequire } = require('node:module');

require('./usage').answerHelp(`Usage: node scripts/scan-package.js   (npm run scan; after npm run build)

Runs the analysis of n8n's community package scanner on the source (package.json, nodes/, credentials/) and on
the unpacked npm pack tarball. No options; exit code 1 when either has an error.

  -h, --help    this text`);

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));

function packTarball(destination) {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: root, encoding: 'utf8' }),
	);
	const unpacked = path.join(destination, 'package');
	execFileSync('tar', ['-xzf', path.join(destination, packed.filename), '-C', destination]);
	return unpacked;
}

async function main() {
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		if (!fs.existsSync(path.join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
	}
	const scannerFile = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
	// The scanner makes a temporary folder when it loads; remove it when this process exits.
	createRequire(scannerFile)('tmp').setGracefulCleanup();
	const scanner = await import(scannerFile);
	const scannerVersion = require('@n8n/scan-community-package/package.json').version;

	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-aog-scan-'));
	try {
		const legs = [
			{ name: 'source (package.json, nodes/, credentials/)', dir: root, patterns: scanner.SOURCE_FILE_PATTERNS },
			{
				name: 'npm pack tarball (**/*.js, package.json)',
				dir: packTarball(workDir),
				patterns: ['**/*.js', 'package.json'],
			},
		];
		let failed = false;
		for (const leg of legs) {
			const result = await scanner.analyzePackage(leg.dir, leg.patterns);
			if (result.message === 'No files found to analyze') {
				failed = true;
				console.error(`✖ ${leg.name}: no files found to analyze`);
			} else if (result.passed) {
				console.log(`✔ ${leg.name}: passed`);
			} else {
				failed = true;
				console.error(`✖ ${leg.name}: ${result.message}`);
				if (result.details) console.error(result.details);
			}
		}
		if (failed) {
			console.error(`@n8n/scan-community-package ${scannerVersion}: the package fails n8n's scan.`);
			process.exitCode = 1;
		} else {
			console.log(`@n8n/scan-community-package ${scannerVersion}: the source and the tarball pass n8n's scan.`);
		}
	} finally {
		fs.rmSync(workDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
