CREATE TABLE `websub_marks` (
	`hub` text NOT NULL,
	`path` text NOT NULL,
	`mark` text NOT NULL,
	`announced_at` integer NOT NULL,
	PRIMARY KEY(`hub`, `path`)
);
