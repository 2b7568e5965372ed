-- Full-text index over items. Contentless (the text lives in items); kept in step by triggers.
-- strip_html() is a function the store registers on every connection (store/db.ts).
-- unicode61 with diacritics removed; German and English stemming happens on the query side (prefix of the stem).
CREATE VIRTUAL TABLE `items_fts` USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `items_fts_insert` AFTER INSERT ON `items` BEGIN
  INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, new.summary || ' ' || strip_html(new.content_html));
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_update` AFTER UPDATE OF title, summary, content_html ON `items` BEGIN
  DELETE FROM items_fts WHERE rowid = old.id;
  INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, new.summary || ' ' || strip_html(new.content_html));
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_delete` AFTER DELETE ON `items` BEGIN
  DELETE FROM items_fts WHERE rowid = old.id;
END;
