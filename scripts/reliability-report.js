#!/usr/bin/env node
'use strict';
// Runs the reliability tests (through AOG: fault matrix, bad-input matrix, concurrency, security; DashScope directly:
// Image to Video, Get Task, Cancel Task, security; the guards of promised behaviour; keys, links and credential
// tests under attack) with jest and writes into
// docs/RELIABILITY.md the status of every case row and the totals. Each row's "Proven by" cell names its tests as
// `<file> › <describe> › … › <test>` in backticks, `*` standing for any text. The script fails (exit 1) when a test
// fails, or a row names a test that does not exist.
const USAGE = `Usage: node scripts/reliability-report.js [--from <jest.json>] [--check]

Checks every case row of docs/RELIABILITY.md against a jest run of the reliability test files, and writes each
row's Status and the totals into the doc.

  (no option)        run jest on the reliability test files, then update the doc
  --from <file>      use an earlier \`jest --json\` result instead of running jest: the run of these files, or of
                     the whole suite (npm test -- --json --outputFile=<file>; the other files are ignored)
  --doc <file>       another doc than docs/RELIABILITY.md (for the script's own tests)
  --check            do not write the doc; fail (exit 1) when a row's test is missing or did not pass, or when the
                     Status column committed in the doc disagrees with the run (CI: .ci/run)
  -h, --help         this text
`;
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'RELIABILITY.md');
const FILES = {
	faults: 'test/nodes/Aog/operations/faults.engine.test.ts',
	badInput: 'test/nodes/Aog/operations/badInput.engine.test.ts',
	security: 'test/nodes/Aog/security.engine.test.ts',
	concurrency: 'test/nodes/Aog/operations/concurrency.engine.test.ts',
	dashScope: 'test/nodes/Aog/operations/dashScopeTask.engine.test.ts',
	getTask: 'test/nodes/Aog/operations/getTask.engine.test.ts',
	cancelTask: 'test/nodes/Aog/operations/cancelTask.engine.test.ts',
	dashScopeSecurity: 'test/nodes/Aog/dashScopeSecurity.engine.test.ts',
	promises: 'test/nodes/Aog/operations/promises.engine.test.ts',
	guards: 'test/nodes/Aog/operations/guards.engine.test.ts',
	wait: 'test/nodes/Aog/run/wait.test.ts',
	scripts: 'test/scripts/help.test.ts',
	report: 'test/scripts/reliability-report.test.ts',
	keys: 'test/nodes/Aog/keysAndLinks.engine.test.ts',
	textToVideo: 'test/nodes/Aog/operations/textToVideo.engine.test.ts',
	frames: 'test/nodes/Aog/operations/firstLastFrameToVideo.engine.test.ts',
	references: 'test/nodes/Aog/operations/referenceToVideo.engine.test.ts',
	videoEdit: 'test/nodes/Aog/operations/editVideo.engine.test.ts',
	extras: 'test/nodes/Aog/operations/imageToVideoExtras.engine.test.ts',
};
const FILE_COUNT =
	['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][Object.keys(FILES).length] ??
	String(Object.keys(FILES).length);

function runJest() {
	const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aog-reliability-')), 'jest.json');
	const started = Date.now();
	const jest = spawnSync(
		process.execPath,
		[
			require.resolve('jest/bin/jest', { paths: [ROOT] }),
			'--selectProjects',
			'unit',
			'engine',
			'--json',
			'--outputFile',
			output,
			'--',
			...Object.values(FILES),
		],
		{ cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
	);
	if (!fs.existsSync(output)) throw new Error(`jest wrote no results (exit ${jest.status})`);
	return { results: JSON.parse(fs.readFileSync(output, 'utf8')), wallMs: Date.now() - started };
}

/** Every test as {file key, name "describe › … › test", status, durationMs}. */
function listTests(results) {
	const tests = [];
	for (const file of results.testResults) {
		const key = Object.keys(FILES).find((name) => file.name.endsWith(FILES[name]));
		if (!key) continue;
		for (const test of file.assertionResults) {
			tests.push({
				key,
				name: [...test.ancestorTitles, test.title].join(' › '),
				status: test.status,
				durationMs: test.duration ?? 0,
			});
		}
	}
	return tests;
}

function globToRegExp(pattern) {
	return new RegExp(
		`^${pattern
			.split('*')
			.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
			.join('.*')}$`,
	);
}

/** The tests a reference `file › pattern` stands for. */
function resolveReference(reference, tests) {
	const match = /^(\w+) › (.+)$/.exec(reference);
	if (!match || !FILES[match[1]])
		return { error: `bad reference "${reference}" (expected <${Object.keys(FILES).join('|')}> › <test name>)` };
	const pattern = globToRegExp(match[2]);
	return { tests: tests.filter((test) => test.key === match[1] && pattern.test(test.name)) };
}

function splitRow(line) {
	// Table cells never contain "|" here (test names and messages do not use it).
	return line
		.trim()
		.replace(/^\||\|$/g, '')
		.split('|')
		.map((cell) => cell.trim());
}

function updateDoc(doc, tests, { check = false } = {}) {
	const problems = [];
	const rows = { total: 0, passing: 0 };
	const covered = new Set();
	const referenced = new Set();
	const lines = doc.split('\n').map((line) => {
		if (!/^\| [A-Z]\d+ \|/.test(line)) return line;
		const cells = splitRow(line);
		const id = cells[0];
		const references = [...cells[3].matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((text) => /^(\w+) › /.test(text));
		let ok = references.length > 0;
		if (!ok) problems.push(`${id}: names no test`);
		for (const reference of references) {
			const { tests: matched, error } = resolveReference(reference, tests);
			if (!error) referenced.add(/^(\w+) › /.exec(reference)[1]);
			if (error) {
				problems.push(`${id}: ${error}`);
				ok = false;
				continue;
			}
			if (matched.length === 0) {
				problems.push(`${id}: no test matches \`${reference}\``);
				ok = false;
			}
			for (const test of matched) {
				covered.add(`${test.key} › ${test.name}`);
				if (test.status !== 'passed') {
					problems.push(`${id}: ${test.key} › ${test.name} is ${test.status}`);
					ok = false;
				}
			}
		}
		rows.total += 1;
		if (ok) rows.passing += 1;
		const status = ok ? 'pass' : '**FAIL**';
		if (check && cells[4] !== status)
			problems.push(`${id}: the doc's Status says "${cells[4]}", the run says "${status}"`);
		cells[4] = status;
		return `| ${cells.join(' | ')} |`;
	});
	const uncovered = tests.filter((test) => !covered.has(`${test.key} › ${test.name}`));
	return { doc: lines.join('\n'), rows, problems, uncovered, referenced };
}

function totalsBlock({ rows, tests, wallMs, uncovered, results }) {
	const passed = tests.filter((test) => test.status === 'passed').length;
	const byFile = Object.keys(FILES).map((key) => {
		const own = tests.filter((test) => test.key === key);
		const seconds = own.reduce((sum, test) => sum + test.durationMs, 0) / 1000;
		return `| ${key} | \`${FILES[key]}\` | ${own.filter((test) => test.status === 'passed').length} / ${own.length} | ${seconds.toFixed(1)} s |`;
	});
	const date = new Date(results.startTime || Date.now())
		.toISOString()
		.replace('T', ' ')
		.replace(/\.\d+Z$/, ' UTC');
	return [
		'<!-- totals:start -->',
		`**Totals** (generated by \`node scripts/reliability-report.js\`, run of ${date}, Node ${process.version}):`,
		`**${rows.passing} of ${rows.total} cases pass**; ${passed} of ${tests.length} tests pass` +
			(wallMs ? `; the jest run of the ${FILE_COUNT} files took ${(wallMs / 1000).toFixed(1)} s of wall time.` : '.') +
			(uncovered.length ? ` ${uncovered.length} tests are not named by any row.` : ''),
		'',
		'| file | path | tests passing | time in tests |',
		'|---|---|---|---|',
		...byFile,
		'<!-- totals:end -->',
	].join('\n');
}

function parseArgs(argv) {
	const args = { check: false, from: undefined, doc: DOC, help: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') args.help = true;
		else if (arg === '--check') args.check = true;
		else if (arg === '--from' && argv[i + 1] && !argv[i + 1].startsWith('--')) args.from = argv[++i];
		else if (arg.startsWith('--from=')) args.from = arg.slice('--from='.length);
		else if (arg === '--doc' && argv[i + 1] && !argv[i + 1].startsWith('--')) args.doc = path.resolve(argv[++i]);
		else throw new Error(`unknown or incomplete option "${arg}"`);
	}
	return args;
}

function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${error.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (args.help) {
		process.stdout.write(USAGE);
		return;
	}
	if (args.from && !fs.existsSync(args.from)) {
		console.error(`problem: ${args.from} does not exist (did jest run with --json --outputFile=${args.from}?)`);
		process.exitCode = 1;
		return;
	}
	const { results, wallMs } = args.from
		? { results: JSON.parse(fs.readFileSync(path.resolve(args.from), 'utf8')), wallMs: 0 }
		: runJest();
	const tests = listTests(results);
	const original = fs.readFileSync(args.doc, 'utf8');
	const { doc, rows, problems, uncovered, referenced } = updateDoc(original, tests, { check: args.check });
	// A file the rows name whose suite did not run at all (or failed to load) is named once, besides its rows.
	for (const key of referenced)
		if (!tests.some((test) => test.key === key))
			problems.push(`${FILES[key]}: not in the jest run, or none of its tests ran`);
	const block = totalsBlock({ rows, tests, wallMs, uncovered, results });
	const updated = doc.replace(/<!-- totals:start -->[\s\S]*?<!-- totals:end -->/, block);
	if (!args.check) fs.writeFileSync(args.doc, updated);
	console.log(
		`${rows.passing}/${rows.total} cases pass; ${tests.filter((test) => test.status === 'passed').length}/${tests.length} tests pass`,
	);
	for (const test of uncovered) console.log(`not named by any row: ${test.key} › ${test.name}`);
	for (const problem of problems) console.error(`problem: ${problem}`);
	process.exitCode =
		problems.length || rows.passing !== rows.total || tests.some((test) => test.status !== 'passed') ? 1 : 0;
}

main();
