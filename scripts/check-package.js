#!/usr/bin/env node
// Verified-community-node rules that lint does not cover: no runtime dependencies, the right peer dependency,
// every file the package.json "n8n" section names exists in the build, and the npm tarball holds exactly
// dist/nodes/, dist/credentials/, package.json, README.md, LICENSE and the "main" file (npm pack --dry-run).
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

if (Object.keys(pkg.dependencies ?? {}).length > 0)
	problems.push(`runtime dependencies: ${Object.keys(pkg.dependencies).join(', ')}`);
if (JSON.stringify(pkg.peerDependencies) !== JSON.stringify({ 'n8n-workflow': '*' }))
	problems.push('peerDependencies must be exactly {"n8n-workflow": "*"}');
let npmLs;
try {
	npmLs = execFileSync('npm', ['ls', '--omit=dev', '--omit=peer', '--parseable', '--all'], {
		cwd: root,
		encoding: 'utf8',
		stdio: 'pipe',
	});
} catch (error) {
	// npm ls exits 1 when a dependency is declared but missing; what it lists is still on stdout.
	npmLs = error.stdout ?? '';
	problems.push(
		`npm ls --omit=dev failed: ${
			String(error.stderr ?? error.message)
				.trim()
				.split('\n')[0]
		}`,
	);
}
const runtime = npmLs
	.trim()
	.split('\n')
	.filter((line) => line && path.resolve(line) !== root);
if (runtime.length > 0) problems.push(`npm ls --omit=dev lists: ${runtime.join(', ')}`);
for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
	if (!fs.existsSync(path.join(root, file))) problems.push(`${file} is missing (run npm run build)`);
}
// What `npm pack` puts in the tarball. npm adds every root README* and LICENSE* by itself, whatever "files"
// says, so a second README at the root (another language, say) would ship too.
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }));
const packedPaths = packed.files.map((file) => file.path);
const rootFiles = ['package.json', 'README.md', 'LICENSE', ...(pkg.main ? [path.normalize(pkg.main)] : [])];
const folders = ['dist/nodes/', 'dist/credentials/'];
const unexpected = packedPaths.filter(
	(file) => !rootFiles.includes(file) && !folders.some((folder) => file.startsWith(folder)),
);
if (unexpected.length > 0) problems.push(`the tarball holds files it should not: ${unexpected.join(', ')}`);
for (const file of [
	...rootFiles,
	...[...pkg.n8n.nodes, ...pkg.n8n.credentials].map((entry) => path.normalize(entry)),
]) {
	if (!packedPaths.includes(file)) problems.push(`the tarball lacks ${file}`);
}
for (const folder of folders) {
	if (!packedPaths.some((file) => file.startsWith(folder))) problems.push(`the tarball has nothing under ${folder}`);
}

for (const script of ['preinstall', 'install', 'postinstall']) {
	if (pkg.scripts?.[script]) problems.push(`install lifecycle script "${script}" is not allowed`);
}

if (problems.length > 0) {
	console.error(`Package check failed:\n- ${problems.join('\n- ')}`);
	process.exit(1);
}
console.log(
	`Package check passed: no runtime dependencies, peer n8n-workflow "*", all n8n entry files built, ` +
		`the tarball holds ${rootFiles.join(', ')} and ${packedPaths.length - rootFiles.length} files under ${folders.join(' and ')}, nothing else.`,
);
