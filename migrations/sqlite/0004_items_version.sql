ALTER TABLE `sources` ADD `items_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sources` ADD `items_changed_at` integer DEFAULT 0 NOT NULL;