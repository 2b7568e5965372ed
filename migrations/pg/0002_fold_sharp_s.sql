-- The search vector reads text the way SQLite's index does (src/store/search-text.ts): ß as "ss" (the German
-- configuration folds it, the English one kept "fußbal", so a phrase found only in the English half, next to a
-- German stop word as in "der Fußball", was missed), and - . / : @ _ separate words, as in FTS5's unicode61
-- (PostgreSQL's parser keeps "node.js" and "example.org/path" whole, and adds "e-mail" as a word of its own besides
-- "e" and "mail", which breaks phrases). A generated column's expression cannot be altered (before PostgreSQL 17):
-- the column is re-created, which rewrites items and rebuilds the GIN index once.
CREATE OR REPLACE FUNCTION "items_search_text"(input text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate(replace(replace(input, 'ß', 'ss'), 'ẞ', 'ss'), '-./:@_', '      ')
$$;
--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "search_vector";
--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('german'::regconfig, items_search_text(coalesce("title", ''))), 'A') ||
  setweight(to_tsvector('english'::regconfig, items_search_text(coalesce("title", ''))), 'A') ||
  setweight(to_tsvector('german'::regconfig, items_search_text(coalesce("summary", '') || ' ' || left(regexp_replace(coalesce("content_html", ''), '<[^>]*>', ' ', 'g'), 100000))), 'C') ||
  setweight(to_tsvector('english'::regconfig, items_search_text(coalesce("summary", '') || ' ' || left(regexp_replace(coalesce("content_html", ''), '<[^>]*>', ' ', 'g'), 100000))), 'C')
) STORED;
--> statement-breakpoint
CREATE INDEX "items_search" ON "items" USING gin ("search_vector");
