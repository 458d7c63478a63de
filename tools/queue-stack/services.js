'use strict';
// The queue-mode stack's backing services: Redis (Debian redis-server) and PostgreSQL (Debian postgresql,
// initdb + postgres in a temp folder), each a child process on a private loopback port with its own data
// folder. Plain CommonJS, no dependencies.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { ensureAptPackages, isRoot } = require('../apt');
const { freePort, run } = require('../n8n-cli');
const { spawnService } = require('./process');

const APT_COMMAND = 'apt-get update && apt-get install -y redis-server postgresql';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function which(name) {
	const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
	return found.status === 0 ? found.stdout.trim() : undefined;
}

/** The newest /usr/lib/postgresql/<major>/bin that has initdb and postgres (Debian's layout). */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	let majors = [];
	try {
		majors = fs
			.readdirSync(root)
			.filter((name) => /^\d+$/.test(name))
			.sort((a, b) => Number(b) - Number(a));
	} catch {
		return undefined;
	}
	for (const major of majors) {
		const bin = path.join(root, major, 'bin');
		if (['initdb', 'postgres', 'pg_isready', 'psql'].every((name) => fs.existsSync(path.join(bin, name)))) return bin;
	}
	return undefined;
}

function systemBinaries() {
	const redisServer = which('redis-server');
	const pgBin = postgresBinDir();
	const missing = [];
	if (!redisServer) missing.push('redis-server');
	if (!pgBin) missing.push('postgresql');
	return { redisServer, pgBin, missing };
}

/**
 * Redis and PostgreSQL from Debian's packages, installed when missing (tools/apt.js).
 */
async function ensureSystemPackages({ onProgress = () => {} } = {}) {
	await ensureAptPackages({
		packages: ['redis-server', 'postgresql'],
		missing: () => systemBinaries().missing,
		onProgress,
	});
	return systemBinaries();
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
function canConnect(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.setTimeout(1000);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

/** Redis on 127.0.0.1:<free port>, nothing persisted (--save '', no AOF), working folder `dir`. */
async function startRedis({ dir, redisServer = systemBinaries().redisServer, timeoutMs = 30_000 }) {
	if (!redisServer) throw new Error(`redis-server is not installed (${APT_COMMAND})`);
	fs.mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const service = spawnService(
		'redis',
		redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--protected-mode',
			'yes',
		],
		{
			cwd: dir,
			logFile: path.join(dir, 'redis.log'),
		},
	);
	const deadline = Date.now() + timeoutMs;
	while (!/Ready to accept connections/.test(service.output())) {
		if (service.exitInfo()) throw new Error(`redis-server exited while starting:\n${service.output().slice(-2000)}`);
		if (Date.now() > deadline) {
			await service.stop();
			throw new Error(`redis-server was not ready within ${timeoutMs / 1000} s:\n${service.output().slice(-2000)}`);
		}
		await sleep(100);
	}
	return Object.assign(service, { port, host: '127.0.0.1' });
}

/** uid/gid PostgreSQL runs as: itself when not root (initdb refuses root), else the `postgres` user (or nobody). */
function postgresUser() {
	if (!isRoot()) return {};
	for (const name of ['postgres', 'nobody']) {
		try {
			const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
			const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
			return { uid, gid, name };
		} catch {
			// no such user
		}
	}
	throw new Error('running as root, but neither a "postgres" nor a "nobody" user exists to run PostgreSQL as');
}

function chownTree(dir, uid, gid) {
	fs.chownSync(dir, uid, gid);
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) chownTree(full, uid, gid);
		else fs.chownSync(full, uid, gid);
	}
}

/**
 * PostgreSQL on 127.0.0.1:<free port>: initdb into `dir` (superuser `n8n`, trust auth: loopback only, a
 * throw-away cluster), fsync off (test data), a database `n8n`. Returns the service plus `psql(sql)` and
 * `queryJson(sql)` (the rows of a SELECT as objects).
 */
async function startPostgres({
	dir,
	pgBin = systemBinaries().pgBin,
	database = 'n8n',
	user = 'n8n',
	timeoutMs = 60_000,
}) {
	if (!pgBin) throw new Error(`PostgreSQL is not installed (${APT_COMMAND})`);
	const account = postgresUser();
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	fs.mkdirSync(socketDir, { recursive: true });
	if (account.uid !== undefined) {
		chownTree(dir, account.uid, account.gid);
		// mkdtemp folders are 0700: the postgres user must be able to reach its own folder (search bit only)
		for (let folder = dir; folder !== path.dirname(folder); folder = path.dirname(folder)) {
			const { mode } = fs.statSync(folder);
			if ((mode & 0o001) === 0) fs.chmodSync(folder, (mode & 0o7777) | 0o711);
		}
	}
	const asUser = { uid: account.uid, gid: account.gid };
	const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: dir };
	const init = spawnSync(
		path.join(pgBin, 'initdb'),
		['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
		{
			cwd: dir,
			env,
			encoding: 'utf8',
			...asUser,
			timeout: timeoutMs,
		},
	);
	if (init.status !== 0)
		throw new Error(
			`initdb failed (exit ${init.status}${account.name ? `, as ${account.name}` : ''}):\n${init.stderr || init.stdout || init.error}`,
		);
	const port = await freePort();
	const settings = {
		listen_addresses: '127.0.0.1',
		unix_socket_directories: socketDir,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		max_connections: '100',
	};
	const args = [
		'-D',
		dataDir,
		'-p',
		String(port),
		...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
	];
	const service = spawnService('postgres', path.join(pgBin, 'postgres'), args, {
		cwd: dir,
		env,
		logFile: path.join(dir, 'postgres.log'),
		...asUser,
	});
	const connection = { host: '127.0.0.1', port, user, database };
	const psqlArgs = (db) => [
		'-h',
		'127.0.0.1',
		'-p',
		String(port),
		'-U',
		user,
		'-d',
		db,
		'-v',
		'ON_ERROR_STOP=1',
		'-X',
		'-q',
		'-A',
		'-t',
	];
	const psql = async (sql, db = database) => {
		const result = await run(path.join(pgBin, 'psql'), [...psqlArgs(db), '-c', sql], {
			env: { ...env, PGCONNECT_TIMEOUT: '5' },
			timeoutMs: 60_000,
		});
		if (result.code !== 0) throw new Error(`psql failed (exit ${result.code}): ${result.stderr.trim()}\n  ${sql}`);
		return result.stdout;
	};
	const queryJson = async (sql) =>
		JSON.parse((await psql(`select coalesce(json_agg(t), '[]'::json) from (${sql}) t`)).trim() || '[]');

	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (service.exitInfo()) throw new Error(`postgres exited while starting:\n${service.output().slice(-2000)}`);
		if (await canConnect(port)) {
			const ready = await run(path.join(pgBin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', user], {
				env,
				timeoutMs: 10_000,
			});
			if (ready.code === 0) break;
		}
		if (Date.now() > deadline) {
			await service.stop();
			throw new Error(`postgres was not ready within ${timeoutMs / 1000} s:\n${service.output().slice(-2000)}`);
		}
		await sleep(200);
	}
	await psql(`create database ${database}`, 'postgres');
	return Object.assign(service, connection, { dataDir, runAs: account.name, psql, queryJson });
}

module.exports = { APT_COMMAND, ensureSystemPackages, systemBinaries, startRedis, startPostgres, postgresUser };
