// A scripted OpenAI-compatible chat server for end-to-end tests of the node as an AI agent's tool: n8n's OpenAI Chat
// Model, its credential's Base URL pointed here, gets a tool call to the tool n8n offers (arguments filled from the
// test's script by the tool's JSON schema), then, once the request carries the tool's result, a final answer that
// quotes that result verbatim. Every request is recorded with the address it came from. Streaming (SSE) is answered
// too, in case an agent asks for it. Compiled into dist/tools by npm run build; tests import it directly.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the model does when asked. */
export interface ChatScript {
	/** The tool's arguments by name: every property of its schema that has a value here is sent. */
	arguments: Record<string, unknown>;
	/** Call the first offered tool whose name matches (default: the first tool offered). */
	toolName?: RegExp;
	/** Starts the final answer; the tool's result follows verbatim. */
	answerPrefix?: string;
}

export interface ToolCall {
	id: string;
	name: string;
	/** As sent: a JSON string. */
	arguments: string;
}

export interface ChatRequest {
	method: string;
	path: string;
	/** The peer address of the connection (127.0.0.1 or ::ffff:127.0.0.1 for a loopback client). */
	remoteAddress: string | undefined;
	headers: IncomingHttpHeaders;
	/** Parsed JSON body (undefined for a GET or an unreadable body). */
	body: any;
	/** How it was answered. */
	answer: 'toolCall' | 'final' | 'models' | 'error';
	stream: boolean;
	toolCall?: ToolCall;
	/** The final answer's text. */
	content?: string;
	/** Why an error was answered. */
	error?: string;
}

export interface OpenAiServer {
	/** The Base URL for n8n's OpenAI credential: http://127.0.0.1:<port>/v1 */
	readonly url: string;
	readonly port: number;
	/** Every request since the last reset(), in arrival order. */
	readonly requests: ChatRequest[];
	/** The model's behaviour from now on. */
	script(script: ChatScript): void;
	reset(): void;
	close(): Promise<void>;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_ANSWER_PREFIX = 'The video tool answered: ';

interface ToolSchema {
	type?: string;
	properties?: Record<string, { type?: string }>;
	required?: string[];
}
interface OfferedTool {
	type?: string;
	function?: { name?: string; parameters?: ToolSchema };
}
interface Message {
	role?: string;
	content?: unknown;
	tool_call_id?: string;
}

class ScriptError extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
	res.end(text);
}

/** A message's text: a string, or the text parts of a content array. */
function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part: { text?: string }) => part?.text ?? '').join('');
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** The tool results after the last user message: the model has called its tool and now answers. */
function toolResults(messages: Message[]): Message[] {
	const lastUser = messages.map((message) => message.role).lastIndexOf('user');
	return messages.slice(lastUser + 1).filter((message) => message.role === 'tool');
}

function pickTool(tools: OfferedTool[], script: ChatScript): { name: string; schema: ToolSchema } {
	const offered = tools.filter((tool) => typeof tool?.function?.name === 'string');
	const tool = script.toolName
		? offered.find((candidate) => script.toolName!.test(candidate.function!.name!))
		: offered[0];
	if (!tool)
		throw new ScriptError(
			`no offered tool matches (offered: ${offered.map((candidate) => candidate.function!.name).join(', ') || 'none'})`,
		);
	return { name: tool.function!.name!, schema: tool.function!.parameters ?? {} };
}

