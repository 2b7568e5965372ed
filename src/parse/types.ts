/** The neutral shape every format (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) is read into. */
export interface FeedDocument {
  format: 'rss' | 'rdf' | 'atom' | 'json';
  title?: string;
  /** The site the feed belongs to (HTML page), absolute. */
  siteUrl?: string;
  description?: string;
  language?: string;
  /** Feed-level TTL in minutes (RSS <ttl>). */
  ttlMinutes?: number;
  /** Alternative URL the feed announces for itself (atom:link rel=self). */
  selfUrl?: string;
  hubUrl?: string;
  entries: ParsedEntry[];
  /** Problems repaired or skipped while reading (bad dates, bare ampersands, …). */
  warnings: string[];
}

export interface ParsedEnclosure {
  url: string;
  type?: string;
  length?: number;
}

export interface ParsedEntry {
  guid?: string;
  /** Whether an RSS guid is declared a permalink (`isPermaLink`), undefined when not stated. */
  guidIsPermaLink?: boolean;
  link?: string;
  title?: string;
  author?: string;
  /** Raw date text as the feed gives it (parsed in normalize/). */
  published?: string;
  updated?: string;
  /** Full body, HTML (content:encoded, atom:content, content_html). */
  contentHtml?: string;
  /** Short description, HTML or text (description, atom:summary, summary). */
  summaryHtml?: string;
  categories: string[];
  enclosures: ParsedEnclosure[];
  /** Base URL in force for this entry (xml:base), absolute when known. */
  baseUrl?: string;
  language?: string;
  imageUrl?: string;
  /**
   * How to read `title`: 'html' (Atom type=html/xhtml: tags and entities to strip), 'text' (Atom type=text: literal),
   * undefined (RSS: usually text, sometimes escaped HTML).
   */
  titleType?: 'html' | 'text';
}
