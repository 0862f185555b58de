import type { Socket } from 'node:net';
import dimse from 'dcmjs-dimse';

/**
 * A DIMSE SCU (dcmjs-dimse's Client) that sends data sets byte for byte: dcmjs-dimse would
 * re-encode a parsed file (and repair a truncated one). Used by `hie dicom send`, the e2e tests
 * and the benchmarks.
 */
const { Client, Dataset } = dimse;
const { CEchoRequest, CStoreRequest } = dimse.requests;
const { PresentationContext } = dimse.association;
// dcmjs-dimse logs every PDU at info level: callers print what matters themselves.
dimse.log.setLevel('error');

type Response = InstanceType<typeof dimse.responses.Response>;

/** A DIMSE request as dcmjs-dimse's Client takes it (C-STORE, C-ECHO...). */
export type DimseRequest = InstanceType<typeof dimse.requests.Request>;

/** A Part 10 file split into its meta information and its bare data set (what C-STORE carries). */
export interface Part10Parts {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  dataset: Buffer;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** True when `head` (the first 132 bytes or more) holds the 128-byte preamble followed by `DICM`. */
export function hasPart10Preamble(head: Uint8Array): boolean {
  return head.length >= 132 && Buffer.from(head.buffer, head.byteOffset + 128, 4).toString('latin1') === 'DICM';
}

/** Reads the file meta group (explicit VR little endian, PS3.10 7.1) and returns what follows. */
export function splitPart10(file: Buffer): Part10Parts {
  if (!hasPart10Preamble(file)) throw new Error('not a Part 10 file');
  let offset = 132;
  const values = new Map<number, string>();
  while (offset + 8 <= file.length && file.readUInt16LE(offset) === 0x0002) {
    const element = file.readUInt16LE(offset + 2);
    const vr = file.toString('latin1', offset + 4, offset + 6);
    let length: number;
    let header: number;
    if (LONG_VRS.has(vr)) {
      length = file.readUInt32LE(offset + 8);
      header = 12;
    } else {
      length = file.readUInt16LE(offset + 6);
      header = 8;
    }
    values.set(element, file.toString('latin1', offset + header, offset + header + length).replace(/[\0 ]+$/, ''));
    offset += header + length;
  }
  const transferSyntaxUid = values.get(0x0010) ?? '';
  const dataset = file.subarray(offset);
  // An SCU announces the UIDs of the data set it sends, which may differ from a file's meta
  // (pydicom's rtdose.dcm): read them from the data set where dcmjs-dimse can.
  const inside = datasetUids(dataset, transferSyntaxUid);
  return {
    sopClassUid: inside.sopClassUid ?? values.get(0x0002) ?? '',
    sopInstanceUid: inside.sopInstanceUid ?? values.get(0x0003) ?? '',
    transferSyntaxUid,
    dataset,
  };
}

function datasetUids(dataset: Buffer, transferSyntaxUid: string): { sopClassUid?: string; sopInstanceUid?: string } {
  try {
    const elements = new Dataset(dataset, transferSyntaxUid).getElements();
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
    return { sopClassUid: text(elements.SOPClassUID), sopInstanceUid: text(elements.SOPInstanceUID) };
  } catch {
    return {}; // deflated or broken: the meta's UIDs will do
  }
}

/**
 * A C-STORE request that sends `dataset` byte for byte: dcmjs-dimse would re-encode a parsed
 * file (and repair a truncated one), so the request's Dataset hands the raw bytes over instead.
 * `dataset` may be a function: dcmjs-dimse asks for the bytes only when it sends this request
 * (one request at a time), so a long list of files is never in memory at once.
 */
export function rawStoreRequest(
  parts: Pick<Part10Parts, 'sopClassUid' | 'sopInstanceUid' | 'transferSyntaxUid'> & { dataset: Buffer | (() => Buffer) },
): InstanceType<typeof CStoreRequest> {
  const dataset = new Dataset({ SOPClassUID: parts.sopClassUid, SOPInstanceUID: parts.sopInstanceUid }, parts.transferSyntaxUid);
  const bytes = parts.dataset;
  dataset.getDenaturalizedDataset = typeof bytes === 'function' ? bytes : () => bytes;
  const request = new CStoreRequest(dataset);
  // When the SCP accepted this SOP class only in another syntax, dcmjs-dimse would transcode
  // the data set from its elements, here just the two UIDs, and send that as the instance.
  // Refuse: dcmjs-dimse then logs this and skips the request (no response, not a false success).
  dataset.getElements = () => {
    throw new Error(`C-STORE skipped: no presentation context accepted ${parts.transferSyntaxUid} for ${parts.sopClassUid}`);
  };
  return request;
}

/** One DIMSE response as the SCU saw it. */
export interface ScuResponse {
  status: number;
  errorComment: string | undefined;
  sopInstanceUid: string;
}

/** What an SCU saw of one association. */
export interface ScuOutcome {
  rejected?: { result: number; source: number; reason: number };
  responses: ScuResponse[];
  accepted: boolean;
  networkError?: string;
}

/** Options of {@link associate}. */
export interface AssociateOptions {
  /** The SCP's host; default 127.0.0.1. */
  host?: string;
  callingAe?: string;
  calledAe?: string;
  /** Propose each request's own syntax in a context of its own (default), or only what the stock SCU proposes. */
  exactContexts?: boolean;
  contexts?: { sopClassUid: string; transferSyntaxUids: string[] }[];
  pduTimeout?: number;
  /** Called with each request's response, in the order they arrive (one request is in flight at a time). */
  onResponse?: (request: DimseRequest, response: ScuResponse) => void;
}

/**
 * Opens one association from `callingAe` to `calledAe`, sends the requests in order, releases,
 * and resolves once the connection closed. Each raw store request gets a presentation context
 * of its own with exactly its syntax, so it goes out as is (no transcoding).
 */
export function associate(port: number, requests: DimseRequest[], options: AssociateOptions = {}): Promise<ScuOutcome> {
  const client = new Client();
  const outcome: ScuOutcome = { responses: [], accepted: false };
  const proposed = new Set<string>();
  for (const request of requests) {
    client.addRequest(request);
    request.on('response', (response: Response) => {
      const seen: ScuResponse = {
        status: response.getStatus(),
        errorComment: response.getErrorComment() || undefined,
        sopInstanceUid: response.getAffectedSopInstanceUid(),
      };
      outcome.responses.push(seen);
      options.onResponse?.(request, seen);
    });
    const dataset = request.getDataset();
    const key = dataset ? `${request.getAffectedSopClassUid()}|${dataset.getTransferSyntaxUid()}` : undefined;
    // One context per SOP class and syntax (an association has room for 128).
    if (dataset && key && options.exactContexts !== false && !proposed.has(key)) {
      proposed.add(key);
      client.addAdditionalPresentationContext(new PresentationContext(1, request.getAffectedSopClassUid(), dataset.getTransferSyntaxUid()), true);
    }
  }
  for (const context of options.contexts ?? []) {
    const pc = new PresentationContext(1, context.sopClassUid);
    for (const ts of context.transferSyntaxUids) pc.addTransferSyntaxUid(ts);
    client.addAdditionalPresentationContext(pc, true);
  }
  return new Promise((resolve) => {
    client.on('associationAccepted', () => (outcome.accepted = true));
    client.on('associationRejected', (rejected: { result: number; source: number; reason: number }) => (outcome.rejected = rejected));
    client.on('networkError', (error: Error) => (outcome.networkError = error.message));
    client.on('closed', () => resolve(outcome));
    client.send(options.host ?? '127.0.0.1', port, options.callingAe ?? 'SCU', options.calledAe ?? 'HIE', { pduTimeout: options.pduTimeout ?? 10_000 });
    // dcmjs-dimse's SCU leaves Nagle on: its data PDU then waits for the ACK of the command PDU,
    // which the receiver delays (~40 ms per C-STORE). Real SCUs (dcmtk) set TCP_NODELAY.
    (client as unknown as { network?: { socket?: Socket } }).network?.socket?.setNoDelay(true);
  });
}

/** A C-ECHO request. */
export function echoRequest(): DimseRequest {
  return new CEchoRequest();
}
