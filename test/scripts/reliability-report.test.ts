// scripts/reliability-report.js --check --from <jest.json>, as CI runs it after the README's npm test: it fails when
// a row's test is missing or did not pass, or when the Status committed in the doc disagrees with the run; the
// whole suite's other files do not matter to it. Run on a small doc and a hand-made jest result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'reliability-report.js');

type Status = 'passed' | 'failed' | 'pending';
interface FileResult {
	file: string;
	tests: Array<[string[], string, Status]>;
}

const GUARDS = 'test/nodes/Aog/operations/guards.engine.test.ts';
const WAIT = 'test/nodes/Aog/run/wait.test.ts';

function doc(statusA = 'pass', statusB = 'pass'): string {
	return [
		'# Reliability',
		'',
		'| # | Case | Expected behaviour | Proven by | Status |',
		'|---|---|---|---|---|',
		`| G1 | one | it holds | \`guards › the stop button › ends at once\` | ${statusA} |`,
		`| G2 | two | it holds | \`wait › abortableSleep › 50 waits*\`, \`guards › streamed › *\` | ${statusB} |`,
		'',
	].join('\n');
}

/** A whole-suite `jest --json` result: the reliability files and one unrelated file, whatever its outcome. */
function results(files: FileResult[]) {
	return {
		startTime: Date.now(),
		testResults: files.map(({ file, tests }) => ({
			name: path.join(ROOT, file),
			assertionResults: tests.map(([ancestorTitles, title, status]) => ({
				ancestorTitles,
				title,
				status,
				duration: 5,
			})),
		})),
	};
}

const passing = (): FileResult[] => [
	{
		file: GUARDS,
		tests: [
			[['the stop button'], 'ends at once', 'passed'],
			[['streamed'], 'a 256 MiB video', 'passed'],
		],
	},
	{ file: WAIT, tests: [[['abortableSleep'], '50 waits on one signal', 'passed']] },
	{ file: 'test/nodes/Aog/http/url.test.ts', tests: [[['url'], 'something else', 'failed']] },
];

function check(docText: string, files: FileResult[], extra: string[] = ['--check']) {
	const dir = mkdtempSync(path.join(tmpdir(), 'aog-report-'));
	const docFile = path.join(dir, 'RELIABILITY.md');
	const jsonFile = path.join(dir, 'jest-results.json');
	writeFileSync(docFile, docText);
	writeFileSync(jsonFile, JSON.stringify(results(files)));
	const run = spawnSync(process.execPath, [SCRIPT, ...extra, '--from', jsonFile, '--doc', docFile], {
		encoding: 'utf8',
		timeout: 30_000,
	});
	return { code: run.status, stdout: run.stdout, stderr: run.stderr, doc: readFileSync(docFile, 'utf8') };
}

describe('reliability-report --check --from a whole-suite jest result', () => {
	test('every row passes and the doc says so: exit 0, the doc untouched (other files of the suite do not count)', () => {
		const outcome = check(doc(), passing());
		expect(outcome.stderr).toBe('');
		expect(outcome.code).toBe(0);
		expect(outcome.stdout).toMatch(/^2\/2 cases pass/);
		expect(outcome.doc).toBe(doc());
	});

	test("a row's test failed: exit 1, naming it", () => {
		const files = passing();
		files[0].tests[0][2] = 'failed';
		const outcome = check(doc(), files);
		expect(outcome.code).toBe(1);
		expect(outcome.stderr).toContain('G1: guards › the stop button › ends at once is failed');
	});

	test("a row's test is missing from the run: exit 1", () => {
		const files = passing();
		files[1].tests = [[['abortableSleep'], 'renamed test', 'passed']];
		const outcome = check(doc(), files);
		expect(outcome.code).toBe(1);
		expect(outcome.stderr).toContain('G2: no test matches `wait › abortableSleep › 50 waits*`');
	});

	test('a file the rows name is not in the run at all: exit 1, naming the file', () => {
		const outcome = check(
			doc(),
			passing().filter((file) => file.file !== WAIT),
		);
		expect(outcome.code).toBe(1);
		expect(outcome.stderr).toContain(`${WAIT}: not in the jest run`);
	});

	test('the committed Status disagrees with the run: exit 1, in either direction', () => {
		const stale = check(doc('**FAIL**'), passing());
		expect(stale.code).toBe(1);
		expect(stale.stderr).toContain(`G1: the doc's Status says "**FAIL**", the run says "pass"`);

		const files = passing();
		files[0].tests[1][2] = 'failed';
		const optimistic = check(doc(), files);
		expect(optimistic.code).toBe(1);
		expect(optimistic.stderr).toContain(`G2: the doc's Status says "pass", the run says "**FAIL**"`);
	});

	test('without --check the run writes the Status column (a stale one is corrected)', () => {
		const outcome = check(doc('**FAIL**'), passing(), []);
		expect(outcome.code).toBe(0);
		expect(outcome.doc).toBe(doc());
	});
});
