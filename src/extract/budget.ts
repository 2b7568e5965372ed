/**
 * Budgets of one page. Bytes: what the page fetch accepts (the feed's own cap applies when it is lower). Shape: an
 * HTML bomb (tens of thousands of unclosed tags) takes the DOM and Readability seconds to minutes and overflows
 * their recursion, so the page's nesting depth and element count are measured first by a streaming tokenizer that
 * stops at the limit. Real articles stay far below (the 59 dev pages: depth ≤ 30, ≤ 3 000 elements). Time is
 * bounded by the worker pool, which ends a worker that overruns (app/pool.ts).
 */
export const PAGE_MAX_BYTES = 5 * 1024 * 1024;
export const PAGE_MAX_DEPTH = 400;
export const PAGE_MAX_ELEMENTS = 40_000;
export const PAGE_TIME_BUDGET_MS = 10_000;

// Their own module: the main thread reads them without loading the DOM and Readability (~15 MB), which only the
// workers need.
