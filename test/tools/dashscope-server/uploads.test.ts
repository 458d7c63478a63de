// DashScope's temporary storage in the dev server, over real HTTP: getPolicy on the API, an OSS PostObject upload to
// the upload host (another origin, which refuses and counts any Authorization header), and oss:// URLs on submit.
import * as crypto from 'crypto';
import { makeImage } from '../../../tools/media';
import {
	startDashScopeServer,
	DashScopeServer,
	SUBMIT_PATH,
	UNRESOLVED_OSS_MESSAGE,
	NO_STORAGE_MESSAGE,
} from '../../../tools/dashscope-server';

jest.setTimeout(30000);

const KEY = 'sk-test-beijing';
const AUTH = { authorization: `Bearer ${KEY}` };
const SUBMIT_HEADERS = { ...AUTH, 'x-dashscope-async': 'enable', 'content-type': 'application/json' };
const RESOLVE = { 'x-dashscope-ossresourceresolve': 'enable' };

let server: DashScopeServer;

beforeAll(async () => {
	server = await startDashScopeServer({ pendingMs: 0, runningMs: 0 });
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => {
	server.reset();
	server.setOptions({ temporaryStorage: true, uploadPolicyTtlSeconds: 300, uploadMaxFileSizeMb: 100 });
});

interface Policy {
	policy: string;
	signature: string;
	upload_dir: string;
	upload_host: string;
	expire_in_seconds: number;
	max_file_size_mb: number;
	capacity_limit_mb: number;
	oss_access_key_id: string;
	x_oss_object_acl: string;
	x_oss_forbid_overwrite: string;
}

async function getPolicy(model = 'wan2.2-i2v-plus', headers: Record<string, string> = AUTH, query?: string) {
	const response = await fetch(`${server.url}/api/v1/uploads?${query ?? `action=getPolicy&model=${model}`}`, {
		headers,
	});
	return { status: response.status, json: (await response.json()) as any };
}

async function policyFor(model = 'wan2.2-i2v-plus'): Promise<Policy> {
	const { status, json } = await getPolicy(model);
	expect(status).toBe(200);
	return json.data;
}

/** The form as DashScope's docs build it; `change` edits the fields (undefined removes one), in order. */
function form(policy: Policy, file: Buffer, change: Record<string, string | undefined> = {}, fileName = 'card.png') {
	const fields: Record<string, string | undefined> = {
		OSSAccessKeyId: policy.oss_access_key_id,
		Signature: policy.signature,
		policy: policy.policy,
		'x-oss-object-acl': policy.x_oss_object_acl,
		'x-oss-forbid-overwrite': policy.x_oss_forbid_overwrite,
		key: `${policy.upload_dir}/${fileName}`,
		success_action_status: '200',
		...change,
	};
	const body = new FormData();
	for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.append(name, value);
	body.append('file', new Blob([file], { type: 'image/png' }), fileName);
	return body;
}

async function upload(policy: Policy, body: FormData, headers: Record<string, string> = {}) {
	const response = await fetch(policy.upload_host, { method: 'POST', body, headers });
	return { status: response.status, text: await response.text() };
}

const png = () => makeImage({ width: 640, height: 480, format: 'png' });

function submit(body: unknown, headers: Record<string, string> = { ...SUBMIT_HEADERS, ...RESOLVE }) {
	return fetch(server.url + SUBMIT_PATH, { method: 'POST', headers, body: JSON.stringify(body) }).then(
		async (response) => ({ status: response.status, json: (await response.json()) as any }),
	);
}

const i2v = (url: string, model = 'wan2.2-i2v-plus') => ({
	model,
	input: { img_url: url, prompt: 'a slow pan' },
	parameters: { resolution: '480P' },
});

describe('getPolicy', () => {
	it('hands out a signed OSS policy for one model, on another origin than the API', async () => {
		const { status, json } = await getPolicy();
		expect(status).toBe(200);
		expect(json.request_id).toMatch(/^[0-9a-f-]{36}$/);
		const data: Policy = json.data;
		expect(new URL(data.upload_host).origin).not.toBe(new URL(server.url).origin);
		expect(data.upload_host).toBe(server.uploadUrl);
		expect(data.upload_dir).toMatch(/^dashscope-instant\/[0-9a-f]{32}\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}$/);
		expect(data).toMatchObject({
			expire_in_seconds: 300,
			max_file_size_mb: 100,
			x_oss_object_acl: 'private',
			x_oss_forbid_overwrite: 'true',
		});
		expect(typeof data.capacity_limit_mb).toBe('number');
		expect(data.oss_access_key_id).toMatch(/^LTAI/);
		const decoded = JSON.parse(Buffer.from(data.policy, 'base64').toString());
		expect(Date.parse(decoded.expiration) - Date.now()).toBeGreaterThan(290_000);
		expect(decoded.conditions).toEqual(
			expect.arrayContaining([
				['content-length-range', 0, 100 * 1048576],
				['starts-with', '$key', data.upload_dir],
			]),
		);
		expect(Buffer.from(data.signature, 'base64')).toHaveLength(20); // an HMAC-SHA1
		expect(server.counters.policies).toBe(1);
	});

	it('checks the key, the action and the model', async () => {
		const noKey = await getPolicy('wan2.2-i2v-plus', {});
		expect(noKey.status).toBe(401);
		expect(noKey.json.code).toBe('InvalidApiKey');
		const otherRegion = await getPolicy('wan2.2-i2v-plus', { authorization: 'Bearer sk-test-singapore' });
		expect(otherRegion.status).toBe(401);
		const noModel = await getPolicy('', AUTH, 'action=getPolicy');
		expect(noModel.status).toBe(400);
		expect(noModel.json).toMatchObject({ code: 'InvalidParameter', message: expect.stringContaining('model') });
		const badAction = await getPolicy('', AUTH, 'action=list&model=wan2.2-i2v-plus');
		expect(badAction.status).toBe(400);
		expect(badAction.json.message).toContain('action');
		const unknown = await getPolicy('wan9-i2v');
		expect(unknown.status).toBe(404);
		expect(unknown.json.code).toBe('ModelNotFound');
	});

	it('is refused with 403 AccessDenied where the region has no temporary storage (option temporaryStorage)', async () => {
		server.setOptions({ temporaryStorage: false });
		const { status, json } = await getPolicy();
		expect(status).toBe(403);
		expect(json).toMatchObject({ code: 'AccessDenied', message: NO_STORAGE_MESSAGE });
		expect(json.request_id).toBeDefined();
	});
});

