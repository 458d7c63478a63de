// What n8n's verification reads besides the code: the codex file (the node panel's categories and help links),
// package.json's contact and repository fields, and the credentials' documentation links. The codex rules
// mirrored here are the ones docs/VERIFICATION.md describes ("Codex rules newer than the lint plugin").
import * as fs from 'fs';
import * as path from 'path';
import { AogApi } from '../../credentials/AogApi.credentials';
import { DashScopeApi } from '../../credentials/DashScopeApi.credentials';
import { Aog } from '../../nodes/Aog/Aog.node';

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const codexFile = path.join(ROOT, 'nodes', 'Aog', 'Aog.node.json');
const codex = JSON.parse(fs.readFileSync(codexFile, 'utf8'));
const nodeSource = fs.readFileSync(codexFile.replace(/\.json$/, '.ts'), 'utf8');

// n8n's category taxonomy as its node panel and its lint rule valid-codex-categories know it
// (docs/VERIFICATION.md). "Marketing" alone is not in it; "Marketing & Content" is.
const KNOWN_CATEGORIES = new Set([
	'AI',
	'Analytics',
	'Communication',
	'Core Nodes',
	'Data & Storage',
	'Developer Tools',
	'Development',
	'ECM',
	'Finance & Accounting',
	'HITL',
	'Marketing & Content',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
]);

/** The repository's web address, from package.json's repository.url (git+https://…/x.git). */
function repositoryWebUrl(): string {
	const match = /^git\+(https:\/\/github\.com\/[^/]+\/[^/]+?)\.git$/.exec(pkg.repository.url);
	if (!match) throw new Error(`repository.url is not git+https://github.com/<owner>/<name>.git: ${pkg.repository.url}`);
	return match[1];
}

/** GitHub's anchor for a Markdown heading. */
function githubSlug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

function readmeAnchors(): Set<string> {
	const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
	return new Set([...readme.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => githubSlug(match[1])));
}

describe('codex (nodes/Aog/Aog.node.json)', () => {
	it('is the codex n8n reads: the node description has no inline codex, and the names match', () => {
		expect(nodeSource).not.toMatch(/\bcodex\s*:/);
		const description = new Aog().description;
		expect(codex.node).toBe(`${pkg.name}.${description.name}`);
		expect(Number(codex.nodeVersion)).toBe(description.version);
		expect(codex.codexVersion).toBe('1.0');
	});

	it('no-ai-codex-category: no "AI" category, since the node does not use n8n\'s AI node SDK', () => {
		expect(nodeSource).not.toMatch(/@n8n\/ai-node-sdk/);
		expect(codex.categories).not.toContain('AI');
	});

	it('no-codex-subcategories: no subcategories', () => {
		expect(codex).not.toHaveProperty('subcategories');
	});

	it('valid-codex-categories: every category is one n8n knows', () => {
		expect(codex.categories.length).toBeGreaterThan(0);
		for (const category of codex.categories) expect(KNOWN_CATEGORIES).toContain(category);
	});

	it('has the aliases the node panel search should find it by', () => {
		const words = codex.alias.join(' ').toLowerCase();
		for (const word of ['video', 'image to video', 'wan', 'alibaba', 'dashscope']) expect(words).toContain(word);
	});
});

describe('package.json, codex and credentials agree on where the project lives', () => {
	const base = repositoryWebUrl();

	it("homepage is the README, bugs are the repository's issues", () => {
		expect(pkg.homepage).toBe(`${base}#readme`);
		expect(pkg.bugs).toEqual({ url: `${base}/issues` });
	});

	it('the codex links point at the README: primary = homepage, credentials = the Credentials section', () => {
		expect(codex.resources.primaryDocumentation).toEqual([{ url: pkg.homepage }]);
		expect(codex.resources.credentialDocumentation).toEqual([{ url: `${base}#credentials` }]);
	});

	it.each([
		['AogApi', new AogApi().documentationUrl],
		['DashScopeApi', new DashScopeApi().documentationUrl],
	])('%s documentationUrl is a section of the README', (_name, url) => {
		expect(url.startsWith(`${base}#`)).toBe(true);
		expect(readmeAnchors()).toContain(url.slice(base.length + 1));
	});

	it('every README anchor the codex links to exists', () => {
		for (const { url } of [...codex.resources.primaryDocumentation, ...codex.resources.credentialDocumentation]) {
			const anchor = url.slice(base.length + 1);
			if (anchor !== 'readme') expect(readmeAnchors()).toContain(anchor);
		}
	});
});

describe('package.json contact and contents', () => {
	it("author names a contact email (n8n's scanner, valid-author)", () => {
		const email = typeof pkg.author === 'string' ? /<([^>]+)>/.exec(pkg.author)?.[1] : pkg.author?.email;
		expect(email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);
	});

	it('the only README at the root is the English one (npm packs every root README*)', () => {
		expect(fs.readdirSync(ROOT).filter((name) => /^readme/i.test(name))).toEqual(['README.md']);
	});
});
