// Types of tools/n8n-cli (the n8n CLI driver: index.js gathers what its modules export), for TypeScript tests.

export const REPO: string;
export const DEFAULT_VERSION: string;

/** The n8n versions the e2e suites run, each with the Node.js major it needs (targets.js). */
export interface N8nTarget {
	n8n: string;
	nodeMajor: number;
	/** Native modules whose install scripts run (the others' download from GitHub at install time). */
	rebuildOnly?: string[];
}
export const CORE_NATIVE: string[];
export const E2E_TARGETS: N8nTarget[];
export function installTarget(target: N8nTarget): Promise<{ n8nBin: string; node?: NodeOption }>;

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	timedOut: boolean;
	durationMs: number;
}

/** A Node.js from the npm package `node@<major>` (ensureNode), or any node binary. */
export interface NodeInstall {
	nodeBin: string;
	binDir?: string;
	/** Folder with include/node (headers for native modules), when known. */
	nodeDir?: string;
	version?: string;
}
/** The `node` option: a node binary path, or what ensureNode() returned. */
export type NodeOption = string | NodeInstall;

export interface RunWorkflowOptions {
	/** Path returned by ensureN8n(). */
	n8nBin: string;
	/** Run n8n (and its task runner) with this Node.js; default: the `node` on PATH. */
	node?: NodeOption;
	/** N8N_DEFAULT_BINARY_DATA_MODE; default: n8n's own (in memory in 1.x, filesystem in 2.x). */
	binaryDataMode?: 'default' | 'filesystem' | 'database';
	/** Workflow JSON with a fixed "id" (at most 21 characters). */
	workflow: {
		id: string;
		nodes: Array<{ name: string; type: string; parameters?: Record<string, unknown> }>;
		[key: string]: unknown;
	};
	/** [{ id, name, type, data }]: plain data, encrypted by n8n on import. */
	credentials?: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>;
	/** An existing user folder (e.g. filled by installPackage); default: a new temp folder. */
	userFolder?: string;
	/** Install this packed package into the user folder first. */
	packageTgz?: string;
	/** N8N_RESTRICT_FILE_ACCESS_TO folders; default: folders of the Read/Write Files nodes' literal paths. */
	fileAccess?: string[];
	env?: Record<string, string>;
	/** Limit for `n8n execute` (default 10 minutes). */
	timeoutMs?: number;
}

export interface RunWorkflowResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	timedOut: boolean;
	/** The JSON `n8n execute --rawOutput` printed (an IRun), or undefined when there was none. */
	result: any;
	stdout: string;
	stderr: string;
	userFolder: string;
	durationMs: number;
	executeMs: number;
	runnersBrokerPort: number;
	fileAccess: string[];
	/** The n8n version that ran (from the bin's install folder). */
	n8nVersion: string | undefined;
}

export interface PreparedUserFolder {
	folder: string;
	/** The environment every n8n command in this folder needs (user folder, ports, file access, node). */
	env: NodeJS.ProcessEnv;
	fileAccess: string[];
	runnersBrokerPort: number;
}

export interface PrepareUserFolderOptions extends Omit<RunWorkflowOptions, 'workflow' | 'timeoutMs'> {
	workflows?: RunWorkflowOptions['workflow'][];
}

export interface RunningN8n {
	/** http://127.0.0.1:<port> (also WEBHOOK_URL, so form and webhook URLs n8n prints use it). */
	url: string;
	port: number;
	/** Everything n8n printed so far (the last 100–200 kB). */
	output(): string;
	/** Settles when the process has exited. */
	finished: Promise<RunResult>;
	/** Ends the process group (SIGTERM, then SIGKILL after 5 s) and waits for it. */
	stop(): Promise<RunResult>;
}

export function ensureN8n(
	version?: string,
	options?: {
		timeoutMs?: number;
		/** Install (and build native modules) with this Node.js. */
		node?: NodeOption;
		/** Run only these packages' install scripts (others, e.g. Kafka's, download from GitHub). */
		rebuildOnly?: string[];
	},
): Promise<string>;
/** Installs node@<major> (npm package) into .cache/node-<major>/ on first use. */
export function ensureNode(
	major?: string | number,
	options?: { timeoutMs?: number },
): Promise<Required<Pick<NodeInstall, 'nodeBin' | 'binDir'>> & NodeInstall>;
/** PATH (and npm_config_nodedir) additions that make child processes use `node`. */
export function nodeEnv(node: NodeOption | undefined, base?: NodeJS.ProcessEnv): Record<string, string>;
export function n8nVersionOf(n8nBin: string): string | undefined;
export function prepareUserFolder(options: PrepareUserFolderOptions): Promise<PreparedUserFolder>;
/** Runs one n8n CLI command in a prepared folder; throws with its output when it fails. */
export function n8nCli(
	n8nBin: string,
	args: string[],
	options: { node?: NodeOption; folder: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult>;
/** publish:workflow (2.x) or update:workflow --active=true (1.x); before startN8n. */
export function activateWorkflow(options: {
	n8nBin: string;
	node?: NodeOption;
	folder: string;
	env: NodeJS.ProcessEnv;
	id: string;
}): Promise<RunResult>;
/** `n8n start` in a prepared folder on a free port of 127.0.0.1; resolves once it serves its routes. */
export function startN8n(options: {
	n8nBin: string;
	node?: NodeOption;
	folder: string;
	env: NodeJS.ProcessEnv;
	startTimeoutMs?: number;
	timeoutMs?: number;
	readyPattern?: RegExp;
}): Promise<RunningN8n>;
export function packPackage(repo?: string, options?: { destination?: string }): Promise<string>;
export function installPackage(userFolder: string, tgz: string): Promise<string>;
export function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult>;
export function makeUserFolder(prefix?: string): Promise<string>;
export function freePort(): Promise<number>;
export function parseRawOutput(stdout: string): any;
export function nodeOutput(
	result: any,
	nodeName: string,
	options?: { runIndex?: number; output?: number },
): Array<{ json: Record<string, any>; binary?: Record<string, any>; pairedItem?: unknown }>;
export function runError(result: any): { message: string; description?: string; node?: string; error: any } | undefined;
export function cacheDirFor(version: string): string;
export function folderState(dir: string, version: string): 'complete' | 'installing' | 'broken' | 'absent';
export function run(
	command: string,
	args: string[],
	options?: {
		cwd?: string;
		env?: NodeJS.ProcessEnv;
		timeoutMs?: number;
		input?: string;
		onStdout?: (chunk: string) => void;
		onStderr?: (chunk: string) => void;
		/** Aborting ends the child's process group (SIGTERM, then SIGKILL after 5 s). */
		signal?: AbortSignal;
	},
): Promise<RunResult>;
export function cleanEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
/** Whether a process with this id exists (EPERM counts: it does, but belongs to someone else). */
export function pidAlive(pid: number): boolean;
