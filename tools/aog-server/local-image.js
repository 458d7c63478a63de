'use strict';
// AOG's `image_type: path`: AOG reads the picture from its own disk before DashScope sees it (Go-style errors).
const fs = require('fs');
const path = require('path');
const { AogError } = require('./aog-format');

/**
 * @param {string} root
 * @param {string} file
 */
function isInside(root, file) {
	const relative = path.relative(root, file);
	return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The file's bytes; AogError 500 when it is missing, outside fileRoot (when set) or a folder.
 * @param {string} imagePath
 * @param {string | undefined} fileRoot
 * @returns {Buffer}
 */
function readLocalImage(imagePath, fileRoot) {
	/** @param {string} reason */
	const fail = (reason) => new AogError(500, 500, `middleware execution failed: ${reason}`);
	const resolved = path.resolve(imagePath);
	let real;
	try {
		real = fs.realpathSync(resolved);
	} catch {
		throw fail(`open ${imagePath}: no such file or directory`);
	}
	if (fileRoot && !isInside(fs.realpathSync(path.resolve(fileRoot)), real))
		throw fail(`open ${imagePath}: permission denied`);
	if (fs.statSync(real).isDirectory()) throw fail(`read ${imagePath}: is a directory`);
	return fs.readFileSync(real);
}

module.exports = { readLocalImage };
