'use strict';
// Drives the real n8n CLI headlessly (see /work/shared/N8N-PRACTICE.md): installs it on demand into
// <repo>/.cache/n8n-<version>/, packs and installs this package the way users get it, and runs a
// workflow with `n8n execute` in a fresh user folder. Plain CommonJS, no dependencies; used by
// scripts/demo.js, the e2e tests and the benchmark.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const TEMPLATE = path.join(__dirname, 'n8n-wrapper.package.json');
const DEFAULT_VERSION = '2.8.4';
const MARKER = '.n8n-cli-installed.json';

const MINUTE = 60_000;
const INSTALL_TIMEOUT_MS = 25 * MINUTE;
const WAIT_FOR_FOREIGN_INSTALL_MS = 25 * MINUTE;
/** An install.log untouched for this long, without its final "done" line, belongs to a dead install. */
const STALE_LOG_MS = 10 * MINUTE;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function log(message) {
	if (process.env.N8N_CLI_QUIET !== '1') process.stderr.write(`[n8n-cli] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Child processes

/**
 * Environment for child processes: the caller's, minus the npm_* variables an `npm run` parent
 * exports (npm_config_prefix, npm_config_ignore_scripts … would silently change what npm does),
 * and minus what jest sets: under NODE_ENV=test `n8n execute` prints nothing and exits 0.
 */
function cleanEnv(extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || /^JEST_/.test(key) || key === 'NODE_ENV') continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}

/**
 * Runs a command with a hard timeout. The child gets its own process group so that a timeout
 * also ends what it started (n8n starts a task-runner process); only that group is signalled.
 * Resolves { code, signal, stdout, stderr, timedOut, durationMs }; never rejects on exit codes.
 */
function run(command, args, { cwd = REPO, env = cleanEnv(), timeoutMs = 5 * MINUTE, input, onStdout, onStderr, signal } = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		const killGroup = (signal) => {
			try {
				process.kill(-child.pid, signal);
			} catch {
				try {
					child.kill(signal);
				} catch {
					// already gone
				}
			}
		};
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup('SIGTERM');
			setTimeout(() => killGroup('SIGKILL'), 5000).unref();
		}, timeoutMs);
		// If this process is interrupted, do not leave the child's group behind.
		const onExit = () => killGroup('SIGKILL');
		process.once('exit', onExit);
		// An abort (the caller is done with a server it started) ends the group like a timeout.
		const onAbort = () => {
			killGroup('SIGTERM');
			setTimeout(() => killGroup('SIGKILL'), 5000).unref();
		};
		if (signal?.aborted) onAbort();
		else signal?.addEventListener('abort', onAbort, { once: true });
		child.stdout.setEncoding('utf8');
		child.stderr.setEncoding('utf8');
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			if (onStdout) onStdout(chunk);
		});
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
			if (onStderr) onStderr(chunk);
		});
		child.on('error', (error) => {
			clearTimeout(timer);
			process.removeListener('exit', onExit);
			signal?.removeEventListener('abort', onAbort);
			reject(new Error(`could not start ${command}: ${error.message}`));
		});
		child.on('close', (code, exitSignal) => {
			clearTimeout(timer);
			process.removeListener('exit', onExit);
			signal?.removeEventListener('abort', onAbort);
			// The group may still hold stragglers (a task runner); end them.
			killGroup('SIGKILL');
			resolve({ code, signal: exitSignal, stdout, stderr, timedOut, durationMs: Date.now() - started });
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
	});
}

function npmCommand() {
	return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/**
 * `npm install <args>`, tried once more if it fails without timing out (both tries within timeoutMs): a registry
 * hiccup should not fail a CI run.
 */
async function npmInstall(args, options, what) {
	const started = Date.now();
	for (let attempt = 1; ; attempt++) {
		const timeoutMs = Math.max(MINUTE, options.timeoutMs - (Date.now() - started));
		const result = await run(npmCommand(), ['install', ...args], { ...options, timeoutMs });
		if (result.code === 0 || result.timedOut || attempt === 2) return result;
		options.onStderr?.(`npm install failed (exit ${result.code}); trying once more\n`);
		log(`npm install ${what} failed (exit ${result.code}); trying once more`);
	}
}

function tail(text, lines = 25) {
	return String(text).trimEnd().split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Other Node.js versions (the npm package `node@<major>`, installed on demand)

function nodeCacheDirFor(major) {
	return path.join(REPO, '.cache', `node-${major}`);
}

/**
 * { nodeBin, binDir, nodeDir, version } of a Node.js installed in `dir` from the npm package `node`
 * (node_modules/node/bin/node; its headers, for native modules, in node-<platform>-<arch>/include).
 */
function describeNodeInstall(dir) {
	const pkgDir = path.join(dir, 'node_modules', 'node');
	const nodeBin = path.join(pkgDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
	if (!fs.existsSync(nodeBin)) return undefined;
	const archPkg = path.join(pkgDir, 'node_modules', `node-${process.platform}-${process.arch}`);
	let version;
	try {
		version = JSON.parse(fs.readFileSync(path.join(archPkg, 'package.json'), 'utf8')).version;
	} catch {
		version = undefined;
	}
	return {
		nodeBin,
		binDir: path.dirname(nodeBin),
		nodeDir: fs.existsSync(path.join(archPkg, 'include', 'node')) ? archPkg : undefined,
		version,
	};
}

/**
 * Installs the newest Node.js <major> from the npm package `node@<major>` into
 * <repo>/.cache/node-<major>/ on first use (about 130 MB, seconds), no system install, and returns
 * { nodeBin, binDir, nodeDir, version }. Pass the result as the `node` option of ensureN8n and
 * runWorkflow. Interrupted installs are redone (temp folder renamed into place when complete).
 */
async function ensureNode(major = '24', { timeoutMs = 5 * MINUTE } = {}) {
	const dir = nodeCacheDirFor(major);
	const ready = () => {
		const found = fs.existsSync(path.join(dir, MARKER)) ? describeNodeInstall(dir) : undefined;
		return found && String(found.version ?? '').split('.')[0] === String(major) ? found : undefined;
	};
	const existing = ready();
	if (existing) return existing;
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	return await withInstallLock(`${dir}.lock`, async () => {
		const again = ready();
		if (again) return again;
		const tmp = `${dir}.tmp-${process.pid}`;
		await fsp.rm(tmp, { recursive: true, force: true });
		fs.mkdirSync(tmp, { recursive: true });
		fs.writeFileSync(path.join(tmp, 'package.json'), '{"private":true}\n');
		log(`installing node@${major} (npm package) into ${path.relative(REPO, dir)}`);
		// The package's preinstall fetches the platform binary (node-<platform>-<arch>): scripts must run.
		const result = await npmInstall(['--no-audit', '--no-fund', '--ignore-scripts=false', '--loglevel=error', `node@${major}`], { cwd: tmp, timeoutMs }, `node@${major}`);
		const found = describeNodeInstall(tmp);
		if (result.code !== 0 || result.timedOut || !found) {
			throw new Error(`npm install node@${major} failed (exit ${result.code}${result.timedOut ? ', timed out' : ''}):\n${tail(result.stderr || result.stdout)}`);
		}
		const probe = await run(found.nodeBin, ['--version'], { cwd: tmp, timeoutMs: MINUTE });
		if (probe.code !== 0 || !probe.stdout.trim().startsWith(`v${major}.`)) {
			throw new Error(`${found.nodeBin} --version printed "${probe.stdout.trim()}" (exit ${probe.code}), not v${major}.x`);
		}
		fs.writeFileSync(path.join(tmp, MARKER), `${JSON.stringify({ node: probe.stdout.trim(), at: new Date().toISOString() }, null, 2)}\n`);
		await fsp.rm(dir, { recursive: true, force: true });
		fs.renameSync(tmp, dir);
		log(`node ${probe.stdout.trim()} installed`);
		return describeNodeInstall(dir);
	});
}

/** Normalises the `node` option (a path to a node binary, or what ensureNode returned). */
function nodeInfo(node) {
	if (!node) return undefined;
	if (typeof node === 'string') return { nodeBin: node, binDir: path.dirname(node), nodeDir: undefined };
	if (!node.nodeBin) throw new Error('the node option needs a nodeBin (see ensureNode)');
	return { binDir: path.dirname(node.nodeBin), ...node };
}

/**
 * Environment additions that make children use `node`: its folder first on PATH (the n8n bin and
 * npm start with `#!/usr/bin/env node`; n8n's task runner uses the same binary), and its headers
 * for node-gyp (this machine's npmrc points nodedir at the system Node's headers).
 */
function nodeEnv(node, base = process.env) {
	const info = nodeInfo(node);
	if (!info) return {};
	const extra = { PATH: [info.binDir, base.PATH ?? ''].filter(Boolean).join(path.delimiter) };
	if (info.nodeDir) extra.npm_config_nodedir = info.nodeDir;
	return extra;
}

// ---------------------------------------------------------------------------------------------
// Installing the n8n CLI

function cacheDirFor(version) {
	return path.join(REPO, '.cache', `n8n-${version}`);
}

function binPath(dir) {
	return path.join(dir, 'node_modules', '.bin', process.platform === 'win32' ? 'n8n.cmd' : 'n8n');
}

function installedVersion(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')).version;
	} catch {
		return undefined;
	}
}

/** The last line of an install.log ("done <code>" when the install that wrote it finished). */
function installLogState(dir) {
	const file = path.join(dir, 'install.log');
	let stat;
	try {
		stat = fs.statSync(file);
	} catch {
		return { exists: false };
	}
	const text = fs.readFileSync(file, 'utf8').trimEnd();
	const last = text.slice(text.lastIndexOf('\n') + 1);
	const match = /^done (-?\d+)$/.exec(last.trim());
	return { exists: true, done: Boolean(match), code: match ? Number(match[1]) : undefined, mtimeMs: stat.mtimeMs };
}

/**
 * How a cache folder stands: 'complete' (bin and version present, and no unfinished install.log),
 * 'installing' (an install.log without its final "done" line that is still being written),
 * 'broken' (anything else that exists), or 'absent'.
 */
function folderState(dir, version) {
	if (!fs.existsSync(dir)) return 'absent';
	const hasBin = fs.existsSync(binPath(dir));
	const versionOk = installedVersion(dir) === version;
	if (fs.existsSync(path.join(dir, MARKER)) && hasBin && versionOk) return 'complete';
	const logState = installLogState(dir);
	if (logState.exists && !logState.done) {
		return Date.now() - logState.mtimeMs < STALE_LOG_MS ? 'installing' : 'broken';
	}
	if (logState.exists && logState.done && logState.code !== 0) return 'broken';
	// A finished install (log ends in "done 0", or no log at all but everything in place).
	return hasBin && versionOk ? 'complete' : 'broken';
}

function writeMarker(dir, version, extra = {}) {
	fs.writeFileSync(
		path.join(dir, MARKER),
		`${JSON.stringify({ version, bin: path.relative(dir, binPath(dir)), ...extra, at: new Date().toISOString() }, null, 2)}\n`,
	);
}

/** Whether a process with this id exists (EPERM: it does, but belongs to someone else). */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** A lock folder (mkdir is atomic) so that two of our own processes never install at once. */
async function withInstallLock(lockDir, fn) {
	const deadline = Date.now() + WAIT_FOR_FOREIGN_INSTALL_MS;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			let owner;
			try {
				owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				owner = undefined;
			}
			if (owner && !pidAlive(owner)) {
				log(`removing the stale install lock of process ${owner}`);
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${lockDir} (held by process ${owner})`);
			await sleep(3000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

/**
 * Installs the n8n CLI into <repo>/.cache/n8n-<version>/ on first use and returns the path of its
 * `n8n` bin. Idempotent; safe when interrupted: the install happens in a temporary sibling folder
 * that is renamed into place only once it is complete (with a marker file written last), so a
 * half-installed final folder never appears. A folder being filled by someone else (an install.log
 * without its final "done 0") is waited for, never deleted; only a dead, unfinished one is moved aside.
 *
 * options:
 *   node         install (and build native modules) with this Node.js: a node binary path, or what
 *                ensureNode() returned; n8n ≥ 2.10 needs Node ≥ 22, the latest 2.x Node 24
 *   rebuildOnly  run no install scripts except those of these packages (e.g. ['sqlite3', 'isolated-vm']),
 *                for n8n versions whose other native modules download from GitHub at install time
 *   timeoutMs    limit for the whole install (default 25 min)
 * The cache folder is keyed by the n8n version only: install each version with one Node major.
 */
async function ensureN8n(version = DEFAULT_VERSION, { timeoutMs = INSTALL_TIMEOUT_MS, node, rebuildOnly } = {}) {
	const dir = cacheDirFor(version);
	const quick = folderState(dir, version);
	if (quick === 'complete') {
		if (!fs.existsSync(path.join(dir, MARKER))) writeMarker(dir, version);
		return binPath(dir);
	}

	// Someone else (a manual `npm install`) may be filling the final folder right now: wait for it.
	const waitDeadline = Date.now() + WAIT_FOR_FOREIGN_INSTALL_MS;
	let announced = false;
	while (folderState(dir, version) === 'installing') {
		if (!announced) {
			log(`${path.relative(REPO, dir)} is being installed by another process; waiting for its install.log to end with "done 0"`);
			announced = true;
		}
		if (Date.now() > waitDeadline) throw new Error(`timed out waiting for the install in ${dir} to finish`);
		await sleep(5000);
	}

	fs.mkdirSync(path.dirname(dir), { recursive: true });
	return await withInstallLock(`${dir}.lock`, async () => {
		const state = folderState(dir, version);
		if (state === 'complete') {
			if (!fs.existsSync(path.join(dir, MARKER))) writeMarker(dir, version);
			return binPath(dir);
		}
		if (state === 'installing') {
			// Started while we waited for the lock; go round again.
			return null;
		}
		if (state === 'broken') {
			const aside = `${dir}.broken-${Date.now()}`;
			log(`moving the unfinished install ${path.relative(REPO, dir)} aside to ${path.basename(aside)} and removing it`);
			fs.renameSync(dir, aside);
			await fsp.rm(aside, { recursive: true, force: true });
		}

		// Temp folders of our own installs that were interrupted (their process is gone), and
		// unfinished installs moved aside whose removal was interrupted.
		const prefix = `${path.basename(dir)}.tmp-`;
		for (const name of fs.readdirSync(path.dirname(dir))) {
			if (name.startsWith(`${path.basename(dir)}.broken-`)) {
				await fsp.rm(path.join(path.dirname(dir), name), { recursive: true, force: true });
				continue;
			}
			if (!name.startsWith(prefix)) continue;
			const owner = Number(name.slice(prefix.length));
			if (owner && owner !== process.pid && pidAlive(owner)) continue;
			log(`removing ${name}, left by an interrupted install`);
			await fsp.rm(path.join(path.dirname(dir), name), { recursive: true, force: true });
		}

		const tmp = `${dir}.tmp-${process.pid}`;
		await fsp.rm(tmp, { recursive: true, force: true });
		fs.mkdirSync(tmp, { recursive: true });
		const template = JSON.parse(fs.readFileSync(TEMPLATE, 'utf8'));
		template.dependencies = { ...template.dependencies, n8n: version };
		delete template.description;
		fs.writeFileSync(path.join(tmp, 'package.json'), `${JSON.stringify(template, null, 2)}\n`);
		const logFile = path.join(tmp, 'install.log');
		fs.writeFileSync(logFile, `npm install n8n@${version} (${new Date().toISOString()})\n`);
		const nodeNote = node ? ` with ${nodeInfo(node).nodeBin}` : '';
		fs.appendFileSync(logFile, `node: ${nodeInfo(node)?.nodeBin ?? process.execPath}\n`);
		log(`installing n8n@${version} into ${path.relative(REPO, dir)}${nodeNote} (about 3 minutes, 2.3 GB; output in install.log)`);
		const append = (chunk) => fs.appendFileSync(logFile, chunk);
		// With `node`, npm itself and node-gyp run on that Node, so native modules match its ABI.
		const npmEnv = cleanEnv(nodeEnv(node));
		const installStarted = Date.now();
		// n8n needs its native modules (sqlite3, isolated-vm) built: scripts must run, whatever .npmrc
		// says. With rebuildOnly, no install script runs except those of the named packages, rebuilt
		// afterwards: newer n8n pulls native modules (Kafka's librdkafka…) whose install scripts
		// download from GitHub and fail where only the npm registry is reachable.
		let result = await npmInstall(
			['--no-audit', '--no-fund', `--ignore-scripts=${rebuildOnly ? 'true' : 'false'}`, '--loglevel=warn'],
			{ cwd: tmp, timeoutMs, env: npmEnv, onStdout: append, onStderr: append },
			`n8n@${version}`,
		);
		if (rebuildOnly && result.code === 0 && !result.timedOut) {
			// every copy of each named package, nested ones included
			fs.appendFileSync(logFile, `npm rebuild ${rebuildOnly.join(' ')} (install scripts of these packages only)\n`);
			result = await run(
				npmCommand(),
				['rebuild', ...rebuildOnly, '--ignore-scripts=false', '--foreground-scripts', '--loglevel=warn'],
				{ cwd: tmp, timeoutMs: Math.max(MINUTE, timeoutMs - (Date.now() - installStarted)), env: npmEnv, onStdout: append, onStderr: append },
			);
		}
		result.durationMs = Date.now() - installStarted;
		fs.appendFileSync(logFile, `done ${result.timedOut ? 'timeout' : result.code}\n`);
		if (result.code !== 0 || result.timedOut) {
			throw new Error(
				`npm install n8n@${version} ${result.timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `failed (exit ${result.code})`}; ` +
					`see ${logFile}\n${tail(result.stderr || result.stdout)}`,
			);
		}
		if (installedVersion(tmp) !== version || !fs.existsSync(binPath(tmp))) {
			throw new Error(`npm install finished but ${tmp} holds no n8n ${version} bin; see ${logFile}`);
		}
		writeMarker(tmp, version, { node: nodeInfo(node)?.nodeBin ?? process.execPath, rebuildOnly, installMs: result.durationMs });
		fs.renameSync(tmp, dir);
		log(`n8n@${version} installed`);
		return binPath(dir);
	}).then(async (bin) => bin ?? (await ensureN8n(version, { timeoutMs, node, rebuildOnly })));
}

// ---------------------------------------------------------------------------------------------
// The package

/** `npm pack` of the built package into a fresh temp folder; returns the .tgz path. */
async function packPackage(repo = REPO, { destination } = {}) {
	if (!fs.existsSync(path.join(repo, 'dist'))) throw new Error(`${repo}/dist does not exist: run npm run build first`);
	const dest = destination ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-nodes-aog-pack-')));
	const result = await run(npmCommand(), ['pack', '--json', '--pack-destination', dest], { cwd: repo, timeoutMs: 2 * MINUTE });
	if (result.code !== 0) throw new Error(`npm pack failed (exit ${result.code}):\n${tail(result.stderr || result.stdout)}`);
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
		['install', '--prefix', nodesDir, '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', tgz],
		{ cwd: userFolder, timeoutMs: 3 * MINUTE },
	);
	if (result.code !== 0) throw new Error(`npm install of ${tgz} failed (exit ${result.code}):\n${tail(result.stderr || result.stdout)}`);
	return nodesDir;
}

// ---------------------------------------------------------------------------------------------
// Running a workflow

/** A free TCP port on 127.0.0.1 (for N8N_RUNNERS_BROKER_PORT, so parallel runs do not collide). */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

async function makeUserFolder(prefix = 'n8n-aog-user-') {
	return await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Folders of the literal (non-expression) file paths that Read/Write Files from Disk nodes use. */
function fileFoldersOf(workflow) {
	const folders = new Set();
	for (const node of workflow.nodes ?? []) {
		if (node.type !== 'n8n-nodes-base.readWriteFile') continue;
		for (const key of ['fileSelector', 'fileName']) {
			const value = node.parameters?.[key];
			if (typeof value !== 'string' || value.startsWith('=') || !path.isAbsolute(value)) continue;
			folders.add(path.dirname(value.replace(/[*?[{].*$/, 'x')));
		}
	}
	return [...folders];
}

function realFolder(folder) {
	fs.mkdirSync(folder, { recursive: true });
	return fs.realpathSync(folder);
}

/** The JSON that `n8n execute --rawOutput` prints: from the first line starting with "{" to the end. */
function parseRawOutput(stdout) {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start === -1) return undefined;
	for (let end = lines.length; end > start; end -= 1) {
		try {
			return JSON.parse(lines.slice(start, end).join('\n'));
		} catch {
			// trailing log lines after the JSON: drop one and retry
		}
	}
	return undefined;
}

/** The n8n version a bin from ensureN8n() belongs to (its node_modules/n8n/package.json). */
function n8nVersionOf(n8nBin) {
	const dir = path.dirname(path.dirname(path.dirname(n8nBin)));
	return installedVersion(dir);
}

function majorOf(version) {
	return Number(String(version ?? '').split('.')[0]) || undefined;
}

/**
 * The command line that runs the n8n bin: `<nodeBin> <n8nBin> …` with `node`, else the bin itself
 * (its shebang picks whatever `node` is first on PATH).
 */
function n8nCommand(n8nBin, node, args) {
	const info = nodeInfo(node);
	return info ? { command: info.nodeBin, args: [n8nBin, ...args] } : { command: n8nBin, args };
}

/**
 * Environment for n8n commands in `folder`. Differences between n8n lines are left at their
 * defaults unless asked for (binaryDataMode): 1.x keeps binary data in memory by default and runs
 * Code nodes in-process; 2.x stores binaries on disk and always starts a task runner.
 */
function n8nEnv({ folder, node, fileFolders = [], runnersBrokerPort, binaryDataMode, env = {} }) {
	const extra = {
		N8N_USER_FOLDER: folder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_RESTRICT_FILE_ACCESS_TO: fileFolders.join(';'),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		...nodeEnv(node),
	};
	if (runnersBrokerPort) extra.N8N_RUNNERS_BROKER_PORT = String(runnersBrokerPort);
	if (binaryDataMode) extra.N8N_DEFAULT_BINARY_DATA_MODE = binaryDataMode;
	return cleanEnv({ ...extra, ...env });
}

/** Runs one n8n CLI command (import, publish …) and throws with its output when it fails. */
async function n8nCli(n8nBin, args, { node, folder, env, timeoutMs = 3 * MINUTE }) {
	const { command, args: argv } = n8nCommand(n8nBin, node, args);
	const result = await run(command, argv, { cwd: folder, env, timeoutMs });
	if (result.code !== 0 || result.timedOut) {
		throw new Error(`n8n ${args[0]} failed (exit ${result.code}${result.timedOut ? ', timed out' : ''}):\n${tail(result.stderr || result.stdout)}`);
	}
	return result;
}

/**
 * Fills a user folder for the n8n CLI: installs the packed package (packageTgz), imports the
 * credentials and every workflow (each needs a fixed "id" of at most 21 characters). Returns
 * { folder, env, fileAccess, runnersBrokerPort } for later n8n commands in that folder.
 */
async function prepareUserFolder({
	n8nBin,
	node,
	workflows = [],
	credentials = [],
	userFolder,
	packageTgz,
	fileAccess,
	binaryDataMode,
	env = {},
} = {}) {
	if (!n8nBin) throw new Error('n8nBin is required (see ensureN8n)');
	for (const workflow of workflows) {
		if (!workflow?.id) throw new Error('every workflow needs a fixed "id"');
		if (String(workflow.id).length > 21) throw new Error(`workflow id "${workflow.id}" is longer than 21 characters`);
	}
	const folder = userFolder ?? (await makeUserFolder());
	if (packageTgz) await installPackage(folder, packageTgz);

	const ioDir = path.join(folder, 'cli-input');
	fs.mkdirSync(ioDir, { recursive: true });
	const fileFolders = (fileAccess ?? workflows.flatMap(fileFoldersOf)).map(realFolder);
	const runnersBrokerPort = await freePort();
	const childEnv = n8nEnv({ folder, node, fileFolders, runnersBrokerPort, binaryDataMode, env });

	if (credentials.length) {
		const credentialsFile = path.join(ioDir, 'credentials.json');
		fs.writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2));
		await n8nCli(n8nBin, ['import:credentials', `--input=${credentialsFile}`], { node, folder, env: childEnv });
	}
	for (const workflow of workflows) {
		const workflowFile = path.join(ioDir, `workflow-${workflow.id}.json`);
		fs.writeFileSync(workflowFile, JSON.stringify(workflow, null, 2));
		await n8nCli(n8nBin, ['import:workflow', `--input=${workflowFile}`], { node, folder, env: childEnv });
	}
	return { folder, env: childEnv, fileAccess: fileFolders, runnersBrokerPort };
}

/**
 * Runs `workflow` with the real n8n CLI in a fresh N8N_USER_FOLDER:
 * import:credentials, import:workflow, then `execute --id=<id> --rawOutput`
 * (the same command in n8n 1.x and 2.x; it starts at the workflow's Manual Trigger).
 *
 * options:
 *   n8nBin           path returned by ensureN8n()
 *   node             run n8n (and its task runner) with this Node.js: a node binary path, or what
 *                    ensureNode() returned; default: the `node` on PATH
 *   workflow         workflow JSON (with a fixed "id" of at most 21 characters)
 *   credentials      [{ id, name, type, data }] (plain data; n8n encrypts it on import)
 *   userFolder       use this user folder (e.g. one installPackage() filled); default: a new temp folder
 *   packageTgz       install this packed package into the user folder first
 *   fileAccess       folders nodes may read/write (N8N_RESTRICT_FILE_ACCESS_TO); default: the folders of
 *                    the Read/Write Files nodes' literal paths
 *   binaryDataMode   N8N_DEFAULT_BINARY_DATA_MODE (default: n8n's own: in memory in 1.x, filesystem in 2.x)
 *   env              extra environment variables
 *   timeoutMs        limit for `n8n execute` (default 10 min); imports get 3 min each
 * Resolves { exitCode, result, stdout, stderr, userFolder, durationMs, timedOut, runnersBrokerPort, n8nVersion }.
 */
async function runWorkflow({ workflow, timeoutMs = 10 * MINUTE, ...folderOptions } = {}) {
	if (!workflow) throw new Error('runWorkflow: workflow is required');
	const { n8nBin, node } = folderOptions;
	const started = Date.now();
	const prepared = await prepareUserFolder({ ...folderOptions, workflows: [workflow] });
	const { command, args } = n8nCommand(n8nBin, node, ['execute', `--id=${workflow.id}`, '--rawOutput']);
	const executed = await run(command, args, { cwd: prepared.folder, env: prepared.env, timeoutMs });
	return {
		exitCode: executed.code,
		signal: executed.signal,
		timedOut: executed.timedOut,
		result: parseRawOutput(executed.stdout),
		stdout: executed.stdout,
		stderr: executed.stderr,
		userFolder: prepared.folder,
		durationMs: Date.now() - started,
		executeMs: executed.durationMs,
		runnersBrokerPort: prepared.runnersBrokerPort,
		fileAccess: prepared.fileAccess,
		n8nVersion: n8nVersionOf(n8nBin),
	};
}

/**
 * Makes an imported workflow active so that `n8n start` registers its production triggers and
 * webhooks: `publish:workflow --id` in 2.x, `update:workflow --id --active=true` in 1.x.
 * Run it before `n8n start` (a running n8n does not notice).
 */
async function activateWorkflow({ n8nBin, node, folder, env, id }) {
	const args = majorOf(n8nVersionOf(n8nBin)) >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'];
	return await n8nCli(n8nBin, args, { node, folder, env });
}

/**
 * Starts `n8n start` in a prepared user folder (see prepareUserFolder) on a free port of
 * 127.0.0.1 and waits until it has printed its editor's address (`readyPattern`: by then the
 * active workflows are registered) and /healthz answers. Production webhooks and forms are then served under
 * url + '/webhook/…' and url + '/form/…'. Resolves { url, port, output(), stop() }; stop() ends the
 * process group (and its task runner). The process is killed after `timeoutMs` in any case.
 */
async function startN8n({ n8nBin, node, folder, env, startTimeoutMs = 3 * MINUTE, timeoutMs = 15 * MINUTE, readyPattern = /Editor is now accessible via/ }) {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const childEnv = {
		...env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `${url}/`,
		N8N_EDITOR_BASE_URL: `${url}/`,
		N8N_SECURE_COOKIE: 'false',
	};
	let output = '';
	const keep = (chunk) => {
		output += chunk;
		if (output.length > 200_000) output = output.slice(-100_000);
	};
	const { command, args } = n8nCommand(n8nBin, node, ['start']);
	const controller = new AbortController();
	let exited;
	const finished = run(command, args, { cwd: folder, env: childEnv, timeoutMs, onStdout: keep, onStderr: keep, signal: controller.signal }).then((result) => {
		exited = result;
		return result;
	});
	const stop = async () => {
		controller.abort();
		return await finished;
	};
	const deadline = Date.now() + startTimeoutMs;
	for (;;) {
		if (exited) throw new Error(`n8n start exited (code ${exited.code}) before it was ready:\n${tail(output, 40)}`);
		// /healthz answers before the routes for webhooks and forms exist and before the active
		// workflows are registered; n8n prints the editor's address once all of that is done.
		if (readyPattern.test(output)) {
			try {
				const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
				if (response.ok) break;
			} catch {
				// not listening yet
			}
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n start was not ready within ${Math.round(startTimeoutMs / 1000)} s:\n${tail(output, 40)}`);
		}
		await sleep(500);
	}
	return { url, port, output: () => output, finished, stop };
}

/**
 * The main-output items of a node in the run data that `n8n execute --rawOutput` printed
 * (result.data.resultData.runData[name][runIndex].data.main[output]).
 */
function nodeOutput(result, nodeName, { runIndex = 0, output = 0 } = {}) {
	return result?.data?.resultData?.runData?.[nodeName]?.[runIndex]?.data?.main?.[output] ?? [];
}

/** The error n8n recorded for the run (message, description, node), if any. */
function runError(result) {
	const error = result?.data?.resultData?.error;
	if (!error) return undefined;
	return { message: error.message, description: error.description, node: error.node?.name, error };
}

module.exports = {
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
