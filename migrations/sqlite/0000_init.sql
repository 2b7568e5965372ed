CREATE TABLE `fetch_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`error_reason` text,
	`error` text,
	`bytes` integer,
	`items_new` integer DEFAULT 0 NOT NULL,
	`items_updated` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `fetch_attempts_source` ON `fetch_attempts` (`source_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`uid` text NOT NULL,
	`guid` text,
	`link` text,
	`title` text NOT NULL,
	`author` text,
	`summary` text DEFAULT '' NOT NULL,
	`language` text,
	`published_at` integer NOT NULL,
	`date_estimated` integer DEFAULT false NOT NULL,
	`updated_at` integer,
	`first_seen_at` integer NOT NULL,
	`changed_at` integer NOT NULL,
	`categories` text DEFAULT '[]' NOT NULL,
	`enclosures` text DEFAULT '[]' NOT NULL,
	`image_url` text,
	`content_hash` text NOT NULL,
	`story_key` text,
	`read` integer DEFAULT false NOT NULL,
	`starred` integer DEFAULT false NOT NULL,
	`content_html` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_source_uid` ON `items` (`source_id`,`uid`);--> statement-breakpoint
CREATE INDEX `items_river` ON `items` (`published_at`,`id`);--> statement-breakpoint
CREATE INDEX `items_source_river` ON `items` (`source_id`,`published_at`,`id`);--> statement-breakpoint
CREATE INDEX `items_unread_river` ON `items` (`published_at`,`id`) WHERE "items"."read" = false;--> statement-breakpoint
CREATE INDEX `items_starred_river` ON `items` (`published_at`,`id`) WHERE "items"."starred" = true;--> statement-breakpoint
CREATE INDEX `items_story` ON `items` (`story_key`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`config_url` text NOT NULL,
	`fetch_url` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`feed_title` text,
	`site_url` text,
	`description` text,
	`category` text DEFAULT 'Uncategorized' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`language` text,
	`identity` text DEFAULT 'auto' NOT NULL,
	`interval_override` integer,
	`retention_days` integer,
	`retention_items` integer,
	`in_config` integer DEFAULT true NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`error_reason` text,
	`last_error` text,
	`consecutive_errors` integer DEFAULT 0 NOT NULL,
	`last_fetch_at` integer,
	`last_success_at` integer,
	`next_fetch_at` integer DEFAULT 0 NOT NULL,
	`etag` text,
	`last_modified` text,
	`redirect_url` text,
	`redirect_count` integer DEFAULT 0 NOT NULL,
	`publish_interval_sec` real,
	`not_before` integer,
	`item_count` integer DEFAULT 0 NOT NULL,
	`unread_count` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sources_config_url` ON `sources` (`config_url`);--> statement-breakpoint
CREATE INDEX `sources_due` ON `sources` (`next_fetch_at`);--> statement-breakpoint
CREATE TABLE `tombstones` (
	`source_id` integer NOT NULL,
	`uid` text NOT NULL,
	`removed_at` integer NOT NULL,
	PRIMARY KEY(`source_id`, `uid`)
);
--> statement-breakpoint
CREATE TABLE `topic_items` (
	`topic_slug` text NOT NULL,
	`item_id` integer NOT NULL,
	`score` real NOT NULL,
	`evidence` text DEFAULT '{}' NOT NULL,
	`decision` text DEFAULT 'auto' NOT NULL,
	`included` integer NOT NULL,
	`published_at` integer NOT NULL,
	`scored_at` integer NOT NULL,
	PRIMARY KEY(`topic_slug`, `item_id`)
);
--> statement-breakpoint
CREATE INDEX `topic_items_river` ON `topic_items` (`topic_slug`,`published_at`,`item_id`) WHERE "topic_items"."included" = true;--> statement-breakpoint
CREATE TABLE `topics` (
	`slug` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`rules_hash` text NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
