// README's comparison with n8n's Alibaba Cloud node (between <!-- comparison:start --> and <!-- comparison:end -->):
// each row where this node claims more names the tests that show it, as `file`: "test title". Each named file must
// exist and hold a test (test, it, describe) whose title contains the quoted text, so a renamed or deleted test turns
// this red. Rows of modes still being built say (planned) instead.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const PLANNED = ['first and last frame to video', 'reference to video', 'video editing'];

interface Row {
	subject: string;
	ours: string;
	theirs: string;
	shownBy: string;
}

function comparisonRows(): Row[] {
	const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
	const block = /<!-- comparison:start -->\n([\s\S]*?)<!-- comparison:end -->/.exec(text);
	if (!block) throw new Error('README.md: no comparison block');
	const lines = block[1].trim().split('\n');
	expect(lines[0]).toBe("| | this node (AOG) | n8n's Alibaba Cloud node | shown by |");
	return lines.slice(2).map((line) => {
		const cells = line.split(' | ').map((cell) => cell.replace(/^\|\s*|\s*\|$/g, '').trim());
		expect(cells).toHaveLength(4);
		const [subject, ours, theirs, shownBy] = cells;
		return { subject, ours, theirs, shownBy };
	});
}

/** Every `file`: "title" in a cell. */
function references(cell: string): Array<{ file: string; title: string }> {
	return [...cell.matchAll(/`([^`]+)`: "([^"]+)"/g)].map((match) => ({ file: match[1], title: match[2] }));
}

/** The titles of the tests, it blocks and describe blocks of a test file, as written (template literals included). */
function testTitles(file: string): string[] {
	const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
	const call = /\b(?:test|it|describe)(?:\.each\([\s\S]*?\))?\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*)\1/g;
	return [...source.matchAll(call)].map((match) => match[2].replace(/\\(['"`\\])/g, '$1'));
}

const rows = comparisonRows();

describe("README: the comparison with n8n's Alibaba Cloud node", () => {
	it('has the rows it is read for, the planned modes among them', () => {
		expect(rows.length).toBeGreaterThanOrEqual(15);
		for (const subject of PLANNED) expect(rows.map((row) => row.subject)).toContain(subject);
	});

	it.each(rows.map((row) => [row.subject, row] as const))('%s: shown by tests, planned, or no claim', (_, row) => {
		if (row.shownBy === '(planned)') {
			expect(PLANNED).toContain(row.subject);
			expect(row.ours).toBe('not yet');
		} else if (row.shownBy === '–') {
			expect(references(row.shownBy)).toEqual([]);
		} else {
			// Nothing but references in the cell: a stray word would be a reference this test does not check.
			expect(row.shownBy.replace(/`[^`]+`: "[^"]+"/g, '').replace(/;\s*/g, '')).toBe('');
			expect(references(row.shownBy).length).toBeGreaterThan(0);
		}
	});

	const cited = rows.flatMap((row) =>
		references(row.shownBy).map((ref) => [row.subject, ref.file, ref.title] as const),
	);
	it.each(cited)('%s: %s holds a test titled "%s"', (_, file, title) => {
		expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
		expect(testTitles(file).some((candidate) => candidate.includes(title))).toBe(true);
	});

	it('reads titles written in single quotes, double quotes and template literals', () => {
		const titles = testTitles('test/nodes/Aog/operations/guards.engine.test.ts');
		expect(titles).toContain('Timeout 10801 s is refused before any request; 10800 s is accepted');
		expect(titles.some((title) => title.includes('heap + external memory grow by less than'))).toBe(true);
		expect(testTitles('test/nodes/Aog/operations/dashScopeTask.engine.test.ts')).toContain(
			"a generation ten times longer than AOG's one-minute cap (10 compressed minutes) succeeds",
		);
	});
});
