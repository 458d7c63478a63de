// The "Setting up AOG" recipe of both READMEs, run as a user would paste it: its curl commands (the code block
// between <!-- aog-setup:start --> and <!-- aog-setup:end -->) against a dev server started like a fresh AOG v0.7
// (docs/AOG-API.md, "Setting AOG up"), then a generation that must succeed.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { promisify } from 'util';
import { startAogServer, AogServer } from '../../tools/aog-server';
import { makeImage, toDataUri } from '../../tools/media';

jest.setTimeout(30000);

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const AOG_ADDRESS = 'http://127.0.0.1:16688';
const MODEL_NOT_EXIST = '{"business_code":30003,"message":"model not exist"}';
const ALREADY_EXIST = '{"business_code":30002,"message":"provider model already exist"}';
const PROVIDER_UPDATED = '{"business_code":20000,"message":"service provider interface call success"}';

/** The shell commands of the marked setup block, which must sit in the section under `heading`. */
function setupCommands(file: string, heading: string): string[] {
	const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
	const sectionStart = text.indexOf(`\n## ${heading}\n`);
	expect(sectionStart).toBeGreaterThan(-1);
	const sectionEnd = text.indexOf('\n## ', sectionStart + 1);
	const section = text.slice(sectionStart, sectionEnd < 0 ? undefined : sectionEnd);
	const block = /<!-- aog-setup:start -->\s*```sh\n([\s\S]*?)```\s*<!-- aog-setup:end -->/.exec(section);
	if (!block) throw new Error(`${file}: no aog-setup block under "## ${heading}"`);
	return block[1]
		.replace(/\\\n/g, ' ') // continuation lines
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '' && !line.startsWith('#'));
}

function generate(server: AogServer): Promise<{ status: number; text: string }> {
	const body = JSON.stringify({
		image: toDataUri(makeImage({ width: 640, height: 480 })),
		image_type: 'base64',
		prompt: 'slow pan',
	});
	return new Promise((resolve, reject) => {
		const request = http.request(
			`${server.url}/aog/v0.2/services/image-to-video`,
			{ method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' } },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
				);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

/** Runs one command from the README through bash, pointed at the dev server; returns what curl printed. */
async function shell(command: string, server: AogServer): Promise<string> {
	expect(command.startsWith('curl ')).toBe(true);
	expect(command).toContain(AOG_ADDRESS);
	const { stdout } = await run('bash', ['-c', command.split(AOG_ADDRESS).join(server.url)], { timeout: 15000 });
	return stdout.trim();
}

describe.each([
	['README.md', 'Setting up AOG'],
	['docs/README.zh-CN.md', '配置 AOG'],
])('%s: the setup recipe works on AOG v0.7', (file, heading) => {
	let server: AogServer;

	beforeAll(async () => {
		server = await startAogServer({ port: 0, setUp: false, syntheticVideoBytes: 200_000 });
	});

	afterAll(() => server.close());

	it('has exactly the two calls: install, then PUT service_provider with auth_key as a JSON string', () => {
		const commands = setupCommands(file, heading);
		expect(commands).toHaveLength(2);
		expect(commands[0]).toMatch(/-X POST http:\/\/127\.0\.0\.1:16688\/aog\/v0\.2\/service\/install /);
		expect(commands[1]).toMatch(/-X PUT http:\/\/127\.0\.0\.1:16688\/aog\/v0\.2\/service_provider /);
		for (const command of commands) expect(command).toContain('"auth_key":"{\\"api_key\\":\\"sk-');
	});

	it('turns a fresh gateway (404 30003, then 400 {} after the install) into one that makes videos', async () => {
		const [install, storeKey] = setupCommands(file, heading);
		expect(await generate(server)).toEqual({ status: 404, text: MODEL_NOT_EXIST });

		expect(await shell(install, server)).toBe(ALREADY_EXIST);
		expect(server.setup).toMatchObject({ serviceInstalled: true, keyStored: false });
		expect(await generate(server)).toEqual({ status: 400, text: '{}' });

		expect(await shell(storeKey, server)).toBe(PROVIDER_UPDATED);
		expect(server.setup).toMatchObject({ serviceInstalled: true, keyStored: true, models: ['wan2.2-i2v-plus'] });
		expect(server.setup.apiKey).toMatch(/^sk-/);
		const video = await generate(server);
		expect(video.status).toBe(200);
		expect(JSON.parse(video.text).data).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/videos\//);
		expect(server.counters.upstreamTasks).toBe(1);
	});
});

it('no document still gives the aog install command that does not work in v0.7', () => {
	for (const file of ['README.md', 'docs/README.zh-CN.md', 'docs/TROUBLESHOOTING.md']) {
		expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).not.toMatch(
			/aog install image-to-video --remote --flavor aliyun/,
		);
	}
});
