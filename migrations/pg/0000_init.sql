CREATE TABLE "fetch_attempts" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"started_at" bigint NOT NULL,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"error_reason" text,
	"error" text,
	"bytes" integer,
	"items_new" integer DEFAULT 0 NOT NULL,
	"items_updated" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"uid" text NOT NULL,
	"guid" text,
	"link" text,
	"title" text NOT NULL,
	"author" text,
	"summary" text DEFAULT '' NOT NULL,
	"language" text,
	"published_at" bigint NOT NULL,
	"date_estimated" boolean DEFAULT false NOT NULL,
	"updated_at" bigint,
	"first_seen_at" bigint NOT NULL,
	"changed_at" bigint NOT NULL,
	"categories" text DEFAULT '[]' NOT NULL,
	"enclosures" text DEFAULT '[]' NOT NULL,
	"image_url" text,
	"content_hash" text NOT NULL,
	"story_key" text,
	"read" boolean DEFAULT false NOT NULL,
	"starred" boolean DEFAULT false NOT NULL,
	"content_html" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"config_url" text NOT NULL,
	"fetch_url" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"feed_title" text,
	"site_url" text,
	"description" text,
	"category" text DEFAULT 'Uncategorized' NOT NULL,
	"tags" text DEFAULT '[]' NOT NULL,
	"language" text,
	"identity" text DEFAULT 'auto' NOT NULL,
	"interval_override" integer,
	"retention_days" integer,
	"retention_items" integer,
	"in_config" boolean DEFAULT true NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"error_reason" text,
	"last_error" text,
	"consecutive_errors" integer DEFAULT 0 NOT NULL,
	"last_fetch_at" bigint,
	"last_success_at" bigint,
	"next_fetch_at" bigint DEFAULT 0 NOT NULL,
	"etag" text,
	"last_modified" text,
	"redirect_url" text,
	"redirect_count" integer DEFAULT 0 NOT NULL,
	"publish_interval_sec" double precision,
	"not_before" bigint,
	"item_count" integer DEFAULT 0 NOT NULL,
	"unread_count" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_until" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tombstones" (
	"source_id" integer NOT NULL,
	"uid" text NOT NULL,
	"removed_at" bigint NOT NULL,
	CONSTRAINT "tombstones_source_id_uid_pk" PRIMARY KEY("source_id","uid")
);
--> statement-breakpoint
CREATE TABLE "topic_items" (
	"topic_slug" text NOT NULL,
	"item_id" integer NOT NULL,
	"score" double precision NOT NULL,
	"evidence" text DEFAULT '{}' NOT NULL,
	"decision" text DEFAULT 'auto' NOT NULL,
	"included" boolean NOT NULL,
	"published_at" bigint NOT NULL,
	"scored_at" bigint NOT NULL,
	CONSTRAINT "topic_items_topic_slug_item_id_pk" PRIMARY KEY("topic_slug","item_id")
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"slug" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"rules_hash" text NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fetch_attempts_source" ON "fetch_attempts" USING btree ("source_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "items_source_uid" ON "items" USING btree ("source_id","uid");--> statement-breakpoint
CREATE INDEX "items_river" ON "items" USING btree ("published_at","id");--> statement-breakpoint
CREATE INDEX "items_source_river" ON "items" USING btree ("source_id","published_at","id");--> statement-breakpoint
CREATE INDEX "items_unread_river" ON "items" USING btree ("published_at","id") WHERE "items"."read" = false;--> statement-breakpoint
CREATE INDEX "items_starred_river" ON "items" USING btree ("published_at","id") WHERE "items"."starred" = true;--> statement-breakpoint
CREATE INDEX "items_story" ON "items" USING btree ("story_key");--> statement-breakpoint
CREATE UNIQUE INDEX "sources_config_url" ON "sources" USING btree ("config_url");--> statement-breakpoint
CREATE INDEX "sources_due" ON "sources" USING btree ("next_fetch_at");--> statement-breakpoint
CREATE INDEX "topic_items_river" ON "topic_items" USING btree ("topic_slug","published_at","item_id") WHERE "topic_items"."included" = true;