'use strict';
// Installing on demand into <repo>/.cache/: Node.js majors from the npm package `node@<major>`, and the n8n CLI
// (npm install with one more try, a lock folder against our own parallel installs, temp folders renamed into place).
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const { REPO, MINUTE, sleep, log, tail } = require('./common');
const { cleanEnv, run, npmCommand, pidAlive } = require('./process');

const TEMPLATE = path.join(__dirname, 'n8n-wrapper.package.json');
const DEFAULT_VERSION = '2.8.4';
const MARKER = '.n8n-cli-installed.json';

const INSTALL_TIMEOUT_MS = 25 * MINUTE;
const WAIT_FOR_FOREIGN_INSTALL_MS = 25 * MINUTE;
/** An install.log untouched for this long, without its final "done" line, belongs to a dead install. */
const STALE_LOG_MS = 10 * MINUTE;

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
		const result = await npmInstall(
			['--no-audit', '--no-fund', '--ignore-scripts=false', '--loglevel=error', `node@${major}`],
			{ cwd: tmp, timeoutMs },
			`node@${major}`,
		);
		const found = describeNodeInstall(tmp);
		if (result.code !== 0 || result.timedOut || !found) {
			throw new Error(
				`npm install node@${major} failed (exit ${result.code}${result.timedOut ? ', timed out' : ''}):\n${tail(result.stderr || result.stdout)}`,
			);
		}
		const probe = await run(found.nodeBin, ['--version'], { cwd: tmp, timeoutMs: MINUTE });
		if (probe.code !== 0 || !probe.stdout.trim().startsWith(`v${major}.`)) {
			throw new Error(
				`${found.nodeBin} --version printed "${probe.stdout.trim()}" (exit ${probe.code}), not v${major}.x`,
			);
		}
		fs.writeFileSync(
			path.join(tmp, MARKER),
			`${JSON.stringify({ node: probe.stdout.trim(), at: new Date().toISOString() }, null, 2)}\n`,
		);
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
			if (Date.now() > deadline)
				throw new Error(`timed out waiting for the install lock ${lockDir} (held by process ${owner})`);
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
			log(
				`${path.relative(REPO, dir)} is being installed by another process; waiting for its install.log to end with "done 0"`,
			);
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
		log(
			`installing n8n@${version} into ${path.relative(REPO, dir)}${nodeNote} (about 3 minutes, 2.3 GB; output in install.log)`,
		);
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
				{
					cwd: tmp,
					timeoutMs: Math.max(MINUTE, timeoutMs - (Date.now() - installStarted)),
					env: npmEnv,
					onStdout: append,
					onStderr: append,
				},
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
		writeMarker(tmp, version, {
			node: nodeInfo(node)?.nodeBin ?? process.execPath,
			rebuildOnly,
			installMs: result.durationMs,
		});
		fs.renameSync(tmp, dir);
		log(`n8n@${version} installed`);
		return binPath(dir);
	}).then(async (bin) => bin ?? (await ensureN8n(version, { timeoutMs, node, rebuildOnly })));
}

/** The n8n version a bin from ensureN8n() belongs to (its node_modules/n8n/package.json). */
function n8nVersionOf(n8nBin) {
	const dir = path.dirname(path.dirname(path.dirname(n8nBin)));
	return installedVersion(dir);
}

module.exports = { DEFAULT_VERSION, ensureNode, nodeInfo, nodeEnv, ensureN8n, cacheDirFor, folderState, n8nVersionOf };