describe('the upload host', () => {
	it('stores a file posted as the docs say (200 with success_action_status 200) and records it', async () => {
		const policy = await policyFor('wan2.6-i2v');
		const bytes = png();
		const reply = await upload(policy, form(policy, bytes));
		expect(reply).toEqual({ status: 200, text: '' });
		expect(server.uploads).toEqual([
			{
				key: `${policy.upload_dir}/card.png`,
				model: 'wan2.6-i2v',
				size: bytes.length,
				sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
				mime: 'image/png',
				fileName: 'card.png',
				uploadedAt: expect.any(Number),
			},
		]);
		expect(server.counters).toMatchObject({ uploadRequests: 1, uploads: 1, uploadAuthorization: 0 });
		const without = await upload(policy, form(policy, bytes, { success_action_status: undefined }, 'b.png'));
		expect(without.status).toBe(204);
	});

	it('refuses (403) and counts an upload carrying an Authorization header, storing nothing', async () => {
		const policy = await policyFor();
		const reply = await upload(policy, form(policy, png()), AUTH);
		expect(reply.status).toBe(403);
		expect(reply.text).toContain('<Code>AccessDenied</Code>');
		expect(server.counters).toMatchObject({ uploadAuthorization: 1, storageAuthorization: 1, uploads: 0 });
		expect(server.uploads).toHaveLength(0);
	});

	it('refuses a wrong signature, a key outside upload_dir, a forged policy, a wrong key id, an expired policy', async () => {
		const policy = await policyFor();
		const file = png();
		const cases: Array<[Record<string, string | undefined>, number, string]> = [
			[{ Signature: Buffer.alloc(20).toString('base64') }, 403, 'SignatureDoesNotMatch'],
			[{ key: 'dashscope-instant/elsewhere/card.png' }, 403, 'Policy Condition failed'],
			[
				{
					policy: Buffer.from(JSON.stringify({ expiration: '2099-01-01T00:00:00Z', conditions: [] })).toString(
						'base64',
					),
				},
				403,
				'SignatureDoesNotMatch',
			],
			[{ OSSAccessKeyId: 'LTAI5tSomeoneElse' }, 403, 'InvalidAccessKeyId'],
			[{ 'x-oss-object-acl': 'public-read' }, 403, 'Policy Condition failed'],
			[{ key: undefined }, 400, 'field named &apos;key&apos;'],
			[{ policy: undefined }, 400, 'field named &apos;policy&apos;'],
		];
		for (const [change, status, text] of cases) {
			const reply = await upload(policy, form(policy, file, change));
			expect({ change, status: reply.status }).toEqual({ change, status });
			expect(reply.text).toContain(text);
		}
		server.setOptions({ uploadPolicyTtlSeconds: 0 });
		const expired = await policyFor();
		const late = await upload(expired, form(expired, file));
		expect(late.status).toBe(403);
		expect(late.text).toContain('Policy expired');
		expect(server.uploads).toHaveLength(0);
		expect(server.counters.uploadRequests).toBe(cases.length + 1);
	});

	it('refuses a file over max_file_size_mb (400 EntityTooLarge), a field after the file, overwriting, a non-multipart body', async () => {
		server.setOptions({ uploadMaxFileSizeMb: 0.01 });
		const small = await policyFor();
		const big = await upload(small, form(small, Buffer.alloc(20_000)));
		expect(big.status).toBe(400);
		expect(big.text).toContain('<Code>EntityTooLarge</Code>');

		server.setOptions({ uploadMaxFileSizeMb: 100 });
		const policy = await policyFor();
		// OSS ignores what follows the file: here the key.
		const late = form(policy, png(), { key: undefined });
		late.append('key', `${policy.upload_dir}/card.png`);
		const lateKey = await upload(policy, late);
		expect(lateKey.status).toBe(400);
		expect(lateKey.text).toContain('field named &apos;key&apos;');

		expect((await upload(policy, form(policy, png()))).status).toBe(200);
		const again = await upload(policy, form(policy, png()));
		expect(again.status).toBe(409);
		expect(again.text).toContain('FileAlreadyExists');

		const raw = await fetch(policy.upload_host, {
			method: 'POST',
			body: 'key=x',
			headers: { 'content-type': 'text/plain' },
		});
		expect(raw.status).toBe(400);
		expect(await raw.text()).toContain('MalformedPOSTRequest');
		expect(server.uploads).toHaveLength(1);
	});
});

