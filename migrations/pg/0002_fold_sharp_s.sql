-- ß as "ss" in the index, as on SQLite (src/store/search-text.ts foldWord): the German configuration folds ß, the
-- English one kept "fußbal", so a phrase found only in the English half (next to a German stop word: "der Fußball")
-- missed when typed with ß or ss. A generated column's expression cannot be altered (before PostgreSQL 17): the column
-- is re-created, which rewrites items and rebuilds the GIN index once.
ALTER TABLE "items" DROP COLUMN "search_vector";
--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('german'::regconfig, replace(replace(coalesce("title", ''), 'ß', 'ss'), 'ẞ', 'ss')), 'A') ||
  setweight(to_tsvector('english'::regconfig, replace(replace(coalesce("title", ''), 'ß', 'ss'), 'ẞ', 'ss')), 'A') ||
  setweight(to_tsvector('german'::regconfig, replace(replace(coalesce("summary", '') || ' ' || left(regexp_replace(coalesce("content_html", ''), '<[^>]*>', ' ', 'g'), 100000), 'ß', 'ss'), 'ẞ', 'ss')), 'C') ||
  setweight(to_tsvector('english'::regconfig, replace(replace(coalesce("summary", '') || ' ' || left(regexp_replace(coalesce("content_html", ''), '<[^>]*>', ' ', 'g'), 100000), 'ß', 'ss'), 'ẞ', 'ss')), 'C')
) STORED;
--> statement-breakpoint
CREATE INDEX "items_search" ON "items" USING gin ("search_vector");
