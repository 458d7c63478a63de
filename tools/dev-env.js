'use strict';
// The n8n editor environment behind `npm run dev` (scripts/dev.js), also used by scripts/screenshots.js
// and scripts/check-credential-test.js: the AOG, DashScope and Telegram Bot API dev servers, the real n8n CLI
// (`n8n start`) with this package packed and installed into the user folder's .n8n/nodes, an owner account, the
// credentials ("AOG account", "DashScope account", "Telegram account") and every examples/*.json imported. Plain CommonJS, no dependencies beyond the CLI driver.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const {
	REPO,
	ensureN8n,
	packPackage,
	installPackage,
	freePort,
	run,
	cleanEnv,
	pidAlive,
	nodeEnv,
} = require('./n8n-cli');
const { N8nClient } = require('./n8n-cli/rest-client');

const DEV_DIR = path.join(REPO, '.cache', 'dev');
const EXAMPLES_DIR = path.join(REPO, 'examples');
const SAMPLE_IMAGE = path.join(EXAMPLES_DIR, 'sample.jpg');
/** The folder the examples' Read/Write Files nodes use in the Docker image (n8n 2.x's default file folder). */
const DOCKER_FILES_DIR = '/home/node/.n8n-files';
const DEFAULT_AOG_PORT = 16688;
/** The ports npm run aog-server uses for the DashScope dev server and its result host. */
const DEFAULT_DASHSCOPE_PORT = 16689;
const DEFAULT_STORAGE_PORT = 16690;
/** The Telegram Bot API dev server's port (tools/telegram-server). */
const DEFAULT_TELEGRAM_PORT = 16691;
/** The DashScope dev server's task in the editor: "2 minutes" (5 s queued, 115 s running) × this. */
const DEFAULT_DASHSCOPE_TIME_SCALE = 0.25;
const DEFAULT_N8N_PORT = 5678;
const STATE_FILE = 'dev-state.json';
const OWNER_FILE = 'owner.json';
const EXAMPLES_STATE_FILE = 'examples-imported.json';

const DEFAULT_OWNER = { email: 'dev@example.com', password: 'AogDev-2026', firstName: 'Dev', lastName: 'User' };

const MINUTE = 60_000;
const START_TIMEOUT_MS = 3 * MINUTE;
const STOP_TIMEOUT_MS = 20_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** true when nothing listens on host:port (we can bind it ourselves). */
function portFree(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

function readJson(file, fallback) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return fallback;
	}
}

function writeJson(file, value) {
	fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** A path relative to the repository when inside it, else absolute. */
function displayPath(file) {
	const relative = path.relative(REPO, file);
	return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function tail(text, lines = 30) {
	return String(text).trimEnd().split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Example workflows

/** A workflow id from a file name when the example has none (n8n allows at most 21 characters). */
function idFromFileName(file) {
	const base = path.basename(file, '.json').replace(/[^A-Za-z0-9]/g, '');
	return `ex${base}`.slice(0, 21);
}

/** Replaces the Docker image's file folder in every string of a value (deep). */
function rewritePaths(value, { imagePath, outputDir }) {
	if (typeof value === 'string') {
		return value
			.split(`${DOCKER_FILES_DIR}/sample.jpg`)
			.join(imagePath)
			.split(`${DOCKER_FILES_DIR}/`)
			.join(`${outputDir}/`)
			.split(DOCKER_FILES_DIR)
			.join(outputDir);
	}
	if (Array.isArray(value)) return value.map((item) => rewritePaths(item, { imagePath, outputDir }));
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [key, rewritePaths(item, { imagePath, outputDir })]),
		);
	}
	return value;
}

/**
 * Every examples/*.json, ready for `n8n import:workflow`: file paths moved from the Docker image's
 * ~/.n8n-files to examples/sample.jpg (input) and `outputDir` (output), AOG nodes pointed at `credential`.
 * The demo workflow goes through tools/examples.js's prepareWorkflow, the others through the same rewrite.
 */
