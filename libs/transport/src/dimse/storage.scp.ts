import type { Socket } from 'node:net';
import dimse from 'dcmjs-dimse';
import type { DimseLogger } from './dimse-server.options.js';
import { DIMSE_CONTEXT_NOT_ACCEPTED, DIMSE_NO_DATA_SET, DIMSE_TRANSFER_ABORTED, dimseStoreStatus } from './dimse-status.js';
import type { DimseStoreHandler, DimseStoreResult } from './dimse-store.port.js';
import { negotiatePresentationContexts } from './presentation-context.negotiator.js';
import { StoreBodySink } from './store-body.sink.js';

const { Scp, Dataset, constants } = dimse;
const { CEchoResponse, CStoreResponse } = dimse.responses;
const { PresentationContextResult, RejectReason, RejectResult, RejectSource, Status } = constants;

type Association = InstanceType<typeof dimse.association.Association>;
type PresentationContext = InstanceType<typeof dimse.association.PresentationContext>;
type CEchoRequest = InstanceType<typeof dimse.requests.CEchoRequest>;
type CStoreRequest = InstanceType<typeof dimse.requests.CStoreRequest>;
type CEchoResponseType = InstanceType<typeof CEchoResponse>;
type CStoreResponseType = InstanceType<typeof CStoreResponse>;
type DatasetType = InstanceType<typeof Dataset>;

/** What one association needs from its server. */
export interface StorageScpContext {
  /** Per-server sequence number of the connection (for logs). */
  connectionId: number;
  socket: Socket;
  aeTitle: string;
  callingAeTitles: readonly string[];
  transferSyntaxUids: ReadonlySet<string>;
  storageSopClassUids?: ReadonlySet<string>;
  maxPduBytes: number;
  bodyHighWaterMark: number;
  onStore: DimseStoreHandler;
  logger: DimseLogger;
  /** Registers a C-STORE in flight, so close() can wait for it. */
  track(work: Promise<unknown>): void;
}

/** The error a data set's reader gets when the association ends before its last fragment. */
export class DimseTransferAbortedError extends Error {
  readonly code = 'DICOM_TRUNCATED';
  constructor(readonly bytesReceived: number) {
    super(`association ended after ${bytesReceived} bytes of the data set`);
    this.name = 'DimseTransferAbortedError';
  }
}

/**
 * One association of the Storage SCP (dcmjs-dimse makes one `Scp` per connection): checks AE
 * titles, negotiates presentation contexts, answers C-ECHO, and streams each C-STORE data set
 * into `onStore` while it arrives; the response goes out when `onStore` settles.
 */
export class StorageScp extends Scp {
  private callingAeTitle = '';
  /** The result of each C-STORE whose data set is arriving or was received, by request. */
  private readonly results = new Map<CStoreRequest, Promise<DimseStoreResult>>();
  /** The data set being received now (the library receives one at a time). */
  private receiving: StoreBodySink | undefined;
  private pausedSinks = 0;
  private released = false;

  constructor(
    socket: Socket,
    options: ConstructorParameters<typeof Scp>[1],
    private readonly ctx: StorageScpContext,
  ) {
    super(socket, options);
    this.on('close', () => this.ended('connection closed'));
  }

  /** Bytes of the data set being received that wait for `onStore` to read them. */
  get bufferedBodyBytes(): number {
    return this.receiving?.bytesQueued ?? 0;
  }

  /** C-STOREs whose response is not sent yet. */
  get storesInFlight(): number {
    return this.results.size;
  }

