-- Search finds an item by its extracted article too (issue 13): the index row of every item with one is rewritten
-- as the store now writes it, the feed's own text followed by the article's. search_index_title() and
-- search_index_body_with_article() are registered on the connection (src/store/dialect/sqlite.ts).
CREATE TEMP TABLE `article_items` AS SELECT `item_id` AS `id`, `content_html` FROM `item_full_texts` WHERE `status` = 'done';
--> statement-breakpoint
DELETE FROM `items_fts` WHERE `rowid` IN (SELECT `id` FROM `article_items`);
--> statement-breakpoint
INSERT INTO `items_fts`(`rowid`, `title`, `body`)
  SELECT `items`.`id`, search_index_title(`items`.`title`),
    search_index_body_with_article(`items`.`summary`, `items`.`content_html`, `article_items`.`content_html`)
  FROM `items` JOIN `article_items` ON `article_items`.`id` = `items`.`id`;
--> statement-breakpoint
DROP TABLE `article_items`;
