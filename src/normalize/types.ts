export interface Enclosure {
  url: string;
  type?: string;
  length?: number;
}

/** An item ready for the store: identity decided, URLs absolute, HTML sanitised, dates in UTC epoch ms. */
export interface NewItem {
  /** Stable identity within its source: never changes for the same story (see normalize/identity.ts). */
  uid: string;
  guid: string | null;
  link: string | null;
  title: string;
  author: string | null;
  /** Plain text, whitespace collapsed, at most ~500 characters. */
  summary: string;
  /** Sanitised HTML (normalize/sanitize.ts); empty string when the entry has no body. */
  contentHtml: string;
  language: string | null;
  publishedAt: number;
  /** True when the feed gave no usable date and publishedAt is the first-seen time. */
  dateEstimated: boolean;
  updatedAt: number | null;
  categories: string[];
  enclosures: Enclosure[];
  imageUrl: string | null;
  /** Plain text of the content for the search index (made where the HTML is, in the parse workers). */
  searchText?: string;
  /** Hash over the fields a reader sees: an unchanged hash means nothing to write. */
  contentHash: string;
}