  override associationRequested(association: Association): void {
    const called = association.getCalledAeTitle().trim();
    const calling = association.getCallingAeTitle().trim();
    this.callingAeTitle = calling;
    const id = this.ctx.connectionId;
    if (called !== this.ctx.aeTitle) {
      this.ctx.logger.warn(`DIMSE ${id}: association from ${calling} rejected: called AE ${called} not recognised`);
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
      return;
    }
    if (this.ctx.callingAeTitles.length > 0 && !this.ctx.callingAeTitles.includes(calling)) {
      this.ctx.logger.warn(`DIMSE ${id}: association from ${calling} rejected: calling AE not recognised`);
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized);
      return;
    }
    const summary = negotiatePresentationContexts(association, this.ctx.transferSyntaxUids, this.ctx.storageSopClassUids);
    // 0 means "no limit" from the SCU; the library announces min(SCU's, its own), so without
    // this we would announce no limit for what we receive.
    const maxPdu = association.getMaxPduLength();
    if (maxPdu === 0 || maxPdu > this.ctx.maxPduBytes) association.setMaxPduLength(this.ctx.maxPduBytes);
    this.ctx.logger.log(`DIMSE ${id}: association from ${calling} accepted (${summary.accepted} contexts accepted, ${summary.rejected} rejected)`);
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    // An SCU should not release with operations outstanding; if it does, answer them first.
    void Promise.allSettled([...this.results.values()]).then(() => {
      if (this.released || this.ctx.socket.destroyed) return;
      this.released = true;
      this.sendAssociationReleaseResponse();
      this.ctx.logger.log(`DIMSE ${this.ctx.connectionId}: association released`);
    });
  }

  override cEchoRequest(request: CEchoRequest, callback: (response: CEchoResponseType) => void): void {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    callback(response);
  }

  override createStoreWritableStream(context: PresentationContext, request: CStoreRequest): StoreBodySink {
    const sink = new StoreBodySink({
      highWaterMark: this.ctx.bodyHighWaterMark,
      lowWaterMark: Math.floor(this.ctx.bodyHighWaterMark / 4),
      onPressure: (paused) => this.pressure(paused),
    });
    const transferSyntaxUid = context.getAcceptedTransferSyntaxUid();
    if (context.getResult() !== PresentationContextResult.Accept || !transferSyntaxUid) {
      sink.discard();
      this.results.set(request, Promise.resolve({ ok: false, code: DIMSE_CONTEXT_NOT_ACCEPTED, reason: 'presentation context not accepted' }));
      return sink;
    }
    this.receiving = sink;
    const result = this.store(sink, transferSyntaxUid, request);
    this.results.set(request, result);
    this.ctx.track(result);
    return sink;
  }

  override createDatasetFromStoreWritableStream(
    _writable: unknown,
    context: PresentationContext,
    callback: (dataset: DatasetType) => void,
  ): void {
    // The data set already went to onStore; the library only needs a (small) Dataset to attach
    // to the request. Called synchronously, so the library never writes the next command's
    // bytes into this sink.
    this.receiving = undefined;
    callback(new Dataset({}, context.getAcceptedTransferSyntaxUid() ?? constants.TransferSyntax.ImplicitVRLittleEndian));
  }

  override cStoreRequest(request: CStoreRequest, callback: (response: CStoreResponseType) => void): void {
    const pending =
      this.results.get(request) ?? Promise.resolve<DimseStoreResult>({ ok: false, code: DIMSE_NO_DATA_SET, reason: 'C-STORE without a data set' });
    void pending.then((result) => {
      this.results.delete(request);
      const { status, comment } = dimseStoreStatus(result);
      const id = this.ctx.connectionId;
      if (result.ok) this.ctx.logger.log(`DIMSE ${id}: C-STORE from ${this.callingAeTitle} stored`);
      else this.ctx.logger.warn(`DIMSE ${id}: C-STORE from ${this.callingAeTitle} refused 0x${status.toString(16).padStart(4, '0')} ${result.code}`);
      if (this.ctx.socket.destroyed) return;
      const response = CStoreResponse.fromRequest(request);
      response.setStatus(status);
      if (comment) response.setErrorComment(comment);
      callback(response);
    });
  }

  override abort(): void {
    this.ctx.logger.warn(`DIMSE ${this.ctx.connectionId}: association aborted by ${this.callingAeTitle || 'peer'}`);
    this.ended('association aborted');
    this.ctx.socket.end();
  }

  /** The association is over (abort, close, error): a data set still arriving ends in error. */
  ended(why: string): void {
    const sink = this.receiving;
    this.receiving = undefined;
    if (sink && !sink.complete) {
      this.ctx.logger.warn(`DIMSE ${this.ctx.connectionId}: ${why} during a C-STORE after ${sink.bytesReceived} bytes`);
      sink.fail(new DimseTransferAbortedError(sink.bytesReceived));
    }
  }

  private store(sink: StoreBodySink, transferSyntaxUid: string, request: CStoreRequest): Promise<DimseStoreResult> {
    let handled: Promise<DimseStoreResult>;
    try {
      handled = this.ctx.onStore({
        body: sink.body(),
        transferSyntaxUid,
        sopClassUid: request.getAffectedSopClassUid(),
        sopInstanceUid: request.getAffectedSopInstanceUid(),
        callingAeTitle: this.callingAeTitle,
      });
    } catch (error) {
      handled = Promise.reject(error);
    }
    return handled
      .catch((error: unknown): DimseStoreResult => {
        if (error instanceof DimseTransferAbortedError) return { ok: false, code: DIMSE_TRANSFER_ABORTED, reason: 'association ended mid data set' };
        this.ctx.logger.error(`DIMSE ${this.ctx.connectionId}: store handler failed: ${error instanceof Error ? error.name : typeof error}`);
        return { ok: false, code: 'DICOM_STORE_FAILED', reason: 'store failed' };
      })
      .finally(() => sink.discard());
  }

  private pressure(paused: boolean): void {
    const before = this.pausedSinks;
    this.pausedSinks += paused ? 1 : -1;
    if (before === 0 && this.pausedSinks === 1) this.ctx.socket.pause();
    else if (before === 1 && this.pausedSinks === 0) this.ctx.socket.resume();
  }
}
