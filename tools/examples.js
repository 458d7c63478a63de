'use strict';
// The demo workflow (examples/image-to-video.json) prepared for a run: its file paths pointed at a picture and an
// output folder, its AOG node's parameters adjusted, and the credential it references. Used by the demo, the dev
// environment, the benchmark and the e2e tests.
const fs = require('node:fs');
const path = require('node:path');

const { REPO } = require('./n8n-cli');

const EXAMPLE_WORKFLOW = path.join(REPO, 'examples', 'image-to-video.json');
const SAMPLE_IMAGE = path.join(REPO, 'examples', 'sample.jpg');
const DEMO_DIR = path.join(REPO, '.cache', 'demo');

const NODES = {
	trigger: "When clicking 'Execute workflow'",
	read: 'Read picture from disk',
	aog: 'AOG Image to Video',
	write: 'Write MP4 to disk',
};
const CREDENTIAL = { id: 'aogAccountExample1', name: 'AOG account', type: 'aogApi' };

/**
 * The example workflow with its file paths pointed at `imagePath` and `outputDir`
 * (the example uses ~/.n8n-files, n8n 2.x's default file folder, of the Docker image).
 * `mutate(workflow)` may change anything else (AOG node parameters …).
 */
function prepareWorkflow({ imagePath = SAMPLE_IMAGE, outputDir = DEMO_DIR, id, aogParameters, aogOptions } = {}) {
	const workflow = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW, 'utf8'));
	if (id) workflow.id = id;
	const byName = Object.fromEntries(workflow.nodes.map((node) => [node.name, node]));
	for (const name of Object.values(NODES)) {
		if (!byName[name]) throw new Error(`examples/image-to-video.json has no node named "${name}"`);
	}
	byName[NODES.read].parameters.fileSelector = path.resolve(imagePath);
	const dir = path.resolve(outputDir).replace(/\\/g, '/').replace(/'/g, "\\'");
	byName[NODES.write].parameters.fileName = `={{ '${dir}/' + $json.fileName }}`;
	if (aogParameters) Object.assign(byName[NODES.aog].parameters, aogParameters);
	if (aogOptions) byName[NODES.aog].parameters.options = { ...byName[NODES.aog].parameters.options, ...aogOptions };
	return workflow;
}

/** The credential the example workflow references ("AOG account", type aogApi), ready for import:credentials. */
function exampleCredentials({ baseUrl, apiKey = '' }) {
	return [{ ...CREDENTIAL, data: { baseUrl, apiKey } }];
}

module.exports = { prepareWorkflow, exampleCredentials, NODES, CREDENTIAL, EXAMPLE_WORKFLOW, SAMPLE_IMAGE, DEMO_DIR };
