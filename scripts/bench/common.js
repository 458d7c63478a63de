'use strict';
// What every part of the bench shares: the dev server's route and the request it answers, statistics, number
// formats, the log line, folders, and running a measurement in a fresh process of its own (scripts/bench.js --child).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(REPO, 'scripts', 'bench.js');
const MiB = 1024 * 1024;
const STANDARD_ROUTE = '/aog/v0.2/services/image-to-video';
const MODEL = 'wan2.2-i2v-plus';
const PROMPT = 'A slow cinematic push-in, gentle light';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** {median, min, max, runs} of a list of numbers. */
function summary(values) {
	return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length, values };
}

const cpuMs = ({ user, system }) => (user + system) / 1000;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms) => `${Math.round(ms)} ms`;
const spread = (s, format = seconds) => `${format(s.median)} (${format(s.min)}–${format(s.max)}, n=${s.runs})`;
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
const ratio = (value) => `${value.toFixed(2)}×`;

function log(message) {
	process.stderr.write(`[bench] ${message}\n`);
}

const mark = (ok) => (ok ? 'met' : '**missed**');

/** A RAM-backed folder (tmpfs) when the machine has one, else the temp folder. */
function ramFolder(prefix) {
	const base = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();
	return fs.mkdtempSync(path.join(base, prefix));
}

function imageItems(images) {
	return images.map((data, n) => ({
		json: { n },
		binary: { data: { data, mimeType: 'image/jpeg', fileName: `photo-${n}.jpg` } },
	}));
}

/** One HTTP exchange with the body read as text. */
function request(method, url, body, headers = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method,
				headers: {
					'Accept-Encoding': 'identity',
					...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
					...headers,
				},
			},
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** Runs scripts/bench.js as a child (`--child <kind> ...args`: the `child` of scripts/bench/<kind>.js) and resolves the JSON of its last stdout line. */
function runChild(args, nodeFlags = []) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [...nodeFlags, ENTRY, '--child', ...args], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let stdout = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.on('error', reject);
		child.on('exit', (code) => {
			const line = stdout
				.trim()
				.split('\n')
				.filter((l) => l.startsWith('{'))
				.at(-1);
			if (code !== 0 || !line)
				return reject(new Error(`child ${args.slice(0, 2).join(' ')} exited ${code}: ${stdout.slice(-2000)}`));
			resolve(JSON.parse(line));
		});
	});
}

module.exports = {
	REPO,
	ENTRY,
	MiB,
	STANDARD_ROUTE,
	MODEL,
	PROMPT,
	sleep,
	median,
	summary,
	cpuMs,
	seconds,
	millis,
	spread,
	mib,
	ratio,
	mark,
	log,
	ramFolder,
	imageItems,
	request,
	runChild,
};
