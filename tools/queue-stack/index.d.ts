// Types of tools/queue-stack/index.js: n8n in queue mode (Redis, PostgreSQL, main + workers) on loopback.

/** A child process of the stack, in its own process group. */
export interface StackProcess {
	name: string;
	pid: number;
	/** Its log (stdout and stderr) on disk, under the stack's logs/ folder. */
	logFile?: string;
	/** Everything it printed (the last few MB). */
	output(): string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
	exitInfo(): { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;
	alive(): boolean;
	/** Signals the whole process group (default SIGKILL) and resolves when it has exited. */
	kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** SIGTERM to the group, SIGKILL after timeoutMs (default 20 s). */
	stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Peak resident memory in KiB: the largest /proc/<pid>/status VmHWM seen (sampled every 250 ms while alive). */
	peakRssKb(): number | undefined;
	/** Current resident memory in KiB (VmRSS), or the last sample once it has exited. */
	rssKb(): number | undefined;
}

export interface StackWorker extends StackProcess {
	index: number;
	/** Its own N8N_USER_FOLDER (the packed package copied into .n8n/nodes). */
	folder: string;
	/** QUEUE_HEALTH_CHECK_PORT: /healthz and /healthz/readiness on 127.0.0.1. */
	healthPort: number;
	concurrency: number;
}

export interface RedisService extends StackProcess {
	host: '127.0.0.1';
	port: number;
}

export interface PostgresService extends StackProcess {
	host: '127.0.0.1';
	port: number;
	user: string;
	database: string;
	dataDir: string;
	/** The system user PostgreSQL runs as when this process is root ("postgres" or "nobody"). */
	runAs?: string;
	/** psql -At -c sql; resolves its stdout. */
	psql(sql: string, database?: string): Promise<string>;
	/** The rows of a SELECT as objects (json_agg). */
	queryJson<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

export interface StoredExecution {
	id: number;
	workflowId: string;
	mode: string;
	/** new | running | success | error | crashed | canceled | waiting … */
	status: string;
	finished: boolean;
	createdAt: string;
	startedAt: string | null;
	stoppedAt: string | null;
}

export interface QueueStackOptions {
	/** Default 2.8.4 (the newest n8n that runs on Node 20). */
	n8nVersion?: string;
	/** `n8n worker` processes started at once (default 2); more with startWorker(). */
	workers?: number;
	/** `n8n worker --concurrency` (default 10, n8n's own). */
	workerConcurrency?: number;
	/** Imported into PostgreSQL with `n8n import:workflow`; each needs a fixed id (at most 21 characters). */
	workflows?: Array<{
		id: string;
		nodes: Array<{ name: string; type: string; parameters?: Record<string, unknown> }>;
		[key: string]: unknown;
	}>;
	/** [{ id, name, type, data }], plain data, encrypted with the stack's N8N_ENCRYPTION_KEY on import. */
	credentials?: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>;
	/** Workflow ids to publish (activate) before n8n starts; default: every workflow given. */
	activate?: string[];
	/** A packed package (npm pack) to install; default: this repository packed now. */
	packageTgz?: string;
	/** N8N_DEFAULT_BINARY_DATA_MODE (default 'database', n8n's own default in queue mode). */
	binaryDataMode?: 'database' | 'filesystem';
	/** Give every process the same N8N_BINARY_DATA_STORAGE_PATH (needed for 'filesystem' across processes). */
	sharedBinaryDataFolder?: boolean;
	/** N8N_RESTRICT_FILE_ACCESS_TO folders (Read/Write Files nodes). Default: none. */
	fileAccess?: string[];
	/** Extra environment for every n8n process (and the import commands). */
	env?: Record<string, string>;
	mainEnv?: Record<string, string>;
	workerEnv?: Record<string, string>;
	/** N8N_LOG_LEVEL (default info: the workers' "Worker started execution" lines are how executions are traced). */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** main's port (default: a free one); main always listens on 127.0.0.1. */
	mainPort?: number;
	/** Host name in main's URLs (default 127.0.0.1; e.g. localhost for the editor). */
	mainHost?: string;
	/** Folder for everything (data, user folders, logs); default: a new temp folder, removed by stop(). */
	root?: string;
	/** stop() keeps the root folder (logs, database files). */
	keepRoot?: boolean;
	startTimeoutMs?: number;
	onProgress?: (message: string) => void;
}

export interface QueueStack {
	root: string;
	n8nBin: string;
	n8nVersion: string;
	/** http://<mainHost>:<port> */
	mainUrl: string;
	/** The environment of main (workers differ in user folder and ports). */
	env: NodeJS.ProcessEnv;
	encryptionKey: string;
	main: StackProcess;
	/** Live array: startWorker() appends. */
	workers: StackWorker[];
	redis: RedisService;
	postgres: PostgresService;
	logsDir: string;
	/** `${mainUrl}/webhook/${path}` (production webhook). */
	webhookUrl(path: string): string;
	/** Starts one more worker and resolves once it is ready. */
	startWorker(options?: { concurrency?: number; env?: Record<string, string> }): Promise<StackWorker>;
	/** Signals a worker's process group (by index, pid or the worker itself), default SIGKILL. */
	killWorker(which: number | StackWorker, signal?: NodeJS.Signals): Promise<unknown>;
	/** Peak resident memory (KiB) of each process. */
	peakRss(): { main?: number; workers: Array<number | undefined>; redis?: number; postgres?: number };
	/** execution_entity rows, oldest first. */
	executions(filter?: { workflowId?: string; sinceId?: number }): Promise<StoredExecution[]>;
	/**
	 * Which worker started each execution, from the workers' logs (n8n stores no worker in the execution):
	 * execution id -> one entry per start.
	 */
	executionStarts(): Record<string, Array<{ worker: number; job: string }>>;
	/** The execution's data (execution_data, flatted JSON parsed): resultData.runData per node, … */
	executionData(executionId: number | string): Promise<any>;
	/** The files the execution stored in database binary mode (binary_data), with their bytes, oldest first. */
	binaryFiles(
		executionId: number | string,
		mimeType?: string,
	): Promise<Array<{ fileId: string; mimeType: string; fileSize: number; data: Buffer }>>;
	/** Lines of main's log that name this execution. */
	mainLinesAbout(executionId: number | string): string[];
	/** Stops every process (workers and main with SIGTERM, then SIGKILL), PostgreSQL and Redis; removes the root folder. */
	stop(): Promise<void>;
}

export function startQueueStack(options?: QueueStackOptions): Promise<QueueStack>;

/** redis-server and PostgreSQL's binaries; missing ones are installed with apt-get as root, else this throws with the command. */
export function ensureSystemPackages(options?: {
	onProgress?: (message: string) => void;
}): Promise<{ redisServer: string; pgBin: string; missing: string[] }>;
export function startRedis(options: { dir: string; redisServer?: string; timeoutMs?: number }): Promise<RedisService>;
export function startPostgres(options: {
	dir: string;
	pgBin?: string;
	database?: string;
	user?: string;
	timeoutMs?: number;
}): Promise<PostgresService>;
export function spawnService(
	name: string,
	command: string,
	args: string[],
	options?: {
		cwd?: string;
		env?: NodeJS.ProcessEnv;
		logFile?: string;
		uid?: number;
		gid?: number;
		onOutput?: (text: string) => void;
	},
): StackProcess;
export function memoryOf(pid: number): { hwmKb?: number; rssKb?: number } | undefined;
export const APT_COMMAND: string;
