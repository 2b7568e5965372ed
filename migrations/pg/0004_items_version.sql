ALTER TABLE "sources" ADD COLUMN "items_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "items_changed_at" bigint DEFAULT 0 NOT NULL;