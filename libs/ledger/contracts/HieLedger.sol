// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title HieLedger: the health information exchange's anchors, consents and erasures.
/// @notice Holds no PHI: batch roots are Merkle roots over keyed HMACs, subjects are patient
///         pseudonyms, scopes are hashes. Every value is a fixed 32-byte word chosen off chain.
/// @dev Storage is packed (one slot for a batch's metadata, one for a consent's period and status)
///      because anchoring happens once per batch, forever: each saved slot is ~20k gas per call.
///      Block numbers and timestamps are kept as uint48 (2^48 outlasts any chain and the sun).
contract HieLedger {
    struct Batch {
        bytes32 root;
        uint32 leafCount;
        uint48 blockNumber;
        uint48 timestamp;
    }

    /// @dev status: 1 active, 2 revoked (0 = never recorded). start/end: Unix milliseconds,
    ///      end 0 = open-ended. blockNumber/timestamp: of the latest change.
    struct Consent {
        bytes32 subject;
        bytes32 grantee;
        bytes32 scopeHash;
        uint64 start;
        uint64 end;
        uint8 status;
        uint48 blockNumber;
        uint48 timestamp;
    }

    struct Erasure {
        bytes32 subject;
        uint48 blockNumber;
        uint48 timestamp;
    }

    address public owner;
    mapping(address => bool) public writers;
    mapping(bytes32 => Batch) public batches;
    mapping(bytes32 => Consent) public consents;
    mapping(bytes32 => Erasure) public erasures;

    error NotOwner();
    error NotWriter();
    error ZeroValue();
    error InvalidStatus(uint8 status);
    error BatchExists(bytes32 batchId);
    error ConsentMismatch(bytes32 consentId);
    error ErasureExists(bytes32 erasureId);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event WriterSet(address indexed writer, bool allowed);
    event BatchAnchored(bytes32 indexed batchId, bytes32 root, uint32 leafCount);
    event ConsentRecorded(
        bytes32 indexed consentId,
        bytes32 subject,
        bytes32 grantee,
        bytes32 scopeHash,
        uint64 start,
        uint64 end,
        uint8 status
    );
    event ErasureRecorded(bytes32 indexed erasureId, bytes32 subject);

    constructor() {
        owner = msg.sender;
        writers[msg.sender] = true;
        emit OwnershipTransferred(address(0), msg.sender);
        emit WriterSet(msg.sender, true);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    /// @dev One mapping read: the owner is a writer by construction, not by a second check.
    modifier onlyWriter() {
        if (!writers[msg.sender]) revert NotWriter();
        _;
    }

    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroValue();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    function setWriter(address writer, bool allowed) external onlyOwner {
        writers[writer] = allowed;
        emit WriterSet(writer, allowed);
    }

    /// @notice Anchors a batch root once. A second anchoring of the same batch reverts, so a
    ///         resend after a crash can never anchor twice (the caller reads the first one back).
    function anchor(bytes32 batchId, bytes32 root, uint32 leafCount) external onlyWriter {
        // A zero root is the "absent" marker of the mapping, so it cannot be a value.
        if (batchId == 0 || root == 0 || leafCount == 0) revert ZeroValue();
        Batch storage batch = batches[batchId];
        if (batch.root != 0) revert BatchExists(batchId);
        batch.root = root;
        batch.leafCount = leafCount;
        batch.blockNumber = uint48(block.number);
        batch.timestamp = uint48(block.timestamp);
        emit BatchAnchored(batchId, root, leafCount);
    }

    /// @notice Records a consent or a change of its period/status. Who, to whom and what
    ///         (subject, grantee, scope) are fixed by the first record: a change of those is a
    ///         different consent and reverts.
    function recordConsent(
        bytes32 consentId,
        bytes32 subject,
        bytes32 grantee,
        bytes32 scopeHash,
        uint64 start,
        uint64 end,
        uint8 status
    ) external onlyWriter {
        if (consentId == 0 || subject == 0) revert ZeroValue();
        if (status != 1 && status != 2) revert InvalidStatus(status);
        Consent storage consent = consents[consentId];
        if (consent.subject == 0) {
            consent.subject = subject;
            consent.grantee = grantee;
            consent.scopeHash = scopeHash;
        } else if (consent.subject != subject || consent.grantee != grantee || consent.scopeHash != scopeHash) {
            revert ConsentMismatch(consentId);
        }
        consent.start = start;
        consent.end = end;
        consent.status = status;
        consent.blockNumber = uint48(block.number);
        consent.timestamp = uint48(block.timestamp);
        emit ConsentRecorded(consentId, subject, grantee, scopeHash, start, end, status);
    }

    /// @notice Records a crypto-shredding of a subject's keys: the pseudonym and the time only.
    function recordErasure(bytes32 erasureId, bytes32 subject) external onlyWriter {
        if (erasureId == 0 || subject == 0) revert ZeroValue();
        Erasure storage erasure = erasures[erasureId];
        if (erasure.subject != 0) revert ErasureExists(erasureId);
        erasure.subject = subject;
        erasure.blockNumber = uint48(block.number);
        erasure.timestamp = uint48(block.timestamp);
        emit ErasureRecorded(erasureId, subject);
    }
}
