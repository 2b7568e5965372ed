CREATE TABLE "site_icons" (
	"origin" text PRIMARY KEY NOT NULL,
	"content_type" text,
	"body" text DEFAULT '' NOT NULL,
	"fetched_at" bigint NOT NULL
);
