/** The engine's whole configuration, validated once at boot. */
export interface HieConfig {
  /** Which parts run in this process: intake listeners + HTTP, workers, or both. */
  readonly role: 'all' | 'intake' | 'worker';
  readonly dataDir: string;
  readonly database:
    | { readonly kind: 'sqlite'; readonly file: string }
    | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };
  readonly queue:
    | { readonly kind: 'in-process' }
    | { readonly kind: 'bullmq'; readonly redisUrl: string; readonly prefix: string };
  readonly mllp: { readonly host: string; readonly port: number; readonly enabled: boolean };
  readonly http: { readonly host: string; readonly port: number; readonly enabled: boolean };
  readonly limits: {
    /** Largest message accepted for conversion; larger ones are kept and answered AR. */
    readonly maxMessageBytes: number;
    /** Largest MLLP frame buffered at all; past it only the head is kept, answered AR. */
    readonly maxFrameBytes: number;
    /** Largest CDA document read (`POST /cda`, MDM); past it only the head is kept, answered 413. */
    readonly maxCdaBytes: number;
    /** Deepest XML element nesting accepted in a CDA document (hostile nesting costs bounded time). */
    readonly maxCdaDepth: number;
  };
  readonly intake: {
    /** Group commit: flush after this many messages or this many milliseconds, whichever first. */
    readonly batchSize: number;
    readonly batchMillis: number;
  };
  readonly worker: {
    readonly concurrency: number;
    /** Messages still `received` this long after arrival are queued again (lost job, crash). */
    readonly recoverAfterMillis: number;
  };
  readonly mappingsDir: string;
  /**
   * UTC offset (`+01:00`, `Z`) assumed for v2 times sent without one. Unset: such times are
   * reduced to date precision, since FHIR forbids a time without a zone and guessing one
   * would misstate when things happened.
   */
  readonly sourceTimezone?: string;
  /** Keys deterministic resource ids, so ids reveal nothing about identifiers. */
  readonly idSecret: string;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** Bearer token of the admin endpoints (patient erasure); unset: they are off. */
  readonly adminToken?: string;
  /** Protect & anchor: encryption keys, content storage, chain. */
  readonly protect: ProtectConfig;
  /** DICOM intake: the DIMSE Storage SCP, STOW-RS limits, patient matching. */
  readonly dicom: DicomConfig;
}

/** Settings of DICOM intake (DIMSE and DICOMweb). */
export interface DicomConfig {
  /** The Storage SCP's address (`HIE_DICOM_HOST`, `HIE_DICOM_PORT`; port 0 picks a free one). */
  readonly host: string;
  readonly port: number;
  /** Off for worker-only processes and when `HIE_DICOM_ENABLED=false`. */
  readonly enabled: boolean;
  /** The SCP's own AE title (1 to 16 characters, no backslash or control characters). */
  readonly aeTitle: string;
  /** Calling AE titles accepted; empty: any. */
  readonly callingAeTitles: readonly string[];
  /** Largest header (everything before Pixel Data) read; a larger one is refused `DICOM_HEADER_TOO_LARGE`. */
  readonly maxHeaderBytes: number;
  /**
   * Assigning authority assumed for a PatientID sent without an issuer, so it matches the
   * Patient an HL7 v2 feed created (PID-3.4); unset: such instances belong to no patient.
   */
  readonly defaultIssuer?: string;
  /**
   * The public DICOMweb base (Endpoint.address, Retrieve URLs), without a trailing slash.
   * Default `http://<HIE_HTTP_HOST>:<HIE_HTTP_PORT>/dicomweb`; with `HIE_HTTP_PORT=0` the default
   * names port 0, so set `HIE_DICOMWEB_BASE_URL` when the port is picked at start.
   */
  readonly dicomwebBaseUrl: string;
}

/** Settings of the stages after conversion (encrypt, store, anchor). */
export interface ProtectConfig {
  /** Off: messages stop at `converted` (for benchmarks with and without the stages). */
  readonly enabled: boolean;
  /** The local keyring (KEKs, hash key, ledger signing key); created 0600 on first start. */
  readonly keyringFile: string;
  readonly storage:
    | { readonly kind: 'local'; readonly dir: string }
    | {
        readonly kind: 'ipfs';
        readonly repoDir: string;
        /** libp2p listen multiaddrs. */
        readonly listen: readonly string[];
        /** Peers dialled at start (multiaddrs with /p2p/<id>). */
        readonly peers: readonly string[];
        readonly fetchTimeoutMillis: number;
      };
  readonly ledger:
    | { readonly kind: 'embedded' }
    | { readonly kind: 'evm'; readonly rpcUrl: string; readonly privateKey: string; readonly contractAddress: string };
  readonly anchor: {
    /** At most one batch (one chain transaction) per this many milliseconds, whatever the traffic. */
    readonly intervalMillis: number;
    /** Most record hashes under one Merkle root. */
    readonly maxLeaves: number;
  };
}
