import type { VerifyReport } from '@hie/pipeline';

/** A FHIR Parameters resource (the shape `$verify` answers). */
export interface ParametersResource {
  resourceType: 'Parameters';
  parameter: Array<Record<string, unknown>>;
}

/**
 * `$verify` as FHIR Parameters: `result` (all checks passed), the evidence (CID, keyed hash,
 * batch, Merkle root, ledger transaction and block), then one `check` per link of the chain
 * with its name, outcome and explanation.
 */
export function verifyParameters(report: VerifyReport): ParametersResource {
  const parameter: Array<Record<string, unknown>> = [
    { name: 'result', valueBoolean: report.ok },
    { name: 'resource', valueString: `${report.type}/${report.id}/_history/${report.versionId}` },
  ];
  const evidence: Array<[string, string | number | undefined]> = [
    ['cid', report.cid],
    ['keyedHash', report.keyedHash],
    ['batch', report.batchId],
    ['merkleRoot', report.merkleRoot],
    ['ledger', report.ledger],
    ['transaction', report.txHash],
    ['block', report.blockNumber],
  ];
  for (const [name, value] of evidence) {
    if (value === undefined) continue;
    parameter.push(typeof value === 'number' ? { name, valueInteger: value } : { name, valueString: value });
  }
  for (const check of report.checks) {
    parameter.push({
      name: 'check',
      part: [
        { name: 'name', valueCode: check.name },
        { name: 'ok', valueBoolean: check.ok },
        { name: 'detail', valueString: check.detail },
      ],
    });
  }
  return { resourceType: 'Parameters', parameter };
}

/** `$verify` as lines an operator reads in a terminal. */
export function verifyText(report: VerifyReport): string {
  const lines = [`${report.type}/${report.id}/_history/${report.versionId}: ${report.ok ? 'VERIFIED' : 'FAILED'}`];
  for (const check of report.checks) lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(15)} ${check.detail}`);
  return `${lines.join('\n')}\n`;
}
