import type { IssueSeverity, OperationOutcomeIssue } from './fhir-resource.model.js';

const INDEX_SEGMENTS: string[] = Array.from({ length: 256 }, (_, i) => `[${i}]`);

/** The `[i]` path segment, cached for the common small indexes (no string building per item). */
export function indexSegment(i: number): string {
  return i < INDEX_SEGMENTS.length ? INDEX_SEGMENTS[i]! : `[${i}]`;
}

/** Local references (`#id`) and contained ids of one resource, for ref-1 and dom-3. */
export interface ResourceFrame {
  readonly containedIds: Map<string, number>;
  readonly localRefs: { readonly id: string; readonly expression: string }[];
  /** index of the contained resource being validated, -1 while in the container itself */
  containedIndex: number;
  /** contained indexes that refer back to their container with `#` */
  readonly refersToContainer: Set<number>;
}

/** The enclosing Bundle's `fullUrl` → resource type index, against which `urn:uuid:` references resolve. */
export interface BundleScope {
  readonly fullUrls: ReadonlyMap<string, string>;
  /** transaction, document and message Bundles must be self-contained for urn:uuid references */
  readonly mustResolve: boolean;
}

/**
 * Mutable state of one `validate()` call: the issues found and the current FHIRPath-like
 * position. The path is a stack of segments joined only when an issue is reported, so a
 * valid resource costs no string building.
 */
export class ValidationContext {
  issues: OperationOutcomeIssue[] = [];
  private readonly segments: string[] = new Array<string>(32).fill('');
  private depth = 0;
  frame: ResourceFrame | undefined;
  bundle: BundleScope | undefined;

  /** Ready for the next resource; returns the issues of the previous one. */
  reset(): OperationOutcomeIssue[] {
    const issues = this.issues;
    this.issues = [];
    this.depth = 0;
    this.frame = undefined;
    this.bundle = undefined;
    return issues;
  }

  push(segment: string): void {
    this.segments[this.depth++] = segment;
  }

  pop(): void {
    this.depth--;
  }

  /** The current resource's frame, created on first need: most resources have no local references. */
  ensureFrame(): ResourceFrame {
    return (this.frame ??= { containedIds: new Map(), localRefs: [], containedIndex: -1, refersToContainer: new Set() });
  }

  expression(suffix = ''): string {
    let out = '';
    for (let i = 0; i < this.depth; i++) out += this.segments[i]!;
    return out + suffix;
  }

  report(code: string, diagnostics: string, suffix = '', severity: IssueSeverity = 'error'): void {
    this.issues.push({ severity, code, diagnostics, expression: [this.expression(suffix)] });
  }

  reportAt(expression: string, code: string, diagnostics: string): void {
    this.issues.push({ severity: 'error', code, diagnostics, expression: [expression] });
  }
}
