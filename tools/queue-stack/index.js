'use strict';
// n8n in queue mode on loopback, for tests, the benchmark and `npm run dev -- --queue`: Redis, PostgreSQL,
// one `n8n start` (main: editor, webhooks, enqueues executions) and N `n8n worker` processes (run them),
// every port private and every folder under one temp root, with this package packed and installed the way
// users get it. Types: index.d.ts. Plain CommonJS, no dependencies beyond tools/n8n-cli.
const crypto = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const { REPO, ensureN8n, packPackage, prepareUserFolder, activateWorkflow, freePort } = require('../n8n-cli');
const { parseExecutionData } = require('../n8n-cli/rest-client');
const { spawnService, memoryOf } = require('./process');
const { ensureSystemPackages, startRedis, startPostgres, APT_COMMAND } = require('./services');

const MINUTE = 60_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(text, lines = 40) {
	return String(text).trimEnd().split('\n').slice(-lines).join('\n');
}

/** What every n8n process of the stack shares: queue mode, the database, Redis, one encryption key. */
function sharedEnv({ redis, postgres, encryptionKey, binaryDataMode, logLevel, binaryDataStoragePath }) {
	const env = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DEFAULT_BINARY_DATA_MODE: binaryDataMode,
		// the editor's "Execute workflow" runs on a worker too, like production executions
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_LOG_LEVEL: logLevel,
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		N8N_HIRING_BANNER_ENABLED: 'false',
	};
	// filesystem mode across processes needs one folder they all see
	if (binaryDataStoragePath) env.N8N_BINARY_DATA_STORAGE_PATH = binaryDataStoragePath;
	return env;
}