function prepareExamples({ outputDir, credential, dashScopeCredential = require('./examples').DASHSCOPE_CREDENTIAL }) {
	const {
		prepareWorkflow,
		prepareDashScopeWorkflow,
		EXAMPLE_WORKFLOW,
		DASHSCOPE_EXAMPLE_WORKFLOW,
	} = require('./examples');
	const files = fs
		.readdirSync(EXAMPLES_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => path.join(EXAMPLES_DIR, name));
	const dir = outputDir.replace(/\\/g, '/');
	const imagePath = SAMPLE_IMAGE.replace(/\\/g, '/');
	const workflows = [];
	for (const file of files) {
		let workflow;
		if (path.resolve(file) === path.resolve(EXAMPLE_WORKFLOW)) {
			workflow = prepareWorkflow({ imagePath: SAMPLE_IMAGE, outputDir });
		} else if (path.resolve(file) === path.resolve(DASHSCOPE_EXAMPLE_WORKFLOW)) {
			workflow = prepareDashScopeWorkflow({ imagePath: SAMPLE_IMAGE, outputDir });
		} else {
			const raw = readJson(file, undefined);
			if (!raw || !Array.isArray(raw.nodes)) continue; // not a workflow (e.g. a credentials file)
			workflow = rewritePaths(raw, { imagePath, outputDir: dir });
		}
		if (!workflow.id) workflow.id = idFromFileName(file);
		for (const node of workflow.nodes) {
			if (node.credentials?.aogApi) node.credentials.aogApi = { id: credential.id, name: credential.name };
			if (node.credentials?.dashScopeApi)
				node.credentials.dashScopeApi = { id: dashScopeCredential.id, name: dashScopeCredential.name };
		}
		workflows.push({ file, workflow });
	}
	return workflows;
}

