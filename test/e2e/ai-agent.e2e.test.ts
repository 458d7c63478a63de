// End to end: the node as an AI agent's tool in the real n8n CLI, 2.8.4 (this Node) and 2.41.1 (Node 24).
// examples/ai-agent-video-tool.json as shipped (a public Chat Trigger → AI Agent with an OpenAI Chat Model and the
// node's tool variant, DashScope directly) runs in `n8n start`: a chat message is posted to the trigger's webhook.
// The OpenAI Chat Model's credential points at the scripted OpenAI dev server (tools/openai-server): it calls the
// video tool with the $fromAI arguments the tool's schema asks for (a picture URL served locally, a prompt), then
// quotes the tool's answer. The tool's credential points at the DashScope dev server. Each n8n runs with every proxy
// variable set to a local sink of its own, so a request meant for anywhere but loopback would be seen (and refused)
// there; n8n's own calls to api.n8n.io (2.41.1 fetches a list of MCP servers) are the only ones allowed to show up.
// Retry On Fail (3 tries) on the tool: a submit that fails with a 5xx after creating its task is never submitted
// again by a later try; after the last try 2.8.4 fails the run, 2.41.1 hands the error message to the model.
// Both versions start at once, each once for the suite (about two minutes in all with both installed).
// `npm test` builds first; on its own: npm run build && npx jest --selectProjects e2e -- test/e2e/ai-agent
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { makeImage } from '../../tools/media';
import { startDashScopeServer, type DashScopeServer } from '../../tools/dashscope-server';
import { dashScopeCredentials } from '../../tools/examples';
import {
	activateWorkflow,
	ensureN8n,
	ensureNode,
	makeUserFolder,
	packPackage,
	prepareUserFolder,
	REPO,
	startN8n,
	type NodeOption,
	type RunningN8n,
} from '../../tools/n8n-cli';
import {
	DEFAULT_ANSWER_PREFIX,
	startOpenAiServer,
	type ChatRequest,
	type OpenAiServer,
} from '../../tools/openai-server';
import { startSiteServer, type SiteServer } from './site-server';
import { requireBuild, TempDirs } from './support';

jest.setTimeout(10 * 60_000);

const EXAMPLE = path.join(REPO, 'examples', 'ai-agent-video-tool.json');
const TOOL = 'Make a video from a picture';
const OPENAI_CREDENTIAL = { id: 'openAiExample1', name: 'OpenAI account', type: 'openAiApi' };
const TIME_SCALE = 0.01;
const PROMPT = 'A slow push-in towards the lighthouse';

interface Target {
	n8n: string;
	/** undefined: the Node.js running this test. */
	nodeMajor?: number;
	/** What the agent does with a tool's error: fail the run (2.8.4) or hand the error to the model (2.41.1). */
	toolErrorFailsRun: boolean;
}
// As in dashscope.e2e.test.ts: 2.41.1 on Node 24 with the same native modules built.
const TARGETS: Target[] = [
	{ n8n: '2.8.4', toolErrorFailsRun: true },
	{ n8n: '2.41.1', nodeMajor: 24, toolErrorFailsRun: false },
];
const CORE_NATIVE = ['sqlite3', 'isolated-vm'];

async function install(target: Target): Promise<{ n8nBin: string; node?: NodeOption }> {
	if (!target.nodeMajor) return { n8nBin: await ensureN8n(target.n8n) };
	const node = await ensureNode(String(target.nodeMajor));
	return { node, n8nBin: await ensureN8n(target.n8n, { node, rebuildOnly: CORE_NATIVE, timeoutMs: 40 * 60_000 }) };
}

