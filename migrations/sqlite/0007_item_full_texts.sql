CREATE TABLE `item_full_texts` (
	`item_id` integer PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`requested_at` integer NOT NULL,
	`extracted_at` integer,
	`content_html` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `item_full_texts_due` ON `item_full_texts` (`status`,`next_attempt_at`);