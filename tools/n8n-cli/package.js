'use strict';
// This package as users get it: packed with npm pack, installed where n8n looks for community nodes.
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { REPO, MINUTE, tail } = require('./common');
const { run, npmCommand } = require('./process');

/** `npm pack` of the built package into a fresh temp folder; returns the .tgz path. */
async function packPackage(repo = REPO, { destination } = {}) {
	if (!fs.existsSync(path.join(repo, 'dist'))) throw new Error(`${repo}/dist does not exist: run npm run build first`);
	const dest = destination ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-nodes-aog-pack-')));
	const result = await run(npmCommand(), ['pack', '--json', '--pack-destination', dest], {
		cwd: repo,
		timeoutMs: 2 * MINUTE,
	});
	if (result.code !== 0)
		throw new Error(`npm pack failed (exit ${result.code}):\n${tail(result.stderr || result.stdout)}`);
	let info;
	try {
		info = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')));
	} catch {
		throw new Error(`npm pack printed no JSON:\n${tail(result.stdout)}`);
	}
	const tgz = path.join(dest, info[0].filename);
	if (!fs.existsSync(tgz)) throw new Error(`npm pack reported ${tgz}, which does not exist`);
	return tgz;
}

/**
 * Installs a packed community package where n8n looks for installed nodes
 * (<userFolder>/.n8n/nodes): node type n8n-nodes-aog.aog, credential aogApi.
 */
async function installPackage(userFolder, tgz) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
		fs.writeFileSync(path.join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true}\n');
	}
	const result = await run(
		npmCommand(),
		// --prefer-offline: npm still resolves the peer n8n-workflow's metadata; from its cache when it has it (seconds saved)
		[
			'install',
			'--prefix',
			nodesDir,
			'--omit=peer',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--prefer-offline',
			'--loglevel=error',
			tgz,
		],
		{ cwd: userFolder, timeoutMs: 3 * MINUTE },
	);
	if (result.code !== 0)
		throw new Error(`npm install of ${tgz} failed (exit ${result.code}):\n${tail(result.stderr || result.stdout)}`);
	return nodesDir;
}

module.exports = { packPackage, installPackage };
