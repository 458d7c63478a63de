#!/usr/bin/env node
// Verified-community-node rules that lint does not cover: no runtime dependencies, the right peer dependency,
// and every file the package.json "n8n" section names exists in the build.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

require('./usage').answerHelp(`Usage: node scripts/check-package.js   (after npm run build)

Checks the verified-community-node rules that lint does not cover: no runtime dependencies, peerDependencies exactly
{"n8n-workflow": "*"}, no install lifecycle scripts, and every file package.json's "n8n" section names is built.
No options; exit code 1 on a problem.

  -h, --help    this text`);

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const problems = [];

if (Object.keys(pkg.dependencies ?? {}).length > 0) problems.push(`runtime dependencies: ${Object.keys(pkg.dependencies).join(', ')}`);
if (JSON.stringify(pkg.peerDependencies) !== JSON.stringify({ 'n8n-workflow': '*' })) problems.push('peerDependencies must be exactly {"n8n-workflow": "*"}');
const runtime = execFileSync('npm', ['ls', '--omit=dev', '--omit=peer', '--parseable', '--all'], { cwd: root, encoding: 'utf8' })
	.trim().split('\n').filter((line) => line && path.resolve(line) !== root);
if (runtime.length > 0) problems.push(`npm ls --omit=dev lists: ${runtime.join(', ')}`);
for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
	if (!fs.existsSync(path.join(root, file))) problems.push(`${file} is missing (run npm run build)`);
}
for (const script of ['preinstall', 'install', 'postinstall']) {
	if (pkg.scripts?.[script]) problems.push(`install lifecycle script "${script}" is not allowed`);
}

if (problems.length > 0) {
	console.error(`Package check failed:\n- ${problems.join('\n- ')}`);
	process.exit(1);
}
console.log('Package check passed: no runtime dependencies, peer n8n-workflow "*", all n8n entry files built.');
