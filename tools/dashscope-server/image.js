'use strict';
// The first frame as DashScope reads it (the media kit's checks): a data URI is decoded and checked at submit; an
// http(s) URL is downloaded by the task, and a download failure fails the task with InvalidParameter.DataInspection.
const { loadImgUrl, downloadImage, checkDashScopeImage, ImageRejected } = require('../media/image-check');
const { ApiError, apiError } = require('./errors');

/** @typedef {import('../media/image-check').CheckedImage} CheckedImage */

const IMAGE_FETCHER = 'dashscope-dev-server (image fetcher)';

/** @param {unknown} error */
function toApiError(error) {
	if (error instanceof ImageRejected) return new ApiError(error.status, error.code, error.message);
	return error;
}

/** @param {string} url */
function isHttpUrl(url) {
	return /^https?:\/\//i.test(url);
}

/**
 * Decode and check a data URI (anything not http(s) is rejected the same way). Throws ApiError.
 * @param {string} url
 * @returns {Promise<CheckedImage>}
 */
async function loadInlineImage(url) {
	try {
		return await loadImgUrl(url, IMAGE_FETCHER);
	} catch (error) {
		throw toApiError(error);
	}
}

/**
 * The task's view of a URL image: {bytes, info}, or throws ApiError (DataInspection when unreachable).
 * @param {string} url
 * @returns {Promise<CheckedImage>}
 */
async function loadRemoteImage(url) {
	let bytes;
	try {
		bytes = await downloadImage(url, IMAGE_FETCHER);
	} catch (error) {
		throw apiError(
			'InvalidParameter.DataInspection',
			`Unable to download the media resource during the data inspection process: ${/** @type {Error} */ (error).message} (url: ${url})`,
		);
	}
	try {
		return { bytes, info: checkDashScopeImage(bytes) };
	} catch (error) {
		throw toApiError(error);
	}
}

/**
 * A picture from temporary storage, checked like any other. Throws ApiError.
 * @param {Buffer} bytes
 * @returns {CheckedImage}
 */
function loadStoredImage(bytes) {
	try {
		return { bytes, info: checkDashScopeImage(bytes) };
	} catch (error) {
		throw toApiError(error);
	}
}

module.exports = { isHttpUrl, loadInlineImage, loadRemoteImage, loadStoredImage };
