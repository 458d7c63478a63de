'use strict';
// A small client of n8n 2.x's internal REST API (the one the editor uses), for the dev scripts:
// owner setup, login (cookie + browser-id), workflows, manual runs, executions, credential tests.
const crypto = require('node:crypto');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class N8nApiError extends Error {
	constructor(method, path, status, body) {
		const message = body?.message ?? (typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body));
		super(`${method} ${path} answered ${status}: ${message}`);
		this.status = status;
		this.body = body;
	}
}

class N8nClient {
	/** @param {string} baseUrl e.g. http://127.0.0.1:5678 */
	constructor(baseUrl, { timeoutMs = 30_000 } = {}) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
		this.timeoutMs = timeoutMs;
		this.cookie = '';
		// n8n binds the auth cookie to this header's value (hashed into the JWT).
		this.browserId = crypto.randomUUID();
	}

	async request(method, path, body, { timeoutMs = this.timeoutMs } = {}) {
		const headers = { accept: 'application/json', 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		for (const line of setCookie) {
			const [pair] = line.split(';');
			if (pair.startsWith('n8n-auth=')) this.cookie = pair;
		}
		const text = await response.text();
		let parsed;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			parsed = text;
		}
		if (!response.ok) throw new N8nApiError(method, path, response.status, parsed);
		return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	async settings() {
		return await this.request('GET', '/rest/settings');
	}

	async setupOwner({ email, password, firstName, lastName }) {
		return await this.request('POST', '/rest/owner/setup', { email, password, firstName, lastName });
	}

	async login({ email, password }) {
		return await this.request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
	}

	async workflow(id) {
		return await this.request('GET', `/rest/workflows/${encodeURIComponent(id)}`);
	}

	async credentials() {
		return await this.request('GET', '/rest/credentials');
	}

	/**
	 * Runs a saved workflow the way the editor's "Execute workflow" button does
	 * (POST /rest/workflows/:id/run from its manual trigger). Resolves the execution id.
	 */
	async runManually(id, { triggerName } = {}) {
		const workflowData = await this.workflow(id);
		const trigger = triggerName ?? workflowData.nodes.find((node) => /manualTrigger$/.test(node.type))?.name;
		if (!trigger) throw new Error(`workflow ${id} has no Manual Trigger`);
		const result = await this.request('POST', `/rest/workflows/${encodeURIComponent(id)}/run`, {
			workflowData,
			triggerToStartFrom: { name: trigger },
		});
		if (!result?.executionId)
			throw new Error(`the run of workflow ${id} returned no execution id: ${JSON.stringify(result)}`);
		return result.executionId;
	}

	/** Polls an execution until it is no longer new/running/waiting; resolves it with its data parsed. */
	async waitForExecution(executionId, { timeoutMs = 10 * 60_000, intervalMs = 1000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution = await this.request('GET', `/rest/executions/${encodeURIComponent(executionId)}`);
			if (execution && !['new', 'running', 'waiting'].includes(execution.status) && execution.finished !== undefined) {
				return { ...execution, data: parseExecutionData(execution.data) };
			}
			if (Date.now() > deadline)
				throw new Error(
					`execution ${executionId} still "${execution?.status}" after ${Math.round(timeoutMs / 1000)} s`,
				);
			await sleep(intervalMs);
		}
	}

	/**
	 * n8n's credential connection test (the editor's "Test" / "Retry" button): POST /rest/credentials/test
	 * with a stored credential's id and the data to test. Resolves { status: 'OK' | 'Error', message }.
	 */
	async testCredential({ id, name, type, data }) {
		return await this.request('POST', '/rest/credentials/test', { credentials: { id, name, type, data } });
	}
}

/**
 * Execution data as the REST API sends it: n8n's "flatted" format (an array whose first element is the
 * root, with strings of digits pointing at other elements). Returns the plain object.
 */
function parseExecutionData(data) {
	if (typeof data !== 'string') return data;
	const table = JSON.parse(data);
	if (!Array.isArray(table)) return table;
	const revived = new Map();
	const revive = (index) => {
		if (revived.has(index)) return revived.get(index);
		const raw = table[index];
		if (raw === null || typeof raw !== 'object') {
			revived.set(index, raw);
			return raw;
		}
		const out = Array.isArray(raw) ? [] : {};
		revived.set(index, out);
		for (const [key, value] of Object.entries(raw)) {
			out[key] = typeof value === 'string' && /^\d+$/.test(value) ? revive(Number(value)) : value;
		}
		return out;
	};
	return revive(0);
}

module.exports = { N8nClient, N8nApiError, parseExecutionData };
