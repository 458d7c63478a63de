'use strict';
// Running a workflow: a user folder filled with the package, credentials and workflows (n8n import:*), then
// `n8n execute`, and reading what it printed.
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { MINUTE, tail } = require('./common');
const { cleanEnv, run, freePort } = require('./process');
const { nodeInfo, nodeEnv, n8nVersionOf } = require('./install');
const { installPackage } = require('./package');

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
		throw new Error(
			`n8n ${args[0]} failed (exit ${result.code}${result.timedOut ? ', timed out' : ''}):\n${tail(result.stderr || result.stdout)}`,
		);
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
	if (workflows.length) {
		// one import for all of them: each n8n command costs seconds of start-up
		const workflowFile = path.join(
			ioDir,
			workflows.length === 1 ? `workflow-${workflows[0].id}.json` : 'workflows.json',
		);
		fs.writeFileSync(workflowFile, JSON.stringify(workflows.length === 1 ? workflows[0] : workflows, null, 2));
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
	makeUserFolder,
	parseRawOutput,
	n8nCommand,
	n8nCli,
	prepareUserFolder,
	runWorkflow,
	nodeOutput,
	runError,
};
