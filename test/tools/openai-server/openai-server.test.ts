// The scripted OpenAI-compatible dev server (tools/openai-server) that test/e2e/ai-agent.e2e.test.ts points n8n's
// OpenAI Chat Model at: a tool call filled from the offered tool's schema, then the tool's result quoted, both as
// JSON and as server-sent events; every request recorded with its client address.
import { DEFAULT_ANSWER_PREFIX, startOpenAiServer, type OpenAiServer } from '../../../tools/openai-server';

let server: OpenAiServer;

beforeAll(async () => {
	server = await startOpenAiServer();
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => {
	server.reset();
	server.script({
		toolName: /^Make_video/,
		arguments: { imageUrl: 'https://example.com/a.jpg', prompt: 'A push-in', unused: 'x' },
	});
});

const tools = [
	{
		type: 'function',
		function: {
			name: 'Get_task',
			parameters: { type: 'object', properties: { taskId: { type: 'string' } }, required: ['taskId'] },
		},
	},
	{
		type: 'function',
		function: {
			name: 'Make_video',
			parameters: {
				type: 'object',
				properties: { imageUrl: { type: 'string' }, prompt: { type: 'string' } },
				required: ['imageUrl', 'prompt'],
			},
		},
	},
];
const user = { role: 'user', content: 'Animate https://example.com/a.jpg' };

async function post(body: unknown): Promise<Response> {
	return await fetch(`${server.url}/chat/completions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

test('the first call: a tool call to the matching tool, with the arguments its schema names', async () => {
	const response = await post({ model: 'gpt-4o-mini', messages: [user], tools });
	expect(response.status).toBe(200);
	const body = (await response.json()) as any;
	const [call] = body.choices[0].message.tool_calls;
	expect(body.choices[0].finish_reason).toBe('tool_calls');
	expect(call.function.name).toBe('Make_video');
	expect(JSON.parse(call.function.arguments)).toEqual({ imageUrl: 'https://example.com/a.jpg', prompt: 'A push-in' });
	expect(server.requests).toHaveLength(1);
	expect(server.requests[0]).toMatchObject({
		answer: 'toolCall',
		stream: false,
		remoteAddress: expect.stringMatching(/127\.0\.0\.1$/),
	});
});

test('with the tool result: a final answer quoting it verbatim', async () => {
	const result = '[{"taskId":"t-1","done":true}]';
	const messages = [
		user,
		{
			role: 'assistant',
			content: null,
			tool_calls: [{ id: 'c1', type: 'function', function: { name: 'Make_video', arguments: '{}' } }],
		},
		{ role: 'tool', tool_call_id: 'c1', content: result },
	];
	const body = (await (await post({ model: 'gpt-4o-mini', messages, tools })).json()) as any;
	expect(body.choices[0].message.content).toBe(`${DEFAULT_ANSWER_PREFIX}${result}`);
	expect(server.requests[0].answer).toBe('final');
});

test('a required parameter the script has no value for: 400, named', async () => {
	server.script({ arguments: {} });
	const response = await post({ messages: [user], tools: [tools[1]] });
	expect(response.status).toBe(400);
	expect(((await response.json()) as any).error.message).toMatch(/required tool parameter\(s\) imageUrl, prompt/);
});

test('stream: true answers server-sent events ending in [DONE]', async () => {
	const text = await (
		await post({ messages: [user], tools, stream: true, stream_options: { include_usage: true } })
	).text();
	const events = text
		.split('\n\n')
		.filter(Boolean)
		.map((event) => event.replace(/^data: /, ''));
	expect(events.at(-1)).toBe('[DONE]');
	const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
	expect(chunks[0].choices[0].delta.tool_calls[0]).toMatchObject({ index: 0, function: { name: 'Make_video' } });
	expect(chunks[1].choices[0].finish_reason).toBe('tool_calls');
	expect(chunks[2].usage.total_tokens).toBe(20);
	expect(server.requests[0].stream).toBe(true);
});

test('GET /v1/models lists a model', async () => {
	const body = (await (await fetch(`${server.url}/models`)).json()) as any;
	expect(body.data[0].id).toBe('gpt-4o-mini');
});
