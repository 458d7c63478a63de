'use strict';
// Drives the real n8n CLI headlessly (see /work/shared/N8N-PRACTICE.md): installs it on demand into
// <repo>/.cache/n8n-<version>/, packs and installs this package the way users get it, and runs a
// workflow with `n8n execute` in a fresh user folder. Plain CommonJS, no dependencies; used by
// scripts/demo.js, the e2e test and the benchmark.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const TEMPLATE = path.join(REPO, 'scripts', 'n8n-cli', 'package.json');
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
function run(command, args, { cwd = REPO, env = cleanEnv(), timeoutMs = 5 * MINUTE, input, onStdout, onStderr } = {}) {
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
			reject(new Error(`could not start ${command}: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			process.removeListener('exit', onExit);
			// The group may still hold stragglers (a task runner); end them.
			killGroup('SIGKILL');
			resolve({ code, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
	});
}

function npmCommand() {
	return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function tail(text, lines = 25) {
	return String(text).trimEnd().split('\n').slice(-lines).join('\n');
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

function writeMarker(dir, version) {
	fs.writeFileSync(
		path.join(dir, MARKER),
		`${JSON.stringify({ version, bin: path.relative(dir, binPath(dir)), at: new Date().toISOString() }, null, 2)}\n`,
	);
}

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
 */
async function ensureN8n(version = DEFAULT_VERSION, { timeoutMs = INSTALL_TIMEOUT_MS } = {}) {
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
		log(`installing n8n@${version} into ${path.relative(REPO, dir)} (about 3 minutes, 2.3 GB; output in install.log)`);
		const append = (chunk) => fs.appendFileSync(logFile, chunk);
		const result = await run(
			npmCommand(),
			// n8n needs its native modules (sqlite3) built: scripts must run, whatever .npmrc says.
			['install', '--no-audit', '--no-fund', '--ignore-scripts=false', '--loglevel=warn'],
			{ cwd: tmp, timeoutMs, onStdout: append, onStderr: append },
		);
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
		writeMarker(tmp, version);
		fs.renameSync(tmp, dir);
		log(`n8n@${version} installed`);
		return binPath(dir);
	}).then(async (bin) => bin ?? (await ensureN8n(version, { timeoutMs })));
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

/**
 * Runs `workflow` with the real n8n CLI in a fresh N8N_USER_FOLDER:
 * import:credentials, import:workflow, then `execute --id=<id> --rawOutput`.
 *
 * options:
 *   n8nBin           path returned by ensureN8n()
 *   workflow         workflow JSON (with a fixed "id" of at most 21 characters)
 *   credentials      [{ id, name, type, data }] (plain data; n8n encrypts it on import)
 *   userFolder       use this user folder (e.g. one installPackage() filled); default: a new temp folder
 *   packageTgz       install this packed package into the user folder first
 *   fileAccess       folders nodes may read/write (N8N_RESTRICT_FILE_ACCESS_TO); default: the folders of
 *                    the Read/Write Files nodes' literal paths
 *   env              extra environment variables
 *   timeoutMs        limit for `n8n execute` (default 10 min); imports get 3 min each
 * Resolves { exitCode, result, stdout, stderr, userFolder, durationMs, timedOut, runnersBrokerPort }.
 */
async function runWorkflow({
	n8nBin,
	workflow,
	credentials = [],
	userFolder,
	packageTgz,
	fileAccess,
	env = {},
	timeoutMs = 10 * MINUTE,
} = {}) {
	if (!n8nBin) throw new Error('runWorkflow: n8nBin is required (see ensureN8n)');
	if (!workflow?.id) throw new Error('runWorkflow: the workflow needs a fixed "id"');
	if (String(workflow.id).length > 21) throw new Error(`runWorkflow: workflow id "${workflow.id}" is longer than 21 characters`);
	const folder = userFolder ?? (await makeUserFolder());
	if (packageTgz) await installPackage(folder, packageTgz);

	const ioDir = path.join(folder, 'cli-input');
	fs.mkdirSync(ioDir, { recursive: true });
	const credentialsFile = path.join(ioDir, 'credentials.json');
	const workflowFile = path.join(ioDir, 'workflow.json');
	fs.writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2));
	fs.writeFileSync(workflowFile, JSON.stringify(workflow, null, 2));

	const folders = (fileAccess ?? fileFoldersOf(workflow)).map(realFolder);
	const runnersBrokerPort = await freePort();
	const childEnv = cleanEnv({
		N8N_USER_FOLDER: folder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_RUNNERS_BROKER_PORT: String(runnersBrokerPort),
		N8N_RESTRICT_FILE_ACCESS_TO: folders.join(';'),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		...env,
	});

	const started = Date.now();
	const importTimeout = 3 * MINUTE;
	if (credentials.length) {
		const imported = await run(n8nBin, ['import:credentials', `--input=${credentialsFile}`], { cwd: folder, env: childEnv, timeoutMs: importTimeout });
		if (imported.code !== 0 || imported.timedOut) {
			throw new Error(`n8n import:credentials failed (exit ${imported.code}${imported.timedOut ? ', timed out' : ''}):\n${tail(imported.stderr || imported.stdout)}`);
		}
	}
	const importedWf = await run(n8nBin, ['import:workflow', `--input=${workflowFile}`], { cwd: folder, env: childEnv, timeoutMs: importTimeout });
	if (importedWf.code !== 0 || importedWf.timedOut) {
		throw new Error(`n8n import:workflow failed (exit ${importedWf.code}${importedWf.timedOut ? ', timed out' : ''}):\n${tail(importedWf.stderr || importedWf.stdout)}`);
	}

	const executed = await run(n8nBin, ['execute', `--id=${workflow.id}`, '--rawOutput'], { cwd: folder, env: childEnv, timeoutMs });
	return {
		exitCode: executed.code,
		signal: executed.signal,
		timedOut: executed.timedOut,
		result: parseRawOutput(executed.stdout),
		stdout: executed.stdout,
		stderr: executed.stderr,
		userFolder: folder,
		durationMs: Date.now() - started,
		executeMs: executed.durationMs,
		runnersBrokerPort,
		fileAccess: folders,
	};
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
	REPO,
	DEFAULT_VERSION,
	ensureN8n,
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
