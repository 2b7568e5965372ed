-- Search finds an item by its extracted article too (issue 13). The article's words get a vector of their own
-- (written by the store when an extraction lands, dialect/postgres.ts indexArticle); a search matches it together
-- with the generated search_vector, and the GIN index is re-built on exactly that expression. Articles extracted
-- before this are indexed here, read the way items_search_text reads the feed's own content.
ALTER TABLE "items" ADD COLUMN "article_vector" tsvector;
--> statement-breakpoint
UPDATE "items" SET "article_vector" =
  setweight(to_tsvector('german'::regconfig, items_search_text(left(regexp_replace(f."content_html", '<[^>]*>', ' ', 'g'), 100000))), 'C') ||
  setweight(to_tsvector('english'::regconfig, items_search_text(left(regexp_replace(f."content_html", '<[^>]*>', ' ', 'g'), 100000))), 'C')
  FROM "item_full_texts" f WHERE f."item_id" = "items"."id" AND f."status" = 'done';
--> statement-breakpoint
DROP INDEX "items_search";
--> statement-breakpoint
CREATE INDEX "items_search" ON "items" USING gin (("search_vector" || coalesce("article_vector", ''::tsvector)));
