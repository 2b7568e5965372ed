CREATE TABLE "fetch_hosts" (
	"host" text PRIMARY KEY NOT NULL,
	"next_start_at" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "host_slots" (
	"host" text NOT NULL,
	"slot" integer NOT NULL,
	"owner" text,
	"lease_until" bigint,
	CONSTRAINT "host_slots_host_slot_pk" PRIMARY KEY("host","slot")
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"owner" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"started_at" bigint NOT NULL,
	"seen_at" bigint NOT NULL,
	"fetches" integer DEFAULT 0 NOT NULL
);
