CREATE TABLE `fetch_hosts` (
	`host` text PRIMARY KEY NOT NULL,
	`next_start_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `host_slots` (
	`host` text NOT NULL,
	`slot` integer NOT NULL,
	`owner` text,
	`lease_until` integer,
	PRIMARY KEY(`host`, `slot`)
);
--> statement-breakpoint
CREATE TABLE `workers` (
	`owner` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`started_at` integer NOT NULL,
	`seen_at` integer NOT NULL,
	`fetches` integer DEFAULT 0 NOT NULL
);