function hashOf(value) {
	return crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/**
 * The Telegram Bot API dev server (compiled by npm run build into dist/tools) on `port` when free, else any port;
 * what "Telegram account" holds: { server, accessToken, baseUrl }.
 */
async function startTelegramDevServer({ port = DEFAULT_TELEGRAM_PORT, quiet = true } = {}) {
	const compiled = path.join(REPO, 'dist', 'tools', 'telegram-server', 'index.js');
	if (!fs.existsSync(compiled)) throw new Error(`${path.relative(REPO, compiled)} is missing: run npm run build first`);
	const { startTelegramServer } = require(compiled);
	const server = await startTelegramServer({ port: port !== 0 && (await portFree(port)) ? port : 0, quiet });
	return { server, accessToken: server.token, baseUrl: server.url };
}

// ---------------------------------------------------------------------------------------------
// n8n

/** Environment of every n8n command of the dev environment (imports and `n8n start`). */
function n8nEnv({
	userFolder,
	port,
	brokerPort,
	fileAccess,
	listenAddress = '127.0.0.1',
	logLevel = 'info',
	extra = {},
}) {
	return cleanEnv({
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: listenAddress,
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RESTRICT_FILE_ACCESS_TO: fileAccess.join(';'),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: logLevel,
		...extra,
	});
}

async function importInto(n8nBin, kind, file, env) {
	const result = await run(n8nBin, [`import:${kind}`, `--input=${file}`], {
		cwd: env.N8N_USER_FOLDER,
		env,
		timeoutMs: 3 * MINUTE,
	});
	if (result.code !== 0 || result.timedOut) {
		throw new Error(
			`n8n import:${kind} failed (exit ${result.code}${result.timedOut ? ', timed out after 3 min' : ''}):\n${tail(result.stderr || result.stdout)}`,
		);
	}
}

/**
 * Spawns `n8n start` in its own process group, output appended to logFile (and to onOutput).
 * Returns { child, stop(), exited } where exited resolves { code, signal } when the process ends.
 */
function spawnN8n(n8nBin, env, { logFile, onOutput }) {
	const log = fs.openSync(logFile, 'w');
	const child = spawn(n8nBin, ['start'], {
		cwd: env.N8N_USER_FOLDER,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const write = (chunk) => {
		fs.writeSync(log, chunk);
		if (onOutput) onOutput(chunk.toString('utf8'));
	};
	child.stdout.on('data', write);
	child.stderr.on('data', write);
	const killGroup = (signal) => {
		try {
			process.kill(-child.pid, signal);
		} catch {
			// already gone
		}
	};
	// If this process dies without stopping n8n, take n8n (and its task runner) with it.
	const onExit = () => killGroup('SIGKILL');
	process.on('exit', onExit);
	let exitInfo;
	const exited = new Promise((resolve) => {
		child.on('close', (code, signal) => {
			exitInfo = { code, signal };
			process.removeListener('exit', onExit);
			killGroup('SIGKILL'); // stragglers of the group (the task runner)
			try {
				fs.closeSync(log);
			} catch {
				// closed already
			}
			resolve(exitInfo);
		});
		child.on('error', (error) => {
			exitInfo = { code: null, signal: null, error };
			process.removeListener('exit', onExit);
			resolve(exitInfo);
		});
	});
	async function stop(timeoutMs = STOP_TIMEOUT_MS) {
		if (exitInfo) return exitInfo;
		killGroup('SIGTERM');
		const timer = setTimeout(() => killGroup('SIGKILL'), timeoutMs);
		const info = await exited;
		clearTimeout(timer);
		return info;
	}
	return {
		child,
		stop,
		exited,
		get exitInfo() {
			return exitInfo;
		},
	};
}

/** Waits until the editor's REST API answers, or n8n exits, or the deadline passes. */
async function waitForN8n(url, { exited, logFile, timeoutMs = START_TIMEOUT_MS }) {
	const deadline = Date.now() + timeoutMs;
	let gone;
	exited.then((info) => {
		gone = info;
	});
	while (Date.now() < deadline) {
		if (gone) {
			throw new Error(
				`n8n exited while starting (code ${gone.code}${gone.signal ? `, ${gone.signal}` : ''}${gone.error ? `, ${gone.error.message}` : ''}); ${logFile}:\n${tail(readLog(logFile))}`,
			);
		}
		try {
			const response = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(5000) });
			if (response.ok) {
				const body = await response.json();
				if (body?.data) return body.data;
			}
		} catch {
			// not listening yet
		}
		await sleep(1000);
	}
	throw new Error(
		`n8n did not answer at ${url} within ${Math.round(timeoutMs / 1000)} s; ${logFile}:\n${tail(readLog(logFile))}`,
	);
}

function readLog(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/** Logs in as the owner, setting the owner up first on a fresh instance. Returns a logged-in client. */
async function ensureOwner(url, ownerFile, settings) {
	const owner = { ...DEFAULT_OWNER, ...readJson(ownerFile, {}) };
	const client = new N8nClient(url);
	if (settings?.userManagement?.showSetupOnFirstLoad) {
		await client.setupOwner(owner);
		writeJson(ownerFile, owner);
	}
	await client.login(owner);
	return { client, owner };
}

// ---------------------------------------------------------------------------------------------
// The whole environment

/**
 * Starts the dev environment and resolves once n8n answers with an owner logged in:
 * { n8nUrl, aogUrl, dashScope, telegram, owner, client, workflows, userFolder, outputDir, logFile, server, dashScopeServer,
 * telegramServer, stop() } (dashScope: { url, apiKey, region, baseUrl }: what the "DashScope account" credential holds;
 * telegram: { accessToken, baseUrl }: what "Telegram account" holds).
 *
 * options:
 *   userFolder     n8n user folder (default .cache/dev; persistent: database, owner, executions)
 *   n8nPort        editor port (default 5678; an error when taken, unless anyN8nPort)
 *   anyN8nPort     take a free port when n8nPort is taken
 *   aogPort        dev server port (default 16688, else a free one)
 *   aogBaseUrl     use this AOG instead of starting the dev server (apiKey: its key)
 *   generationDelayMs  simulated generation time of the dev server (default 3000)
 *   n8nVersion     default 2.8.4
 *   node           run n8n with this Node.js (what ensureNode() returned), for n8n versions that need a newer one
 *   onProgress     (message) => void
 *   onN8nOutput    (chunk) => void: n8n's own log, also written to <userFolder>/n8n.log
 *   quietAog       do not log dev server requests (default true)
 *   dashScopePort  DashScope dev server port (default 16689, results on 16690; else free ports)
 *   dashScopeTimeScale  the dev server's "2 minute" task × this (default 0.25: 30 s)
 *   dashScope      { apiKey, region, baseUrl }: use this DashScope instead of starting the dev server
 *                  (region beijing|singapore|virginia, or custom with baseUrl)
 *   telegramPort   Telegram Bot API dev server port (default 16691, else a free one)
 *   telegram       { accessToken, baseUrl }: use this bot (Telegram's Bot API by default) instead of the dev server
 */
async function startDev({
	userFolder = DEV_DIR,
	n8nPort = DEFAULT_N8N_PORT,
	anyN8nPort = false,
	aogPort = DEFAULT_AOG_PORT,
	aogBaseUrl,
	apiKey = '',
	generationDelayMs = 3000,
	n8nVersion = '2.8.4',
	node,
	onProgress = () => {},
	onN8nOutput,
	quietAog = true,
	reimportExamples = false,
	dashScopePort = DEFAULT_DASHSCOPE_PORT,
	dashScopeTimeScale = DEFAULT_DASHSCOPE_TIME_SCALE,
	dashScope,
	telegramPort = DEFAULT_TELEGRAM_PORT,
	telegram,
} = {}) {
	fs.mkdirSync(userFolder, { recursive: true });
	const outputDir = path.join(userFolder, 'output');
	fs.mkdirSync(outputDir, { recursive: true });
	const logFile = path.join(userFolder, 'n8n.log');
	const stateFile = path.join(userFolder, STATE_FILE);

	const running = readJson(stateFile, undefined);
	if (running?.pid && running.pid !== process.pid && pidAlive(running.pid)) {
		throw new Error(
			`a dev environment already runs from ${userFolder} (process ${running.pid}, ${running.n8nUrl}); stop it first (Ctrl-C in its terminal)`,
		);
	}

	if (!(await portFree(n8nPort))) {
		if (!anyN8nPort) throw new Error(`port ${n8nPort} is taken (another n8n?); stop it or pass --port <n>`);
		n8nPort = await freePort();
	}

	let server;
	let dashScopeServer;
	let telegramServer;
	let n8n;
	const cleanup = async () => {
		if (n8n) await n8n.stop();
		if (server) await server.close().catch(() => {});
		if (dashScopeServer) await dashScopeServer.close().catch(() => {});
		if (telegramServer) await telegramServer.close().catch(() => {});
		const state = readJson(stateFile, undefined);
		if (state?.pid === process.pid) fs.rmSync(stateFile, { force: true });
	};
	try {
		let aogUrl = aogBaseUrl;
		if (!aogBaseUrl) {
			const port = (await portFree(aogPort)) ? aogPort : 0;
			const { startAogServer } = require('./aog-server');
			server = await startAogServer({ port, generationDelayMs, quiet: quietAog });
			aogUrl = server.url;
			onProgress(`AOG dev server at ${aogUrl}${port === 0 && aogPort !== 0 ? ` (port ${aogPort} was taken)` : ''}`);
		} else {
			onProgress(`Using the AOG at ${aogBaseUrl}`);
		}
		let dashScopeAccount;
		if (dashScope?.apiKey) {
			const region = dashScope.baseUrl ? 'custom' : dashScope.region || 'beijing';
			dashScopeAccount = {
				url: dashScope.baseUrl || region,
				apiKey: dashScope.apiKey,
				region,
				baseUrl: dashScope.baseUrl || '',
			};
			onProgress(`Using DashScope ${dashScope.baseUrl ? `at ${dashScope.baseUrl}` : `(${region})`}`);
		} else {
			const { startDashScopeServer } = require('./dashscope-server');
			const free = dashScopePort !== 0 && (await portFree(dashScopePort)) && (await portFree(DEFAULT_STORAGE_PORT));
			dashScopeServer = await startDashScopeServer({
				port: free ? dashScopePort : 0,
				storagePort: free && dashScopePort === DEFAULT_DASHSCOPE_PORT ? DEFAULT_STORAGE_PORT : 0,
				pendingMs: 5_000,
				runningMs: 115_000,
				timeScale: dashScopeTimeScale,
				quiet: quietAog,
			});
			dashScopeAccount = {
				url: dashScopeServer.url,
				apiKey: dashScopeServer.apiKey,
				region: 'custom',
				baseUrl: dashScopeServer.url,
			};
			const taskSeconds = Math.round(120 * dashScopeTimeScale);
			onProgress(
				`DashScope dev server at ${dashScopeServer.url} (results on ${dashScopeServer.storageUrl}; key ${dashScopeServer.apiKey}; tasks take ${taskSeconds} s)`,
			);
		}
		let telegramAccount;
		if (telegram?.accessToken) {
			telegramAccount = { accessToken: telegram.accessToken, baseUrl: telegram.baseUrl || 'https://api.telegram.org' };
			onProgress(`Using the Telegram Bot API at ${telegramAccount.baseUrl}`);
		} else {
			const started = await startTelegramDevServer({ port: telegramPort, quiet: quietAog });
			telegramServer = started.server;
			telegramAccount = { accessToken: started.accessToken, baseUrl: started.baseUrl };
			onProgress(
				`Telegram Bot API dev server at ${telegramAccount.baseUrl} (bot token ${telegramAccount.accessToken})`,
			);
		}

		onProgress(`Ensuring the n8n ${n8nVersion} CLI (installed once into .cache/n8n-${n8nVersion}/)`);
		// On another Node.js, only the native modules n8n's core needs are built (as the compatibility suite does).
		const n8nBin = await ensureN8n(
			n8nVersion,
			node ? { node, rebuildOnly: ['sqlite3', 'isolated-vm'], timeoutMs: 40 * MINUTE } : undefined,
		);

		onProgress("Packing the package and installing it into the user folder's .n8n/nodes");
		const tgz = await packPackage(REPO);
		fs.rmSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-aog'), {
			recursive: true,
			force: true,
		});
		await installPackage(userFolder, tgz);
		fs.rmSync(path.dirname(tgz), { recursive: true, force: true });

		const fileAccess = [EXAMPLES_DIR, outputDir].map((folder) => fs.realpathSync(folder));
		const brokerPort = await freePort();
		const base = n8nEnv({ userFolder, port: n8nPort, brokerPort, fileAccess });
		const env = { ...base, ...(node ? nodeEnv(node, base) : {}) };

		const {
			CREDENTIAL,
			DASHSCOPE_CREDENTIAL,
			TELEGRAM_CREDENTIAL,
			exampleCredentials,
			dashScopeCredentials,
			telegramCredentials,
		} = require('./examples');
		const importDir = path.join(userFolder, 'import');
		fs.mkdirSync(importDir, { recursive: true });
		onProgress(
			`Importing the credentials "${CREDENTIAL.name}" (Base URL ${aogUrl}), "${DASHSCOPE_CREDENTIAL.name}" (${dashScopeAccount.region === 'custom' ? `Base URL ${dashScopeAccount.baseUrl}` : `region ${dashScopeAccount.region}`}) and "${TELEGRAM_CREDENTIAL.name}" (Base URL ${telegramAccount.baseUrl})`,
		);
		const credentialsFile = path.join(importDir, 'credentials.json');
		writeJson(credentialsFile, [
			...exampleCredentials({ baseUrl: aogUrl, apiKey }),
			...dashScopeCredentials(dashScopeAccount),
			...telegramCredentials(telegramAccount),
		]);
		await importInto(n8nBin, 'credentials', credentialsFile, env);

		// Examples are imported when new or changed since the last import, so edits to an unchanged
		// example survive a restart.
		const examplesStateFile = path.join(userFolder, EXAMPLES_STATE_FILE);
		const imported = reimportExamples ? {} : readJson(examplesStateFile, {});
		const examples = prepareExamples({ outputDir, credential: CREDENTIAL });
		const toImport = examples.filter(({ workflow }) => imported[workflow.id] !== hashOf(workflow));
		if (toImport.length) {
			onProgress(`Importing ${toImport.map(({ file }) => path.relative(REPO, file)).join(', ')}`);
			const workflowsFile = path.join(importDir, 'workflows.json');
			writeJson(
				workflowsFile,
				toImport.map(({ workflow }) => workflow),
			);
			await importInto(n8nBin, 'workflow', workflowsFile, env);
			for (const { workflow } of toImport) imported[workflow.id] = hashOf(workflow);
			writeJson(examplesStateFile, imported);
		} else {
			onProgress(`Examples already imported and unchanged (${examples.length})`);
		}

		const n8nUrl = `http://localhost:${n8nPort}`;
		onProgress(`Starting n8n ${n8nVersion} (n8n start) at ${n8nUrl}; its log: ${displayPath(logFile)}`);
		n8n = spawnN8n(n8nBin, env, { logFile, onOutput: onN8nOutput });
		const settings = await waitForN8n(`http://127.0.0.1:${n8nPort}`, { exited: n8n.exited, logFile });
		const { client, owner } = await ensureOwner(
			`http://127.0.0.1:${n8nPort}`,
			path.join(userFolder, OWNER_FILE),
			settings,
		);

		const workflows = examples.map(({ file, workflow }) => ({
			id: workflow.id,
			name: workflow.name,
			file,
			url: `${n8nUrl}/workflow/${workflow.id}`,
		}));
		writeJson(stateFile, {
			pid: process.pid,
			n8nUrl,
			aogUrl,
			dashScope: dashScopeAccount,
			telegram: { baseUrl: telegramAccount.baseUrl },
			n8nPort,
			userFolder,
			owner,
			workflows,
			startedAt: new Date().toISOString(),
		});
		return {
			n8nUrl,
			apiUrl: `http://127.0.0.1:${n8nPort}`,
			aogUrl,
			dashScope: dashScopeAccount,
			dashScopeServer,
			telegram: telegramAccount,
			telegramServer,
			owner,
			client,
			workflows,
			userFolder,
			outputDir,
			logFile,
			server,
			exited: n8n.exited,
			stop: cleanup,
		};
	} catch (error) {
		await cleanup();
		throw error;
	}
}

/**
 * The dev environment `npm run dev` runs right now (from <userFolder>/dev-state.json), when its
 * process lives and n8n answers; undefined otherwise.
 */
async function findRunningDev(userFolder = DEV_DIR) {
	const state = readJson(path.join(userFolder, STATE_FILE), undefined);
	if (!state?.pid || !pidAlive(state.pid)) return undefined;
	try {
		const response = await fetch(`http://127.0.0.1:${state.n8nPort}/rest/settings`, {
			signal: AbortSignal.timeout(5000),
		});
		if (!response.ok) return undefined;
	} catch {
		return undefined;
	}
	return { ...state, apiUrl: `http://127.0.0.1:${state.n8nPort}` };
}

module.exports = {
	DEV_DIR,
	DEFAULT_OWNER,
	DEFAULT_N8N_PORT,
	DEFAULT_AOG_PORT,
	DEFAULT_DASHSCOPE_PORT,
	DEFAULT_TELEGRAM_PORT,
	startDev,
	startTelegramDevServer,
	findRunningDev,
	prepareExamples,
	portFree,
	n8nEnv,
};
