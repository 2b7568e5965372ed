CREATE TABLE `app_passwords` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`fever_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `app_passwords_name` ON `app_passwords` (`name`);--> statement-breakpoint
CREATE INDEX `app_passwords_fever_key` ON `app_passwords` (`fever_key`);