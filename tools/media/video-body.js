'use strict';
// Bodies of served videos: a file on disk, or a synthetic MP4 padded to an exact size, written in chunks
// (both dev servers' video links).
const fs = require('fs');

const CHUNK_BYTES = 1024 * 1024;
const ZERO_CHUNK = Buffer.alloc(CHUNK_BYTES); // never modified, so safe to write many times
const MAX_SMALL_BOX = 0xffffffff;

/**
 * A body of known size, read in chunks: `chunks(limit)` yields its first `limit` bytes (default all).
 * @typedef {{ size: number; chunks: (limit?: number) => AsyncIterable<Buffer> }} BodySource
 */

/**
 * MP4 `free` box header: 32-bit size, or size=1 plus a 64-bit largesize for boxes over 4 GiB.
 * @param {number} boxSize
 */
function freeBoxHeader(boxSize) {
	if (boxSize <= MAX_SMALL_BOX) {
		const header = Buffer.alloc(8);
		header.writeUInt32BE(boxSize, 0);
		header.write('free', 4, 'latin1');
		return header;
	}
	const header = Buffer.alloc(16);
	header.writeUInt32BE(1, 0);
	header.write('free', 4, 'latin1');
	header.writeBigUInt64BE(BigInt(boxSize), 8);
	return header;
}

/**
 * A real small MP4 followed by one top-level `free` box of zeros, so the file stays valid at any size.
 * Sizes below base+16 cannot hold a box: the result is then the base itself, or base+16.
 * @param {Buffer} base
 * @param {number} totalBytes
 * @returns {BodySource}
 */
function syntheticSource(base, totalBytes) {
	const padding = totalBytes - base.length;
	if (padding <= 0) return { size: base.length, chunks: (limit) => bufferChunks(base, limit) };
	const boxSize = Math.max(padding, 16);
	const header = freeBoxHeader(boxSize);
	const head = Buffer.concat([base, header]);
	const size = base.length + boxSize;
	return { size, chunks: (limit = size) => paddedChunks(head, size - head.length, limit) };
}

/**
 * @param {Buffer} buffer
 * @param {number} [limit]
 */
async function* bufferChunks(buffer, limit = buffer.length) {
	if (limit > 0) yield buffer.subarray(0, limit);
}

/**
 * @param {Buffer} head
 * @param {number} zeroBytes
 * @param {number} limit
 */
async function* paddedChunks(head, zeroBytes, limit) {
	yield head.subarray(0, Math.min(limit, head.length));
	let left = Math.min(zeroBytes, limit - head.length);
	while (left > 0) {
		const length = Math.min(left, CHUNK_BYTES);
		yield length === CHUNK_BYTES ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, length);
		left -= length;
	}
}

/**
 * @param {string} file
 * @param {number} size
 * @returns {BodySource}
 */
function fileSource(file, size) {
	return {
		size,
		chunks: (limit = size) =>
			limit > 0
				? fs.createReadStream(file, { start: 0, end: limit - 1, highWaterMark: CHUNK_BYTES })
				: bufferChunks(Buffer.alloc(0)),
	};
}

/**
 * @param {import('http').ServerResponse} res
 * @returns {Promise<void>}
 */
function drainOrClose(res) {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/**
 * Write the first `limit` bytes of a source, respecting back-pressure; stops if the client goes away.
 * @param {import('http').ServerResponse} res
 * @param {BodySource} source
 * @param {number} [limit]
 */
async function writeBody(res, source, limit = source.size) {
	for await (const chunk of source.chunks(limit)) {
		if (res.destroyed || res.writableEnded) return false;
		if (chunk.length > 0 && !res.write(chunk)) await drainOrClose(res);
	}
	return !res.destroyed;
}

/**
 * Resolves once everything written so far has been handed to the socket.
 * @param {import('http').ServerResponse} res
 * @returns {Promise<void>}
 */
function flushed(res) {
	return new Promise((resolve) => (res.destroyed ? resolve() : res.write('', () => resolve())));
}

module.exports = { syntheticSource, fileSource, writeBody, flushed, freeBoxHeader };
