// "From List" of the model field in n8n-core's real LoadOptionsContext, with DashScope directly.
import { LoadOptionsContext } from 'n8n-core';
import { Workflow, type INode, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { DashScopeApi } from '../../../../credentials/DashScopeApi.credentials';
import { Aog } from '../../../../nodes/Aog/Aog.node';
import { HarnessCredentialsHelper, HarnessNodeTypes } from '../../../../tools/harness/engine';

/** The models listed for `operation` with a DashScope credential of `region`. */
export async function listModels(operation: string, region: string): Promise<string[]> {
	const node: INode = {
		id: 'aog',
		name: 'AOG',
		type: 'n8n-nodes-aog.aog',
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'video', operation, authentication: 'dashScopeApi' },
		credentials: { dashScopeApi: { id: 'cred-1', name: 'DashScope account' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().add(node.type, new Aog()),
	});
	const additionalData = {
		credentialsHelper: new HarnessCredentialsHelper([new DashScopeApi()], {
			// No key: the list search then asks no catalogue, so no request leaves for the region's real host.
			dashScopeApi: { region, apiKey: '' },
		}),
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.model');
	const { results } = await new Aog().methods.listSearch.searchModels.call(context);
	return results.map((result) => String(result.value));
}
