ALTER TABLE "sources" ADD COLUMN "retention_min_items" integer;--> statement-breakpoint
CREATE INDEX "items_source_first_seen" ON "items" USING btree ("source_id","first_seen_at");--> statement-breakpoint
-- Hand-written: tombstones made before this migration also covered items their feed still carried (retention counted
-- from the publication date), so those items could never come back. Forget them all: items that really left their
-- feed are not in it to be re-imported.
DELETE FROM "tombstones";
