#!/usr/bin/env node
'use strict';
// npm run bench (builds first): measurements of the AOG node against the AOG dev server on loopback. Each section is a
// module of scripts/bench/ (listed in SECTIONS below, in the order they run and are reported):
//   1. overhead     50 items, no generation delay, 20 MiB MP4 each: the node in n8n-core's engine vs a bare
//                   HTTP client doing the same POST + download + write to disk
//   2. concurrency  20 items, 2 s generation each, concurrency 1, 2, 5, 10: wall time vs ⌈N/c⌉·2 s
//   3. memory       one 500 MiB MP4, filesystem binary mode: peak RSS growth of the node's process, streamed
//                   (the node) vs buffered whole (the way n8n's Gemini video operation downloads)
//   4. n8n          the example workflow with 10 pictures through the real n8n 2.8.4 CLI vs the engine run
//                   of the same items, the CLI's fixed start-up cost measured separately (trigger-only run)
//   5. long-generations  20 items of 1–5 min generation (seeded, compressed ×0.1) through AOG (which gives up after
//                   about a minute) and DashScope directly: videos per task created, polls per video, wall time vs ideal
//   6. queue-mode   n8n 2.8.4 in queue mode (Redis, PostgreSQL, main + workers): 20 webhook uploads with 1 vs 2
//                   workers, and worker/main memory growth per MiB of video in database binary mode
//   7. wait-loop    queue mode, a 10-minute generation compressed ×0.1: worker busy time per video with
//                   examples/wait-loop-get-task.json (Wait → Get Task → IF done) vs the node waiting, same run
// Prints a table and writes docs/BENCHMARKS.md. The dev server runs in a child process of its own, so the
// measured process is the client only (as with a real AOG). The engine parts load the compiled node from
// dist/ and the engine harness (tools/harness, compiled by npm run build into dist/tools).
//
//   node scripts/bench.js [--only=overhead,concurrency,memory,n8n] [--quick] [--no-write] [--out=file.md]
//   --quick  one repetition of everything (a smoke run)   --no-write  leave docs/BENCHMARKS.md alone
//   --out    write the report there instead (docs/BENCHMARKS.md is written only by a full run of every section)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO, log } = require('./bench/common');
const { machine, gitCommit, report, printTable } = require('./bench/report');

const DOC = path.join(REPO, 'docs', 'BENCHMARKS.md');

// The sections. `name` is what --only takes and the key of the section's result; `file` its module in scripts/bench/
// (loaded by every run: keep its top level light); `bench` the export that measures, called with
// { quick, reps, tmp, images } (reps: this section's repetitions; tmp: a temp folder; images: 10 JPEGs of 1280×720)
// and resolving the section's result. The module may also export
//   reps: { full, quick }   its repetitions (default 3 and 1)
//   summaryRows(result)     its rows of the Results table of docs/BENCHMARKS.md
//   reportLines(result)     its "## n. …" part
//   noteItem(result)        its item of ## Notes
//   repetitions(reps)       its clause of ## Repetitions
//   tableRows(result)       its rows of the table printed at the end
// (without reportLines and tableRows its result is shown as JSON), and `child(args)` for `--child <file> …` processes.
const SECTIONS = [
	{ name: 'overhead', file: 'overhead', bench: 'benchOverhead' },
	{ name: 'concurrency', file: 'concurrency', bench: 'benchConcurrency' },
	{ name: 'memory', file: 'memory', bench: 'benchMemory' },
	{ name: 'n8n', file: 'n8n', bench: 'benchN8n' },
	{ name: 'long-generations', file: 'long-generations', bench: 'benchLongGenerations' },
	{ name: 'queue-mode', file: 'queue-mode', bench: 'benchQueueMode' },
	{ name: 'wait-loop', file: 'wait-loop', bench: 'benchWaitLoop' },
];

/** Modules whose `child(args)` a `--child <kind>` process runs. */
const CHILDREN = ['server', 'engine', 'overhead', 'memory'];

