// Types of scripts/lib/n8n-cli.js (the n8n CLI driver), for TypeScript tests.

export const REPO: string;
export const DEFAULT_VERSION: string;

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	timedOut: boolean;
	durationMs: number;
}

export interface RunWorkflowOptions {
	/** Path returned by ensureN8n(). */
	n8nBin: string;
	/** Workflow JSON with a fixed "id" (at most 21 characters). */
	workflow: { id: string; nodes: Array<{ name: string; type: string; parameters?: Record<string, unknown> }>; [key: string]: unknown };
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
}

export function ensureN8n(version?: string, options?: { timeoutMs?: number }): Promise<string>;
export function packPackage(repo?: string, options?: { destination?: string }): Promise<string>;
export function installPackage(userFolder: string, tgz: string): Promise<string>;
export function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult>;
export function makeUserFolder(prefix?: string): Promise<string>;
export function freePort(): Promise<number>;
export function parseRawOutput(stdout: string): any;
export function nodeOutput(result: any, nodeName: string, options?: { runIndex?: number; output?: number }): Array<{ json: Record<string, any>; binary?: Record<string, any>; pairedItem?: unknown }>;
export function runError(result: any): { message: string; description?: string; node?: string; error: any } | undefined;
export function cacheDirFor(version: string): string;
export function folderState(dir: string, version: string): 'complete' | 'installing' | 'broken' | 'absent';
export function run(
	command: string,
	args: string[],
	options?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; onStdout?: (chunk: string) => void; onStderr?: (chunk: string) => void },
): Promise<RunResult>;
export function cleanEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
