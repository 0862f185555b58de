// @ts-check
/**
 * DICOM (issue 5) on PostgreSQL + Redis, the built engine as one child process (role all):
 * - C-STORE: `count` CT instances of ~0.5 MB sent by dcmjs-dimse SCUs over `associations`
 *   parallel associations; measures the instances/s acknowledged (each success status is given
 *   after the instance is encrypted, in the content store and committed) and the instances/s until
 *   every message is final (ImagingStudy converted, protected and anchored).
 * - STOW-RS: one multi-frame instance of `megabytes` streamed as multipart/related (never held
 *   whole by the client); measures MB/s until the response and the engine's peak RSS (VmHWM).
 */
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freePort, sleep, startEngine, statusCounts } from './lib/engine.js';
import { createBenchDatabase, createBenchRedisPrefix } from './lib/services.js';
import { ctStudy, EXPLICIT_VR_LITTLE_ENDIAN, multiFrameHeader } from './lib/dicom-instances.js';

const require = createRequire(import.meta.url);
/** @type {any} */
const dimse = require('dcmjs-dimse');
dimse.log.setLevel('error');

/** @param {Record<string,string>} env @param {(env: Record<string,string>, dicomPort: number) => Promise<T>} body @template T */
async function withEngine(env, body) {
  const db = await createBenchDatabase();
  const redis = createBenchRedisPrefix();
  const dicomPort = await freePort();
  /** @type {Awaited<ReturnType<typeof startEngine>> | undefined} */
  let engine;
  try {
    const fullEnv = { DATABASE_URL: db.url, REDIS_URL: redis.url, HIE_QUEUE_PREFIX: redis.prefix, HIE_DICOM_HOST: '127.0.0.1', HIE_DICOM_PORT: String(dicomPort), ...env };
    engine = await startEngine('all', fullEnv);
    return await body({ ...fullEnv, HTTP_URL: engine.httpUrl, PID: String(engine.pid) }, dicomPort);
  } finally {
    await engine?.stop();
    await redis.cleanup();
    await db.drop();
  }
}

/**
 * Sends `instances` over one association (their data set bytes as they are); resolves with the statuses.
 * @param {number} port @param {{ sopClassUid: string, sopInstanceUid: string, dataset: Buffer }[]} instances
 * @returns {Promise<number[]>}
 */
function storeOverOneAssociation(port, instances) {
  return new Promise((resolve, reject) => {
    const client = new dimse.Client();
    /** @type {number[]} */
    const statuses = [];
    for (const instance of instances) {
      const dataset = new dimse.Dataset({ SOPClassUID: instance.sopClassUid, SOPInstanceUID: instance.sopInstanceUid }, EXPLICIT_VR_LITTLE_ENDIAN);
      dataset.getDenaturalizedDataset = () => instance.dataset;
      const req = new dimse.requests.CStoreRequest(dataset);
      req.on('response', (/** @type {any} */ response) => statuses.push(response.getStatus()));
      client.addRequest(req);
    }
    // Propose exactly the syntax the bytes are in: a context the SCP accepted in another syntax
    // would make dcmjs-dimse transcode (re-encode) the data set from its few elements.
    const first = instances[0];
    if (first) client.addAdditionalPresentationContext(new dimse.association.PresentationContext(1, first.sopClassUid, EXPLICIT_VR_LITTLE_ENDIAN), true);
    client.on('networkError', (/** @type {Error} */ e) => reject(e));
    client.on('associationRejected', () => reject(new Error('association rejected')));
    client.on('closed', () => resolve(statuses));
    client.send('127.0.0.1', port, 'BENCH_SCU', 'HIE', { pduTimeout: 120_000 });
    // dcmjs-dimse's SCU leaves Nagle on (each data PDU would wait ~40 ms for the command PDU's
    // delayed ACK); real SCUs (dcmtk) set TCP_NODELAY.
    client.network?.socket?.setNoDelay(true);
  });
}

/**
 * @param {{ count: number, associations: number, env?: Record<string,string>, log?: (line: string) => void }} options
 */
