// The one list of operations: the node's Operation parameter, each operation's fields, the router and the subtitle are
// all derived from it. A new operation is a file exporting an Operation, added here.
import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import * as cancelTask from './cancelTask';
import * as editVideo from './editVideo';
import * as firstLastFrameToVideo from './firstLastFrameToVideo';
import * as getTask from './getTask';
import * as imageToVideo from './imageToVideo';
import * as referenceToVideo from './referenceToVideo';
import * as textToVideo from './textToVideo';
import type { Operation } from './operation';

/** In the order their fields appear; the Operation list shows them by name. */
const OPERATIONS: readonly Operation[] = [
	imageToVideo.operation,
	textToVideo.operation,
	firstLastFrameToVideo.operation,
	referenceToVideo.operation,
	editVideo.operation,
	getTask.operation,
	cancelTask.operation,
];

export const operationNamed = (value: string): Operation | undefined =>
	OPERATIONS.find((operation) => operation.value === value);

/** The node's subtitle: the chosen operation's name. */
export const SUBTITLE = `={{ { ${OPERATIONS.map(({ value, name }) => `${value}: ${JSON.stringify(name)}`).join(', ')} }[$parameter["operation"]] ?? $parameter["operation"] }}`;

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [...OPERATIONS]
			.sort((a, b) => a.name.localeCompare(b.name))
			.map(({ name, value, action, description }) => ({ name, value, action, description })),
		default: 'imageToVideo',
	},
	...OPERATIONS.flatMap((operation) =>
		updateDisplayOptions({ show: { resource: ['video'], operation: [operation.value] } }, operation.properties),
	),
];