/** A proxy that forwards nothing: it records what n8n tried to send past loopback, and refuses it. */
interface Sink {
	url: string;
	seen: string[];
	close(): Promise<void>;
}
async function startSink(): Promise<Sink> {
	const seen: string[] = [];
	const server: Server = createServer((req, res) => {
		seen.push(`${req.method} ${req.url}`);
		res.writeHead(403).end('blocked by the test');
	});
	server.on('connect', (req, socket) => {
		seen.push(`CONNECT ${req.url}`);
		socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** The example as shipped, with Retry On Fail (3 tries) on the video tool and the picture check off (a loopback URL). */
function testWorkflow() {
	const workflow = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
	const tool = workflow.nodes.find((node: { name: string }) => node.name === TOOL);
	Object.assign(tool, { retryOnFail: true, maxTries: 3, waitBetweenTries: 100 });
	tool.parameters.options = { ...tool.parameters.options, validateImage: false, pollInterval: 1 };
	return workflow;
}

const OWNER = { email: 'agent-test@example.com', password: 'AogAgent-2026', firstName: 'Agent', lastName: 'Test' };

interface N8nClient {
	request(method: string, path: string, body?: unknown): Promise<unknown>;
	setupOwner(owner: typeof OWNER): Promise<unknown>;
	login(owner: typeof OWNER): Promise<unknown>;
	waitForExecution(
		id: string,
		options?: { timeoutMs?: number; intervalMs?: number },
	): Promise<{ status: string; data: any }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8nClient } = require('../../tools/n8n-cli/rest-client') as { N8nClient: new (url: string) => N8nClient };

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await condition().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs / 1000} s: ${condition.toString()}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

const FAILURE =
	/DashScope failed \(500 InternalError\) after receiving the request: a video task may exist and was not resubmitted/;
const LOOPBACK = /^(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)$/;

let dashScope: DashScopeServer;
let openAi: OpenAiServer;
let site: SiteServer;
let tgz: string;
let imageUrl: string;
const installs = new Map<string, Promise<{ n8nBin: string; node?: NodeOption }>>();
interface Booted {
	n8n: RunningN8n;
	client: N8nClient;
	/** This n8n's proxy. */
	sink: Sink;
}
const boots = new Map<string, Promise<Booted>>();
const running: RunningN8n[] = [];
const sinks: Sink[] = [];
const workflow = testWorkflow();
const trigger = workflow.nodes.find((node: { type: string }) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger');
const temp = new TempDirs();

beforeAll(async () => {
	requireBuild();
	for (const target of TARGETS) {
		const promise = install(target);
		promise.catch(() => undefined); // reported by the describe that awaits it
		installs.set(target.n8n, promise);
	}
	[dashScope, openAi, site, tgz] = await Promise.all([
		startDashScopeServer({ timeScale: TIME_SCALE, pendingMs: 1000, runningMs: 30_000 }),
		startOpenAiServer(),
		startSiteServer(),
		packPackage(REPO),
	]);
	temp.add(path.dirname(tgz));
	imageUrl = site.addFile(
		'/pictures/lighthouse.jpg',
		makeImage({ width: 1280, height: 720, format: 'jpeg' }),
		'image/jpeg',
	);
	// both versions start at once (each once for the suite); a describe awaits its own
	for (const target of TARGETS) {
		const promise = boot(target);
		promise.catch(() => undefined); // reported by the describe that awaits it
		boots.set(target.n8n, promise);
	}
}, 10 * 60_000);

afterAll(async () => {
	await Promise.allSettled(boots.values());
	await Promise.all(running.map((n8n) => n8n.stop()));
	await Promise.all([dashScope?.close(), openAi?.close(), site?.close(), ...sinks.map((sink) => sink.close())]);
	temp.removeAll();
});

/**
 * One `n8n start` of a version for the whole suite: the packed package installed, both credentials and the workflow
 * imported, the workflow published, an owner to read executions with. Every proxy variable points at a sink of its own.
 */
async function boot(target: Target): Promise<Booted> {
	const { n8nBin, node } = await installs.get(target.n8n)!;
	const sink = await startSink();
	sinks.push(sink);
	const credentials = [
		...dashScopeCredentials({ baseUrl: dashScope.url, apiKey: dashScope.apiKey }),
		{ ...OPENAI_CREDENTIAL, data: { apiKey: 'sk-openai-dev-server', url: openAi.url } },
	];
	// the credentials' hosts are loopback: nothing the agent or the tool calls is meant to leave the machine
	for (const { data } of credentials) expect(new URL(String(data.url ?? data.baseUrl)).hostname).toBe('127.0.0.1');
	const prepared = await prepareUserFolder({
		n8nBin,
		node,
		workflows: [workflow],
		credentials,
		userFolder: temp.add(await makeUserFolder(`n8n-aog-agent-${target.n8n}-`)),
		packageTgz: tgz,
		env: { HTTP_PROXY: sink.url, HTTPS_PROXY: sink.url, ALL_PROXY: sink.url, NO_PROXY: '127.0.0.1,localhost,::1' },
	});
	await activateWorkflow({ n8nBin, node, folder: prepared.folder, env: prepared.env, id: workflow.id });
	const n8n = await startN8n({ n8nBin, node, folder: prepared.folder, env: prepared.env });
	running.push(n8n);
	// 2.41.1 registers the published workflow's webhooks just after it prints that it is ready
	await until(
		async () =>
			(await fetch(`${n8n.url}/webhook/${trigger.webhookId}/chat`, { signal: AbortSignal.timeout(5000) })).status ===
			200,
		30_000,
	);
	const client = new N8nClient(n8n.url);
	await client.setupOwner(OWNER);
	await client.login(OWNER);
	return { n8n, client, sink };
}

describe.each(TARGETS)('the node as an AI Agent tool in n8n $n8n', (target) => {
	let n8n: RunningN8n;
	let client: N8nClient;
	let sink: Sink;
	const chatUrl = () => `${n8n.url}/webhook/${trigger.webhookId}/chat`;

	beforeAll(async () => {
		({ n8n, client, sink } = await boots.get(target.n8n)!);
	}, 5 * 60_000);

	/** Posts a chat message to the published Chat Trigger and returns the agent's reply. */
	async function chat(message: string): Promise<{ status: number; body: any }> {
		const response = await fetch(chatUrl(), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'sendMessage', sessionId: `aog-${target.n8n}`, chatInput: message }),
			signal: AbortSignal.timeout(120_000),
		});
		const text = await response.text();
		try {
			return { status: response.status, body: JSON.parse(text) };
		} catch {
			return { status: response.status, body: text };
		}
	}

	/** The workflow's newest execution, finished, with its run data. */
	async function lastExecution(): Promise<{ status: string; data: any }> {
		const list = (await client.request(
			'GET',
			`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: workflow.id }))}&limit=1`,
		)) as {
			results: Array<{ id: string }>;
		};
		return await client.waitForExecution(list.results[0].id, { timeoutMs: 60_000, intervalMs: 200 });
	}

	function reset() {
		dashScope.reset();
		openAi.reset();
		site.gets.splice(0);
		sink.seen.splice(0);
		openAi.script({ toolName: /^Make_a_video/, arguments: { imageUrl, prompt: PROMPT } });
	}

	/** The tool's result as the model saw it: the content of the tool message in the model's second request. */
	function toolResultSeen(): string {
		const final = openAi.requests.find((request) => request.answer === 'final');
		if (!final)
			throw new Error(`the model never got the tool's result: ${JSON.stringify(openAi.requests.map(summary))}`);
		const message = final.body.messages.find((candidate: { role: string }) => candidate.role === 'tool');
		return typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
	}

	const summary = (request: ChatRequest) => ({
		path: request.path,
		answer: request.answer,
		error: request.error,
		toolCall: request.toolCall,
	});

	function expectAllLoopback() {
		// n8n's own calls to its service host (2.41.1 refreshes an MCP server list from api.n8n.io) are not the run's
		expect(sink.seen.filter((request) => !/^CONNECT api\.n8n\.io:443$/.test(request))).toEqual([]);
		const addresses = [
			...openAi.requests.map((request) => request.remoteAddress),
			...dashScope.lastRequests.map((request) => request.remoteAddress),
		];
		expect(addresses.length).toBeGreaterThan(0);
		for (const address of addresses) expect(address).toMatch(LOOPBACK);
	}

	test('the agent calls the tool with its $fromAI arguments and answers with the task id and the video link', async () => {
		reset();
		const reply = await chat(`Please animate ${imageUrl}: ${PROMPT}`);
		if (reply.status !== 200)
			throw new Error(
				`the chat answered ${reply.status}: ${JSON.stringify(reply.body)}; refused by the proxy sink: ${JSON.stringify(sink.seen)}\n${n8n.output().slice(-3000)}`,
			);

		// the model was asked twice: the tool call with the arguments the tool's schema asked for, then the answer
		expect(openAi.requests.map((request) => request.answer)).toEqual(['toolCall', 'final']);
		// the Chat Trigger answers when the run ends (response mode "last node"): the agent does not stream
		expect(openAi.requests.map((request) => request.stream)).toEqual([false, false]);
		const [first] = openAi.requests;
		const offered = first.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
		expect(offered).toEqual(expect.arrayContaining([first.toolCall!.name, expect.stringMatching(/^Get_a_video_task/)]));
		const schema = first.body.tools.find(
			(tool: { function: { name: string } }) => tool.function.name === first.toolCall!.name,
		).function.parameters;
		expect(schema.properties).toEqual(
			expect.objectContaining({
				imageUrl: expect.objectContaining({ type: 'string' }),
				prompt: expect.objectContaining({ type: 'string' }),
			}),
		);
		expect(JSON.parse(first.toolCall!.arguments)).toEqual({ imageUrl, prompt: PROMPT });

		// one task, made from the picture and the prompt the model chose; its picture fetched from the local site
		expect(dashScope.counters).toMatchObject({ submitRequests: 1, submits: 1, downloads: 0 });
		const [task] = dashScope.tasks;
		expect(dashScope.tasks).toHaveLength(1);
		expect(task).toMatchObject({ status: 'SUCCEEDED', imageUrl, prompt: PROMPT });
		expect(site.gets).toEqual(['/pictures/lighthouse.jpg']);

		// the tool's answer as the model saw it: JSON with the task and its link, no binary error
		const seen = toolResultSeen();
		expect(seen).not.toMatch(/binary/i);
		const [result] = [JSON.parse(seen)].flat();
		expect(result).toMatchObject({ taskId: task.id, taskStatus: 'SUCCEEDED', done: true, videoUrl: task.videoUrl });
		expect(result.nextStep).toMatch(/^The video is ready at videoUrl/);

		// the agent's reply quotes it: the task id and the link the DashScope dev server made
		const output = String(reply.body.output ?? reply.body.text ?? JSON.stringify(reply.body));
		expect(output.startsWith(DEFAULT_ANSWER_PREFIX)).toBe(true);
		expect(output).toContain(task.id);
		expect(output).toContain(task.videoUrl!);

		// n8n's record of the tool's run: one try, JSON only
		const execution = await lastExecution();
		expect(execution.status).toBe('success');
		const runs = execution.data.resultData.runData[TOOL];
		expect(runs).toHaveLength(1);
		const items = runs[0].data.ai_tool[0];
		expect(items).toHaveLength(1);
		expect(items[0].binary).toBeUndefined();
		expect(JSON.stringify(items[0].json)).toContain(task.id);
		expectAllLoopback();
	});

	test('Retry On Fail (3 tries) on the tool: a submit 5xx that created a task is never submitted again', async () => {
		reset();
		dashScope.script({ on: 'submit', status: 500, code: 'InternalError' });
		const reply = await chat(`Please animate ${imageUrl}: ${PROMPT}`);
		// one submit, one task: the later tries did not submit again
		expect(dashScope.counters).toMatchObject({ submitRequests: 1, submits: 1 });
		expect(dashScope.tasks).toHaveLength(1);
		const execution = await lastExecution();
		if (target.toolErrorFailsRun) {
			// 2.8.4: after the last try the agent's run fails with the node's error; the model never gets a tool result
			expect(reply).toEqual({ status: 500, body: { message: 'Error in workflow' } });
			expect(openAi.requests.map((request) => request.answer)).toEqual(['toolCall']);
			expect(execution.status).toBe('error');
			expect(execution.data.resultData.error.message).toMatch(FAILURE);
		} else {
			// 2.41.1: the last try's error message is the tool's result, and the agent answers with it
			expect(reply.status).toBe(200);
			expect(openAi.requests.map((request) => request.answer)).toEqual(['toolCall', 'final']);
			expect(JSON.parse(toolResultSeen())).toEqual([{ error: expect.stringMatching(FAILURE) }]);
			expect(reply.body.output).toMatch(FAILURE);
		}
		// n8n keeps the last try's run: a retry, which says it did not submit
		const runs = execution.data.resultData.runData[TOOL];
		expect(runs).toHaveLength(1);
		expect(runs[0].error.description).toMatch(/Not submitted again on this retry \(Retry On Fail\)/);
		expectAllLoopback();
	});
});