describe('oss:// URLs on submit', () => {
	async function stored(model = 'wan2.2-i2v-plus'): Promise<string> {
		const policy = await policyFor(model);
		expect((await upload(policy, form(policy, png()))).status).toBe(200);
		return `oss://${policy.upload_dir}/card.png`;
	}

	it('resolves a stored picture with X-DashScope-OssResourceResolve: enable, and records the header on the task', async () => {
		const url = await stored();
		const reply = await submit(i2v(url));
		expect(reply.status).toBe(200);
		const task = server.task(reply.json.output.task_id)!;
		expect(task.headers['x-dashscope-ossresourceresolve']).toBe('enable');
		expect(task.imageUrl).toBe(url);
		for (let i = 0; i < 400 && task.status !== 'SUCCEEDED' && task.status !== 'FAILED'; i++)
			await new Promise((resolve) => setTimeout(resolve, 25));
		expect(task.status).toBe('SUCCEEDED');
	});

	it('answers 400 InvalidParameter without the header, for an unknown key and for a file of another model', async () => {
		const url = await stored();
		const noHeader = await submit(i2v(url), SUBMIT_HEADERS);
		expect(noHeader.status).toBe(400);
		expect(noHeader.json).toMatchObject({ code: 'InvalidParameter', message: UNRESOLVED_OSS_MESSAGE });
		const unknown = await submit(i2v(`${url}.missing`));
		expect(unknown.status).toBe(400);
		expect(unknown.json.message).toContain('does not exist');
		const otherModel = await submit({ ...i2v(url, 'wan2.2-i2v-flash') });
		expect(otherModel.status).toBe(400);
		expect(otherModel.json.message).toContain('uploaded for model wan2.2-i2v-plus');
		expect(server.tasks).toHaveLength(0);
	});

	it('checks oss:// URLs in every media field, not only the first frame', async () => {
		const body = { model: 'wan2.5-t2v-preview', input: { prompt: 'rain', audio_url: 'oss://nowhere/a.mp3' } };
		const noHeader = await submit(body, SUBMIT_HEADERS);
		expect(noHeader.status).toBe(400);
		expect(noHeader.json.message).toBe(UNRESOLVED_OSS_MESSAGE);
		const unknown = await submit(body);
		expect(unknown.status).toBe(400);
		expect(unknown.json.message).toContain('oss://nowhere/a.mp3');
	});
});
