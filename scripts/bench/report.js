'use strict';
// The frame of the report: the machine and commit, docs/BENCHMARKS.md around the sections' own parts, and the table
// printed at the end. Each section (see SECTIONS in scripts/bench.js) writes its own rows, part, note and clause; a
// section that writes none gets its result shown as JSON.
const os = require('node:os');
const { REPO } = require('./common');

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model?.trim() || 'unknown',
		cores: cpus.length,
		memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
		node: process.version,
		os: `${os.type()} ${os.release()} (${os.arch()})`,
		load: os
			.loadavg()
			.map((l) => l.toFixed(2))
			.join(' '),
	};
}

/** HEAD's short hash, flagged when what the bench runs (the node, the harness, the dev server, the bench) has local changes. */
function gitCommit() {
	const { execFileSync } = require('node:child_process');
	const git = (...args) =>
		execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	try {
		const head = git('rev-parse', '--short', 'HEAD');
		const dirty = git(
			'status',
			'--porcelain',
			'--',
			'nodes',
			'credentials',
			'tools',
			'scripts/bench.js',
			'scripts/bench',
			'examples',
		);
		return dirty ? `${head} + local changes (${dirty.split('\n').length} files)` : head;
	} catch {
		return 'unknown (not a git checkout)';
	}
}

/** The sections that have a result, each with it: [{ name, module, result }]. */
const withResults = (sections, results) =>
	sections
		.filter((section) => results[section.name] !== undefined)
		.map((section) => ({ ...section, result: results[section.name] }));

/** docs/BENCHMARKS.md. `sections`: every known section ({ name, module, reps }), in order; `results`: by name. */
function report(sections, results, meta) {
	const ran = withResults(sections, results);
	const lines = [];
	const push = (...more) => lines.push(...more);
	push('# Benchmarks', '');
	push(
		'Written by `npm run bench` (scripts/bench.js); this is the output of the last full run. All measurements run against the',
	);
	push(
		'AOG dev server (tools/aog-server) on loopback, in a process of its own, so the measured process is the client only.',
	);
	push(
		'Each comparison is measured in the same run, alternating the two sides; figures are medians with the min–max spread',
	);
	push(
		'over n runs. Absolute times on this shared machine are noisy: the ratios are the result. No test asserts a time.',
		'',
	);
	push('## Machine', '');
	push('| | |', '|---|---|');
	push(`| CPU | ${meta.machine.cpu}, ${meta.machine.cores} cores |`);
	push(`| Memory | ${meta.machine.memory} |`);
	push(`| Node.js | ${meta.machine.node} |`);
	push(`| OS | ${meta.machine.os} |`);
	push(`| Load average (1, 5, 15 min) at start / end | ${meta.machine.load} / ${meta.loadEnd} |`);
	push(`| Date, commit | ${meta.date}, ${meta.commit} |`);
	push(
		`| Run time of the bench | ${(meta.durationMs / 60000).toFixed(1)} min${meta.quick ? ' (--quick: one repetition each)' : ''} |`,
		'',
	);

	push('## Results', '');
	push('| # | Measurement | Result | Goal | |', '|---|---|---|---|---|');
	for (const { module, result } of ran) if (module.summaryRows) push(...module.summaryRows(result));
	push('');

	for (const { name, module, result } of ran) {
		if (module.reportLines) push(...module.reportLines(result));
		else push(`## ${name}`, '', '```json', JSON.stringify(result, null, 2), '```', '');
	}
	push('## Repetitions', '');
	const clauses = sections
		.filter((section) => section.module.repetitions)
		.map((section) => section.module.repetitions(section.reps));
	push(
		`${meta.quick ? 'A --quick run: one repetition of everything.' : `${clauses.join('; ')}. Fewer repetitions for the slow parts keep the whole bench under ~15 minutes on this 2-core machine.`}`,
		'',
	);
	push(notes(ran), '');
	return lines.join('\n');
}

// What the numbers mean, and what would close a gap: each section's note is kept with its generator so the doc stays
// whole, and phrased from the numbers of the run it describes.
function notes(ran) {
	const out = ['## Notes', ''];
	const item = (text) => out.push(`- ${text.trim().replace(/\n\s*/g, ' ')}`);
	for (const { module, result } of ran) if (module.noteItem) item(module.noteItem(result));
	return out.join('\n');
}

/** The table printed at the end of a run. */
function printTable(sections, results) {
	const rows = [['measurement', 'result', 'goal']];
	for (const { name, module, result } of withResults(sections, results)) {
		rows.push(...(module.tableRows ? module.tableRows(result) : [[name, JSON.stringify(result), '']]));
	}
	const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
	const format = (row) => row.map((cell, col) => cell.padEnd(widths[col])).join('  ');
	process.stdout.write(
		`\n${format(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.slice(1).map(format).join('\n')}\n\n`,
	);
}

module.exports = { machine, gitCommit, report, printTable };
