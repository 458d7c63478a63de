'use strict';
// Debian packages the dev tools need (Redis and PostgreSQL for the queue stack, Chromium for the editor checks):
// installed with apt-get when missing and running as root (CI starts from a fresh machine); otherwise an error
// with the exact command to run. Plain CommonJS, no dependencies.
const { run } = require('./n8n-cli');

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * `missing()` lists what is absent (names for the message); `packages` are what apt-get installs. Returns once
 * nothing is missing.
 */
async function ensureAptPackages({ packages, missing, onProgress = () => {} }) {
	const command = `apt-get update && apt-get install -y ${packages.join(' ')}`;
	let absent = missing();
	if (!absent.length) return;
	if (!isRoot()) throw new Error(`${absent.join(' and ')} missing; install as root with:\n  sudo sh -c '${command}'`);
	onProgress(`installing ${absent.join(', ')} (${command})`);
	// Debian's postinst may try to start packaged services; a container without an init just says so.
	const result = await run('sh', ['-c', command], {
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		timeoutMs: 10 * 60_000,
	});
	absent = missing();
	if (absent.length)
		throw new Error(
			`${command} did not provide ${absent.join(', ')} (exit ${result.code}):\n${(result.stderr || result.stdout).slice(-3000)}`,
		);
}

module.exports = { ensureAptPackages, isRoot };
