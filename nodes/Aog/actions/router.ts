import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as video from './video';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	if (resource === 'video' && operation === 'imageToVideo') {
		return [await video.imageToVideo.execute.call(this)];
	}
	throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
}
