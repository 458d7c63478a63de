// A credential's connection test ("Test" in the credential dialog) run in-process, the way n8n's CLI runs it
// (packages/cli/src/services/credentials-tester.service.ts): the credential's `test.request` becomes the routing of a
// declarative node, which n8n-core's real RoutingNode sends through httpRequestWithAuthentication (so the
// credential's `authenticate` and n8n-core's redirect handling are the real ones); then the `rules` are checked as
// the CLI checks them: responseCode rules on a failed request, responseSuccessBody rules on a successful one.
// The e2e test (test/e2e/credential-test.e2e.test.ts) runs the same cases in the real n8n editor.
import './setup';

import { ExecuteContext, RoutingNode } from 'n8n-core';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { HarnessCredentialsHelper, HarnessNodeTypes } from './engine';

export interface CredentialTestOutcome {
	status: 'OK' | 'Error';
	message: string;
}

function testNodeType(credentialType: ICredentialType): INodeType {
	return {
		description: {
			displayName: 'Credential Test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: 'Sends a credential test request (harness)',
			defaults: { name: 'Credential Test' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: credentialType.test!.request },
				},
			],
		},
	};
}

/** Reads a dotted path ("data.data[0].can_select") as lodash's get does. */
function getPath(value: unknown, path: string): unknown {
	let current = value;
	for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
		if (current === null || current === undefined || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

/** Runs `credentialType`'s test with `data` and answers as n8n's credential dialog would. */
export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestOutcome> {
	const test = credentialType.test;
	if (!test) throw new Error(`${credentialType.name} has no test request`);
	const nodeType = testNodeType(credentialType);
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [credentialType.name]: { id: 'credential-under-test', name: 'Credential under test' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().add(node.type, nodeType),
	});
	const credentialsHelper = new HarnessCredentialsHelper([credentialType], { [credentialType.name]: data });
	const additionalData = { credentialsHelper } as unknown as IWorkflowExecuteAdditionalData;
	// Like the CLI: the credential's defaults applied, then handed to the RoutingNode directly.
	const decrypted = await credentialsHelper.getDecrypted(
		additionalData,
		{ id: 'credential-under-test', name: 'Credential under test' },
		credentialType.name,
	);
	const inputData = { main: [[{ json: {} }]] as INodeExecutionData[][] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData({ resultData: { runData: {} } }),
		0,
		[],
		inputData,
		{ node, data: {}, source: null },
		[],
	);
	const routingNode = new RoutingNode(context, nodeType, {
		id: 'credential-under-test',
		name: 'Credential under test',
		type: credentialType.name,
		data: decrypted,
	});
	const rules = (test.rules ?? []) as Array<{
		type: string;
		properties: { key?: string; value: unknown; message: string };
	}>;
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		type Cause = { response?: { status?: number; statusText?: string }; code?: string };
		const error = caught as { cause?: Cause; errorResponse?: Cause; message?: string };
		// The CLI reads error.cause (the request's error). Under jest the request's error is of another realm than the
		// test's Error, so n8n-workflow's NodeError keeps it as errorResponse instead: the same object.
		const cause = error.cause ?? error.errorResponse;
		const answer = cause?.response;
		if (answer) {
			for (const rule of rules) {
				if (rule.type === 'responseCode' && rule.properties.value === answer.status)
					return { status: 'Error', message: rule.properties.message };
			}
			if (answer.status === undefined || answer.status < 199 || answer.status > 299) {
				return { status: 'Error', message: answer.statusText || `Received HTTP status code: ${answer.status}` };
			}
		} else if (cause?.code) return { status: 'Error', message: cause.code };
		return { status: 'Error', message: String(error.message) };
	}
	const json = (response?.[0]?.[0]?.json ?? {}) as IDataObject;
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && getPath(json, rule.properties.key!) === rule.properties.value)
			return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