export async function benchDicomStore(options) {
  const log = options.log ?? (() => {});
  return withEngine(options.env ?? {}, async (env, dicomPort) => {
    const httpUrl = /** @type {string} */ (env.HTTP_URL);
    // A warm-up study first, so the first figures do not include JIT and pool start-up.
    await storeOverOneAssociation(dicomPort, ctStudy(20, { patientId: 'BENCH-WARM', issuer: 'BENCH' }));
    await waitFinal(httpUrl, 20, 120_000);
    const datasets = ctStudy(options.count, { patientId: 'BENCH-CT-1', issuer: 'BENCH' });
    const lanes = Array.from({ length: options.associations }, (_, i) => datasets.filter((_, j) => j % options.associations === i));
    const pid = Number(env.PID);
    const engineCpuBefore = cpuMillisOf(pid);
    const benchCpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const statuses = (await Promise.all(lanes.map((lane) => storeOverOneAssociation(dicomPort, lane)))).flat();
    const ackSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    // CPU per instance until the last acknowledgement: says which side (engine or SCU) the 2 cores go to.
    const engineCpuMsPerInstance = (cpuMillisOf(pid) - engineCpuBefore) / options.count;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const scuCpuMsPerInstance = (benchCpu.user + benchCpu.system) / 1000 / options.count;
    const failures = statuses.filter((s) => s !== 0).length;
    if (failures > 0) log(`  first refusal kept: ${await firstFailure(httpUrl)}`);
    const final = await waitFinal(httpUrl, 20 + options.count, 600_000);
    const doneSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`  C-STORE ${options.count} × ~0.5 MB over ${options.associations} associations: acknowledged in ${ackSeconds.toFixed(1)} s, all final in ${doneSeconds.toFixed(1)} s; non-success ${failures}; CPU per instance until acknowledged: engine ${engineCpuMsPerInstance.toFixed(1)} ms, SCUs (this process) ${scuCpuMsPerInstance.toFixed(1)} ms; counts ${JSON.stringify(final)}`);
    return { count: options.count, ackSeconds, engineCpuMsPerInstance, scuCpuMsPerInstance, doneSeconds, failures, finalCounts: final, ackedPerSecond: options.count / ackSeconds, donePerSecond: options.count / doneSeconds };
  });
}

/** The outcome of one failed message, as the message store lists it (no PHI: codes and reasons). */
async function firstFailure(/** @type {string} */ httpUrl) {
  const r = await fetch(`${httpUrl}/messages?status=failed&_count=1`, { signal: AbortSignal.timeout(10_000) });
  return (await r.text()).slice(0, 800);
}

/** Waits until `expected` messages are anchored or failed (protect on) and returns the counts. */
async function waitFinal(/** @type {string} */ httpUrl, /** @type {number} */ expected, /** @type {number} */ timeoutMillis) {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const counts = await statusCounts(httpUrl);
    if ((counts.anchored ?? 0) + (counts.failed ?? 0) >= expected) return counts;
    if (Date.now() > deadline) throw new Error(`not final after ${timeoutMillis} ms: ${JSON.stringify(counts)}`);
    await sleep(100);
  }
}

/**
 * @param {{ megabytes: number, log?: (line: string) => void }} options
 */
export async function benchStowLarge(options) {
  const log = options.log ?? (() => {});
  return withEngine({}, async (env) => {
    const httpUrl = /** @type {string} */ (env.HTTP_URL);
    const pid = Number(env.PID);
    const frames = Math.max(1, Math.round((options.megabytes * 1024 * 1024) / (512 * 512 * 2)));
    const { header, pixelBytes } = multiFrameHeader({ frames, rows: 512, columns: 512 });
    const total = header.length + pixelBytes;
    const boundary = `bench-${Date.now().toString(36)}`;
    const started = process.hrtime.bigint();
    const response = await postStreamed(`${httpUrl}/dicomweb/studies`, boundary, header, pixelBytes);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peakRssMb = peakRssMegabytes(pid);
    log(`  STOW-RS of one ${(total / 1048576).toFixed(0)} MB instance (${frames} frames): HTTP ${response.status} in ${seconds.toFixed(2)} s = ${(total / 1048576 / seconds).toFixed(0)} MB/s; engine peak RSS ${peakRssMb.toFixed(0)} MB`);
    if (response.status !== 200) throw new Error(`STOW-RS answered ${response.status}: ${response.body.slice(0, 500)}`);
    return { megabytes: total / 1048576, seconds, megabytesPerSecond: total / 1048576 / seconds, peakRssMb };
  });
}

/** User + system CPU time a process has used so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMillisOf(/** @type {number} */ pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces) start after the last ')'; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The engine's peak resident set (VmHWM), in MiB. */
function peakRssMegabytes(/** @type {number} */ pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * POSTs one multipart/related part: `header` then `pixelBytes` of pixel data, written in 1 MiB
 * chunks as the socket drains.
 * @param {string} url @param {string} boundary @param {Buffer} header @param {number} pixelBytes
 * @returns {Promise<{ status: number, body: string }>}
 */
function postStreamed(url, boundary, header, pixelBytes) {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: 'application/dicom+json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i += 2) chunk.writeUInt16LE((i * 31) & 0xffff, i);
    let remaining = pixelBytes;
    req.write(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`);
    req.write(header);
    const pump = () => {
      while (remaining > 0) {
        const n = Math.min(remaining, chunk.length);
        remaining -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}
