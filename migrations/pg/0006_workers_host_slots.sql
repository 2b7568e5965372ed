CREATE TABLE "fetch_hosts" (
	"host" text PRIMARY KEY NOT NULL,
	"next_start_at" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "host_fetches" (
	"id" serial PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"owner" text NOT NULL,
	"lease_until" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"owner" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"started_at" bigint NOT NULL,
	"seen_at" bigint NOT NULL,
	"fetches" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "host_fetches_host" ON "host_fetches" USING btree ("host","lease_until");