// Every script answers --help with its usage and does nothing else: no build, no server, no n8n, no benchmark (a
// script that ignored --help would start its whole run). Each runs in a process group of its own, killed if it is
// still running after the bound, so a script that ignores --help leaves nothing behind.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPTS = path.join(ROOT, 'scripts');
/** Wide for a loaded 2-core machine; what is judged is "answers and stops", not speed (the benchmark takes 18 min). */
const BOUND_MS = 10_000;
/** jest's own limit per test: past the bound, so the kill below always runs first. */
const TEST_TIMEOUT_MS = 30_000;
/** Process groups still running: killed after each test whatever happened (a script must leave nothing behind). */
const running = new Set<number>();
const killGroup = (pid: number) => {
	try {
		process.kill(-pid, 'SIGKILL'); // the script's whole process group: servers, n8n, children
	} catch {
		// already gone
	}
	running.delete(pid);
};
afterEach(() => [...running].forEach(killGroup));

/** The runnable scripts: scripts/*.js with a node shebang (modules such as usage.js have none). */
const scripts = readdirSync(SCRIPTS)
	.filter(
		(name) => name.endsWith('.js') && readFileSync(path.join(SCRIPTS, name), 'utf8').startsWith('#!/usr/bin/env node'),
	)
	.sort();

interface Outcome {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
	killed: boolean;
}

function runScript(name: string, args: string[]): Promise<Outcome> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(SCRIPTS, name), ...args], {
			cwd: ROOT,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		let killed = false;
		running.add(child.pid!);
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timer = setTimeout(() => {
			killed = true;
			killGroup(child.pid!);
		}, BOUND_MS);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			running.delete(child.pid!);
			resolve({ code, stdout, stderr, ms: Date.now() - started, killed });
		});
	});
}

describe('every script answers --help and does nothing else', () => {
	test('the scripts npm runs are all among them', () => {
		const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
			scripts: Record<string, string>;
		};
		for (const name of ['demo', 'dev', 'bench', 'aog-server', 'screenshots']) {
			const file = /node scripts\/([\w-]+\.js)/.exec(pkg.scripts[name])?.[1];
			expect(scripts).toContain(file);
		}
		expect(scripts.length).toBeGreaterThanOrEqual(8);
	});

	test.each(scripts)(
		'%s --help: exit 0 at once with a usage text',
		async (name) => {
			const outcome = await runScript(name, ['--help']);
			expect(outcome.killed).toBe(false);
			expect(outcome.code).toBe(0);
			expect(outcome.stdout).toMatch(/^Usage: /);
			expect(outcome.stdout).toMatch(/--help/);
			expect(outcome.stderr).toBe('');
			expect(outcome.ms).toBeLessThan(BOUND_MS);
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'bench --help lists its options',
		async () => {
			const { stdout } = await runScript('bench.js', ['--help']);
			for (const option of ['--only=', '--quick', '--no-write', '--out=']) expect(stdout).toContain(option);
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'an unknown option is refused (exit 2, the usage on stderr) instead of starting the 18-minute benchmark',
		async () => {
			const outcome = await runScript('bench.js', ['--hepl']);
			expect(outcome.killed).toBe(false);
			expect(outcome.code).toBe(2);
			expect(outcome.stderr).toMatch(/Unknown option --hepl[\s\S]*Usage: /);
		},
		TEST_TIMEOUT_MS,
	);
});
