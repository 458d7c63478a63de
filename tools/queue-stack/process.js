'use strict';
// Long-running child processes of the queue-mode stack: each in its own process group (so a stop or a
// SIGKILL also ends what it started, e.g. n8n's task runner), its output kept in memory and in a log file,
// and its peak resident memory (VmHWM) sampled from /proc while it lives.
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const { killProcessGroup } = require('../n8n-cli/process');

const MAX_KEPT_OUTPUT = 4 * 1024 * 1024;
const SAMPLE_MS = 250;

/** VmHWM and VmRSS of a live process in KiB (Linux), or undefined. */
function memoryOf(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kib = (field) => Number((new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status) || [])[1]) || undefined;
		return { hwmKb: kib('VmHWM'), rssKb: kib('VmRSS') };
	} catch {
		return undefined;
	}
}

/**
 * Spawns `command args` detached (its own process group). Returns a handle:
 *   pid, name, output(), exited (Promise<{code, signal}>), exitInfo(), kill(signal) (the group),
 *   stop(timeoutMs) (SIGTERM, SIGKILL after timeoutMs), peakRssKb(), rssKb(), logFile.
 */
function spawnService(name, command, args, { cwd, env = process.env, logFile, uid, gid, onOutput } = {}) {
	const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, uid, gid });
	const log = logFile ? fs.openSync(logFile, 'a') : undefined;
	let output = '';
	let exitInfo;
	let peakKb = 0;
	let lastRssKb;
	const keep = (chunk) => {
		const text = chunk.toString('utf8');
		output += text;
		if (output.length > MAX_KEPT_OUTPUT) output = output.slice(-MAX_KEPT_OUTPUT / 2);
		if (log !== undefined) fs.writeSync(log, text);
		if (onOutput) onOutput(text);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const sample = () => {
		const memory = memoryOf(child.pid);
		if (!memory) return;
		if (memory.hwmKb > peakKb) peakKb = memory.hwmKb;
		lastRssKb = memory.rssKb;
	};
	const sampler = setInterval(sample, SAMPLE_MS);
	sampler.unref();
	const killGroup = (signal) => {
		if (!exitInfo) killProcessGroup(child, signal);
	};
	// If this process exits without stopping the service, take the service with it.
	const onExit = () => killGroup('SIGKILL');
	process.on('exit', onExit);
	const exited = new Promise((resolve) => {
		child.on('error', (error) => {
			exitInfo = { code: null, signal: null, error };
			clearInterval(sampler);
			process.removeListener('exit', onExit);
			resolve(exitInfo);
		});
		child.on('close', (code, signal) => {
			exitInfo = { code, signal };
			clearInterval(sampler);
			process.removeListener('exit', onExit);
			// stragglers of the group (n8n's task runner)
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// none
			}
			if (log !== undefined) {
				try {
					fs.closeSync(log);
				} catch {
					// closed
				}
			}
			resolve(exitInfo);
		});
	});
	sample();
	return {
		name,
		pid: child.pid,
		logFile,
		output: () => output,
		exited,
		exitInfo: () => exitInfo,
		alive: () => !exitInfo,
		/** Signals the whole process group (default SIGKILL: a crash, nothing cleaned up). */
		kill(signal = 'SIGKILL') {
			sample();
			killGroup(signal);
			return exited;
		},
		async stop(timeoutMs = 20_000) {
			if (exitInfo) return exitInfo;
			sample();
			killGroup('SIGTERM');
			const timer = setTimeout(() => killGroup('SIGKILL'), timeoutMs);
			const info = await exited;
			clearTimeout(timer);
			return info;
		},
		/** The largest VmHWM seen (KiB): the process's peak resident memory, up to its last sample. */
		peakRssKb() {
			if (!exitInfo) sample();
			return peakKb || undefined;
		},
		rssKb() {
			if (!exitInfo) sample();
			return lastRssKb;
		},
	};
}

module.exports = { spawnService, memoryOf };
