// Proves the engine harness on its own, with a trivial node type and a local HTTP server:
// credentials (function and generic authenticate), httpRequestWithAuthentication, stream
// download into prepareBinaryData, both binary modes, the three onError settings, cancel.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { binaryItem, runNode, type RunNodeOptions } from '../../../tools/harness/engine';

import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

// --- a local server ---------------------------------------------------------------------------

interface Seen {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	closedEarly: boolean;
}
const seen: Seen[] = [];
const payload = Buffer.alloc(300_000, 7); // larger than one chunk
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const entry: Seen = { method: req.method!, url: req.url!, headers: req.headers, closedEarly: false };
		seen.push(entry);
		res.on('close', () => {
			if (!res.writableFinished) entry.closedEarly = true;
		});
		if (req.url === '/echo') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ authorization: req.headers.authorization ?? null, xKey: req.headers['x-key'] ?? null }));
		} else if (req.url === '/file') {
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': payload.length });
			res.end(payload);
		} else if (req.url === '/fail') {
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ business_code: 500, message: 'probe failure' }));
		} else if (req.url === '/slow') {
			// never answers; the client must abort
		} else {
			res.writeHead(404).end();
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	seen.length = 0;
});

// --- credential types ---------------------------------------------------------------------------

class ProbeFnApi implements ICredentialType {
	name = 'probeFnApi';
	displayName = 'Probe (function)';
	properties = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string' as const, default: 'http://127.0.0.1:1' },
		{ displayName: 'API Key', name: 'apiKey', type: 'string' as const, typeOptions: { password: true }, default: '' },
	];
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		const host = new URL(String(credentials.baseUrl)).host;
		const target = new URL(String(requestOptions.url), String(requestOptions.baseURL ?? credentials.baseUrl));
		if (credentials.apiKey && target.host === host) {
			requestOptions.headers = { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${credentials.apiKey}` };
		}
		return requestOptions;
	}
}

class ProbeGenericApi implements ICredentialType {
	name = 'probeGenericApi';
	displayName = 'Probe (generic)';
	properties = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string' as const, default: '' },
		{ displayName: 'API Key', name: 'apiKey', type: 'string' as const, default: 'default-key' },
	];
	authenticate = {
		type: 'generic' as const,
		properties: { headers: { 'X-Key': '={{"k-" + $credentials.apiKey}}' } },
	};
}

// --- a trivial node type ------------------------------------------------------------------------

function probeNode(credentialName: string): INodeType {
	const description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: [1, 2],
		description: 'Calls a local server',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: credentialName, required: true }],
		properties: [
			{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
			{ displayName: 'Download', name: 'download', type: 'boolean', default: false },
		],
	};
	return {
		description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const items = this.getInputData();
			const out: INodeExecutionData[] = [];
			const creds = await this.getCredentials(credentialName);
			for (let i = 0; i < items.length; i++) {
				try {
					const path = this.getNodeParameter('path', i) as string;
					const json: Record<string, unknown> = { version: this.getNode().typeVersion, baseUrl: creds.baseUrl };
					const binary: INodeExecutionData['binary'] = {};
					if (items[i].binary?.data) {
						const input = await this.helpers.getBinaryDataBuffer(i, 'data');
						json.inputSha = createHash('sha256').update(input).digest('hex');
						json.inputId = items[i].binary!.data.id ?? null;
					}
					if (this.getNodeParameter('download', i) as boolean) {
						const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialName, {
							method: 'GET',
							url: `${creds.baseUrl}/file`,
							encoding: 'stream',
							returnFullResponse: true,
							timeout: 5000,
						})) as { body: NodeJS.ReadableStream };
						binary.data = await this.helpers.prepareBinaryData(
							response.body as unknown as Buffer,
							'out.bin',
							'application/octet-stream',
						);
					}
					json.response = await this.helpers.httpRequestWithAuthentication.call(this, credentialName, {
						method: 'GET',
						url: `${creds.baseUrl}${path}`,
						json: true,
						timeout: 30_000,
					});
					out.push({ json: json as never, ...(Object.keys(binary).length ? { binary } : {}), pairedItem: { item: i } });
				} catch (error) {
					const wrapped =
						error instanceof NodeApiError || error instanceof NodeOperationError
							? error
							: new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
					if (this.continueOnFail()) {
						out.push({ json: { error: wrapped.message }, pairedItem: { item: i } });
						continue;
					}
					throw wrapped;
				}
			}
			return [out];
		},
	};
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** runNode with the function-authenticate probe node and its credential; credentials get the probe server's baseUrl. */
function runProbeFn({ credentials, ...options }: Omit<RunNodeOptions, 'nodeType' | 'credentialType'>) {
	return runNode({
		...options,
		nodeType: probeNode('probeFnApi'),
		credentialType: new ProbeFnApi(),
		credentials: { baseUrl, ...credentials },
	});
}

// --- tests ----------------------------------------------------------------------------------------

describe('engine harness', () => {
	test('function authenticate adds the bearer only for the gateway host; defaults and version applied', async () => {
		const result = await runProbeFn({
			credentials: { apiKey: 'sekret' },
			parameters: {},
		});
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(1);
		expect(result.output[0].json).toMatchObject({ version: 2, response: { authorization: 'Bearer sekret' } });
		expect(result.output[0].pairedItem).toEqual({ item: 0 });
		expect(seen).toHaveLength(1);
	});

	test('generic authenticate block with an expression over $credentials, and credential defaults', async () => {
		const result = await runNode({
			nodeType: probeNode('probeGenericApi'),
			credentialType: new ProbeGenericApi(),
			credentials: { baseUrl }, // apiKey comes from the type's default
			typeVersion: 1,
		});
		expect(result.status).toBe('success');
		expect(result.output[0].json).toMatchObject({
			version: 1,
			response: { xKey: 'k-default-key', authorization: null },
		});
	});

	test.each(['default', 'filesystem'] as const)(
		'%s binary mode: injected binaries reach the node, streamed downloads are stored and readable',
		async (binaryMode) => {
			const input = Buffer.from('pretend this is a JPEG');
			const result = await runProbeFn({
				credentials: { apiKey: 'k' },
				parameters: { download: true },
				items: [
					binaryItem(input, { mimeType: 'image/jpeg', fileName: 'in.jpg' }),
					binaryItem(input.toString('base64')),
				],
				binaryMode,
			});
			expect(result.status).toBe('success');
			expect(result.inputItems).toHaveLength(2);
			expect(result.output).toHaveLength(2);
			for (const item of result.output) {
				expect(item.json.inputSha).toBe(sha(input));
				const out = await result.readBinary(item, 'data');
				expect(out.length).toBe(payload.length);
				expect(sha(out)).toBe(sha(payload));
				expect(item.binary!.data).toMatchObject({ fileName: 'out.bin', mimeType: 'application/octet-stream' });
			}
			// the input of the Inject node is stored where n8n stores it
			const injected = result.inputItems[0].binary!.data;
			expect(await result.readBinary(result.inputItems[0])).toEqual(input);
			if (binaryMode === 'filesystem') {
				expect(injected.id).toMatch(/^filesystem-v2:/);
				expect(result.output[0].binary!.data.id).toMatch(/^filesystem-v2:/);
				expect(injected.data).toBe('filesystem-v2');
			} else {
				expect(injected.id).toBeUndefined();
				expect(injected.data).toBe(input.toString('base64'));
				expect(result.output[0].binary!.data.id).toBeUndefined();
			}
		},
	);

	test('stopWorkflow: the node error (NodeApiError) is reported with message and description', async () => {
		const result = await runProbeFn({
			parameters: { path: '/fail' },
		});
		expect(result.status).toBe('error');
		expect(result.output).toEqual([]);
		expect(result.error).toBeDefined();
		expect(result.error!.name).toBe('NodeApiError');
		expect(result.error!.httpCode).toBe('500');
		expect(result.error!.message).toBe('The service was not able to process your request');
		expect(result.error!.description).toBe('probe failure');
	});

	test('continueRegularOutput: error items go to output 0', async () => {
		const result = await runProbeFn({
			parameters: { path: '={{ $json.ok ? "/echo" : "/fail" }}' },
			items: [{ json: { ok: true } }, { json: { ok: false } }],
			onError: 'continueRegularOutput',
		});
		expect(result.status).toBe('success');
		expect(result.output).toHaveLength(2);
		expect(result.output[0].json.response).toBeDefined();
		expect(Object.keys(result.output[1].json)).toEqual(['error']);
		expect(result.errorOutput).toEqual([]);
	});

	test('continueErrorOutput: error items are routed to output 1', async () => {
		const result = await runProbeFn({
			parameters: { path: '={{ $json.ok ? "/echo" : "/fail" }}' },
			items: [{ json: { ok: true } }, { json: { ok: false } }, { json: { ok: true } }],
			onError: 'continueErrorOutput',
		});
		expect(result.status).toBe('success');
		expect(result.outputs).toHaveLength(2);
		expect(result.output).toHaveLength(2);
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].json.error).toBeDefined();
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 1 });
	});

	test('cancelAfterMs aborts the in-flight request through the execution cancel signal', async () => {
		const result = await runProbeFn({
			parameters: { path: '/slow' },
			cancelAfterMs: 300,
		});
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		expect(result.cancelToEndMs!).toBeLessThan(3000);
		expect(result.durationMs).toBeLessThan(5000);
		// The server sees the closed connection a moment later (wide bound: a loaded machine is slow, never wrong).
		for (const end = Date.now() + 5000; !seen.find((s) => s.url === '/slow')?.closedEarly && Date.now() < end; )
			await new Promise((r) => setTimeout(r, 10));
		expect(seen.find((s) => s.url === '/slow')?.closedEarly).toBe(true);
	});
});
