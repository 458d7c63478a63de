'use strict';
// The task's MP4: the aog-server's 5 s pan video of the picture (its cache and encoder), stretched or squeezed
// to the requested duration when that is not 5 s. Derived files sit next to the 5 s one in the same cache.
const fs = require('fs');
const crypto = require('crypto');
const { FPS, SECONDS } = require('../aog-server/video-maker');

const DERIVED_VERSION = 'ds-v1'; // change when the recipe below changes

function derivedArgs(input, output, duration) {
	return ['-i', input, '-vf', `setpts=${duration / SECONDS}*PTS,fps=${FPS}`, '-frames:v', String(duration * FPS), '-r', String(FPS),
		'-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', '-movflags', '+faststart', '-f', 'mp4', output];
}

const inflight = new Map();

/** {path, size} of the MP4 for this picture ({bytes, info}) at this height and duration. */
async function makeVideo(videoMaker, image, height, duration) {
	const base = await videoMaker.videoFor(image.bytes, image.info, height);
	if (duration === SECONDS) return base;
	const file = base.path.replace(/\.mp4$/, `-${duration}s-${DERIVED_VERSION}.mp4`);
	if (fs.existsSync(file)) return { path: file, size: fs.statSync(file).size };
	if (!inflight.has(file)) {
		const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.mp4`;
		const job = videoMaker.run(derivedArgs(base.path, temp, duration))
			.then(() => fs.renameSync(temp, file)) // atomic: parallel jest workers share the cache
			.finally(() => {
				fs.rmSync(temp, { force: true });
				inflight.delete(file);
			});
		inflight.set(file, job);
	}
	await inflight.get(file);
	return { path: file, size: fs.statSync(file).size };
}

module.exports = { makeVideo };
