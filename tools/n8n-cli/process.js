'use strict';
// Child processes: a clean environment, running a command with a hard timeout in its own process group,
// and the small process and port helpers the rest of the driver uses.
const { spawn } = require('node:child_process');
const net = require('node:net');
const { REPO, MINUTE } = require('./common');

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
function run(
	command,
	args,
	{ cwd = REPO, env = cleanEnv(), timeoutMs = 5 * MINUTE, input, onStdout, onStderr, signal } = {},
) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		const killGroup = (signal) => killProcessGroup(child, signal);
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

/** Whether a process with this id exists (EPERM: it does, but belongs to someone else). */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

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

/** Signals a child started with `detached: true` and everything it started (its process group). */
function killProcessGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

module.exports = { cleanEnv, run, npmCommand, pidAlive, freePort, killProcessGroup };