async function waitFor(what, service, check, { timeoutMs, pattern }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const exit = service.exitInfo();
		if (exit)
			throw new Error(
				`${what} exited while starting (code ${exit.code}${exit.signal ? `, ${exit.signal}` : ''}):\n${tail(service.output())}`,
			);
		if (!pattern || pattern.test(service.output())) {
			try {
				if (await check()) return;
			} catch {
				// not listening yet
			}
		}
		if (Date.now() > deadline)
			throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s:\n${tail(service.output())}`);
		await sleep(300);
	}
}

const httpOk = async (url) => (await fetch(url, { signal: AbortSignal.timeout(3000) })).ok;

/**
 * Starts the stack and resolves once main serves its editor and webhooks and every worker is ready.
 * See index.d.ts for the options and the returned object.
 */
async function startQueueStack({
	n8nVersion = '2.8.4',
	workers: workerCount = 2,
	workerConcurrency = 10,
	workflows = [],
	credentials = [],
	activate,
	packageTgz,
	binaryDataMode = 'database',
	sharedBinaryDataFolder = false,
	fileAccess = [],
	env: extraEnv = {},
	mainEnv = {},
	workerEnv = {},
	logLevel = 'info',
	mainPort,
	mainHost = '127.0.0.1',
	root,
	keepRoot = false,
	startTimeoutMs = 3 * MINUTE,
	onProgress = () => {},
} = {}) {
	const stackRoot = root ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-aog-queue-')));
	fs.mkdirSync(stackRoot, { recursive: true });
	const logsDir = path.join(stackRoot, 'logs');
	fs.mkdirSync(logsDir, { recursive: true });
	const started = [];
	let redis;
	let postgres;
	let packedHere;
	const teardown = async () => {
		await Promise.all(started.filter((service) => service.alive()).map((service) => service.stop(15_000)));
		if (postgres) await postgres.stop(15_000);
		if (redis) await redis.stop(5000);
		if (packedHere) fs.rmSync(path.dirname(packedHere), { recursive: true, force: true });
		if (!keepRoot) fs.rmSync(stackRoot, { recursive: true, force: true });
	};
	try {
		onProgress(
			`Checking for redis-server and PostgreSQL (Debian packages; installed as root when missing: ${APT_COMMAND})`,
		);
		const [n8nBin, , tgz] = await Promise.all([
			ensureN8n(n8nVersion),
			ensureSystemPackages({ onProgress }),
			packageTgz ?? packPackage(REPO).then((file) => (packedHere = file)),
		]);
		onProgress('Starting Redis and PostgreSQL on private loopback ports');
		[redis, postgres] = await Promise.all([
			startRedis({ dir: path.join(stackRoot, 'redis') }),
			startPostgres({ dir: path.join(stackRoot, 'postgres') }),
		]);

		const encryptionKey = crypto.randomBytes(24).toString('base64url');
		const binaryDataStoragePath = sharedBinaryDataFolder ? path.join(stackRoot, 'binary-data') : undefined;
		if (binaryDataStoragePath) fs.mkdirSync(binaryDataStoragePath, { recursive: true });
		const shared = {
			...sharedEnv({ redis, postgres, encryptionKey, binaryDataMode, logLevel, binaryDataStoragePath }),
			...extraEnv,
		};

		// The main's user folder gets the package (npm install of the packed tgz), the credentials and the
		// workflows (stored in PostgreSQL, so every process sees them).
		onProgress(
			`Installing the packed package and importing ${credentials.length} credential(s) and ${workflows.length} workflow(s) into PostgreSQL`,
		);
		const mainFolder = path.join(stackRoot, 'main');
		fs.mkdirSync(mainFolder, { recursive: true });
		const prepared = await prepareUserFolder({
			n8nBin,
			workflows,
			credentials,
			userFolder: mainFolder,
			packageTgz: tgz,
			fileAccess,
			env: shared,
		});
		for (const id of activate ?? workflows.map((workflow) => workflow.id)) {
			await activateWorkflow({ n8nBin, folder: mainFolder, env: prepared.env, id });
		}
		const baseEnv = prepared.env; // n8nEnv of the CLI driver: user folder, file access, no telemetry, + shared

		const port = mainPort ?? (await freePort());
		const mainUrl = `http://${mainHost}:${port}`;
		const main = spawnService('main', n8nBin, ['start'], {
			cwd: mainFolder,
			logFile: path.join(logsDir, 'main.log'),
			env: {
				...baseEnv,
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: mainHost,
				N8N_PROTOCOL: 'http',
				WEBHOOK_URL: `${mainUrl}/`,
				N8N_EDITOR_BASE_URL: `${mainUrl}/`,
				N8N_SECURE_COOKIE: 'false',
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				...mainEnv,
			},
		});
		started.push(main);

		const workers = [];
		const startWorker = async ({ concurrency = workerConcurrency, env: oneWorkerEnv = {} } = {}) => {
			const index = workers.length;
			const folder = path.join(stackRoot, `worker-${index}`);
			// a worker loads community nodes from its own user folder, like a separate container would
			fs.mkdirSync(path.join(folder, '.n8n'), { recursive: true });
			fs.cpSync(path.join(mainFolder, '.n8n', 'nodes'), path.join(folder, '.n8n', 'nodes'), { recursive: true });
			const healthPort = await freePort();
			const worker = spawnService(`worker-${index}`, n8nBin, ['worker', `--concurrency=${concurrency}`], {
				cwd: folder,
				logFile: path.join(logsDir, `worker-${index}.log`),
				env: {
					...baseEnv,
					N8N_USER_FOLDER: folder,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					N8N_RUNNERS_BROKER_PORT: String(await freePort()),
					...workerEnv,
					...oneWorkerEnv,
				},
			});
			Object.assign(worker, { index, folder, healthPort, concurrency });
			workers.push(worker);
			started.push(worker);
			await waitFor(worker.name, worker, () => httpOk(`http://127.0.0.1:${healthPort}/healthz/readiness`), {
				timeoutMs: startTimeoutMs,
				pattern: /n8n worker is now ready/,
			});
			return worker;
		};

		onProgress(`Starting n8n ${n8nVersion} in queue mode: main at ${mainUrl} and ${workerCount} worker(s)`);
		await Promise.all([
			// main prints the editor's address once its webhooks are registered
			waitFor('n8n main', main, () => httpOk(`${mainUrl}/healthz`), {
				timeoutMs: startTimeoutMs,
				pattern: /Editor is now accessible via/,
			}),
			(async () => {
				for (let i = 0; i < workerCount; i++) await startWorker();
			})(),
		]);

		const workerOf = (service) =>
			workers.find((worker) => worker === service || worker.index === service || worker.pid === service);
		const stack = {
			root: stackRoot,
			n8nBin,
			n8nVersion,
			mainUrl,
			env: baseEnv,
			main,
			workers,
			redis,
			postgres,
			encryptionKey,
			webhookUrl: (webhookPath) => `${mainUrl}/webhook/${String(webhookPath).replace(/^\/+/, '')}`,
			startWorker,
			/** SIGKILL (default) to the worker's process group: it and its task runner die at once, like a lost container. */
			async killWorker(which, signal = 'SIGKILL') {
				const worker = workerOf(which);
				if (!worker) throw new Error(`no worker ${which}`);
				return await worker.kill(signal);
			},
			/** Peak resident memory (VmHWM, KiB) of every process, as sampled while it lived. */
			peakRss() {
				return {
					main: main.peakRssKb(),
					workers: workers.map((worker) => worker.peakRssKb()),
					redis: redis.peakRssKb(),
					postgres: postgres.peakRssKb(),
				};
			},
			/** n8n's executions as stored in PostgreSQL (execution_entity), oldest first. */
			async executions({ workflowId, sinceId = 0 } = {}) {
				const where = [`id > ${Number(sinceId)}`];
				if (workflowId) where.push(`"workflowId" = '${String(workflowId).replace(/'/g, "''")}'`);
				return await postgres.queryJson(
					`select id::int as id, "workflowId", mode, status, finished, "createdAt", "startedAt", "stoppedAt" from execution_entity where ${where.join(' and ')} order by id`,
				);
			},
			/**
			 * Which worker started each execution, from the workers' own logs ("Worker started execution <id> (job
			 * <job>)"; n8n stores no worker in the execution): { [executionId]: [{ worker, job }] }, one entry per start.
			 */
			executionStarts() {
				const starts = {};
				for (const worker of workers) {
					for (const match of worker.output().matchAll(/Worker started execution (\d+) \(job (\d+)\)/g)) {
						(starts[match[1]] ??= []).push({ worker: worker.index, job: match[2] });
					}
				}
				return starts;
			},
			/** An execution's data (execution_data, n8n's flatted JSON) as a plain object: resultData.runData… */
			async executionData(executionId) {
				const [row] = await postgres.queryJson(
					`select data from execution_data where "executionId" = ${Number(executionId)}`,
				);
				return row ? parseExecutionData(row.data) : undefined;
			},
			/** The files an execution stored in database binary mode (binary_data), each with its bytes. */
			async binaryFiles(executionId, mimeType) {
				const rows = await postgres.queryJson(
					`select "fileId", "mimeType", "fileSize"::bigint as "fileSize", encode(data, 'base64') as data from binary_data where "sourceType" = 'execution' and "sourceId" = '${Number(executionId)}'${mimeType ? ` and "mimeType" = '${String(mimeType).replace(/'/g, "''")}'` : ''} order by "createdAt"`,
				);
				return rows.map((row) => ({ ...row, fileSize: Number(row.fileSize), data: Buffer.from(row.data, 'base64') }));
			},
			/** Lines of main's log that mention an execution (enqueued, finished, failed …). */
			mainLinesAbout(executionId) {
				return main
					.output()
					.split('\n')
					.filter((line) => new RegExp(`[Ee]xecution ${executionId}\\b`).test(line));
			},
			logsDir,
			stop: teardown,
		};
		return stack;
	} catch (error) {
		await teardown().catch(() => {});
		throw error;
	}
}

module.exports = {
	startQueueStack,
	ensureSystemPackages,
	startRedis,
	startPostgres,
	spawnService,
	memoryOf,
	APT_COMMAND,
};
