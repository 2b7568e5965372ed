/** `truncated`: the document is cut off before its first complete item (after repair nothing is left). */
export type FeedParseReason = 'not_a_feed' | 'malformed_xml' | 'truncated' | 'empty';

/** A document that yields no feed. `reason` is stored and shown to users, `message` says what was found. */
export class FeedParseError extends Error {
  readonly reason: FeedParseReason;

  constructor(reason: FeedParseReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedParseError';
    this.reason = reason;
  }
}
