CREATE TABLE "app_passwords" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"fever_key" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint
);
--> statement-breakpoint
CREATE UNIQUE INDEX "app_passwords_name" ON "app_passwords" USING btree ("name");--> statement-breakpoint
CREATE INDEX "app_passwords_fever_key" ON "app_passwords" USING btree ("fever_key");