/**
 * The tally of records `analyze` could not use: counted by reason, with the first few places
 * (file and byte offset) as examples so that a person can look. Bad input is counted, never fatal.
 * An example never holds the record's text: a record, or JSON.parse's message about it (which
 * quotes its input), can hold a caller's phone number.
 */

/** Why a record was skipped. */
export const SKIP_REASONS = ['NOT_JSON', 'TRUNCATED', 'MISSING_FIELD', 'UNREADABLE_FILE'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * Where a record starts: the file (a path as found, or `s3://bucket/key`) and the byte offset of
 * its first byte within the file's content (after gunzip for a gzipped file). For
 * UNREADABLE_FILE, the content bytes read before the failure (0 when the file could not be opened).
 */
export interface Place {
  file: string;
  offset: number;
}

export interface SkipExample extends Place {
  reason: SkipReason;
}

export interface SkipSummary {
  total: number;
  byReason: Record<SkipReason, number>;
  /** The first MAX_EXAMPLES skips, in the order they were met. */
  examples: SkipExample[];
  /**
   * Every file counted UNREADABLE_FILE (up to MAX_UNREADABLE_FILES, in the order met), so that a
   * file failing in the middle of a large run is named even after the examples are full.
   */
  unreadableFiles: string[];
}

export class SkipTally {
  static readonly MAX_EXAMPLES = 10;
  static readonly MAX_UNREADABLE_FILES = 100;
  private readonly counts: Record<SkipReason, number> = {
    NOT_JSON: 0,
    TRUNCATED: 0,
    MISSING_FIELD: 0,
    UNREADABLE_FILE: 0,
  };
  private readonly examples: SkipExample[] = [];
  private readonly unreadable: string[] = [];
  private count = 0;

  add(reason: SkipReason, place: Place): void {
    this.counts[reason] += 1;
    this.count += 1;
    if (this.examples.length < SkipTally.MAX_EXAMPLES)
      this.examples.push({ file: place.file, offset: place.offset, reason });
    if (reason === 'UNREADABLE_FILE' && this.unreadable.length < SkipTally.MAX_UNREADABLE_FILES)
      this.unreadable.push(place.file);
  }

  get total(): number {
    return this.count;
  }

  toJSON(): SkipSummary {
    return {
      total: this.count,
      byReason: { ...this.counts },
      examples: this.examples.map((e) => ({ ...e })),
      unreadableFiles: [...this.unreadable],
    };
  }
}