/** The arguments the schema asks for, from the script; a required one the script lacks is an error. */
function fillArguments(schema: ToolSchema, script: ChatScript): Record<string, unknown> {
	const filled: Record<string, unknown> = {};
	for (const name of Object.keys(schema.properties ?? {})) {
		if (name in script.arguments) filled[name] = script.arguments[name];
	}
	const missing = (schema.required ?? []).filter((name) => !(name in filled));
	if (missing.length)
		throw new ScriptError(`the script has no value for the required tool parameter(s) ${missing.join(', ')}`);
	return filled;
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(sequence += 1)}`;

function completion(model: string, message: Record<string, unknown>, finishReason: string) {
	return {
		id: nextId('chatcmpl'),
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason, logprobs: null }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same answer as server-sent events: one delta with everything, then the finish reason, then [DONE]. */
function sendStream(
	res: ServerResponse,
	model: string,
	delta: Record<string, unknown>,
	finishReason: string,
	withUsage: boolean,
): void {
	res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
	const id = nextId('chatcmpl');
	const created = Math.floor(Date.now() / 1000);
	const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
		res.write(
			`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`,
		);
	chunk([{ index: 0, delta: { role: 'assistant', ...delta }, finish_reason: null }]);
	chunk([{ index: 0, delta: {}, finish_reason: finishReason }]);
	if (withUsage) chunk([], { usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } });
	res.end('data: [DONE]\n\n');
}

function chat(body: any, script: ChatScript, entry: ChatRequest, res: ServerResponse): void {
	const model = typeof body?.model === 'string' ? body.model : DEFAULT_MODEL;
	const messages: Message[] = Array.isArray(body?.messages) ? body.messages : [];
	const stream = body?.stream === true;
	const withUsage = body?.stream_options?.include_usage === true;
	entry.stream = stream;
	const results = toolResults(messages);
	if (results.length) {
		const content = `${script.answerPrefix ?? DEFAULT_ANSWER_PREFIX}${results.map((message) => textOf(message.content)).join('\n')}`;
		Object.assign(entry, { answer: 'final', content });
		if (stream) return sendStream(res, model, { content }, 'stop', withUsage);
		return sendJson(res, 200, completion(model, { content, refusal: null }, 'stop'));
	}
	const { name, schema } = pickTool(Array.isArray(body?.tools) ? body.tools : [], script);
	const toolCall: ToolCall = { id: nextId('call'), name, arguments: JSON.stringify(fillArguments(schema, script)) };
	Object.assign(entry, { answer: 'toolCall', toolCall });
	const calls = [{ id: toolCall.id, type: 'function', function: { name, arguments: toolCall.arguments } }];
	if (stream)
		return sendStream(
			res,
			model,
			{ content: null, tool_calls: calls.map((call, index) => ({ index, ...call })) },
			'tool_calls',
			withUsage,
		);
	return sendJson(res, 200, completion(model, { content: null, tool_calls: calls, refusal: null }, 'tool_calls'));
}

/** Starts the server on 127.0.0.1 (port 0: any free port). Without a script every chat request is an error. */
export async function startOpenAiServer(options: { port?: number; script?: ChatScript } = {}): Promise<OpenAiServer> {
	let script = options.script;
	const requests: ChatRequest[] = [];
	const server = createServer((req, res) => {
		void (async () => {
			const entry: ChatRequest = {
				method: req.method ?? '',
				path: req.url ?? '',
				remoteAddress: req.socket.remoteAddress,
				headers: { ...req.headers },
				body: undefined,
				answer: 'error',
				stream: false,
			};
			requests.push(entry);
			const text = await readBody(req);
			const route = (req.url ?? '').split('?')[0].replace(/\/+$/, '');
			try {
				if (req.method === 'GET' && route === '/v1/models') {
					entry.answer = 'models';
					return sendJson(res, 200, {
						object: 'list',
						data: [{ id: DEFAULT_MODEL, object: 'model', created: 0, owned_by: 'openai-dev-server' }],
					});
				}
				if (req.method !== 'POST' || route !== '/v1/chat/completions')
					throw new ScriptError(`no route ${req.method} ${route}`);
				entry.body = JSON.parse(text);
				if (!script) throw new ScriptError('no script given');
				return chat(entry.body, script, entry, res);
			} catch (error) {
				// 400, not 5xx: the OpenAI client retries a 5xx, which would hide the cause
				entry.error = error instanceof Error ? error.message : String(error);
				return sendJson(res, error instanceof ScriptError ? 400 : 500, {
					error: { message: `openai-dev-server: ${entry.error}`, type: 'invalid_request_error' },
				});
			}
		})();
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		port,
		requests,
		script(next) {
			script = next;
		},
		reset() {
			requests.splice(0);
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
