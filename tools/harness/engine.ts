// Runs a node inside n8n-core's real execution engine (WorkflowExecute), the way n8n's own
// NodeTestHarness (packages/core/nodes-testing) does, without jest-mock-extended or nock:
// an "Inject" node emits the test items (binaries stored through prepareBinaryData, so they
// live in n8n's binary storage as in production) and feeds the node under test.
//
// Everything real: parameter defaults and expressions (Workflow), credential defaults and the
// credential's `authenticate` (function or generic block), httpRequestWithAuthentication,
// binary storage (inline base64 or filesystem), continueOnFail / error output routing,
// pairedItem assignment, cancellation through PCancelable and the abort signal.
import './setup';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	Credentials,
	ErrorReporter,
	ExecutionLifecycleHooks,
	WorkflowExecute,
} from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import {
	createDeferredPromise,
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';
import type {
	ExecutionStatus,
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IConnections,
} from 'n8n-workflow';

import { userFolder } from './setup';

export { userFolder };

// ---------------------------------------------------------------------------------------------
// Types

/** A binary for the Inject node: raw bytes (Buffer) or base64 text, stored via prepareBinaryData. */
export interface InjectBinary {
	data: Buffer | string;
	mimeType?: string;
	fileName?: string;
}

export interface InjectItem {
	json?: IDataObject | Record<string, unknown>;
	binary?: Record<string, InjectBinary>;
}

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
export type BinaryMode = 'default' | 'filesystem';

export interface RunNodeOptions {
	nodeType: INodeType | IVersionedNodeType;
	/** The credential type the node uses (e.g. new AogApi()). */
	credentialType?: ICredentialType;
	/** More credential types (parents of `extends`, other credentials of the node). */
	extraCredentialTypes?: ICredentialType[];
	/** Stored credential data for `credentialType`; missing fields get the type's defaults. */
	credentials?: ICredentialDataDecryptedObject;
	/** Stored data per credential type name, for nodes with several credentials. */
	credentialsByType?: Record<string, ICredentialDataDecryptedObject>;
	/** Name of the credential as the workflow references it (default "<displayName> account"). */
	credentialName?: string;
	/** The node's parameters; defaults are filled in by n8n's Workflow like in production. */
	parameters?: INodeParameters;
	/** Node type version (default: the highest the node type declares). */
	typeVersion?: number;
	/** Node name in the workflow (default: description.defaults.name). */
	nodeName?: string;
	/** Full node type name used in the workflow (default "n8n-nodes-aog.<description.name>"). */
	nodeTypeName?: string;
	/** Items the upstream Inject node emits (default one empty item). */
	items?: InjectItem[];
	/** The node's "On Error" setting. */
	onError?: OnError;
	/** Any other node setting (retryOnFail, maxTries, waitBetweenTries, alwaysOutputData, executeOnce…). */
	nodeSettings?: Partial<
		Pick<
			INode,
			'retryOnFail' | 'maxTries' | 'waitBetweenTries' | 'alwaysOutputData' | 'executeOnce' | 'disabled' | 'notes'
		>
	>;
	/** 'default' keeps binaries inline as base64; 'filesystem' inits BinaryDataService (n8n's regular mode). */
	binaryMode?: BinaryMode;
	/** Cancel the execution (PCancelable.cancel(), as n8n's "stop" does) after this many ms. */
	cancelAfterMs?: number;
	/** Give up (cancel, then throw) when the run has not finished after this many ms. Default 100 000. */
	timeoutMs?: number;
	/** Workflow settings (timezone, executionOrder …). executionOrder defaults to 'v1'. */
	settings?: IWorkflowBase['settings'];
}

/** What the harness keeps of a node error: the serialised error from run data, plus the original fields. */
export interface NodeErrorInfo {
	message: string;
	description?: string | null;
	name?: string;
	httpCode?: string | null;
	/** The item the error names (n8n's `context.itemIndex`), when it names one. */
	itemIndex?: number;
	/** The error object as WorkflowExecute stored it in run data. */
	error: Record<string, unknown>;
}

export interface RunNodeResult {
	status: ExecutionStatus;
	/** Main output 0 of the node under test (success items, and error items under continueRegularOutput). */
	output: INodeExecutionData[];
	/** Main output 1 (only with onError = continueErrorOutput). */
	errorOutput: INodeExecutionData[];
	/** All main outputs of the node's first run. */
	outputs: INodeExecutionData[][];
	/** The node's error when its run failed (stopWorkflow), else the workflow-level error if any. */
	error?: NodeErrorInfo;
	/** The items the Inject node emitted (what the node under test received). */
	inputItems: INodeExecutionData[];
	runData: IRunData;
	run: IRun;
	nodeName: string;
	injectName: string;
	cancelled: boolean;
	/** Wall time of processRunExecutionData, ms. */
	durationMs: number;
	/** Wall time from cancel() to the end of the run, ms (only when cancelled). */
	cancelToEndMs?: number;
	executionId: string;
	/** Bytes of a binary of an output item (filesystem or inline). */
	readBinary(item: INodeExecutionData, property?: string): Promise<Buffer>;
}

// ---------------------------------------------------------------------------------------------
// Node types and credential types

export const INJECT_NODE_TYPE = 'harness.inject';

/** An upstream node that emits the given items, storing their binaries through n8n's helpers. */
export function createInjectNodeType(items: InjectItem[]): INodeType {
	return {
		description: {
			displayName: 'Inject',
			name: 'inject',
			group: ['transform'],
			version: 1,
			description: 'Emits test items (harness)',
			defaults: { name: 'Inject' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const out: INodeExecutionData[] = [];
			for (const item of items) {
				const entry: INodeExecutionData = { json: { ...(item.json ?? {}) } as IDataObject, pairedItem: { item: 0 } };
				if (item.binary) {
					entry.binary = {};
					for (const [key, bin] of Object.entries(item.binary)) {
						const buffer = Buffer.isBuffer(bin.data) ? bin.data : Buffer.from(bin.data, 'base64');
						entry.binary[key] = await this.helpers.prepareBinaryData(buffer, bin.fileName, bin.mimeType);
					}
				}
				out.push(entry);
			}
			return [out];
		},
	};
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	add(name: string, type: INodeType | IVersionedNodeType) {
		this.types.set(name, type);
		return this;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unknown node type "${nodeType}" in the harness`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/**
 * Credentials helper over in-memory credential data, applying the credential type's defaults and
 * its `authenticate` (a function, or a generic `{type:'generic', properties}` block whose values may
 * be expressions over $credentials) like n8n's CredentialsHelper (packages/cli/src/credentials-helper.ts).
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly credentialTypes = new Map<string, ICredentialType>();

	/** Every request that went through authenticate(), after authentication (for assertions). */
	readonly authenticatedRequests: IHttpRequestOptions[] = [];

	constructor(
		types: ICredentialType[],
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
		for (const type of types) this.credentialTypes.set(type.name, type);
	}

	private getType(name: string): ICredentialType {
		const type = this.credentialTypes.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}" in the harness`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const type = this.credentialTypes.get(name);
		if (!type?.extends) return [];
		const parents: string[] = [];
		for (const parent of type.extends) parents.push(parent, ...this.getParentTypes(parent));
		return parents;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions;
		const credentialType = this.getType(typeName);
		let result = requestOptions;
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') {
			result = await authenticate(credentials, requestOptions);
		} else if (authenticate && typeof authenticate === 'object' && authenticate.type === 'generic') {
			requestOptions.headers ??= {};
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as IDataObject)) {
					const keyResolved = this.resolveValue(key, credentials, workflow, node);
					const valueResolved = this.resolveValue(value as string, credentials, workflow, node);
					const target = requestOptions as unknown as Record<string, IDataObject>;
					target[outerKey] ??= {};
					target[outerKey][keyResolved] = valueResolved;
				}
			}
		}
		this.authenticatedRequests.push(result);
		return result;
	}

	private resolveValue(
		value: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		return new Credentials({ id: nodeCredentials.id ?? null, name: nodeCredentials.name }, type);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.data[type];
		if (stored === undefined) throw new Error(`No credential data of type "${type}" given to the harness`);
		// Like n8n's applyDefaultsAndOverwrites: add the credential type's default values.
		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			{ ...stored } as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject | null;
		return { ...(withDefaults ?? {}) };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getType(type);
		const props: INodeProperties[] = [];
		for (const parent of credentialType.extends ?? []) {
			NodeHelpers.mergeNodeProperties(props, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(props, credentialType.properties);
		return props;
	}
}

// ---------------------------------------------------------------------------------------------
// Binary data

/**
 * Installs a fresh BinaryDataService in n8n's container: without init() binaries stay inline as
 * base64 (the old "default" mode); with init() they go to files under the user folder
 * (n8n 2.x regular mode, ids "filesystem-v2:…"). Runs in one process must not overlap with
 * different modes, as the service is a process-wide singleton.
 */
export async function useBinaryMode(mode: BinaryMode): Promise<BinaryDataService> {
	const config = Container.get(BinaryDataConfig);
	const service = new BinaryDataService(
		{ ...config, mode: 'filesystem' } as BinaryDataConfig,
		Container.get(ErrorReporter),
		Container.get(Logger),
	);
	if (mode === 'filesystem') await service.init();
	Container.set(BinaryDataService, service);
	return service;
}

async function readBinaryWith(
	service: BinaryDataService,
	item: INodeExecutionData,
	property = 'data',
): Promise<Buffer> {
	const binary: IBinaryData | undefined = item.binary?.[property];
	if (!binary) {
		throw new Error(`Item has no binary "${property}" (has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`);
	}
	if (binary.id) return await service.getAsBuffer(binary);
	return Buffer.from(binary.data, 'base64');
}

// ---------------------------------------------------------------------------------------------
// Running

let executionCounter = 0;

/**
 * Every ExecuteContext asks the container for SSHClientsManager, whose constructor starts a
 * 60-second cleanup interval that would keep jest from exiting; n8n stops it on shutdown.
 * The harness creates it up front and unrefs that timer.
 */
function releaseEngineTimers() {
	const manager = Container.get(SSHClientsManager) as unknown as { cleanupTimer?: NodeJS.Timeout };
	manager.cleanupTimer?.unref?.();
}

function toErrorInfo(error: unknown): NodeErrorInfo | undefined {
	if (!error || typeof error !== 'object') return undefined;
	const e = error as Record<string, unknown>;
	return {
		message: String(e.message ?? ''),
		description: (e.description as string | null | undefined) ?? undefined,
		name: (e.name as string | undefined) ?? undefined,
		httpCode: (e.httpCode as string | null | undefined) ?? undefined,
		itemIndex: ((e.context as { itemIndex?: number } | undefined) ?? {}).itemIndex,
		error: e,
	};
}

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const {
		nodeType,
		credentialType,
		parameters = {},
		items = [{ json: {} }],
		onError,
		binaryMode = 'default',
		cancelAfterMs,
		timeoutMs = 100_000,
	} = options;

	const description = NodeHelpers.getVersionedNodeType(nodeType).description;
	const declaredVersion = (nodeType as IVersionedNodeType).currentVersion ?? description.version;
	const typeVersion =
		options.typeVersion ?? (Array.isArray(declaredVersion) ? Math.max(...declaredVersion) : declaredVersion);
	const nodeTypeName = options.nodeTypeName ?? `n8n-nodes-aog.${description.name}`;
	const nodeName = options.nodeName ?? description.defaults?.name ?? description.displayName;
	const injectName = 'Inject';

	const binaryService = await useBinaryMode(binaryMode);
	releaseEngineTimers();

	const nodeTypes = new HarnessNodeTypes()
		.add(INJECT_NODE_TYPE, createInjectNodeType(items))
		.add(nodeTypeName, nodeType);

	const credentialTypes = [...(credentialType ? [credentialType] : []), ...(options.extraCredentialTypes ?? [])];
	const credentialData: Record<string, ICredentialDataDecryptedObject> = { ...(options.credentialsByType ?? {}) };
	if (credentialType && options.credentials) credentialData[credentialType.name] = options.credentials;
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, credentialData);

	const nodeCredentials: INode['credentials'] = {};
	for (const typeName of Object.keys(credentialData)) {
		const type = credentialTypes.find((t) => t.name === typeName);
		nodeCredentials[typeName] = {
			id: String(Object.keys(nodeCredentials).length + 1),
			name:
				typeName === credentialType?.name && options.credentialName
					? options.credentialName
					: `${type?.displayName ?? typeName} account`,
		};
	}

	const injectNode: INode = {
		id: 'harness-inject',
		name: injectName,
		type: INJECT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node: INode = {
		id: 'harness-node-under-test',
		name: nodeName,
		type: nodeTypeName,
		typeVersion,
		position: [300, 0],
		parameters: structuredClone(parameters),
		...(Object.keys(nodeCredentials).length ? { credentials: nodeCredentials } : {}),
		...(onError ? { onError } : {}),
		...(options.nodeSettings ?? {}),
	};
	const connections: IConnections = {
		[injectName]: { main: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const settings = { executionOrder: 'v1' as const, ...(options.settings ?? {}) };

	executionCounter += 1;
	const executionId = `${process.pid}${String(executionCounter).padStart(4, '0')}`;
	const workflowId = 'harnessWorkflow';
	const workflow = new Workflow({
		id: workflowId,
		name: 'Harness workflow',
		nodes: [injectNode, node],
		connections,
		nodeTypes,
		settings,
		active: false,
	});

	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [injectNode, node],
		connections,
		settings,
	};
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const finished = createDeferredPromise<IRun>();
	let afterHookRuns = 0;
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
		afterHookRuns += 1;
		finished.resolve(fullRunData);
	});

	const additionalData = {
		credentialsHelper,
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		userId: 'harness-user',
		executeWorkflow: async () => {
			throw new Error('executeWorkflow is not available in the engine harness');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Task runners are not available in the engine harness');
		},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: injectNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const started = Date.now();
	const execution = workflowExecute.processRunExecutionData(workflow);

	let cancelledAt: number | undefined;
	const cancel = () => {
		if (cancelledAt === undefined) {
			cancelledAt = Date.now();
			execution.cancel();
		}
	};
	const cancelTimer = cancelAfterMs !== undefined ? setTimeout(cancel, cancelAfterMs) : undefined;
	let timedOut = false;
	const guardTimer = setTimeout(() => {
		timedOut = true;
		cancel();
	}, timeoutMs);

	let run: IRun;
	try {
		// After cancel() WorkflowExecute fires workflowExecuteAfter at once and lets the running node
		// notice the abort signal; the PCancelable (shouldReject = false) still settles when the loop
		// ends, so waiting for it tells how long the node took to stop.
		run = await execution;
		await finished.promise;
	} finally {
		if (cancelTimer) clearTimeout(cancelTimer);
		clearTimeout(guardTimer);
	}
	const ended = Date.now();
	if (timedOut) {
		throw new Error(`runNode: the run did not finish within ${timeoutMs} ms; it was cancelled`);
	}
	void afterHookRuns;

	const runData = run.data.resultData.runData;
	const nodeRuns: ITaskData[] = runData[nodeName] ?? [];
	const first = nodeRuns[0];
	const outputs = (first?.data?.main ?? []).map((o) => o ?? []);
	const injectRun = runData[injectName]?.[0];
	const error = toErrorInfo(first?.error) ?? toErrorInfo(run.data.resultData.error);

	return {
		status: run.status,
		output: outputs[0] ?? [],
		errorOutput: outputs[1] ?? [],
		outputs,
		error,
		inputItems: injectRun?.data?.main?.[0] ?? [],
		runData,
		run,
		nodeName,
		injectName,
		cancelled: cancelledAt !== undefined,
		durationMs: ended - started,
		cancelToEndMs: cancelledAt !== undefined ? ended - cancelledAt : undefined,
		executionId,
		readBinary: async (item, property = 'data') => await readBinaryWith(binaryService, item, property),
	};
}

/** Builds an Inject item with one binary property. */
export function binaryItem(
	data: Buffer | string,
	options: { mimeType?: string; fileName?: string; property?: string; json?: IDataObject } = {},
): InjectItem {
	return {
		json: options.json ?? {},
		binary: { [options.property ?? 'data']: { data, mimeType: options.mimeType, fileName: options.fileName } },
	};
}
