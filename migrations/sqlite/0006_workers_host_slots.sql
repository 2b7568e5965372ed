CREATE TABLE `fetch_hosts` (
	`host` text PRIMARY KEY NOT NULL,
	`next_start_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `host_fetches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host` text NOT NULL,
	`owner` text NOT NULL,
	`lease_until` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `host_fetches_host` ON `host_fetches` (`host`,`lease_until`);--> statement-breakpoint
CREATE TABLE `workers` (
	`owner` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`started_at` integer NOT NULL,
	`seen_at` integer NOT NULL,
	`fetches` integer DEFAULT 0 NOT NULL
);
