// End to end: a new user finds the node in the real n8n editor (2.8.4, and 2.41.1 on Node 24). Headless Chromium (Debian's `chromium`,
// installed when missing, through playwright-core as scripts/screenshots.js drives it) signs in to `n8n start` with
// the packed package installed, and searches the nodes panel for each term a user would type, from an empty
// workflow (the trigger panel) and after a trigger (the "What happens next?" panel). The codex decides this: an
// `AI` category without the `Root Nodes` subcategory drops a node from the search (docs/VERIFICATION.md).
// The node's tool variant is listed in the panel an AI Agent's Tool input opens.
// Screenshots of each search go to .tmp/editor-search/ (docs/images/editor-search-*.png are copies of two).
// `npm test` builds first; on its own: npm run build && npx jest test/e2e/editor-search --selectProjects e2e
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { ensureNode, freePort, REPO } from '../../tools/n8n-cli';
import { requireBuild } from './support';

interface DevEnvironment {
	n8nUrl: string;
	client: { request(method: string, path: string, body?: unknown): Promise<{ data?: { id: string }; id?: string }> };
	owner: { email: string; password: string };
	stop(): Promise<void>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { startDev } = require('../../tools/dev-env') as {
	startDev: (options: Record<string, unknown>) => Promise<DevEnvironment>;
};
const { ensureAptPackages } = require('../../tools/apt') as {
	ensureAptPackages: (options: { packages: string[]; missing: () => string[] }) => Promise<void>;
};
const { chromium } = require('playwright-core') as typeof import('playwright-core');
/* eslint-enable @typescript-eslint/no-require-imports */

jest.setTimeout(15 * 60_000);

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TERMS = ['AOG', 'video', 'image to video', 'DashScope', 'Wan', 'Alibaba'];
/** The node's display name, as the panel lists it. */
const NODE_NAME = 'AOG';
/** An imported example that starts with a Manual Trigger (tools/examples.js). */
const EXAMPLE_WITH_TRIGGER = 'aogImageToVideoEx1';
const SHOTS = path.join(REPO, '.tmp', 'editor-search');
/** A chat trigger and an AI Agent with nothing attached: its Tool input opens the Tools panel. */
const AGENT_WORKFLOW = {
	name: 'Agent with tools',
	nodes: [
		{
			id: 'c1',
			name: 'Chat',
			type: '@n8n/n8n-nodes-langchain.chatTrigger',
			typeVersion: 1.1,
			position: [0, 0],
			parameters: {},
			webhookId: 'aog-editor-search',
		},
		{
			id: 'a1',
			name: 'AI Agent',
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: 2,
			position: [240, 0],
			parameters: {},
		},
	],
	connections: { Chat: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] } },
	settings: {},
};

interface Target {
	n8n: string;
	/** undefined: the Node.js running this test. */
	nodeMajor?: number;
}
// n8n 2.8.4 on this Node, and the newest 2.x of the compatibility table on Node 24 (compatibility.e2e.test.ts).
const TARGETS: Target[] = [{ n8n: '2.8.4' }, { n8n: '2.41.1', nodeMajor: 24 }];

let browser: Browser;

beforeAll(async () => {
	requireBuild();
	await ensureAptPackages({ packages: ['chromium'], missing: () => (existsSync(CHROMIUM) ? [] : ['chromium']) });
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
	});
	mkdirSync(SHOTS, { recursive: true });
}, 15 * 60_000);

afterAll(async () => await browser?.close());

describe.each(TARGETS)('the nodes panel of n8n $n8n finds the node', (target) => {
	let dev: DevEnvironment;
	let folder: string;
	let page: Page;
	/** n8n marks its elements with data-test-id (Playwright's getByTestId reads data-testid). */
	const byId = (id: string) => page.locator(`[data-test-id="${id}"]`);

	beforeAll(async () => {
		const node = target.nodeMajor ? await ensureNode(String(target.nodeMajor)) : undefined;
		folder = mkdtempSync(path.join(tmpdir(), `n8n-aog-editor-search-${target.n8n}-`));
		dev = await startDev({
			userFolder: folder,
			n8nVersion: target.n8n,
			node,
			n8nPort: await freePort(),
			anyN8nPort: true,
			aogPort: 0,
			dashScopePort: 0,
			generationDelayMs: 0,
		});
		page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		page.setDefaultTimeout(30_000);
		await page.goto(`${dev.n8nUrl}/signin`);
		await page.fill('input[name="emailOrLdapLoginId"]', dev.owner.email);
		await page.fill('input[name="password"]', dev.owner.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	}, 45 * 60_000);

	afterAll(async () => {
		await page?.close();
		await dev?.stop();
		if (folder) rmSync(folder, { recursive: true, force: true });
	});

	/** Types the term into the open nodes panel and returns the names it lists. */
	async function search(term: string, shot: string): Promise<string[]> {
		const bar = byId('node-creator-search-bar');
		await bar.fill('');
		await bar.fill(term);
		const items = byId('node-creator-item-name');
		// The list settles after the search's debounce; wait for it to show something for this term.
		await page.waitForTimeout(400);
		await items
			.first()
			.waitFor({ state: 'visible', timeout: 10_000 })
			.catch(() => undefined);
		await page.screenshot({
			path: path.join(SHOTS, `${target.n8n}-${shot}-${term.replace(/\W+/g, '-').toLowerCase()}.png`),
		});
		return (await items.allInnerTexts()).map((text) => text.trim());
	}

	async function searchAll(shot: string): Promise<Record<string, boolean>> {
		await byId('node-creator-search-bar').waitFor({ state: 'visible' });
		const found: Record<string, boolean> = {};
		for (const term of TERMS) found[term] = (await search(term, shot)).includes(NODE_NAME);
		return found;
	}

	const everyTerm = Object.fromEntries(TERMS.map((term) => [term, true]));

	test('from an empty workflow (the trigger panel): every term', async () => {
		await page.goto(`${dev.n8nUrl}/workflow/new`);
		await byId('canvas-add-button').click();
		expect(await searchAll('empty')).toEqual(everyTerm);
	});

	test('after a trigger ("What happens next?"): every term', async () => {
		await page.goto(`${dev.n8nUrl}/workflow/${EXAMPLE_WITH_TRIGGER}`);
		await byId('node-creator-plus-button').click();
		expect(await searchAll('after-trigger')).toEqual(everyTerm);
	});

	// n8n 2.8.4 lists the tool variant as "AOG Tool"; 2.41.1 lists tool-capable nodes by their own name there.
	test("as an AI Agent's tool: the panel of the agent's Tool input lists the node", async () => {
		const created = await dev.client.request('POST', '/rest/workflows', AGENT_WORKFLOW);
		await page.goto(`${dev.n8nUrl}/workflow/${created.data?.id ?? created.id}`);
		await page.locator('[data-handleid="inputs/ai_tool/0"] [data-test-id="canvas-handle-plus"]').click();
		await byId('node-creator-search-bar').waitFor({ state: 'visible' });
		const names = await search('AOG', 'agent-tools');
		expect(names.filter((name) => name === NODE_NAME || name === `${NODE_NAME} Tool`)).toHaveLength(1);
	});
});