function parseArgs(argv) {
	const names = SECTIONS.map((section) => section.name);
	const only = argv.find((arg) => arg.startsWith('--only='));
	const sections = only
		? only
				.slice('--only='.length)
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: names;
	for (const section of sections)
		if (!names.includes(section)) throw new Error(`unknown section "${section}"; known: ${names.join(', ')}`);
	const out = argv.find((arg) => arg.startsWith('--out='));
	return {
		sections,
		quick: argv.includes('--quick'),
		write: !argv.includes('--no-write') && !only,
		out: out ? path.resolve(out.slice('--out='.length)) : undefined,
	};
}

/** Every section with its module loaded and its repetitions for this run. */
function loadSections(quick) {
	return SECTIONS.map((section) => {
		const module = require(`./bench/${section.file}`);
		const reps = module.reps ?? { full: 3, quick: 1 };
		return { ...section, module, reps: quick ? reps.quick : reps.full };
	});
}

async function main() {
	const { sections: selected, quick, write, out } = parseArgs(process.argv.slice(2));
	const sections = loadSections(quick);
	const started = Date.now();
	const meta = {
		machine: machine(),
		date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
		commit: gitCommit(),
		quick,
	};
	const m = meta.machine;
	log(`${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}, load ${m.load}`);

	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aog-bench-'));
	process.env.N8N_USER_FOLDER ??= path.join(tmp, 'engine-user-folder');
	fs.mkdirSync(process.env.N8N_USER_FOLDER, { recursive: true });
	const { makeImage } = require('../tools/media');
	const images = Array.from({ length: 10 }, (_, variant) =>
		makeImage({ width: 1280, height: 720, format: 'jpeg', variant }),
	);
	const results = {};
	try {
		for (const { name, module, bench, reps } of sections) {
			if (selected.includes(name)) results[name] = await module[bench]({ quick, reps, tmp, images });
		}
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	meta.durationMs = Date.now() - started;
	meta.loadEnd = os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' ');
	printTable(sections, results);
	process.stdout.write(
		`Machine: ${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}; bench took ${(meta.durationMs / 60000).toFixed(1)} min\n`,
	);
	const markdown = report(sections, results, meta);
	if (out) {
		fs.writeFileSync(out, `${markdown}\n`);
		process.stdout.write(`Wrote ${out}\n`);
	} else if (write && !quick) {
		fs.mkdirSync(path.dirname(DOC), { recursive: true });
		fs.writeFileSync(DOC, `${markdown}\n`);
		process.stdout.write(`Wrote ${path.relative(REPO, DOC)}\n`);
	} else {
		process.stdout.write(`(${quick ? '--quick' : '--only'}: ${path.relative(REPO, DOC)} left unchanged)\n`);
	}
}

/** `--child <kind> …args`: one measurement (or the dev server) in a process of its own, run by scripts/bench/<kind>.js. */
async function child(kind, args) {
	if (!CHILDREN.includes(kind)) throw new Error(`unknown child kind ${kind}`);
	return require(`./bench/${kind}`).child(args);
}

const USAGE = `Usage: npm run bench -- [options]   (npm run bench builds first; node scripts/bench.js after a build)

Measures the AOG node against the dev servers (each in a process of its own) and writes docs/BENCHMARKS.md. A full
run takes about 21 minutes on 2 cores, and installs the n8n CLI into .cache/ on first use.

  --only=<a,b,…>  only these sections: ${SECTIONS.map((section) => section.name).join(', ')} (the doc is left unchanged)
  --quick         one repetition per measurement (the doc is left unchanged)
  --no-write      print the table, leave the doc unchanged
  --out=<file>    write the report to this file instead of docs/BENCHMARKS.md
  -h, --help      this text`;

if (require.main === module) {
	const argv = process.argv.slice(2);
	if (argv[0] !== '--child') require('./usage').answerHelp(USAGE, ['--only=', '--quick', '--no-write', '--out=']);
	const run = argv[0] === '--child' ? child(argv[1], argv.slice(2)) : main();
	run.catch((error) => {
		process.stderr.write(`\n[bench] failed: ${error.stack || error}\n`);
		process.exit(1);
	});
}
