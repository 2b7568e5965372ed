-- Full-text index over items in German and English: both configurations, titles weighted higher.
ALTER TABLE "items" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('german'::regconfig, coalesce("title", '')), 'A') ||
  setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') ||
  setweight(to_tsvector('german'::regconfig, coalesce("summary", '') || ' ' || left(regexp_replace(coalesce("content_html", ''), '<[^>]*>', ' ', 'g'), 100000)), 'C') ||
  setweight(to_tsvector('english'::regconfig, coalesce("summary", '') || ' ' || left(regexp_replace(coalesce("content_html", ''), '<[^>]*>', ' ', 'g'), 100000)), 'C')
) STORED;
--> statement-breakpoint
CREATE INDEX "items_search" ON "items" USING gin ("search_vector");
