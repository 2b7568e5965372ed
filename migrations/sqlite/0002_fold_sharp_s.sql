-- FTS5's unicode61 tokenizer keeps ß while queries fold it to "ss", so "Fußball" found nothing. The store now indexes
-- ß as "ss" (foldForIndex in src/store/search-text.ts); this re-indexes the items whose text has an ß, literal or as
-- an entity. search_index_title() and search_index_body() are registered on the connection (src/store/db.ts) and
-- make exactly the text the store writes.
CREATE TEMP TABLE `sharp_s_items` AS SELECT `id` FROM `items` WHERE
  `title` LIKE '%ß%' OR `title` LIKE '%ẞ%' OR `summary` LIKE '%ß%' OR `summary` LIKE '%ẞ%'
  OR `content_html` LIKE '%ß%' OR `content_html` LIKE '%ẞ%' OR `content_html` LIKE '%&szlig;%'
  OR `content_html` LIKE '%&#223;%' OR `content_html` LIKE '%&#xdf;%' OR `content_html` LIKE '%&#7838;%'
  OR `content_html` LIKE '%&#x1e9e;%';
--> statement-breakpoint
DELETE FROM `items_fts` WHERE `rowid` IN (SELECT `id` FROM `sharp_s_items`);
--> statement-breakpoint
INSERT INTO `items_fts`(`rowid`, `title`, `body`)
  SELECT `items`.`id`, search_index_title(`items`.`title`), search_index_body(`items`.`summary`, `items`.`content_html`)
  FROM `items` JOIN `sharp_s_items` ON `sharp_s_items`.`id` = `items`.`id`;
--> statement-breakpoint
DROP TABLE `sharp_s_items`;
