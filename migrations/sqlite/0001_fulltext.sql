-- Full-text index over items. Contentless (the text lives in items): the store writes each item's title and plain
-- text when it inserts or changes the item (the text is made in the parse workers, off the main thread); the
-- delete trigger keeps deletions in step. unicode61 with diacritics removed; German and English stemming happens on
-- the query side (prefixes of stems, store/search-text.ts).
CREATE VIRTUAL TABLE `items_fts` USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `items_fts_delete` AFTER DELETE ON `items` BEGIN
  DELETE FROM items_fts WHERE rowid = old.id;
END;
